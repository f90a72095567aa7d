"""Freshdesk ticket CSV export (often re-saved through Excel: dd/mm/yyyy dates)."""

from __future__ import annotations

from dashboard.sources.base import HeaderMap
from dashboard.sources.format import Format


class FreshdeskCsv(Format):
    name = "freshdesk_csv"
    label = "Freshdesk ticket CSV export"
    entity = "tickets"
    source = "freshdesk"
    product_line_fields = ("product", "group", "tag")
    default_product_line_field = "product"
    staging = {"stg_freshdesk_csv": "tickets"}
    columns = {
        "ticket_id": ("Ticket ID",),
        "subject": ("Subject",),
        "status": ("Status",),
        "priority": ("Priority",),
        "channel": ("Source",),
        "group_name": ("Group",),
        "product": ("Product",),
        "tags": ("Tags",),
        "created_time": ("Created time",),
        "resolved_time": ("Resolved time",),
        "closed_time": ("Closed time",),
        "updated_time": ("Last update time",),
        "initial_response_time": ("Initial response time",),
        "requester_id": ("Contact ID",),
        "survey_result": ("Survey results", "Survey result"),
    }

    def matches_csv(self, hmap: HeaderMap) -> bool:
        return hmap.has(["Ticket ID"]) and hmap.has(["Created time"])
