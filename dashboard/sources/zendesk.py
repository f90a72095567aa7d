"""Zendesk Support: the CSV export and the incremental ticket export JSON (with or without metric sets)."""

from __future__ import annotations

import re
from typing import Any

from dashboard.config import Settings
from dashboard.sources.base import FileReport, HeaderMap, Reject, text
from dashboard.sources.format import Format

COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("Id", "Ticket id"),
    "created_at": ("Created at",),
    "updated_at": ("Updated at",),
    "generated_at": (),
    "solved_at": ("Solved at",),
    "status": ("Status",),
    "priority": ("Priority",),
    "channel": ("Via",),
    "group_name": ("Group",),
    "brand": ("Brand",),
    "tags": ("Tags",),
    "requester_id": ("Requester id", "Requester ID"),
    "subject": ("Subject",),
    "reopens": ("Reopens",),
    "satisfaction": ("Satisfaction Score", "Satisfaction score", "Satisfaction rating"),
    "has_metrics": (),
    "first_reply_calendar_minutes": ("First reply time in minutes",),
    "first_reply_business_minutes": ("First reply time in minutes within business hours",),
    "full_resolution_calendar_minutes": ("Full resolution time in minutes",),
    "full_resolution_business_minutes": ("Full resolution time in minutes within business hours",),
    "product_line_value": (),
    "custom_values": (),  # every custom field's value: scanned for issue keys and tracker URLs
    "url": (),  # the ticket's API address (JSON only; the CSV export carries none)
}
# Zendesk CSV headers of custom fields end with their type: 'Jira issue [txt]'.
_CUSTOM_FIELD_HEADER = re.compile(r".+ \[[a-z_ ]+\]$")


class ZendeskExport(Format):
    """What every Zendesk Support export shares: its source and the settings of that source."""

    source = "zendesk"
    product_line_fields = ("group", "brand", "tag", "field")
    default_product_line_field = "group"


class ZendeskCsv(ZendeskExport):
    name = "zendesk_csv"
    label = "Zendesk Support CSV export"
    entity = "tickets"
    staging = {"stg_zendesk": "tickets"}
    columns = COLUMNS
    list_columns = frozenset({"custom_values"})

    def matches_csv(self, hmap: HeaderMap) -> bool:
        return (
            hmap.has(["Id"])
            and hmap.has(["Created at"])
            and (hmap.has(["Solved at"]) or hmap.has(["Via"]) or hmap.has(["Requester id"]))
        )

    def csv_overrides(self, hmap: HeaderMap, settings: Settings, custom: Any) -> dict[str, list[int] | bool]:
        # An export without any reply-time column says nothing about replies; with one,
        # an empty cell means the ticket has no reply yet.
        has_reply = hmap.has(COLUMNS["first_reply_calendar_minutes"] + COLUMNS["first_reply_business_minutes"])
        overrides: dict[str, list[int] | bool] = {
            "has_metrics": has_reply,
            "custom_values": [i for i, name in enumerate(hmap.header) if _CUSTOM_FIELD_HEADER.match(name)],
        }
        src = settings.source("zendesk")
        if src.product_line_from == "field":
            suffixes = ("", " [list]", " [txt]", " [dropdown]", " [tagger]", " [text]")
            overrides["product_line_value"] = hmap.find([src.product_line_field + s for s in suffixes])
        return overrides

    def csv_notes(self, hmap: HeaderMap, overrides: dict[str, list[int] | bool]) -> list[str]:
        notes = super().csv_notes(hmap, overrides)
        if not overrides.get("has_metrics"):
            lookalikes = [h for h in hmap.header if "reply" in h.lower() or "response" in h.lower()]
            notes.append(
                "no column 'First reply time in minutes' (or '... within business hours'): first response "
                "is unknown for these tickets"
                + (
                    f"; found {', '.join(repr(h) for h in lookalikes[:3])}, which is not read: "
                    "restore the export's own header"
                    if lookalikes
                    else ""
                )
            )
        return notes


def _pages(document: Any) -> list[dict[str, Any]]:
    pages = document if isinstance(document, list) else [document]
    return [p for p in pages if isinstance(p, dict)]


class ZendeskJson(ZendeskExport):
    name = "zendesk_json"
    label = "Zendesk incremental ticket export (JSON)"
    entity = "tickets"
    staging = {"stg_zendesk": "tickets"}
    columns = COLUMNS
    list_columns = frozenset({"tags", "custom_values"})

    def matches_json(self, document: Any) -> bool:
        pages = _pages(document)
        return bool(pages) and all(isinstance(p.get("tickets"), list) for p in pages)

    def json_rows(self, document: Any, settings: Settings, report: FileReport) -> list[dict[str, Any]]:
        src = settings.source("zendesk")
        rows: list[dict[str, Any]] = []
        for page in _pages(document):
            sideloaded = {m.get("ticket_id"): m for m in page.get("metric_sets") or [] if isinstance(m, dict)}
            for ticket in page["tickets"]:
                if not isinstance(ticket, dict):
                    report.rejects.append(Reject(None, f"ticket {len(rows) + 1} is not a JSON object"))
                    report.rows_rejected += 1
                    continue
                metrics = ticket.get("metric_set") or sideloaded.get(ticket.get("id")) or {}
                if not isinstance(metrics, dict):
                    metrics = {}
                via = ticket.get("via") if isinstance(ticket.get("via"), dict) else {}
                tags = ticket.get("tags") if isinstance(ticket.get("tags"), list) else []
                rows.append(
                    {
                        "id": text(ticket.get("id")),
                        "created_at": text(ticket.get("created_at")),
                        "updated_at": text(ticket.get("updated_at")),
                        "generated_at": text(ticket.get("generated_timestamp")),
                        "solved_at": text(metrics.get("solved_at")),
                        "status": text(ticket.get("status")),
                        "priority": text(ticket.get("priority")),
                        "channel": text(via.get("channel")),
                        "group_name": text(ticket.get("group_id")),
                        "brand": text(ticket.get("brand_id")),
                        "tags": [str(t) for t in tags],
                        "requester_id": text(ticket.get("requester_id")),
                        "subject": text(ticket.get("subject")),
                        "reopens": text(metrics.get("reopens")),
                        "satisfaction": _satisfaction(ticket),
                        "has_metrics": "true" if metrics else "false",
                        "first_reply_calendar_minutes": _minutes(metrics, "reply_time_in_minutes", "calendar"),
                        "first_reply_business_minutes": _minutes(metrics, "reply_time_in_minutes", "business"),
                        "full_resolution_calendar_minutes": _minutes(
                            metrics, "full_resolution_time_in_minutes", "calendar"
                        ),
                        "full_resolution_business_minutes": _minutes(
                            metrics, "full_resolution_time_in_minutes", "business"
                        ),
                        "product_line_value": _custom_field(ticket, src.product_line_field)
                        if src.product_line_from == "field"
                        else None,
                        "custom_values": _custom_values(ticket),
                        "url": text(ticket.get("url")),
                    }
                )
        return rows


def _satisfaction(ticket: dict[str, Any]) -> str | None:
    """The score of `satisfaction_rating` ('good', 'bad', 'offered', 'unoffered'), as written."""
    rating = ticket.get("satisfaction_rating")
    return text(rating.get("score")) if isinstance(rating, dict) else None


def _minutes(metrics: dict[str, Any], key: str, basis: str) -> str | None:
    value = metrics.get(key)
    return text(value.get(basis)) if isinstance(value, dict) else None


def _custom_values(ticket: dict[str, Any]) -> list[str]:
    fields = ticket.get("custom_fields") if isinstance(ticket.get("custom_fields"), list) else []
    values = [f.get("value") for f in fields if isinstance(f, dict)]
    return [str(v) for v in values if isinstance(v, str | int) and not isinstance(v, bool) and v != ""]


def _custom_field(ticket: dict[str, Any], field_id: str) -> str | None:
    for item in ticket.get("custom_fields") or []:
        if isinstance(item, dict) and str(item.get("id")) == field_id:
            return text(item.get("value"))
    return None
