"""The user's settings file (`health.toml`), validated, with errors that name the key and line.

Must not import streamlit. Sensible defaults apply when there is no file at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from dashboard.catalogue import directions
from dashboard.errors import ProductHealthError

CONFIG_FILE_NAME = "health.toml"

# Every source with a [sources.<name>] section (the formats' `source`, sources/formats.py;
# tests/test_formats.py checks the two agree), and which field of it may decide the product
# line. Fixed lists: these names are code constants, never user text, so the staging SQL can
# switch on them.
PRODUCT_LINE_FIELDS: dict[str, tuple[str, ...]] = {
    "zendesk": ("group", "brand", "tag", "field"),
    "freshdesk": ("product", "group", "tag"),
    "jira": ("project", "component", "label"),
    "jira_service_management": (),
    "github": ("repository", "label"),
    "linear": ("team", "label"),
    "self_service": (),
}
DEFAULT_PRODUCT_LINE_FIELD = {
    "zendesk": "group",
    "freshdesk": "product",
    "jira": "project",
    "github": "repository",
    "linear": "team",
}
DEFAULT_BUG_VALUES = {"jira": ["Bug"], "github": ["bug"], "linear": ["Bug"]}
DEFAULT_NOT_PLANNED = [
    "Won't Do",
    "Won't Fix",
    "Duplicate",
    "Cannot Reproduce",
    "Declined",
    "Not planned",
    "not_planned",
    "Canceled",
    "Cancelled",
    "Obsolete",
    "Incomplete",
]
SOURCE_KEYS = {
    "timezone",
    "product_line_from",
    "product_line_field",
    "product_lines",
    "bug_values",
    "merged_tag",
}
TOP_KEYS = {
    "timezone",
    "not_planned_resolutions",
    "sources",
    "custom",
    "privacy",
    "links",
    "access",
    "targets",
    "events",
}
TOP_KEYS |= {"schedules", "sla"}  # business hours and SLA targets (_schedules, _sla below)
CUSTOM_KEYS = {"name", "entity", "timezone", "columns"}
CUSTOM_COLUMNS = {
    "ticket_id",
    "created_at",
    "first_response_at",
    "solved_at",
    "status",
    "priority",
    "channel",
    "product_line",
}
PRIVACY_KEYS = {"show_titles"}
LINKS_KEYS = {"key_pattern", "still_hurting_days"}
ACCESS_KEYS = {"require_sign_in", "allowed_email_domains", "allowed_groups"}
EVENT_KEYS = {"date", "label", "product_line", "end_date"}
# A Jira issue key: project key (a capital letter, then capitals or digits), a dash, a number.
DEFAULT_KEY_PATTERN = r"[A-Z][A-Z0-9]+-[0-9]+"
DEFAULT_STILL_HURTING_DAYS = 90


@dataclass(frozen=True)
class SourceSettings:
    """How one source's rows are read: zone of naive timestamps, product-line rule, bug rule."""

    timezone: str = "UTC"
    product_line_from: str = ""
    product_line_field: str = ""
    product_lines: dict[str, str] = field(default_factory=dict)
    bug_values: tuple[str, ...] = ()
    merged_tag: str = "closed_by_merge"


@dataclass(frozen=True)
class CustomSource:
    """A CSV from a tool we do not know, mapped column by column in the settings."""

    name: str
    columns: dict[str, str]
    timezone: str = "UTC"


@dataclass(frozen=True)
class Event:
    """A launch, an incident, a campaign: a day (or days, to `end_date`) in the reporting zone
    that the trend charts mark. `line`: where [[events]] sets it in the settings file."""

    date: dt.date
    label: str
    product_line: str | None = None
    end_date: dt.date | None = None
    line: int = 0


@dataclass(frozen=True)
class Settings:
    timezone: str = "UTC"
    sources: dict[str, SourceSettings] = field(default_factory=dict)
    not_planned_resolutions: tuple[str, ...] = tuple(DEFAULT_NOT_PLANNED)
    custom: tuple[CustomSource, ...] = ()
    show_titles: bool = True
    key_pattern: str = DEFAULT_KEY_PATTERN
    still_hurting_days: int = DEFAULT_STILL_HURTING_DAYS
    require_sign_in: bool = False
    allowed_email_domains: tuple[str, ...] = ()
    allowed_groups: tuple[str, ...] = ()
    targets: dict[str, float] = field(default_factory=dict)  # kpis JSON path -> target, company-wide
    line_targets: dict[str, dict[str, float]] = field(default_factory=dict)  # product line -> overrides
    events: tuple[Event, ...] = ()
    schedules: tuple[Schedule, ...] = ()  # business hours; at most one without product_lines (the default)
    sla: Sla | None = None  # SLA targets; None: no SLA is measured
    path: Path | None = None

    def targets_for(self, product_lines: tuple[str, ...]) -> dict[str, float]:
        """The targets at a filter's level: a product line's own (over the company-wide ones)
        when exactly one product line is chosen, else the company-wide ones."""
        if len(product_lines) == 1:
            return self.targets | self.line_targets.get(product_lines[0], {})
        return dict(self.targets)

    def allows(self, email: str | None, groups: list[str] | tuple[str, ...] | None) -> bool:
        """Whether a signed-in user may see the dashboard: anyone when no allow-list is set,
        else an e-mail in an allowed domain or membership of an allowed group."""
        if not self.allowed_email_domains and not self.allowed_groups:
            return True
        domain = (email or "").rpartition("@")[2].lower()
        if domain and domain in {d.lower().lstrip("@") for d in self.allowed_email_domains}:
            return True
        return bool(set(groups or ()) & set(self.allowed_groups))

    def source(self, name: str) -> SourceSettings:
        if name in self.sources:
            return self.sources[name]
        return SourceSettings(
            product_line_from=DEFAULT_PRODUCT_LINE_FIELD.get(name, ""),
            bug_values=tuple(DEFAULT_BUG_VALUES.get(name, ())),
        )


def _key_parts(dotted: str) -> list[str]:
    """'sources."zendesk".timezone' -> ['sources', 'zendesk', 'timezone']."""
    return [part.strip().strip("\"'") for part in re.findall(r'"[^"]*"|\'[^\']*\'|[^.]+', dotted)]


def _line_of(text: str, key: str) -> int | None:
    """Best-effort line number of the dotted `key` in the TOML text (tomllib reports none for
    semantic errors): the line that sets it, else the line of its nearest enclosing table
    (`[sources.zendesk]` for `sources.zendesk.timezone`), never a same-named key elsewhere."""
    wanted = _key_parts(key)
    table: list[str] = []
    best: tuple[int, int | None] = (0, None)
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", stripped)
        if header:
            table = _key_parts(header.group(1))
            full = table
        else:
            assignment = re.match(r"^([A-Za-z0-9_\-\"'. ]+?)\s*=", stripped)
            if not assignment:
                continue
            full = table + _key_parts(assignment.group(1))
        if full == wanted:
            return number
        if len(full) > best[0] and wanted[: len(full)] == full:
            best = (len(full), number)
    return best[1]


@functools.lru_cache(maxsize=1)
def duckdb_zones() -> frozenset[str]:
    """The time zones DuckDB knows (its ICU list): Python knows some it does not
    ('posix/...', 'right/...', 'localtime'), which would stop the build instead."""
    with duckdb.connect() as con:  # a connection of its own (the default one is shared by threads)
        return frozenset(name for (name,) in con.execute("select name from pg_timezone_names()").fetchall())


def check_zone(name: str, what: str) -> str:
    """`name` if DuckDB knows the zone, else a ProductHealthError naming `what` (a setting, an option)."""
    if name not in duckdb_zones():
        raise ProductHealthError(
            f"{what}: '{name}' is not a time zone DuckDB knows (an IANA name such as "
            "'Europe/Berlin' or 'America/New_York')"
        )
    return name


class _Checker:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def fail(self, key: str, reason: str) -> ProductHealthError:
        line = _line_of(self.text, key)
        where = f"{self.path}, line {line}" if line else str(self.path)
        return ProductHealthError(f"{where}: setting '{key}': {reason}")

    def unknown(self, table: dict[str, Any], allowed: set[str], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail(f"{prefix}{key}", f"unknown key (known keys: {known})")

    def string(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        return value

    def section(self, raw: dict[str, Any], name: str, allowed: set[str]) -> dict[str, Any]:
        """The optional [name] table, with only known keys."""
        table = raw.get(name, {})
        if not isinstance(table, dict):
            raise self.fail(name, "must be a table")
        self.unknown(table, allowed, f"{name}.")
        return table

    def boolean(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def strings(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "must be a list of strings")
        return tuple(value)

    def zone(self, value: Any, key: str) -> str:
        name = self.string(value, key)
        if name not in duckdb_zones():
            raise self.fail(key, f"'{name}' is not an IANA time zone DuckDB knows (e.g. 'Europe/Berlin')")
        return name


def load_settings(data_dir: Path | None = None, config_path: Path | None = None) -> Settings:
    """Read `config_path`, else `<data_dir>/health.toml`, else return the defaults."""
    path = config_path
    if path is None and data_dir is not None:
        beside = data_dir / CONFIG_FILE_NAME
        if beside.is_file() or beside.exists() or beside.is_symlink():
            path = beside
    if path is None:
        return Settings()
    if Path(path).exists() and not Path(path).is_file():  # a FIFO would make the read wait for ever
        raise ProductHealthError(f"{path}: the settings file is not a regular file (a folder, pipe or device)")
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # Windows editors may save a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise ProductHealthError(f"{path}: cannot read the settings file: {exc}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProductHealthError(f"{path}: not valid TOML: {exc}") from None
    return parse_settings(raw, Path(path), text)


def parse_settings(raw: dict[str, Any], path: Path, text: str = "") -> Settings:
    check = _Checker(path, text)
    check.unknown(raw, TOP_KEYS, "")
    timezone = check.zone(raw.get("timezone", "UTC"), "timezone")
    not_planned = tuple(DEFAULT_NOT_PLANNED)
    if "not_planned_resolutions" in raw:
        not_planned = check.strings(raw["not_planned_resolutions"], "not_planned_resolutions")

    sources: dict[str, SourceSettings] = {}
    source_tables = raw.get("sources", {})
    if not isinstance(source_tables, dict):
        raise check.fail("sources", "must be a table of [sources.<name>] sections")
    known_sources = set(PRODUCT_LINE_FIELDS)
    for name, table in source_tables.items():
        prefix = f"sources.{name}."
        if name not in known_sources:
            raise check.fail(f"sources.{name}", f"unknown source (known: {', '.join(sorted(known_sources))})")
        if not isinstance(table, dict):
            raise check.fail(f"sources.{name}", "must be a table")
        check.unknown(table, SOURCE_KEYS, prefix)
        defaults = Settings().source(name)
        pl_from = table.get("product_line_from", defaults.product_line_from)
        allowed = PRODUCT_LINE_FIELDS.get(name, ())
        if "product_line_from" in table and pl_from not in allowed:
            raise check.fail(prefix + "product_line_from", f"must be one of: {', '.join(allowed) or '(none)'}")
        pl_field = ""
        if pl_from == "field":
            pl_field = check.string(table.get("product_line_field"), prefix + "product_line_field")
        product_lines = table.get("product_lines", {})
        if not isinstance(product_lines, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in product_lines.items()
        ):
            raise check.fail(prefix + "product_lines", "must map export values to product-line names (strings)")
        bug_values = defaults.bug_values
        if "bug_values" in table:
            bug_values = check.strings(table["bug_values"], prefix + "bug_values")
        sources[name] = SourceSettings(
            timezone=check.zone(table.get("timezone", "UTC"), prefix + "timezone"),
            product_line_from=pl_from,
            product_line_field=pl_field,
            product_lines=dict(product_lines),
            bug_values=bug_values,
            merged_tag=check.string(table.get("merged_tag", "closed_by_merge"), prefix + "merged_tag"),
        )

    custom: list[CustomSource] = []
    for index, table in enumerate(raw.get("custom", [])):
        if not isinstance(table, dict):
            raise check.fail("custom", "must be an array of [[custom]] tables")
        check.unknown(table, CUSTOM_KEYS, "custom.")
        name = check.string(table.get("name"), "custom.name")
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,30}", name):
            raise check.fail("custom.name", f"'{name}' must be lower-case letters, digits and _")
        columns = table.get("columns")
        if not isinstance(columns, dict):
            raise check.fail("custom.columns", "must map ticket_id, created_at, ... to column headers")
        check.unknown(columns, CUSTOM_COLUMNS, "custom.columns.")
        for required in ("ticket_id", "created_at"):
            if required not in columns:
                raise check.fail("custom.columns", f"[[custom]] #{index + 1} needs '{required}'")
        custom.append(
            CustomSource(
                name=name,
                columns={k: check.string(v, f"custom.columns.{k}") for k, v in columns.items()},
                timezone=check.zone(table.get("timezone", "UTC"), "custom.timezone"),
            )
        )

    privacy = check.section(raw, "privacy", PRIVACY_KEYS)
    show_titles = check.boolean(privacy.get("show_titles", True), "privacy.show_titles")

    links = check.section(raw, "links", LINKS_KEYS)
    key_pattern = check.string(links.get("key_pattern", DEFAULT_KEY_PATTERN), "links.key_pattern")
    try:  # checked by the engine that runs it (RE2 syntax), on a connection of its own
        with duckdb.connect() as con:  # (the module's default connection is shared by all threads)
            con.execute("select regexp_extract_all('', $p)", {"p": key_pattern})
    except duckdb.Error as exc:
        raise check.fail("links.key_pattern", f"is not a regular expression: {str(exc).splitlines()[0]}") from None
    still_hurting_days = links.get("still_hurting_days", DEFAULT_STILL_HURTING_DAYS)
    if isinstance(still_hurting_days, bool) or not isinstance(still_hurting_days, int) or still_hurting_days < 0:
        raise check.fail("links.still_hurting_days", "must be a whole number of days, 0 or more")

    access = check.section(raw, "access", ACCESS_KEYS)
    require_sign_in = check.boolean(access.get("require_sign_in", False), "access.require_sign_in")
    domains = check.strings(access.get("allowed_email_domains", []), "access.allowed_email_domains")
    groups = check.strings(access.get("allowed_groups", []), "access.allowed_groups")

    targets, line_targets = _targets(raw.get("targets", {}), check)
    events = _events(raw.get("events", []), check)
    schedules = _schedules(raw.get("schedules", []), check)
    sla = _sla(raw.get("sla"), schedules, check)

    return Settings(
        timezone=timezone,
        sources=sources,
        not_planned_resolutions=not_planned,
        custom=tuple(custom),
        show_titles=show_titles,
        key_pattern=key_pattern,
        still_hurting_days=still_hurting_days,
        require_sign_in=require_sign_in,
        allowed_email_domains=domains,
        allowed_groups=groups,
        targets=targets,
        line_targets=line_targets,
        events=events,
        schedules=schedules,
        sla=sla,
        path=path,
    )


def _targets(table: Any, check: _Checker) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """[targets]: `"first_response.median_hours" = 4` (any path in catalogue.GOALS), and
    [targets."<product line>"] tables of the same keys that override them for that line."""
    if not isinstance(table, dict):
        raise check.fail("targets", "must be a table")

    def fail(line: str | None, key: str, reason: str) -> ProductHealthError:
        # The key's own line: after its table's header ([targets] or [targets."<line>"]).
        lines = check.text.splitlines()
        header = re.compile(r"^\s*\[\s*targets\s*" + (rf"\.\s*\"?{re.escape(line)}\"?\s*" if line else "") + r"\]")
        start = next((i for i, text in enumerate(lines) if header.match(text)), 0)
        found = next(
            (i for i in range(start, len(lines)) if re.match(rf"^\s*\"?{re.escape(key)}\"?\s*=", lines[i])), None
        )
        where = f"{check.path}, line {found + 1}" if found is not None else str(check.path)
        name = f'targets."{line}".{key}' if line else f"targets.{key}"
        return ProductHealthError(f"{where}: setting '{name}': {reason}")

    def numbers(entries: dict[str, Any], line: str | None) -> dict[str, float]:
        out = {}
        for key, value in entries.items():
            if key not in directions():
                raise fail(line, key, f"is not a KPI a target can be set on (known: {', '.join(sorted(directions()))})")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise fail(line, key, "must be a number")
            out[key] = float(value)
        return out

    company = numbers({k: v for k, v in table.items() if not isinstance(v, dict)}, None)
    per_line = {line: numbers(entries, line) for line, entries in table.items() if isinstance(entries, dict)}
    return company, per_line


def _events(tables: Any, check: _Checker) -> tuple[Event, ...]:
    """[[events]]: `date` and `label`, optional `product_line` and `end_date` (a span), dates
    as TOML dates or 'YYYY-MM-DD' text. Errors name the event's own line."""
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise check.fail("events", "must be [[events]] tables (date, label, product_line, end_date)")
    lines = check.text.splitlines()
    headers = [n for n, text in enumerate(lines, 1) if re.match(r"^\s*\[\[\s*events\s*\]\]", text)]
    if len(headers) < len(tables):  # written inline (events = [{...}, ...]): the line of `events`
        headers = [_line_of(check.text, "events") or 0] * len(tables)
    return tuple(
        _event(table, index, headers[index] if index < len(headers) else 0, lines, check.path)
        for index, table in enumerate(tables)
    )


def _event(table: dict[str, Any], index: int, header: int, lines: list[str], path: Path) -> Event:
    """The `index`-th [[events]] table, whose header is on line `header` (0: not found)."""

    def fail(key: str, reason: str) -> ProductHealthError:
        end = next((n for n in range(header + 1, len(lines) + 1) if lines[n - 1].lstrip().startswith("[")), None)
        block = range(header + 1, end or len(lines) + 1)
        found = next((n for n in block if re.match(rf"^\s*{re.escape(key)}\s*=", lines[n - 1])), header)
        where = f"{path}, line {found}" if found else str(path)
        return ProductHealthError(f"{where}: setting 'events.{key}' (event #{index + 1}): {reason}")

    def day(key: str) -> dt.date | None:
        """A TOML date, or text written YYYY-MM-DD (as in events.csv); a date and time is not a day."""
        value = table.get(key)
        if isinstance(value, dt.datetime):
            raise fail(key, "must be a day (2026-08-04), not a date and time")
        if isinstance(value, dt.date):
            return value
        found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", value) if isinstance(value, str) else None
        try:
            return dt.date(*map(int, found.groups())) if found else None
        except ValueError:
            return None

    for key in table:
        if key not in EVENT_KEYS:
            raise fail(key, f"unknown key (known keys: {', '.join(sorted(EVENT_KEYS))})")
    date = day("date")
    if date is None:
        raise fail("date", "must be a date, written 2026-08-04" if "date" in table else "is missing")
    label = table.get("label")
    if not isinstance(label, str) or not label.strip():
        raise fail("label", "must be a non-empty string (what happened)")
    if re.search(r"[\x00-\x1f\x7f]", label) or len(label.strip()) > 200:
        raise fail("label", "must be one line of at most 200 characters, without control characters")
    end_date = day("end_date")
    if "end_date" in table and (end_date is None or end_date < date):
        raise fail("end_date", f"must be a date on or after the event's date ({date})")
    product_line = table.get("product_line")
    if product_line is not None and (not isinstance(product_line, str) or not product_line.strip()):
        raise fail("product_line", "must be the name of a product line (leave it out for the whole company)")
    return Event(date, label.strip(), product_line, end_date, header)


# -- business hours and SLA targets ([[schedules]], [sla]) ---------------------------------

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # ISO day numbers 1..7 in this order
SCHEDULE_KEYS = {"name", "timezone", "hours", "holidays", "product_lines"}
SLA_KEYS = {"basis", "first_response_hours", "resolution_hours"}
SLA_BASES = ("business", "calendar")
_SHIFT = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])")


@dataclass(frozen=True)
class Schedule:
    """Business hours: open shifts per weekday in local wall time (minutes after midnight,
    [open, close)), in `timezone`; holidays are closed all day. product_lines empty: the
    default schedule, for every product line no other schedule names."""

    name: str
    timezone: str
    hours: tuple[tuple[int, int, int], ...]  # (ISO weekday 1..7, open minute, close minute)
    holidays: tuple[dt.date, ...] = ()
    product_lines: tuple[str, ...] = ()
    holidays_file: Path | None = None  # holidays = "holidays.csv": read with the settings, not as an export


@dataclass(frozen=True)
class Sla:
    """Targets in hours per priority (lower-case; 'default' for any other) for the first
    reply and the solve, counted in business or calendar time."""

    basis: str
    first_response_hours: dict[str, float]
    resolution_hours: dict[str, float]


def _array_fail(check: _Checker, array: str, index: int, key: str, reason: str) -> ProductHealthError:
    """An error in the index-th [[array]] entry, at the line of its key (else of its header)."""
    lines = check.text.splitlines()
    headers = [i for i, text in enumerate(lines) if re.match(rf"^\s*\[\[\s*{array}\s*\]\]", text)]
    start = headers[index] if index < len(headers) else None
    found = start
    if start is not None:
        end = headers[index + 1] if index + 1 < len(headers) else len(lines)
        found = start
        for part in (key.rsplit(".", 1)[-1], key.split(".", 1)[0]):  # 'mon = ...', else 'hours = { mon ...'
            hit = next((i for i in range(start, end) if re.match(rf"^\s*\"?{re.escape(part)}\"?\s*=", lines[i])), None)
            if hit is not None:
                found = hit
                break
    where = f"{check.path}, line {found + 1}" if found is not None else str(check.path)
    return ProductHealthError(f"{where}: setting '{array}.{key}' (entry {index + 1}): {reason}")


def _shifts(value: Any, fail: Any, key: str) -> list[tuple[int, int]]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(key, 'must be a list of "HH:MM-HH:MM" shifts, e.g. ["09:00-13:00", "14:00-17:00"]')
    shifts = []
    for text in value:
        match = _SHIFT.fullmatch(text.strip())
        if not match:
            raise fail(key, f"'{text}' is not a shift \"HH:MM-HH:MM\" (24-hour clock, 24:00 for midnight at its end)")
        h1, m1, h2, m2 = map(int, match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end > 24 * 60 or end <= start:
            raise fail(key, f"'{text}' must end after it starts, by midnight (split a night shift at 24:00)")
        shifts.append((start, end))
    shifts.sort()
    for (_, end), (start, _) in zip(shifts, shifts[1:], strict=False):
        if start < end:
            raise fail(key, f"shifts overlap: {value}")
    return shifts


def _schedules(table: Any, check: _Checker) -> tuple[Schedule, ...]:
    """[[schedules]]: name, timezone, hours per weekday, holidays, product_lines (omitted: the
    default schedule, at most one)."""
    if not isinstance(table, list) or not all(isinstance(t, dict) for t in table):
        raise check.fail("schedules", "must be an array of [[schedules]] tables")
    out: list[Schedule] = []
    claimed: dict[str, str] = {}
    for index, entry in enumerate(table):

        def fail(key: str, reason: str, index: int = index) -> ProductHealthError:
            return _array_fail(check, "schedules", index, key, reason)

        for key in entry:
            if key not in SCHEDULE_KEYS:
                raise fail(key, f"unknown key (known keys: {', '.join(sorted(SCHEDULE_KEYS))})")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail("name", "must be a non-empty string")
        if name in {s.name for s in out}:
            raise fail("name", f"a second schedule named '{name}'")
        zone = entry.get("timezone", "UTC")
        if not isinstance(zone, str) or zone not in duckdb_zones():
            raise fail("timezone", f"{zone!r} is not an IANA time zone DuckDB knows (e.g. 'Europe/Berlin')")
        hours = entry.get("hours")
        if not isinstance(hours, dict) or not hours:
            raise fail("hours", 'must be a table of weekdays, e.g. { mon = ["09:00-17:00"] }')
        rows: list[tuple[int, int, int]] = []
        for day, value in hours.items():
            if day not in WEEKDAYS:
                raise fail(f"hours.{day}", f"unknown weekday (use {', '.join(WEEKDAYS)})")
            rows += [(WEEKDAYS.index(day) + 1, a, b) for a, b in _shifts(value, fail, f"hours.{day}")]
        holidays = entry.get("holidays", [])
        holidays_file = None
        if isinstance(holidays, str):  # a CSV of dates beside the settings file
            holidays_file = (check.path.parent / holidays).resolve()
            holidays = _holidays_csv(holidays_file, fail)
        if not isinstance(holidays, list):
            raise fail("holidays", 'must be a list of dates, e.g. ["2025-12-25"], or a CSV file, e.g. "holidays.csv"')
        days: list[dt.date] = []
        for value in holidays:
            try:
                days.append(value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)))
            except ValueError:
                raise fail("holidays", f"'{value}' is not a date YYYY-MM-DD") from None
        lines = entry.get("product_lines", [])
        if not isinstance(lines, list) or not all(isinstance(v, str) and v.strip() for v in lines):
            raise fail("product_lines", "must be a list of product-line names")
        if not lines and any(not s.product_lines for s in out):
            raise fail("product_lines", "a second schedule without product_lines: only one can be the default")
        for line in lines:
            if line in claimed:
                raise fail("product_lines", f"'{line}' is already in schedule '{claimed[line]}'")
            claimed[line] = name
        out.append(Schedule(name, zone, tuple(sorted(rows)), tuple(sorted(set(days))), tuple(lines), holidays_file))
    return tuple(out)


def _holidays_csv(path: Path, fail: Any) -> list[dt.date]:
    """The dates of a holidays CSV: one a line in its first column (YYYY-MM-DD), a header line
    and more columns (the holiday's name) allowed; errors name the file and the line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail("holidays", f"cannot read {path}: {exc}") from None
    days = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        first = row[0].strip() if row else ""
        if not first or (number == 1 and not re.match(r"\d", first)):
            continue  # a blank line, or the header
        try:
            days.append(dt.date.fromisoformat(first))
        except ValueError:
            raise fail("holidays", f"{path}, line {number}: '{first[:40]}' is not a date YYYY-MM-DD") from None
    return days


def _sla(table: Any, schedules: tuple[Schedule, ...], check: _Checker) -> Sla | None:
    """[sla]: basis (business, the default with schedules, or calendar) and hours per priority."""
    if table is None:
        return None
    if not isinstance(table, dict):
        raise check.fail("sla", "must be a table")
    check.unknown(table, SLA_KEYS, "sla.")
    basis = table.get("basis", "business" if schedules else "calendar")
    if basis not in SLA_BASES:
        raise check.fail("sla.basis", f"must be one of: {', '.join(SLA_BASES)}")
    if basis == "business" and not any(not s.product_lines for s in schedules):
        raise check.fail(
            "sla.basis",
            "'business' needs a default schedule (a [[schedules]] without product_lines); "
            "add one, or set basis = 'calendar'",
        )

    def targets(key: str) -> dict[str, float]:
        value = table.get(key, {})
        if not isinstance(value, dict):
            raise check.fail(f"sla.{key}", "must map priorities to hours, e.g. { urgent = 1, default = 8 }")
        out = {}
        for priority, hours in value.items():
            if isinstance(hours, bool) or not isinstance(hours, (int, float)) or not 0 < hours <= 24 * 366:
                raise check.fail(f"sla.{key}", f"'{priority}' must be a number of hours above 0")
            out[priority.lower()] = float(hours)
        return out

    return Sla(basis, targets("first_response_hours"), targets("resolution_hours"))
