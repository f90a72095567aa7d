"""What the product-line fields of the exports hold, and how `health.toml` maps them.

On a first run over real exports the product lines are whatever the field holds: Jira project
keys, Zendesk groups, 'Unassigned'. `check` and the Data page list, per source, the values
found with their row counts, warn about mapping keys that match nothing, and print a
`[sources.X] product_lines = {...}` snippet ready to paste. No streamlit here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from dashboard.db import Warehouse

SNIPPET_VALUES = 15  # values in a snippet; a tag field can hold hundreds


@dataclass
class FieldValues:
    """One source's product-line field: its values (most rows first) and the mapping's fit."""

    source: str
    field: str
    values: list[tuple[str | None, int, bool]]  # (value or None for empty, rows, mapped)
    mapping: dict[str, str]
    unmatched_keys: list[str] = field(default_factory=list)

    @property
    def configurable(self) -> bool:
        return bool(self.field)

    def warnings(self) -> list[str]:
        found = ", ".join(f"{v!r} ({n:,})" for v, n, _ in self.values[:8] if v is not None) or "none"
        out = []
        for key in self.unmatched_keys:
            near = [v for v, _, _ in self.values if v is not None and v.lower() == key.lower()]
            hint = f" (did you mean {near[0]!r}? keys are case-sensitive)" if near else ""
            out.append(
                f"[sources.{self.source}] product_lines: the key {key!r} matches no {self.field} in the "
                f"exports{hint}; its rows go to 'Unassigned'. Values found: {found}"
            )
        return out

    def snippet(self) -> str:
        """A `[sources.X]` table to paste into health.toml: each value mapped to itself (or to
        what the settings already map it to), most rows first."""
        named = [v for v, _, _ in self.values if v is not None][:SNIPPET_VALUES]
        pairs = ", ".join(f"{json.dumps(v)} = {json.dumps(self.mapping.get(v, v))}" for v in named)
        more = len([v for v, _, _ in self.values if v is not None]) - len(named)
        tail = f"\n# ... and {more} more values with fewer rows" if more > 0 else ""
        return f'[sources.{self.source}]\nproduct_line_from = "{self.field}"\nproduct_lines = {{ {pairs} }}{tail}'


def field_values(warehouse: Warehouse) -> list[FieldValues]:
    """Per source with tickets or issues, the values of its product-line field."""
    frame = warehouse.query("metrics/product_line_values")
    out = []
    for source, rows in frame.groupby("source", sort=True):
        mapping = dict(warehouse.settings.source(str(source)).product_lines)
        values = [
            (None if not isinstance(v, str) else v, int(n), bool(m))
            for v, n, m in zip(rows["value"], rows["rows"], rows["is_mapped"], strict=True)
        ]
        found = {v for v, _, _ in values}
        out.append(
            FieldValues(
                str(source), str(rows["field"].iloc[0] or ""), values, mapping, [k for k in mapping if k not in found]
            )
        )
    return out


def unmapped_snippets(fields: list[FieldValues]) -> list[str]:
    """The `[sources.X]` snippets of the sources that have values but no mapping yet."""
    return [
        item.snippet()
        for item in fields
        if item.configurable and not item.mapping and any(v is not None for v, _, _ in item.values)
    ]


def format_field_values(fields: list[FieldValues], limit: int = 10) -> str:
    """The `check` section: per source, the values found, the warnings and the snippet."""
    if not fields:
        return ""
    lines = ["", "Product lines: the values of each source's product-line field"]
    for item in fields:
        what = f"{item.source} ({item.field})" if item.field else f"{item.source} (not configurable)"
        lines.append(f"  {what}:")
        for value, rows, mapped in item.values[:limit]:
            target = f" -> {item.mapping[value]}" if mapped and value in item.mapping else ""
            lines.append(f"    {'(empty)' if value is None else value}: {rows:,} rows{target}")
        if len(item.values) > limit:
            lines.append(f"    ... and {len(item.values) - limit} more values")
        lines.extend(f"  warning: {w}" for w in item.warnings())
    if snippets := unmapped_snippets(fields):
        lines.append("")
        lines.append("To name the product lines, paste into health.toml and edit the names on the right:")
        lines.extend(f"\n{s}" for s in snippets)
    return "\n".join(lines)
