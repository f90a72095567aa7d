"""Help-center / chatbot sessions: one row per session, or daily counts. Documented in the README."""

from __future__ import annotations

from dashboard.sources.base import HeaderMap
from dashboard.sources.format import Format


class SessionsCsv(Format):
    name = "sessions_csv"
    label = "Self-service sessions CSV (one row per session)"
    entity = "self_service"
    source = "self_service"
    staging = {"stg_sessions": "self_service"}
    columns = {
        "session_id": ("session_id",),
        "started_at": ("started_at",),
        "product_line": ("product_line",),
        "channel": ("channel",),
        "outcome": ("outcome",),
    }

    def matches_csv(self, hmap: HeaderMap) -> bool:
        return all(hmap.has(a) for a in self.columns.values())


class SessionsDailyCsv(Format):
    name = "sessions_daily_csv"
    label = "Self-service daily counts CSV"
    entity = "self_service"
    source = "self_service"
    staging = {"stg_sessions": "self_service"}
    columns = {
        "date": ("date",),
        "product_line": ("product_line",),
        "channel": ("channel",),
        "sessions": ("sessions",),
        "resolved": ("resolved",),
        "escalated": ("escalated",),
    }

    def matches_csv(self, hmap: HeaderMap) -> bool:
        return all(hmap.has(a) for a in self.columns.values())
