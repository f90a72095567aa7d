"""Any other CSV with a ticket id and a created time, mapped column by column in [[custom]]."""

from __future__ import annotations

from typing import Any

from dashboard.config import CUSTOM_COLUMNS, CustomSource, Settings
from dashboard.sources.base import HeaderMap
from dashboard.sources.format import Format


def custom_matches(hmap: HeaderMap, custom: CustomSource) -> bool:
    return all(hmap.has([header]) for header in custom.columns.values())


class CustomCsv(Format):
    name = "custom_csv"
    label = "CSV mapped in [[custom]] settings"
    entity = "tickets"
    staging = {"stg_custom": "tickets"}
    columns = dict.fromkeys(sorted(CUSTOM_COLUMNS), ()) | {"source": ()}

    def csv_overrides(self, hmap: HeaderMap, settings: Settings, custom: Any) -> dict[str, list[int] | bool]:
        return {name: hmap.find([header]) for name, header in custom.columns.items()}

    def csv_constants(self, settings: Settings, custom: Any) -> dict[str, str]:
        return {"source": custom.name}
