"""The meeting pack and CSV downloads: self-contained, escaped, and safe in a spreadsheet."""

from __future__ import annotations

import html
import json

import pandas as pd
import pytest

from dashboard.cli import main
from dashboard.downloads import csv_bytes
from dashboard.pack import meeting_pack, month_filters
from tests.test_links import GITHUB

HOSTILE = '<script>alert(1)</script> =HYPERLINK("http://evil") **bold**'


@pytest.mark.slow
def test_the_pack_is_one_file_with_plotly_inline_and_no_external_resource(tmp_path) -> None:
    out = tmp_path / "pack.html"
    assert main(["report", "--month", "2026-10", "--out", str(out)]) == 0
    pack = out.read_text(encoding="utf-8")
    assert pack.count("<script") >= 2 and "<script src=" not in pack  # plotly.js inline, not from a CDN
    assert 'src="http' not in pack and "<link" not in pack
    machine = json.loads(pack.split('id="product-health-kpis">', 1)[1].split("</script>", 1)[0])
    assert machine["period"] == {"from": "2026-10-01", "to": "2026-10-31", "timezone": "UTC", "product_lines": []}
    assert [b["key"] for b in machine["impact"]["still_hurting"]][:2] == ["MOB-101", "BILL-101"]


def test_a_bad_month_or_product_line_is_a_usage_error(tmp_path, capsys) -> None:
    assert main(["report", "--month", "2026-13", "--out", str(tmp_path / "x.html")]) == 2
    assert main(["report", "--month", "2026-10", "--product-line", "Nope", "--out", str(tmp_path / "x.html")]) == 2
    assert "not a month" in capsys.readouterr().err
    assert not (tmp_path / "x.html").exists()


def test_month_filters_cover_the_whole_month() -> None:
    february = month_filters("2024-02", "Europe/Berlin")
    assert (february.start.isoformat(), february.end.isoformat()) == ("2024-02-01", "2024-02-29")


@pytest.mark.slow
def test_titles_from_exports_are_escaped_in_the_pack(load_files) -> None:
    issue = {**json.loads(GITHUB)[0], "title": HOSTILE}
    warehouse, report = load_files(
        {
            "tickets.csv": "Id,Status,Via,Created at,Subject\n1,Open,Mail,2024-03-05 10:00:00,"
            "see https://github.com/acme/app/issues/7\n",
            "bugs.json": json.dumps([issue]),
        }
    )
    pack = meeting_pack(warehouse, report, month_filters("2024-03", "UTC"))
    assert "<script>alert(1)</script>" not in pack
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pack


def test_product_lines_and_event_labels_from_exports_are_escaped_in_the_pack(load_files) -> None:
    script, attribute = "<script>alert(1)</script>", '"onmouseover=alert(1) x="'
    quoted = attribute.replace('"', '""')  # as CSV writes it
    warehouse, report = load_files(
        {
            "health.toml": '[[custom]]\nname = "desk"\ncolumns = { ticket_id = "id", created_at = "created_at", '
            'status = "status", product_line = "product_line" }\n',
            "desk.csv": "id,created_at,status,product_line\n"
            f'1,2024-03-05 10:00,open,"{script}"\n2,2024-03-06 10:00,open,"{quoted}"\n',
            "events.csv": f'date,label,product_line\n2024-03-07,"{script}","{script}"\n2024-03-08,"{quoted}",\n',
        }
    )
    pack = meeting_pack(warehouse, report, month_filters("2024-03", "UTC"))
    assert script not in pack  # nor in the charts' or the kpis JSON
    shown = pack.split("<h2>Trends", 1)[0]  # the HTML before the charts (whose JSON has it as a string)
    assert '"onmouseover' not in shown
    text = html.unescape(shown)  # still there, as text: the product-line table and the events
    assert f"<td>{script}</td>" in text and f"<td>{attribute}</td>" in text and f"{script}: {script}" in text


def test_csv_downloads_neutralise_formulas_and_keep_numbers() -> None:
    frame = pd.DataFrame({"title": [HOSTILE, "=1+1", "+cmd", "-x", "@SUM(A1)", "plain"], "n": [1, -2, 3, 4, 5, 6]})
    text = csv_bytes(frame).decode()
    lines = text.splitlines()
    assert lines[2] == "'=1+1,-2" and lines[3] == "'+cmd,3" and lines[4] == "'-x,4" and lines[5] == "'@SUM(A1),5"
    assert lines[6] == "plain,6"


def test_only_web_addresses_become_links(load_files) -> None:
    issue = {**json.loads(GITHUB)[0], "html_url": "javascript:alert(document.cookie)"}
    del issue["url"]
    warehouse, _ = load_files({"bugs.json": json.dumps([issue])})
    assert warehouse.sql("select url from issues")["url"].isna().all()
