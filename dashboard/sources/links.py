"""Ticket-to-issue links: Zendesk's Jira links export (CSV or the API's JSON) and plain
`ticket_id,issue_key` CSVs. Links found inside tickets and issues (tags, subjects, custom
fields, Jira's `Zendesk Ticket IDs`) are read in SQL: queries/staging/stg_ticket_issue_refs.sql.
"""

from __future__ import annotations

from typing import Any

from dashboard.config import Settings
from dashboard.sources.base import FileReport, HeaderMap, Reject, text
from dashboard.sources.format import Format

COLUMNS: dict[str, tuple[str, ...]] = {
    "ticket_id": ("ticket_id", "Ticket id"),
    "issue_id": ("issue_id", "Issue id"),
    "issue_key": ("issue_key", "Issue key"),
    "created_at": ("created_at", "Created at", "linked_at"),
}


class LinksCsv(Format):
    name = "links_csv"
    label = "Ticket-issue links CSV"
    entity = "links"
    staging = {"stg_links": "links"}
    columns = COLUMNS

    def matches_csv(self, hmap: HeaderMap) -> bool:
        return hmap.has(COLUMNS["ticket_id"]) and (hmap.has(COLUMNS["issue_key"]) or hmap.has(COLUMNS["issue_id"]))


def _pages(document: Any) -> list[dict[str, Any]]:
    pages = document if isinstance(document, list) else [document]
    return [p for p in pages if isinstance(p, dict)]


class ZendeskJiraLinksJson(Format):
    """GET /api/v2/jira/links (and the V2 integration's links): `{"links": [...]}` pages."""

    name = "links_json"
    label = "Zendesk Jira links export (JSON)"
    entity = "links"
    staging = {"stg_links": "links"}
    columns = COLUMNS

    def matches_json(self, document: Any) -> bool:
        pages = _pages(document)
        return bool(pages) and all(isinstance(p.get("links"), list) for p in pages)

    def json_rows(self, document: Any, settings: Settings, report: FileReport) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for page in _pages(document):
            for link in page["links"]:
                if not isinstance(link, dict):
                    report.rejects.append(Reject(None, f"link {len(rows) + 1} is not a JSON object"))
                    report.rows_rejected += 1
                    continue
                rows.append(
                    {
                        "ticket_id": text(link.get("ticket_id")),
                        "issue_id": text(link.get("issue_id")),
                        "issue_key": text(link.get("issue_key")),
                        "created_at": text(link.get("created_at")),
                    }
                )
        return rows
