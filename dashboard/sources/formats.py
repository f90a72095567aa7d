"""The registry of readers, in the order they are tried."""

from __future__ import annotations

from dashboard.sources.custom import CustomCsv, custom_matches
from dashboard.sources.events import EventsCsv
from dashboard.sources.format import Format
from dashboard.sources.freshdesk import FreshdeskCsv
from dashboard.sources.github import GithubJson
from dashboard.sources.jira import JiraCsv, JiraJson
from dashboard.sources.linear import LinearCsv
from dashboard.sources.links import LinksCsv, ZendeskJiraLinksJson
from dashboard.sources.self_service import SessionsCsv, SessionsDailyCsv
from dashboard.sources.zendesk import ZendeskCsv, ZendeskJson

FORMATS: tuple[Format, ...] = (
    ZendeskJson(),
    JiraJson(),
    GithubJson(),
    ZendeskJiraLinksJson(),
    ZendeskCsv(),
    FreshdeskCsv(),
    JiraCsv(),
    LinearCsv(),
    SessionsCsv(),
    SessionsDailyCsv(),
    LinksCsv(),
    EventsCsv(),
)
CUSTOM_FORMAT = CustomCsv()
ALL_FORMATS: tuple[Format, ...] = FORMATS + (CUSTOM_FORMAT,)

# What the model build reads from the registry: a cfg_sources row per source, from its
# [sources.<name>] settings (settings_tables.py); the staging views; and, per entity, the views
# whose rows its staged table (stg_tickets, ...) reads, through stg_union_<entity> (layers.py).
SOURCES_WITH_SETTINGS: tuple[str, ...] = tuple(dict.fromkeys(f.source for f in ALL_FORMATS if f.source))
STAGING_VIEWS: tuple[str, ...] = tuple(dict.fromkeys(view for f in ALL_FORMATS for view in f.staging))
# The [sources.<name>] sections the settings accept, each with a format that declares what it
# may say (product_line_fields, ...): every format's source, and the sources a staging also
# yields (None: no rules of their own; sources/settings.py).
SOURCE_FORMATS: dict[str, Format | None] = {f.source: f for f in reversed(ALL_FORMATS) if f.source} | {
    also: None for f in ALL_FORMATS for also in f.also_sources
}
# The formats whose raw rows live for one build or refresh only (Format.keeps_raw).
BUILD_ONLY_RAW: tuple[Format, ...] = tuple(f for f in ALL_FORMATS if not f.keeps_raw)
ENTITY_VIEWS: dict[str, tuple[str, ...]] = {
    entity: tuple(dict.fromkeys(view for f in ALL_FORMATS for view, fed in f.staging.items() if fed == entity))
    for entity in ("tickets", "issues", "self_service", "links", "events")
}

__all__ = [
    "ALL_FORMATS",
    "BUILD_ONLY_RAW",
    "CUSTOM_FORMAT",
    "ENTITY_VIEWS",
    "FORMATS",
    "SOURCE_FORMATS",
    "SOURCES_WITH_SETTINGS",
    "STAGING_VIEWS",
    "Format",
    "custom_matches",
]
