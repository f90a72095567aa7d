"""Jira: the CSV export (any of its languages and header spellings) and the REST /search JSON.

Rows of a service-desk project (`Project type` = service_desk) are tickets; all others are issues.
"""

from __future__ import annotations

from typing import Any

from dashboard.config import Settings
from dashboard.sources.base import FileReport, HeaderMap, Reject, text
from dashboard.sources.format import Format

_CUSTOM = ("Custom field ({})", "Campo personalizado ({})", "Benutzerdefiniertes Feld ({})", "Champ personnalisé ({})")


def _custom(*names: str) -> tuple[str, ...]:
    return tuple(prefix.format(name) for name in names for prefix in _CUSTOM)


# English (old "Issue ..." and new "Work item ..." spellings), Spanish, Portuguese (Brazil).
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "key": (
        "Issue key",
        "Work item key",
        "Key",
        "Clave de incidencia",
        "Clave",
        "Chave da item",
        "Chave do item",
        "Chave da issue",
        "Clave del elemento de trabajo",
        "Chave do item de trabalho",
    ),
    "id": ("Issue id", "Work item id", "ID de la incidencia", "ID da item", "ID do item", "ID da issue"),
    "summary": ("Summary", "Resumen", "Resumo"),
    "issue_type": (
        "Issue Type",
        "Work type",
        "Work item type",
        "Tipo de incidencia",
        "Tipo de item",
        "Tipo de issue",
        "Tipo de trabajo",
        "Tipo de trabalho",
    ),
    "status": ("Status", "Estado"),
    "status_category": ("Status Category", "Categoría de estado", "Categoria do status", "Categoria de status"),
    "status_category_changed": (
        "Status Category Changed",
        "Cambio de categoría de estado",
        "Categoria do status alterada",
    ),
    "project_key": ("Project key", "Space key", "Clave de proyecto", "Chave do projeto"),
    "project_type": ("Project type", "Tipo de proyecto", "Tipo de projeto"),
    "priority": ("Priority", "Prioridad", "Prioridade"),
    "resolution": ("Resolution", "Resolución", "Resolução"),
    "created": ("Created", "Creada", "Creado", "Criado", "Criada"),
    "updated": ("Updated", "Actualizada", "Actualizado", "Atualizado(a)", "Atualizado"),
    "resolved": ("Resolved", "Resuelta", "Resuelto", "Resolvido", "Resolvida"),
    "labels": ("Labels", "Etiquetas", "Rótulos"),
    "components": ("Component/s", "Components", "Componentes", "Componente/s"),
    "first_response": _custom("[CHART] Date of First Response"),
    "linked_ticket_count": _custom("Zendesk Ticket Count"),
    "linked_ticket_ids": _custom("Zendesk Ticket IDs"),
    "reporter_id": ("Reporter Id", "ID del informador", "ID do relator"),
}


class JiraExport(Format):
    """What every Jira export shares: its source and the settings of that source."""

    source = "jira"
    product_line_fields = ("project", "component", "label")
    default_product_line_field = "project"
    default_bug_values = ("Bug",)


class JiraCsv(JiraExport):
    name = "jira_csv"
    label = "Jira CSV export"
    entity = "issues"
    also_sources = ("jira_service_management",)
    staging = {"stg_jira": "issues", "stg_jira_tickets": "tickets"}
    columns = CSV_COLUMNS
    list_columns = frozenset({"labels", "components"})

    def matches_csv(self, hmap: HeaderMap) -> bool:
        return (
            hmap.has(CSV_COLUMNS["key"])
            and hmap.has(CSV_COLUMNS["created"])
            and (hmap.has(CSV_COLUMNS["summary"]) or hmap.has(CSV_COLUMNS["status"]))
        )


def _name(value: Any, key: str = "name") -> str | None:
    return text(value.get(key)) if isinstance(value, dict) else None


class JiraJson(JiraExport):
    name = "jira_json"
    label = "Jira REST search result (JSON)"
    entity = "issues"
    also_sources = ("jira_service_management",)
    staging = {"stg_jira": "issues", "stg_jira_tickets": "tickets"}
    columns = {
        **dict.fromkeys(CSV_COLUMNS, ()),
        "status_category_key": (),
        "last_status_change": (),
        "url": (),
    }
    list_columns = frozenset({"labels", "components"})

    def matches_json(self, document: Any) -> bool:
        pages = document if isinstance(document, list) else [document]
        return bool(pages) and all(
            isinstance(p, dict)
            and isinstance(p.get("issues"), list)
            and all(isinstance(i, dict) and "fields" in i for i in p["issues"][:5])
            for p in pages
        )

    def json_rows(self, document: Any, settings: Settings, report: FileReport) -> list[dict[str, Any]]:
        rows = []
        index = 0
        for page in document if isinstance(document, list) else [document]:
            for issue in page["issues"]:
                index += 1
                if not isinstance(issue, dict):  # matches_json looked at the first five only
                    report.rejects.append(Reject(None, f"issue {index} is not a JSON object"))
                    report.rows_rejected += 1
                    continue
                fields = issue.get("fields") if isinstance(issue.get("fields"), dict) else {}
                status = fields.get("status") if isinstance(fields.get("status"), dict) else {}
                project = fields.get("project") if isinstance(fields.get("project"), dict) else {}
                link = issue.get("self")
                rows.append(
                    {
                        "key": text(issue.get("key")),
                        "id": text(issue.get("id")),
                        "summary": text(fields.get("summary")),
                        "issue_type": _name(fields.get("issuetype")),
                        "status": _name(status),
                        "status_category": _name(status.get("statusCategory")),
                        "status_category_key": _name(status.get("statusCategory"), "key"),
                        "status_category_changed": text(fields.get("statuscategorychangedate")),
                        "project_key": text(project.get("key")),
                        "project_type": text(project.get("projectTypeKey")),
                        "priority": _name(fields.get("priority")),
                        "resolution": _name(fields.get("resolution")),
                        "created": text(fields.get("created")),
                        "updated": text(fields.get("updated")),
                        "resolved": text(fields.get("resolutiondate")),
                        "labels": [str(x) for x in _list(fields.get("labels"))],
                        "components": [c for c in (_name(c) for c in _list(fields.get("components"))) if c],
                        "last_status_change": _last_status_change(issue.get("changelog")),
                        "url": _browse_url(link, issue.get("key")),
                    }
                )
        return rows


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _last_status_change(changelog: Any) -> str | None:
    if not isinstance(changelog, dict):
        return None
    times = [
        h.get("created")
        for h in _list(changelog.get("histories"))
        if isinstance(h, dict)
        and any(isinstance(i, dict) and i.get("field") == "status" for i in _list(h.get("items")))
    ]
    return max((t for t in times if isinstance(t, str)), default=None)


def _browse_url(api_url: Any, key: Any) -> str | None:
    if not isinstance(api_url, str) or not isinstance(key, str) or "/rest/api/" not in api_url:
        return None
    return api_url.split("/rest/api/")[0] + "/browse/" + key
