"""The registry of readers, in the order they are tried."""

from __future__ import annotations

from dashboard.sources.custom import CustomCsv, custom_matches
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
)
CUSTOM_FORMAT = CustomCsv()
ALL_FORMATS: tuple[Format, ...] = FORMATS + (CUSTOM_FORMAT,)

__all__ = ["ALL_FORMATS", "CUSTOM_FORMAT", "FORMATS", "Format", "custom_matches"]
