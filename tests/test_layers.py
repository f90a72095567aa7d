"""The model's SQL layers are created in the order their SQL needs, worked out from what each
file reads (layers.py): no hand-kept list to forget a new file in."""

from __future__ import annotations

import pytest

from dashboard.errors import ProductHealthError
from dashboard.layers import Relation, build_order, model_relations


def _order(relations: dict[str, Relation], existing: set[str] = frozenset()) -> list[str]:
    return [r.name for r in build_order(relations, set(existing))]


def _relations(**sql: str) -> dict[str, Relation]:
    return {name: Relation(name, "table", text, f"queries/marts/{name}.sql") for name, text in sql.items()}


def test_a_relation_is_created_after_everything_it_reads() -> None:
    relations = model_relations()
    existing = {n for r in relations.values() for n in r.reads if n.startswith(("raw_", "cfg_", "ph_"))}
    order = _order(relations, existing)
    assert sorted(order) == sorted(relations)
    for position, name in enumerate(order):
        assert relations[name].reads & relations.keys() <= set(order[:position]), name
    assert order.index("stg_tickets") < order.index("fct_open_intervals") < order.index("fct_tickets")


def test_ctes_comments_and_strings_are_not_read_as_relations() -> None:
    sql = """
    -- from nowhere_in_a_comment
    with

    tickets as materialized (
        select *, 'from nowhere_in_a_string' as note from stg_tickets
    ),

    final as (
        select * from tickets join unnest([1, 2]) as u(x) on true
    )

    select * from final
    """
    assert Relation("x", "table", sql, "x.sql").reads == {"stg_tickets"}


def test_a_file_that_reads_a_table_nobody_creates_is_an_error_naming_it() -> None:
    relations = _relations(fct_a="select * from raw_a", fct_b="select * from fct_a join fct_typo using (id)")
    with pytest.raises(ProductHealthError, match=r"queries/marts/fct_b.sql reads fct_typo, which no query file"):
        _order(relations, {"raw_a"})


def test_files_that_read_each_other_in_a_circle_are_an_error_naming_them() -> None:
    relations = _relations(fct_a="select * from fct_b", fct_b="select * from fct_a")
    with pytest.raises(ProductHealthError, match=r"in a circle: fct_\w+ \(queries/marts/fct_\w+.sql\) -> "):
        _order(relations)


def test_a_new_mart_needs_no_list_to_be_built_in_its_place() -> None:
    relations = _relations(
        fct_z="select * from fct_m", fct_m="select * from raw_a", rpt_a="select * from fct_z join fct_m using (id)"
    )
    assert _order(relations, {"raw_a"}) == ["fct_m", "fct_z", "rpt_a"]
