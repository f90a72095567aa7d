"""What the room reads: comparisons, 'no data', the default period, tiles' good/bad, the
product-line values of a first run. Cases small enough to check in your head."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.filters import Filters
from dashboard.htmlparts import sparkline_svg, tile_html
from dashboard.mapping import field_values, format_field_values
from dashboard.metrics import coverage
from dashboard.tiles import Tile, change

TICKETS = """\
Id,Status,Via,Group,Created at
1,Open,Mail,billing,2024-01-10 10:00:00
2,Open,Mail,billing,2024-02-27 10:00:00
3,Open,Mail,mobile,2024-03-05 10:00:00
4,Open,Mail,mobile,2024-03-06 10:00:00
"""


def test_coverage_knows_which_months_have_data_and_which_run_to_their_end(load_files) -> None:
    w, _ = load_files({"tickets.csv": TICKETS})
    spans = coverage(w, "UTC")
    assert spans.spans["tickets"] == (dt.date(2024, 1, 10), dt.date(2024, 3, 6))
    assert spans.months["tickets"] == {dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)}
    assert spans.full_months["tickets"] == {dt.date(2024, 2, 1)}  # 27 Feb is in February's last week
    march, april = (
        Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
        Filters(dt.date(2024, 4, 1), dt.date(2024, 4, 30)),
    )
    assert spans.has("tickets", march) and not spans.has("tickets", april) and not spans.has("issues", march)
    assert spans.reaches("tickets", march.previous()) and not spans.reaches("tickets", march.year_ago())
    # the default period: the last full month, not the calendar's last month
    assert spans.default_month(dt.date(2026, 11, 25)) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert spans.default_month(dt.date(2024, 2, 20)) == (dt.date(2024, 3, 1), dt.date(2024, 3, 31))  # none ended


@pytest.mark.slow
def test_a_month_after_the_data_reads_no_data_not_zero(load_files) -> None:
    from dashboard.tiles import overview_of

    w, report = load_files({"tickets.csv": TICKETS})
    april = Filters(dt.date(2024, 4, 1), dt.date(2024, 4, 30))
    shown = overview_of(w, report.counts, april, coverage(w, "UTC"))
    values = {t.label: t.value for t in shown.tiles}
    assert values["Tickets created"] == "no data" and values["Median first response"] == "no data"
    assert all(t.change is None for t in shown.tiles) and shown.table.empty
    march = Filters(dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    shown = overview_of(w, report.counts, march, coverage(w, "UTC"))
    created = next(t for t in shown.tiles if t.label == "Tickets created")
    assert (created.value, created.change.text, created.change.against, created.year_ago) == (
        "2",
        "+1",
        "Feb 2024",
        None,
    )
    assert shown.sparks["Tickets created"] == [None] * 9 + [1.0, 1.0, 2.0]  # Apr 2023 .. Mar 2024, gaps stay gaps


def test_a_change_is_good_bad_or_neutral_the_way_the_number_should_move() -> None:
    assert change(4.0, 3.3, " h", "lower", "Sep 2026").tone == "bad"
    assert change(4.0, 4.04, " h", "lower", "Sep 2026").text == "±0 h"  # shows as zero: neutral, not red
    assert change(4.0, 4.04, " h", "lower", "Sep 2026").tone == "neutral"
    assert change(50.4, 46.6, " pts", "higher", "Sep 2026").text == "+3.8 pts"
    assert change(50.4, 46.6, " pts", "higher", "Sep 2026").tone == "good"
    assert change(765, 795, "", "neither", "Sep 2026").tone == "neutral"
    assert change(None, 1.0, " h", "lower", "Sep 2026") is None


def test_a_tile_says_better_or_worse_in_words_and_marks_only_the_last_point() -> None:
    tile = Tile("Median first response", "4.0 h", "lower", change(4.0, 3.3, " h", "lower", "Sep 2026"))
    text = tile_html(tile, [1.0, None, 3.0])
    assert "+0.7 h worse" in text and "vs Sep 2026" in text and 'class="ph-delta bad"' in text
    assert 'alt="12 months: 1, no data, 3"' in text
    assert sparkline_svg([None, None]) == ""
    hostile = tile_html(Tile("<b>x</b>", "<script>", caption="- of tickets"), None)
    assert "<script>" not in hostile and "&lt;b&gt;x&lt;/b&gt;" in hostile


@pytest.mark.slow
def test_first_run_lists_the_product_line_values_and_a_snippet(load_files) -> None:
    w, _ = load_files({"tickets.csv": TICKETS})
    (zendesk,) = field_values(w)
    assert (zendesk.source, zendesk.field, zendesk.values) == (
        "zendesk",
        "group",
        [("billing", 2, False), ("mobile", 2, False)],
    )
    printed = format_field_values([zendesk])
    assert (
        '[sources.zendesk]\nproduct_line_from = "group"\nproduct_lines = { "billing" = "billing", "mobile" = "mobile" }'
        in printed
    )


def test_a_mapping_key_that_matches_nothing_is_a_warning_naming_it(load_files) -> None:
    settings = '[sources.zendesk]\nproduct_lines = { Billing = "Billing", mobile = "Mobile App" }\n'
    w, _ = load_files({"tickets.csv": TICKETS, "health.toml": settings})
    (zendesk,) = field_values(w)
    assert zendesk.unmatched_keys == ["Billing"]
    (warning,) = zendesk.warnings()
    assert (
        "'Billing' matches no group" in warning and "did you mean 'billing'?" in warning and "'mobile' (2)" in warning
    )
    assert "mobile: 2 rows -> Mobile App" in format_field_values([zendesk])


def test_targets_are_checked_against_the_catalogue_and_name_their_line(tmp_path) -> None:
    from pathlib import Path

    import pytest

    from dashboard.errors import ProductHealthError
    from dashboard.settings import load_settings

    path = Path(tmp_path) / "health.toml"
    path.write_text('[targets]\n"first_response.median_hours" = 4\n\n[targets."Mobile App"]\n"resolution.nope" = 3\n')
    with pytest.raises(ProductHealthError, match=r"line 5: setting 'targets.\"Mobile App\".resolution.nope'"):
        load_settings(config_path=path)
    path.write_text('[targets]\n"deflection.rate_pct" = "high"\n')
    with pytest.raises(ProductHealthError, match="line 2: .* must be a number"):
        load_settings(config_path=path)
    path.write_text(
        '[targets]\n"first_response.median_hours" = 4\n[targets."Mobile App"]\n"first_response.median_hours" = 6\n'
    )
    settings = load_settings(config_path=path)
    assert settings.targets_for(()) == {"first_response.median_hours": 4.0}
    assert settings.targets_for(("Mobile App",)) == {"first_response.median_hours": 6.0}
    assert settings.targets_for(("Mobile App", "Billing")) == {"first_response.median_hours": 4.0}


def test_a_target_is_met_the_way_the_number_should_move() -> None:
    from dashboard.catalogue import target_met, target_text

    assert target_met("first_response.median_hours", 4.02, 4) is False  # lower is better
    assert target_met("first_response.median_hours", 4.0, 4) is True
    assert target_met("deflection.rate_pct", 41.0, 40) is True  # higher is better
    assert target_met("deflection.rate_pct", None, 40) is None  # no data: neither
    assert (
        target_text("first_response.median_hours", 4) == "≤ 4.0 h"
        and target_text("deflection.rate_pct", 40) == "≥ 40.0 %"
    )
    tile = Tile("Median first response", "7.7 h", target="≤ 6.0 h", met=False)
    assert "✗ off target" in tile_html(tile, None) and "≤ 6.0 h" in tile_html(tile, None)


@pytest.mark.slow
def test_the_sample_misses_its_mobile_app_target_in_october(capsys) -> None:
    import json

    from dashboard import SAMPLE_DATA_DIR
    from dashboard.cli import main

    args = ["kpis", "--data", str(SAMPLE_DATA_DIR), "--from", "2026-10-01", "--to", "2026-10-31"]
    assert main([*args, "--product-line", "Mobile App"]) == 0
    mobile = json.loads(capsys.readouterr().out)["targets"]["first_response.median_hours"]
    assert (mobile["target"], mobile["met"]) == (6.0, False) and mobile["actual"] > 6
    assert main(args) == 0
    company = json.loads(capsys.readouterr().out)["targets"]["first_response.median_hours"]
    assert (company["target"], company["met"]) == (4.0, True)
