"""GitHub issues: the REST issues endpoint (an array, or pages of arrays) and `gh issue list --json`."""

from __future__ import annotations

import re
from typing import Any

from dashboard.config import Settings
from dashboard.sources.base import FileReport, Reject, text
from dashboard.sources.format import Format

_REPO = re.compile(r"github\.com/(?:repos/)?([^/]+/[^/]+)")


def _items(document: Any) -> list[Any]:
    if isinstance(document, list) and document and all(isinstance(p, list) for p in document):
        return [item for page in document for item in page]
    return document if isinstance(document, list) else []


def _labels(value: Any) -> list[str]:
    names = []
    for label in value or []:
        name = label.get("name") if isinstance(label, dict) else label
        if isinstance(name, str):
            names.append(name)
    return names


class GithubJson(Format):
    name = "github_json"
    label = "GitHub issues (REST JSON or gh issue list --json)"
    entity = "issues"
    source = "github"
    product_line_fields = ("repository", "label")
    default_product_line_field = "repository"
    default_bug_values = ("bug",)
    staging = {"stg_github": "issues"}
    columns = dict.fromkeys(
        (
            "number",
            "title",
            "state",
            "state_reason",
            "created_at",
            "closed_at",
            "updated_at",
            "labels",
            "repository",
            "url",
            "is_pull_request",
        ),
        (),
    )
    list_columns = frozenset({"labels"})

    def matches_json(self, document: Any) -> bool:
        items = _items(document)
        sample = [i for i in items[:20] if isinstance(i, dict)]
        return bool(sample) and all(
            "number" in i and "state" in i and ("created_at" in i or "createdAt" in i) for i in sample
        )

    def json_rows(self, document: Any, settings: Settings, report: FileReport) -> list[dict[str, Any]]:
        rows = []
        for index, item in enumerate(_items(document), start=1):
            if not isinstance(item, dict):
                report.rejects.append(Reject(None, f"item {index} is not a JSON object"))
                report.rows_rejected += 1
                continue
            url = item.get("html_url") or item.get("url") or ""
            repo = _REPO.search(str(item.get("repository_url") or url))
            is_pr = "pull_request" in item or "/pull/" in str(url)
            rows.append(
                {
                    "number": text(item.get("number")),
                    "title": text(item.get("title")),
                    "state": text(item.get("state")),
                    "state_reason": text(item.get("state_reason") or item.get("stateReason")),
                    "created_at": text(item.get("created_at") or item.get("createdAt")),
                    "closed_at": text(item.get("closed_at") or item.get("closedAt")),
                    "updated_at": text(item.get("updated_at") or item.get("updatedAt")),
                    "labels": _labels(item.get("labels")),
                    "repository": repo.group(1) if repo else None,
                    "url": text(url),
                    "is_pull_request": "true" if is_pr else "false",
                }
            )
        return rows
