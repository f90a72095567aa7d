"""Revisions since the last pack (dashboard/revisions.py): hand-made records for compare() and
note(); then, end to end on a copy of the sample, a pack for October 2026 recorded, a later
export added (tickets of late October answered in November), and the kpis JSON, the
dashboard's overview (AppTest) and the next pack say what moved and why."""

from __future__ import annotations

import copy
import datetime as dt
import html
import json
import re
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import PROJECT_ROOT, SAMPLE_DATA_DIR, data
from dashboard.cli import main
from dashboard.config import Settings
from dashboard.filters import Filters
from dashboard.htmlparts import revisions_html
from dashboard.revisions import (
    applies,
    archive_path,
    compare,
    figure_paths,
    load,
    note,
    record,
    save,
    settings_fingerprint,
)

OCTOBER = Filters(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
FIGURES = {
    "overall": {"tickets_created": 100, "sla.first_response.met_pct": 90.0, "sla.first_response.pending": 5},
    "lines": {"Web": {"tickets_created": 40, "sla.first_response.met_pct": 80.0, "sla.first_response.pending": 2}},
}
PACK_DAY = "2026-11-03T09:00:00+00:00"


def _recorded(settings: Settings | None = None) -> dict:
    return record(OCTOBER, FIGURES, "2026-11-01T00:57:34Z", settings or Settings(), PACK_DAY)


def test_nothing_moved_gives_no_revisions_and_no_note() -> None:
    found = _recorded()
    now = copy.deepcopy(FIGURES)
    now["overall"]["sla.first_response.met_pct"] = 90.04  # written '90.0 %' both times: no move
    moves = compare(found, OCTOBER, now, Settings())
    assert moves == []
    assert note(found, moves, "2026-11-01T00:57:34Z") is None
    assert revisions_html(None) == ""


def test_a_later_export_and_decided_tickets_are_named_as_the_reasons() -> None:
    now = copy.deepcopy(FIGURES)
    now["overall"].update({"tickets_created": 103, "sla.first_response.met_pct": 91.5, "sla.first_response.pending": 1})
    moves = compare(_recorded(), OCTOBER, now, Settings())
    by_figure = {move["figure"]: move for move in moves}
    assert [move["product_line"] for move in moves] == [None, None, None]  # Web did not move
    created = by_figure["tickets_created"]
    assert (created["old"], created["new"], created["old_text"], created["new_text"]) == (100, 103, "100", "103")
    assert created["why"] == ["3 tickets created in October 2026 added by a later export"]
    sla = by_figure["sla.first_response.met_pct"]
    assert (sla["label"], sla["old_text"], sla["new_text"]) == ("First replies within SLA", "90.0 %", "91.5 %")
    assert sla["why"] == [
        "3 tickets created in October 2026 added by a later export",
        "4 pending first-reply SLAs since decided",
    ]
    assert sla["pack_generated_at"] == PACK_DAY and sla["pack_data_as_of"] == "2026-11-01T00:57:34Z"


def test_a_settings_change_is_a_reason_and_a_line_s_move_is_listed_by_line() -> None:
    now = copy.deepcopy(FIGURES)
    now["lines"]["Web"]["sla.first_response.met_pct"] = 70.0
    changed = Settings(still_hurting_days=30)
    assert settings_fingerprint(changed) != settings_fingerprint(Settings())
    moves = compare(_recorded(), OCTOBER, now, changed)
    assert [(m["figure"], m["product_line"], m["why"]) for m in moves] == [
        ("sla.first_response.met_pct", "Web", ["the settings changed"])
    ]
    shown = note(_recorded(), moves, "2026-11-03T14:00:00Z")
    assert shown is not None
    assert (shown["since"], shown["items"], shown["why"], shown["lines"]) == ("3 Nov 2026", [], [], ["Web"])
    text = revisions_html(shown)
    assert "Revised since the pack of 3 Nov 2026" in text and "3 November 2026, 14:00 UTC" in text
    assert "Product lines with figures that moved: Web." in text


def test_settings_that_do_not_decide_the_numbers_change_no_fingerprint() -> None:
    assert settings_fingerprint(Settings(allowed_groups=("execs",), targets={"csat.score_pct": 80})) == (
        settings_fingerprint(Settings())
    )


def test_a_record_applies_to_its_own_view_of_the_month_only(tmp_path: Path) -> None:
    found = _recorded()
    assert applies(found, OCTOBER)
    assert not applies(found, Filters(OCTOBER.start, OCTOBER.end, "Europe/Berlin"))
    assert not applies(found, Filters(OCTOBER.start, OCTOBER.end, basis="business"))
    assert archive_path(tmp_path, Filters(OCTOBER.start, dt.date(2026, 10, 15))) is None  # not a month
    save(tmp_path, OCTOBER, found)
    assert (tmp_path / "2026-10.json").is_file() and load(tmp_path, OCTOBER) == found
    web = Filters(OCTOBER.start, OCTOBER.end, product_lines=("Web",))
    assert load(tmp_path, web) is None  # another choice of product lines has its own record


def test_an_unreadable_record_is_no_revision(tmp_path: Path) -> None:
    (tmp_path / "2026-10.json").write_text("{not json", encoding="utf-8")
    assert load(tmp_path, OCTOBER) is None


def test_a_text_from_an_export_in_a_note_is_escaped() -> None:
    shown = {
        "since": "3 Nov 2026",
        "then_as_of": "-",
        "now_as_of": "-",
        "items": [],
        "why": [],
        "lines": ["<script>alert(1)</script>"],
    }
    text = revisions_html(shown)
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_every_recorded_figure_has_words() -> None:
    paths = figure_paths()
    assert "sla.first_response.met_pct" in paths and "sla.resolution.pending" in paths
    assert all(paths.values())


# -- end to end: record, a later export, the note ---------------------------------------------

APP = str(PROJECT_ROOT / "dashboard" / "app.py")
# 2026-11-03 14:00 UTC: the later export's last update, the new cut-off.
LATER = "2026-11-03T14:00:00Z"
NEW_TICKETS = (990001, 990002)  # created 30 and 31 October, first replies on 2 November


def _zendesk_tickets(folder: Path) -> dict[int, tuple[dict, dict]]:
    """Every ticket of the sample's Zendesk incremental export, with its metric set, by id."""
    out: dict[int, tuple[dict, dict]] = {}
    for path in sorted((folder / "zendesk").glob("*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        metrics = {m["ticket_id"]: m for m in page.get("metric_sets", [])}
        for ticket in page["tickets"]:
            out[ticket["id"]] = (ticket, metrics.get(ticket["id"], {}))
    return out


def _later_export(folder: Path, answered: list[int]) -> None:
    """A fifth page of the incremental export, in the sample's format: the tickets `answered`
    (October tickets pending at pack time) now with a first reply on 2 November, and two new
    tickets created at the end of October, answered on 2 November, updated on 3 November."""
    known = _zendesk_tickets(folder)
    tickets, metric_sets = [], []
    for ticket_id in answered:
        ticket, metrics = copy.deepcopy(known[ticket_id])
        created = dt.datetime.fromisoformat(ticket["created_at"])
        replied = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
        status = ticket["status"] if ticket["status"] in ("solved", "closed") else "pending"
        ticket.update(updated_at="2026-11-02T09:00:00Z", status=status, generated_timestamp=1793610000)
        minutes = round((replied - created).total_seconds() / 60)
        metrics.update(ticket_id=ticket_id, replies=1, reply_time_in_minutes={"calendar": minutes, "business": None})
        tickets.append(ticket)
        metric_sets.append(metrics)
    template, template_metrics = next(iter(known.values()))
    for ticket_id, created in zip(NEW_TICKETS, ("2026-10-30T16:00:00Z", "2026-10-31T20:00:00Z"), strict=True):
        ticket = copy.deepcopy(template) | {
            "id": ticket_id,
            "url": f"https://acme.zendesk.com/api/v2/tickets/{ticket_id}.json",
            "created_at": created,
            "updated_at": LATER,
            "status": "open",
            "priority": "normal",
            "tags": ["billing", "priority_normal"],
            "subject": f"Billing question #{ticket_id}",
            "satisfaction_rating": None,
            "generated_timestamp": 1793714400,
        }
        replied = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
        minutes = round((replied - dt.datetime.fromisoformat(created)).total_seconds() / 60)
        tickets.append(ticket)
        metric_sets.append(
            copy.deepcopy(template_metrics)
            | {
                "ticket_id": ticket_id,
                "reopens": 0,
                "replies": 1,
                "solved_at": None,
                "reply_time_in_minutes": {"calendar": minutes, "business": None},
                "full_resolution_time_in_minutes": {"calendar": None, "business": None},
            }
        )
    page = {
        "tickets": tickets,
        "metric_sets": metric_sets,
        "count": len(tickets),
        "end_of_stream": True,
        "next_page": None,
        "end_time": 1793714400,
    }
    (folder / "zendesk" / "incremental-tickets-05.json").write_text(json.dumps(page, indent=1), encoding="utf-8")


def _kpis(capsys, folder: Path) -> dict:
    assert main(["kpis", "--data", str(folder), "--from", "2026-10-01", "--to", "2026-10-31"]) == 0
    return json.loads(capsys.readouterr().out)


def _embedded(pack: Path, element: str) -> dict:
    found = re.search(rf'<script type="application/json" id="{element}">(.*?)</script>', pack.read_text("utf-8"), re.S)
    assert found, element
    return json.loads(found.group(1))


@pytest.mark.slow
def test_a_later_export_after_the_pack_is_told_on_the_dashboard_and_in_the_next_pack(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE_DATA_DIR, folder, ignore=shutil.ignore_patterns(".product-health"))
    monkeypatch.setenv("PRODUCT_HEALTH_CACHE", str(tmp_path / "cache"))

    assert main(["report", "--data", str(folder), "--month", "2026-10", "--out", str(tmp_path / "pack1.html")]) == 0
    capsys.readouterr()
    first = _embedded(tmp_path / "pack1.html", "product-health-record")
    assert first["month"] == "2026-10" and first["data_as_of"] == "2026-11-01T00:57:34Z"
    assert first["figures"]["overall"]["tickets_created"] == 765
    assert first["figures"]["overall"]["sla.first_response.pending"] == 11
    assert list((tmp_path / "cache").glob("*/packs/2026-10.json"))
    before = _kpis(capsys, folder)
    assert before["revisions"] == []  # nothing moved since the pack

    arguments = ["--metric", "sla.first_response.pending", "--from", "2026-10-01", "--to", "2026-10-31"]
    assert main(["tickets", "--data", str(folder), *arguments]) == 0
    pending = [int(row["id"]) for row in json.loads(capsys.readouterr().out)["rows"]]
    assert len(pending) == 11
    _later_export(folder, pending[:3])

    after = _kpis(capsys, folder)
    assert after["data_as_of"] == LATER
    moved = {(m["figure"], m["product_line"]): m for m in after["revisions"]}
    created = moved["tickets_created", None]
    assert (created["old"], created["new"]) == (765, 767)
    assert created["why"] == ["2 tickets created in October 2026 added by a later export"]
    # The cut-off moved from 00:57 on 1 November to 14:00 on 3 November: the 3 answered
    # tickets are decided, and so is every other October ticket due by the new cut-off.
    pending_now = after["sla"]["first_response"]["pending"]
    assert pending_now < 11
    pending_move = moved["sla.first_response.pending", None]
    assert (pending_move["old"], pending_move["new"]) == (11, pending_now)
    assert f"{11 - pending_now} pending first-reply SLAs since decided" in pending_move["why"]
    assert moved["tickets_created", "Billing"]["why"][0].startswith("2 tickets created in October 2026")

    # The dashboard's overview says so.
    st.cache_data.clear()
    st.cache_resource.clear()
    data._LAST_GOOD.clear()
    data.RESULTS.clear()
    data._FAILED.clear()
    monkeypatch.setenv("PRODUCT_HEALTH_DATA", str(folder))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "October 2026" in at.header[0].value
    shown = html.unescape(" ".join(element.value for element in at.html))
    day = dt.datetime.fromisoformat(first["generated_at"])
    assert f"Revised since the pack of {day.day} {day:%b %Y}" in shown
    assert "Tickets created: 765 → 767" in shown
    assert (
        f"First replies met · breached · pending: 678 · 76 · 11 → {after['sla']['first_response']['met']} · " in shown
    )
    assert "Why: 2 tickets created in October 2026 added by a later export; " in shown
    assert "Product lines with figures that moved: " in shown and "Billing" in shown
    assert "as of 3 November 2026, 14:00 UTC" in shown  # the SLA tile's caption: the new cut-off

    # The next pack says so too, and records the new figures.
    assert main(["report", "--data", str(folder), "--month", "2026-10", "--out", str(tmp_path / "pack2.html")]) == 0
    text = html.unescape((tmp_path / "pack2.html").read_text("utf-8"))
    assert f"Revised since the pack of {day.day} {day:%b %Y}" in text
    assert "Tickets created: 765 → 767" in text and "SLA as of 3 November 2026, 14:00 UTC" in text
    embedded = _embedded(tmp_path / "pack2.html", "product-health-kpis")
    assert embedded["data_as_of"] == LATER and embedded["revisions"] == after["revisions"]
    capsys.readouterr()
    assert _kpis(capsys, folder)["revisions"] == []  # the second pack is now the last one
