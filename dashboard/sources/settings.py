"""[sources.<name>] checked against the format registry: which sources exist, which field of each
may decide the product line, and the defaults its format declares (Format.product_line_fields,
default_product_line_field, default_bug_values).

config.py reads the section's shape (it cannot import the registry: the readers import it);
the settings loader (dashboard/settings.py) calls `source_settings` after it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dashboard.config import Checker, SourceSettings
from dashboard.sources.formats import ALL_FORMATS, SOURCE_FORMATS

# The sources whose rows are tickets: only they have a ticket page a `ticket_url` can point at.
TICKET_SOURCES = frozenset(
    {f.source for f in ALL_FORMATS if f.entity == "tickets" and f.source}
    | {also for f in ALL_FORMATS for also in f.also_sources}
)


def source_settings(parsed: dict[str, SourceSettings], written: Any, check: Checker) -> dict[str, SourceSettings]:
    """Every registered source's settings: `parsed` (config.py's reading of the `written`
    [sources] tables), its product-line rule checked against its format, over the format's
    defaults where the file says nothing. Errors name the key and its line, as config.py's do."""
    tables = written if isinstance(written, dict) else {}
    for name in tables:
        if name not in SOURCE_FORMATS:
            raise check.fail(f"sources.{name}", f"unknown source (known: {', '.join(sorted(SOURCE_FORMATS))})")
    out = {}
    for name, fmt in SOURCE_FORMATS.items():
        table = tables.get(name, {})
        fields = fmt.product_line_fields if fmt else ()
        prefix = f"sources.{name}."
        pl_from = table.get("product_line_from", fmt.default_product_line_field if fmt else "")
        if "product_line_from" in table and pl_from not in fields:
            raise check.fail(prefix + "product_line_from", f"must be one of: {', '.join(fields) or '(none)'}")
        if "ticket_url" in table and name not in TICKET_SOURCES:
            raise check.fail(
                prefix + "ticket_url",
                f"{name} exports issues, not tickets: their links come from the export "
                f"(ticket_url is read in: {', '.join(sorted(TICKET_SOURCES))})",
            )
        pl_field = ""
        if pl_from == "field":
            pl_field = check.string(table.get("product_line_field"), prefix + "product_line_field")
        bug_values = parsed[name].bug_values if "bug_values" in table else (fmt.default_bug_values if fmt else ())
        out[name] = replace(
            parsed.get(name, SourceSettings()),
            product_line_from=pl_from,
            product_line_field=pl_field,
            bug_values=bug_values,
        )
    return out
