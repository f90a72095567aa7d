"""The format registry (sources/formats.py) is what the model build reads: every registered
source has its settings row, every staging view is registered and built, none is forgotten."""

from __future__ import annotations

import re

import pytest

from dashboard import QUERIES_DIR
from dashboard.config import Settings
from dashboard.errors import ProductHealthError
from dashboard.layers import model_relations
from dashboard.settings import load_settings, settings_of
from dashboard.sources.formats import ALL_FORMATS, ENTITY_VIEWS, SOURCE_FORMATS, SOURCES_WITH_SETTINGS, STAGING_VIEWS

REGISTERED_SOURCES = set(SOURCES_WITH_SETTINGS) | {s for f in ALL_FORMATS for s in f.also_sources}


@pytest.mark.parametrize("fmt", ALL_FORMATS, ids=lambda f: f.name)
def test_every_format_declares_its_entity_and_a_staging_view_that_exists(fmt) -> None:
    assert fmt.name and fmt.label and fmt.entity in {"tickets", "issues", "self_service", "links", "events"}
    assert fmt.staging, f"{fmt.name} has no staging view"
    for view in fmt.staging:
        assert (QUERIES_DIR / "staging" / f"{view}.sql").is_file(), view


def test_every_staging_file_is_built_a_registered_view_as_a_view_the_others_as_tables() -> None:
    relations = model_relations()
    files = {p.stem for p in (QUERIES_DIR / "staging").glob("*.sql")}
    assert set(STAGING_VIEWS) <= files
    for name in files:
        assert relations[name].kind == ("view" if name in STAGING_VIEWS else "table"), name


def test_every_source_a_staging_view_reads_settings_for_is_registered() -> None:
    """A staging view's `cross join cfg` over a source without a cfg_sources row would give no
    rows at all, without a word."""
    for view in STAGING_VIEWS:
        sql = (QUERIES_DIR / "staging" / f"{view}.sql").read_text(encoding="utf-8")
        for source in re.findall(r"from cfg_sources where source = '([a-z_]+)'", sql):
            assert source in SOURCES_WITH_SETTINGS, f"{view} reads the settings of unregistered source {source}"


def test_every_registered_source_has_a_settings_row_and_every_staging_view_is_built(load_files) -> None:
    warehouse, _ = load_files({"empty.md": "documentation only\n"}, persist=False)
    rows = set(warehouse.sql("select source from cfg_sources")["source"])
    assert rows >= REGISTERED_SOURCES
    # On the build's own connection: the views over the raw rows a model file does not keep
    # are temporary (layers.build_only).
    views = {v for (v,) in warehouse.con.execute("select view_name from duckdb_views() where not internal").fetchall()}
    assert set(STAGING_VIEWS) <= views
    assert {f"stg_union_{entity}" for entity in ENTITY_VIEWS} <= views


def test_every_staging_view_feeds_an_entity_and_every_entity_has_a_view() -> None:
    fed = {entity for f in ALL_FORMATS for entity in f.staging.values()}
    assert fed == {"tickets", "issues", "self_service", "links", "events"} == set(ENTITY_VIEWS)
    assert all(ENTITY_VIEWS.values())


def test_the_settings_file_accepts_a_section_for_every_registered_source_and_no_other(tmp_path) -> None:
    for source in sorted(REGISTERED_SOURCES):
        settings = settings_of({"sources": {source: {"timezone": "Europe/Berlin"}}}, tmp_path / "health.toml")
        assert settings.source(source).timezone == "Europe/Berlin"
    with pytest.raises(ProductHealthError, match="unknown source"):
        settings_of({"sources": {"nowhere": {}}}, tmp_path / "health.toml")
    assert set(SOURCE_FORMATS) == REGISTERED_SOURCES
    assert load_settings().source("zendesk").product_line_from == "group"


@pytest.mark.parametrize("source", sorted(SOURCES_WITH_SETTINGS))
def test_every_format_of_a_source_declares_the_same_product_line_fields_and_defaults(source) -> None:
    """The settings check a [sources.<name>] section against one of its formats (SOURCE_FORMATS)."""
    rules = {
        (f.product_line_fields, f.default_product_line_field, f.default_bug_values)
        for f in ALL_FORMATS
        if f.source == source
    }
    assert len(rules) == 1, rules
    ((fields, default, _),) = rules
    assert default in fields or (not default and not fields)


def test_a_staging_view_that_reads_an_unregistered_source_stops_the_build(monkeypatch) -> None:
    from dashboard import build, layers
    from dashboard.db import Warehouse

    real = layers.read_sql
    monkeypatch.setattr(layers, "read_sql", lambda name: real(name).replace("source = 'linear'", "source = 'nowhere'"))
    model = build.Build(Warehouse(Settings()))
    try:
        with pytest.raises(ProductHealthError, match="stg_linear.sql reads the settings of source 'nowhere'"):
            model.build_model(build.LoadReport(data_dir="nowhere"))
    finally:
        model.close()
