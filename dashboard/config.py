"""The user's settings file (`health.toml`): its sections validated into `Settings`, with errors
that name the file, the key and its line (`Checker`, the one line finder).

A leaf of the load path: imports neither the format registry (its readers import this; the
loader, settings.py, has sources/settings.py check [sources.<name>] against the formats) nor
streamlit. Sensible defaults apply when there is no file at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from dashboard.catalogue import directions
from dashboard.errors import ProductHealthError
from dashboard.zones import is_zone, zone_reason

CONFIG_FILE_NAME = "health.toml"

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
    "ticket_url",
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
    "schedules",  # business hours (_schedules below)
    "sla",  # SLA targets (_sla below)
    "delivery",  # e-mail and chat delivery of the digest and alerts (_delivery below)
}
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
ACCESS_KEYS = {
    "require_sign_in",
    "allowed_email_domains",
    "allowed_groups",
    "max_session_hours",
    "product_lines",
    "show_company_totals",
}
EVERY_LINE = "*"  # [access.product_lines]: this person or group sees every product line
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
    ticket_url: str = ""  # "https://acme.zendesk.com/agent/tickets/{id}": a ticket's web page; "" = none


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
    max_session_hours: float | None = None  # None: a session ends when its ID token expires
    # [access.product_lines]: "group:<name>" or an e-mail -> its product lines, or ("*",) for all;
    # empty: everyone admitted sees every line.
    line_access: dict[str, tuple[str, ...]] = field(default_factory=dict)
    show_company_totals: bool = False  # whether a restricted user sees company-wide totals
    targets: dict[str, float] = field(default_factory=dict)  # kpis JSON path -> target, company-wide
    line_targets: dict[str, dict[str, float]] = field(default_factory=dict)  # product line -> overrides
    events: tuple[Event, ...] = ()
    schedules: tuple[Schedule, ...] = ()  # business hours; at most one without product_lines (the default)
    sla: Sla | None = None  # SLA targets; None: no SLA is measured
    delivery: Delivery | None = None  # [delivery]; None: `send` and `alert` have nowhere to send
    path: Path | None = None

    def targets_for(self, product_lines: tuple[str, ...]) -> dict[str, float]:
        """The targets at a filter's level: a product line's own (over the company-wide ones)
        when exactly one product line is chosen, else the company-wide ones."""
        if len(product_lines) == 1:
            return self.targets | self.line_targets.get(product_lines[0], {})
        return dict(self.targets)

    def allows(
        self, email: str | None, groups: list[str] | tuple[str, ...] | None, email_verified: bool | None = None
    ) -> bool:
        """Whether a signed-in user may see the dashboard: anyone when no allow-list is set,
        else an e-mail in an allowed domain (not when the provider says the address is not
        verified: where people set their own address, anyone could claim the domain) or
        membership of an allowed group."""
        if not self.allowed_email_domains and not self.allowed_groups:
            return True
        domain = (email or "").rpartition("@")[2].lower() if email_verified is not False else ""
        if domain and domain in {d.lower().lstrip("@") for d in self.allowed_email_domains}:
            return True
        return bool(set(groups or ()) & set(self.allowed_groups))

    def lines_for(self, email: str | None, groups: list[str] | tuple[str, ...] | None) -> tuple[str, ...] | None:
        """The product lines a signed-in user may see under [access.product_lines]: None for
        every line (no such table, or "*" for the user or one of their groups), else the union
        of the lines given for their e-mail and groups (empty: none)."""
        if not self.line_access:
            return None
        keys = [f"group:{g}" for g in groups or ()] + ([email.lower()] if email else [])
        lines: list[str] = []
        for key in keys:
            given = self.line_access.get(key, ())
            if EVERY_LINE in given:
                return None
            lines += [line for line in given if line not in lines]
        return tuple(lines)

    def source(self, name: str) -> SourceSettings:
        """The settings of source `name`. Loaded settings (settings.py) have a row for every
        registered source, with its format's defaults where the file says nothing."""
        return self.sources.get(name, SourceSettings())


_HEADER = re.compile(r"^\[(\[)?\s*([^\]]+?)\s*\]\]?")  # [table] or [[array]]: group 1 tells which
_ASSIGNMENT = re.compile(r"^([A-Za-z0-9_\-\"'. :@+]+?)\s*=")  # quoted keys may hold : @ + (e-mails, group:)


def key_parts(dotted: str) -> list[str]:
    """'sources."zendesk".timezone' -> ['sources', 'zendesk', 'timezone']."""
    return [part.strip().strip("\"'") for part in re.findall(r'"[^"]*"|\'[^\']*\'|[^.]+', dotted)]


class Checker:
    """The settings file's path and text, to say where a setting is, and the checks every
    section shares. Errors read '<file>, line <n>: setting '<key>': <reason>'."""

    def __init__(self, path: Path, text: str = "") -> None:
        self.path = path
        self.text = text

    def line_of(self, parts: list[str], entry: int | None = None) -> int | None:
        """The line that sets the key `parts` (['sources', 'zendesk', 'timezone']), else the line
        of its nearest enclosing table or key (`[sources.zendesk]`, `hours = { mon = ... }`),
        never a same-named key elsewhere. `entry`: look only in the entry-th [[parts[0]]] table
        (an inline array, `events = [{...}]`, gives the line of its key). tomllib reports no
        line for a value that parses but is wrong, hence this best-effort reading of the text."""
        table: list[str] = []
        seen: dict[tuple[str, ...], int] = {}  # [[array]] headers so far
        inside: tuple[tuple[str, ...], int] | None = None  # the array entry the line belongs to
        best: tuple[int, int | None] = (0, None)
        for number, line in enumerate(self.text.splitlines(), start=1):
            stripped = line.strip()
            header = _HEADER.match(stripped)
            if header:
                table = full = key_parts(header.group(2))
                if header.group(1):
                    seen[tuple(table)] = seen.get(tuple(table), -1) + 1
                    inside = (tuple(table), seen[tuple(table)])
                elif inside and tuple(table[: len(inside[0])]) != inside[0]:
                    inside = None
            elif assignment := _ASSIGNMENT.match(stripped):
                full = table + key_parts(assignment.group(1))
            else:
                continue
            if entry is not None and inside != (tuple(parts[:1]), entry):
                continue
            if full == parts:
                return number
            if len(full) > best[0] and parts[: len(full)] == full:
                best = (len(full), number)
        if best[1] is None and entry is not None:
            return self.line_of(parts[:1])
        return best[1]

    def fail(
        self, key: str, reason: str, *, parts: list[str] | None = None, entry: int | None = None, note: str = ""
    ) -> ProductHealthError:
        """The error for setting `key` (shown as written; `parts` when it cannot be split at
        its dots), in the entry-th table of an array if `entry`; `note` follows the key."""
        line = self.line_of(parts or key_parts(key), entry)
        where = f"{self.path}, line {line}" if line else str(self.path)
        return ProductHealthError(f"{where}: setting '{key}'{note}: {reason}")

    def unknown(self, table: dict[str, Any], allowed: set[str], prefix: str, **where: Any) -> None:
        for key in table:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail(f"{prefix}{key}", f"unknown key (known keys: {known})", **where)

    def table(self, value: Any, key: str, reason: str = "must be a table") -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, reason)
        return value

    def section(self, raw: dict[str, Any], name: str, allowed: set[str]) -> dict[str, Any]:
        """The optional [name] table, with only known keys."""
        table = self.table(raw.get(name, {}), name)
        self.unknown(table, allowed, f"{name}.")
        return table

    def string(self, value: Any, key: str, **where: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string", **where)
        return value

    def boolean(self, value: Any, key: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def strings(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "must be a list of strings")
        return tuple(value)

    def zone(self, value: Any, key: str, **where: Any) -> str:
        name = self.string(value, key, **where)
        if not is_zone(name):
            raise self.fail(key, zone_reason(name), **where)
        return name


def settings_file(data_dir: Path | None, config_path: Path | None) -> Path | None:
    """The settings file that applies: `config_path`, else `<data_dir>/health.toml` if there is one."""
    if config_path is not None:
        return Path(config_path)
    if data_dir is not None:
        beside = data_dir / CONFIG_FILE_NAME
        if beside.is_file() or beside.exists() or beside.is_symlink():
            return beside
    return None


def read_settings_file(path: Path) -> tuple[dict[str, Any], Checker]:
    """The TOML of the settings file `path`, and a Checker over its text."""
    if path.exists() and not path.is_file():  # a FIFO would make the read wait for ever
        raise ProductHealthError(f"{path}: the settings file is not a regular file (a folder, pipe or device)")
    try:
        text = path.read_text(encoding="utf-8-sig")  # Windows editors may save a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise ProductHealthError(f"{path}: cannot read the settings file: {exc}") from None
    try:
        return tomllib.loads(text), Checker(path, text)
    except tomllib.TOMLDecodeError as exc:
        raise ProductHealthError(f"{path}: not valid TOML: {exc}") from None


def parse_settings(raw: dict[str, Any], path: Path, text: str = "") -> Settings:
    """The settings file's sections as written. [sources.<name>] is checked here for its shape;
    which sources exist, which field decides each one's product line and the formats' defaults
    are the registry's: settings.load_settings has sources/settings.py apply them."""
    check = Checker(path, text)
    check.unknown(raw, TOP_KEYS, "")
    timezone = check.zone(raw.get("timezone", "UTC"), "timezone")
    not_planned = tuple(DEFAULT_NOT_PLANNED)
    if "not_planned_resolutions" in raw:
        not_planned = check.strings(raw["not_planned_resolutions"], "not_planned_resolutions")
    sources = _sources(raw.get("sources", {}), check)
    custom = _custom(raw.get("custom", []), check)
    privacy = check.section(raw, "privacy", PRIVACY_KEYS)
    show_titles = check.boolean(privacy.get("show_titles", True), "privacy.show_titles")
    links = _links(check.section(raw, "links", LINKS_KEYS), check)
    access = _access(check.section(raw, "access", ACCESS_KEYS), check)
    targets, line_targets = _targets(raw.get("targets", {}), check)
    events = _events(raw.get("events", []), check)
    schedules = _schedules(raw.get("schedules", []), check)
    sla = _sla(raw.get("sla"), schedules, check)
    delivery = _delivery(raw.get("delivery"), check)
    return Settings(
        timezone=timezone,
        sources=sources,
        not_planned_resolutions=not_planned,
        custom=custom,
        show_titles=show_titles,
        **links,
        **access,
        targets=targets,
        line_targets=line_targets,
        events=events,
        schedules=schedules,
        sla=sla,
        delivery=delivery,
        path=path,
    )


def _sources(tables: Any, check: Checker) -> dict[str, SourceSettings]:
    """[sources.<name>]: the zone of naive times, the product-line map, bug values, merged tag.
    product_line_from and product_line_field are left to sources/settings.py (per format)."""
    check.table(tables, "sources", "must be a table of [sources.<name>] sections")
    sources: dict[str, SourceSettings] = {}
    for name, table in tables.items():
        prefix = f"sources.{name}."
        check.unknown(check.table(table, f"sources.{name}"), SOURCE_KEYS, prefix)
        product_lines = table.get("product_lines", {})
        if not isinstance(product_lines, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in product_lines.items()
        ):
            raise check.fail(prefix + "product_lines", "must map export values to product-line names (strings)")
        bug_values = check.strings(table.get("bug_values", []), prefix + "bug_values")
        sources[name] = SourceSettings(
            timezone=check.zone(table.get("timezone", "UTC"), prefix + "timezone"),
            product_lines=dict(product_lines),
            bug_values=bug_values,
            merged_tag=check.string(table.get("merged_tag", "closed_by_merge"), prefix + "merged_tag"),
            ticket_url=_url_template(table.get("ticket_url"), prefix + "ticket_url", check),
        )
    return sources


# An http(s) address with a host: links the dashboard shows are never javascript: or file:.
_HTTP_URL = re.compile(r"https?://[^\s/?#]+[^\s]*")


def _url_template(value: Any, key: str, check: Checker) -> str:
    """A `ticket_url` template: an http(s) address holding `{id}` (filled with the URL-encoded
    ticket id by the model). Left out: "" (no links from settings)."""
    if value is None:
        return ""
    template = check.string(value, key).strip()
    if not _HTTP_URL.fullmatch(template):
        raise check.fail(
            key,
            f"'{template}' must be an http:// or https:// address, e.g. "
            '"https://acme.zendesk.com/agent/tickets/{id}"',
        )
    if "{id}" not in template:
        raise check.fail(
            key,
            f"'{template}' has no {{id}}, where the ticket's id goes, e.g. "
            '"https://acme.zendesk.com/agent/tickets/{id}"',
        )
    return template


def _custom(tables: Any, check: Checker) -> tuple[CustomSource, ...]:
    """[[custom]]: a CSV of an unknown tool, its columns mapped to ticket_id, created_at, ..."""
    custom: list[CustomSource] = []
    for index, table in enumerate(tables):
        if not isinstance(table, dict):
            raise check.fail("custom", "must be an array of [[custom]] tables")
        at = {"entry": index}
        check.unknown(table, CUSTOM_KEYS, "custom.", **at)
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            raise check.fail("custom.name", "must be a non-empty string", **at)
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,30}", name):
            raise check.fail("custom.name", f"'{name}' must be lower-case letters, digits and _", **at)
        columns = table.get("columns")
        if not isinstance(columns, dict):
            raise check.fail("custom.columns", "must map ticket_id, created_at, ... to column headers", **at)
        check.unknown(columns, CUSTOM_COLUMNS, "custom.columns.", **at)
        for required in ("ticket_id", "created_at"):
            if required not in columns:
                raise check.fail("custom.columns", f"[[custom]] #{index + 1} needs '{required}'", **at)
        for key, header in columns.items():
            if not isinstance(header, str) or not header.strip():
                raise check.fail(f"custom.columns.{key}", "must be a non-empty string", **at)
        timezone = check.zone(table.get("timezone", "UTC"), "custom.timezone", **at)
        custom.append(CustomSource(name=name, columns=dict(columns), timezone=timezone))
    return tuple(custom)


def _links(links: dict[str, Any], check: Checker) -> dict[str, Any]:
    """[links]: the issue-key pattern (RE2, checked by the engine that runs it) and the days
    after which a fixed issue's tickets no longer count as still hurting."""
    key_pattern = check.string(links.get("key_pattern", DEFAULT_KEY_PATTERN), "links.key_pattern")
    try:  # on a connection of its own (the module's default connection is shared by all threads)
        with duckdb.connect() as con:
            con.execute("select regexp_extract_all('', $p)", {"p": key_pattern})
    except duckdb.Error as exc:
        raise check.fail("links.key_pattern", f"is not a regular expression: {str(exc).splitlines()[0]}") from None
    still_hurting_days = links.get("still_hurting_days", DEFAULT_STILL_HURTING_DAYS)
    if isinstance(still_hurting_days, bool) or not isinstance(still_hurting_days, int) or still_hurting_days < 0:
        raise check.fail("links.still_hurting_days", "must be a whole number of days, 0 or more")
    return {"key_pattern": key_pattern, "still_hurting_days": still_hurting_days}


def _access(access: dict[str, Any], check: Checker) -> dict[str, Any]:
    """[access]: whether signing in is required, who may see the dashboard, how long a session
    lasts, and who sees which product lines ([access.product_lines])."""
    hours = access.get("max_session_hours")
    if hours is not None and (isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= 720):
        raise check.fail("access.max_session_hours", "must be a number of hours above 0, at most 720 (30 days)")
    require = check.boolean(access.get("require_sign_in", False), "access.require_sign_in")
    if access.get("product_lines") and not require:
        raise check.fail("access.product_lines", "needs require_sign_in = true: without sign-in nobody has lines")
    return {
        "require_sign_in": require,
        "allowed_email_domains": check.strings(access.get("allowed_email_domains", []), "access.allowed_email_domains"),
        "allowed_groups": check.strings(access.get("allowed_groups", []), "access.allowed_groups"),
        "max_session_hours": float(hours) if hours is not None else None,
        "line_access": _line_access(access.get("product_lines", {}), check),
        "show_company_totals": check.boolean(access.get("show_company_totals", False), "access.show_company_totals"),
    }


def _line_access(table: Any, check: Checker) -> dict[str, tuple[str, ...]]:
    """[access.product_lines]: `"group:support-billing" = ["Billing"]`, `"alice@acme.com" =
    ["Mobile App"]`, `"group:support-leads" = "*"` (every line). E-mails are compared in
    lower case."""
    table = check.table(table, "access.product_lines")
    lines: dict[str, tuple[str, ...]] = {}
    for who, given in table.items():
        key = f"access.product_lines.{who}"
        parts = ["access", "product_lines", who]
        if not who.startswith("group:") and "@" not in who:
            raise check.fail(key, 'must be "group:<name>" or an e-mail address', parts=parts)
        if given == EVERY_LINE:
            lines[who if who.startswith("group:") else who.lower()] = (EVERY_LINE,)
            continue
        if not isinstance(given, list) or not all(isinstance(v, str) and v.strip() for v in given):
            raise check.fail(key, 'must be a list of product lines, or "*" for every line', parts=parts)
        lines[who if who.startswith("group:") else who.lower()] = tuple(given)
    return lines


def _targets(table: Any, check: Checker) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """[targets]: `"first_response.median_hours" = 4` (any path catalogue.directions() names), and
    [targets."<product line>"] tables of the same keys that override them for that line."""
    if not isinstance(table, dict):
        raise check.fail("targets", "must be a table")

    def fail(line: str | None, key: str, reason: str) -> ProductHealthError:
        # KPI paths hold dots ("first_response.median_hours"): the key's parts are given, not split.
        if line:
            return check.fail(f'targets."{line}".{key}', reason, parts=["targets", line, key])
        return check.fail(f"targets.{key}", reason, parts=["targets", key])

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


def _events(tables: Any, check: Checker) -> tuple[Event, ...]:
    """[[events]]: `date` and `label`, optional `product_line` and `end_date` (a span), dates
    as TOML dates or 'YYYY-MM-DD' text. Errors name the event's own line."""
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise check.fail("events", "must be [[events]] tables (date, label, product_line, end_date)")
    return tuple(_event(table, index, check) for index, table in enumerate(tables))


def _event(table: dict[str, Any], index: int, check: Checker) -> Event:
    """The `index`-th [[events]] table (or inline table of `events = [...]`)."""

    def fail(key: str, reason: str) -> ProductHealthError:
        return check.fail(f"events.{key}", reason, entry=index, note=f" (event #{index + 1})")

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
    return Event(date, label.strip(), product_line, end_date, check.line_of(["events"], entry=index) or 0)


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


def _schedules(table: Any, check: Checker) -> tuple[Schedule, ...]:
    """[[schedules]]: name, timezone, hours per weekday, holidays, product_lines (omitted: the
    default schedule, at most one)."""
    if not isinstance(table, list) or not all(isinstance(t, dict) for t in table):
        raise check.fail("schedules", "must be an array of [[schedules]] tables")
    out: list[Schedule] = []
    claimed: dict[str, str] = {}
    for index, entry in enumerate(table):

        def fail(key: str, reason: str, index: int = index) -> ProductHealthError:
            return check.fail(f"schedules.{key}", reason, entry=index, note=f" (entry {index + 1})")

        for key in entry:
            if key not in SCHEDULE_KEYS:
                raise fail(key, f"unknown key (known keys: {', '.join(sorted(SCHEDULE_KEYS))})")
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail("name", "must be a non-empty string")
        if name in {s.name for s in out}:
            raise fail("name", f"a second schedule named '{name}'")
        zone = check.zone(entry.get("timezone", "UTC"), "schedules.timezone", entry=index, note=f" (entry {index + 1})")
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


def _sla(table: Any, schedules: tuple[Schedule, ...], check: Checker) -> Sla | None:
    """[sla]: basis (business, the default with schedules, or calendar) and hours per priority."""
    if table is None:
        return None
    check.unknown(check.table(table, "sla"), SLA_KEYS, "sla.")
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


# -- delivery of the digest and alerts ([delivery]) ---------------------------------------

DELIVERY_KEYS = {
    "dashboard_url",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "smtp_username_env",
    "smtp_password_env",
    "from",
    "to",
    "slack_webhook_url_env",
    "teams_webhook_url_env",
    "product_lines",
}
SMTP_SECURITY = {"starttls": 587, "tls": 465, "none": 25}  # each mode's usual port, the default
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ADDRESS = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")


@dataclass(frozen=True)
class Delivery:
    """Where the digest (`send`) and alerts (`alert`) go. Secrets are never in the file: the
    *_env settings name the environment variables that hold them."""

    dashboard_url: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_username_env: str = ""
    smtp_password_env: str = ""
    sender: str = ""  # `from` in the file
    to: tuple[str, ...] = ()
    slack_webhook_url_env: str = ""
    teams_webhook_url_env: str = ""  # a Microsoft Teams (Workflows) webhook taking an Adaptive Card
    product_lines: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a line's own digest: its recipients

    @property
    def mails(self) -> bool:
        return bool(self.to or self.product_lines)

    def webhooks(self) -> dict[str, str]:
        """The chat services set, each with the variable that holds its webhook's address."""
        found = {"slack": self.slack_webhook_url_env, "teams": self.teams_webhook_url_env}
        return {service: variable for service, variable in found.items() if variable}


def _addresses(value: Any, key: str, check: Checker) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise check.fail(key, 'must be a list of e-mail addresses, e.g. ["leadership@acme.com"]')
    for address in value:
        if not _ADDRESS.fullmatch(address.strip()):
            raise check.fail(key, f"'{address[:80]}' is not an e-mail address")
    return tuple(address.strip() for address in value)


def _env_name(value: Any, key: str, check: Checker) -> str:
    """The name of an environment variable. Never echoes the value: a secret pasted here by
    mistake must not end up in an error message or a log."""
    if value is None:
        return ""
    if not isinstance(value, str) or not _ENV_NAME.fullmatch(value):
        raise check.fail(
            key, "must name an environment variable (e.g. PH_SMTP_PASSWORD) that holds the secret, not the secret"
        )
    return value


def _delivery(table: Any, check: Checker) -> Delivery | None:
    """[delivery]: the SMTP server, sender and recipients, the chat webhook's variable, the
    dashboard's address for links; [delivery.product_lines] a line's own recipients."""
    if table is None:
        return None
    check.unknown(check.table(table, "delivery"), DELIVERY_KEYS, "delivery.")
    url = table.get("dashboard_url", "")
    if url and (not isinstance(url, str) or not _HTTP_URL.fullmatch(url.strip())):
        raise check.fail(
            "delivery.dashboard_url", "must be an http:// or https:// address, e.g. https://health.acme.com"
        )
    security = table.get("smtp_security", "starttls")
    if security not in SMTP_SECURITY:
        raise check.fail("delivery.smtp_security", f"must be one of: {', '.join(SMTP_SECURITY)}")
    port = table.get("smtp_port", SMTP_SECURITY[security])
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise check.fail("delivery.smtp_port", "must be a port number, 1 to 65535")
    lines = check.table(table.get("product_lines", {}), "delivery.product_lines")
    product_lines = {
        line: _addresses(value, f'delivery.product_lines."{line}"', check) for line, value in lines.items()
    }
    to = _addresses(table["to"], "delivery.to", check) if "to" in table else ()
    host, sender = table.get("smtp_host"), table.get("from")
    if to or product_lines:
        host = check.string(host, "delivery.smtp_host", note=" (needed to send e-mail)")
        if not isinstance(sender, str) or not _ADDRESS.fullmatch(sender.strip()):
            raise check.fail("delivery.from", "must be the sender's e-mail address (needed to send e-mail)")
    user = _env_name(table.get("smtp_username_env"), "delivery.smtp_username_env", check)
    password = _env_name(table.get("smtp_password_env"), "delivery.smtp_password_env", check)
    if bool(user) != bool(password):
        raise check.fail("delivery.smtp_password_env" if user else "delivery.smtp_username_env", "set both or neither")
    return Delivery(
        dashboard_url=url.strip().rstrip("/") if url else "",
        smtp_host=(host or "").strip(),
        smtp_port=port,
        smtp_security=security,
        smtp_username_env=user,
        smtp_password_env=password,
        sender=(sender or "").strip(),
        to=to,
        slack_webhook_url_env=_env_name(table.get("slack_webhook_url_env"), "delivery.slack_webhook_url_env", check),
        teams_webhook_url_env=_env_name(table.get("teams_webhook_url_env"), "delivery.teams_webhook_url_env", check),
        product_lines=product_lines,
    )
