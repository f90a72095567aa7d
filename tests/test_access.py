"""Who gets in, which product lines they see, sessions that end (access.py), and the product
lines a viewer may see carried into every query's parameters (Filters.lines)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from dashboard.access import Person, SessionBook, book_at, record, verdict
from dashboard.cli import secrets_files
from dashboard.config import Settings
from dashboard.errors import ProductHealthError
from dashboard.filters import NO_LINE, Filters
from dashboard.settings import load_settings

SIGN_IN = "[access]\nrequire_sign_in = true\n"
LINES = '[access.product_lines]\n"group:support-billing" = ["Billing"]\n"group:support-leads" = "*"\n'
SETTINGS = Settings(
    require_sign_in=True,
    allowed_email_domains=("acme.com",),
    allowed_groups=("support-leads", "support-billing"),
    line_access={
        "group:support-billing": ("Billing",),
        "group:support-leads": ("*",),
        "alice@acme.com": ("Mobile App", "Analytics"),
    },
)


def person(**claims) -> Person:
    return Person.from_claims({"sub": "u1", "iss": "https://idp", "iat": 1000, "exp": 4600} | claims)


@pytest.fixture
def book(tmp_path: Path) -> SessionBook:
    return book_at(tmp_path)


def test_a_billing_lead_sees_billing_a_lead_every_line_alice_her_two(book) -> None:
    assert verdict(SETTINGS, person(email="ann@acme.com", groups=["support-billing"]), book, 2000).lines == ("Billing",)
    assert (
        verdict(SETTINGS, person(email="lee@x.io", groups=["support-leads", "support-billing"]), book, 2000).lines
        is None
    )
    assert verdict(SETTINGS, person(email="Alice@acme.com"), book, 2000).lines == ("Mobile App", "Analytics")


def test_someone_admitted_without_lines_is_refused(book) -> None:
    found = verdict(SETTINGS, person(email="bob@acme.com"), book, 2000)
    assert not found.admitted and "may not see any product line" in found.reason


def test_an_unverified_address_passes_neither_the_domain_nor_its_own_lines(book) -> None:
    found = verdict(SETTINGS, person(email="alice@acme.com", email_verified=False), book, 2000)
    assert not found.admitted and "not verified" in found.reason
    as_text = verdict(SETTINGS, person(email="alice@acme.com", email_verified="false"), book, 2000)
    assert not as_text.admitted


def test_an_id_token_without_email_or_groups_says_the_provider_must_send_them(book) -> None:
    found = verdict(SETTINGS, person(), book, 2000)
    assert not found.admitted and "carries neither your e-mail address nor your groups" in found.reason


def test_a_session_ends_at_the_id_tokens_expiry_or_after_max_session_hours(book) -> None:
    ann = person(email="ann@acme.com", groups=["support-billing"])
    assert verdict(SETTINGS, ann, book, 4599).admitted
    ended = verdict(SETTINGS, ann, book, 4600)
    assert ended.ended and "Your session ended at 01 Jan 1970 01:16 UTC" in ended.reason
    longer = Settings(**{**SETTINGS.__dict__, "max_session_hours": 8.0})
    assert verdict(longer, ann, book, 4600).admitted and verdict(longer, ann, book, 1000 + 8 * 3600).ended


def test_a_signed_out_session_stays_out_in_every_process_and_a_new_sign_in_is_another(tmp_path: Path) -> None:
    ann = person(email="ann@acme.com", groups=["support-billing"])
    book_at(tmp_path).sign_out(ann.session)
    other_process = SessionBook(tmp_path / "sessions.sqlite")  # its own connection to the same file
    assert verdict(SETTINGS, ann, other_process, 2000).ended
    assert verdict(
        SETTINGS, person(email="ann@acme.com", groups=["support-billing"], iat=1500), other_process, 2000
    ).admitted


def test_each_sign_in_refusal_and_sign_out_is_one_log_line_without_tokens(book) -> None:
    from dashboard.logs import log

    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda entry: seen.append(entry.getMessage())
    log.addHandler(handler)
    try:
        ann = person(email="ann@acme.com", groups=["support-billing"], id_token="eyJsecret")
        for _ in range(3):  # reruns of one session
            record(book, ann, verdict(SETTINGS, ann, book, 2000))
        record(book, ann, "sign-out")
        eve = person(email="eve@evil.org", sub="u2")
        record(book, eve, verdict(SETTINGS, eve, book, 2000))
    finally:
        log.removeHandler(handler)
    assert seen == [
        "access: sign-in email=ann@acme.com groups=support-billing",
        "access: sign-out email=ann@acme.com groups=support-billing",
        "access: refused email=eve@evil.org groups=- reason=Your account is not on this dashboard's allow-list "
        "(e-mail domain or group).",
    ]
    assert not any("eyJ" in line for line in seen)


def test_product_lines_are_read_from_the_settings(tmp_path: Path) -> None:
    (tmp_path / "health.toml").write_text(
        "[access]\nrequire_sign_in = true\nshow_company_totals = true\nmax_session_hours = 12\n" + LINES
    )
    settings = load_settings(tmp_path)
    assert settings.line_access == {"group:support-billing": ("Billing",), "group:support-leads": ("*",)}
    assert settings.show_company_totals and settings.max_session_hours == 12


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (SIGN_IN + '[access.product_lines]\n"support-billing" = ["Billing"]\n', r"line 4: .*must be \"group:<name>\""),
        (SIGN_IN + '[access.product_lines]\n"group:x" = "Billing"\n', r'line 4: .*a list of product lines, or "\*"'),
        ("[access]\nmax_session_hours = 0\n", r"line 2: setting 'access.max_session_hours'"),
        (LINES, r"line 1: setting 'access.product_lines': needs require_sign_in = true"),
    ],
)
def test_bad_access_settings_name_their_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "health.toml").write_text(text)
    with pytest.raises(ProductHealthError, match=message):
        load_settings(tmp_path)


OCTOBER = {"start": dt.date(2026, 10, 1), "end": dt.date(2026, 10, 31)}


def test_the_viewers_lines_are_intersected_where_filters_become_parameters() -> None:
    assert Filters(**OCTOBER).params()["product_lines"] == []
    assert Filters(**OCTOBER, allowed_lines=("Billing",)).params()["product_lines"] == ["Billing"]
    assert Filters(**OCTOBER, product_lines=("Billing",), allowed_lines=("Billing", "Analytics")).params()[
        "product_lines"
    ] == ["Billing"]
    assert Filters(**OCTOBER, allowed_lines=()).params()["product_lines"] == [NO_LINE]  # never "empty = all"
    assert Filters(**OCTOBER, allowed_lines=("Billing",)).previous().params()["product_lines"] == ["Billing"]


def test_a_line_outside_the_viewers_is_refused_not_narrowed() -> None:
    with pytest.raises(ProductHealthError, match="product line Mobile App is not one you may see"):
        Filters(**OCTOBER, product_lines=("Billing", "Mobile App"), allowed_lines=("Billing",))


@pytest.mark.slow
def test_a_restricted_viewers_numbers_are_their_lines_and_none_is_nothing(sample) -> None:
    from dashboard.metrics import kpis

    warehouse, _ = sample
    billing = kpis(warehouse, Filters(**OCTOBER, product_lines=("Billing",)))
    assert kpis(warehouse, Filters(**OCTOBER, allowed_lines=("Billing",))) == billing
    assert kpis(warehouse, Filters(**OCTOBER)) != billing
    nothing = kpis(warehouse, Filters(**OCTOBER, allowed_lines=()))
    assert nothing["tickets_created"] == 0 and nothing["bug_age"]["open_bugs"] == 0


def test_serve_reads_the_secrets_where_it_is_started_or_given(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    start = tmp_path / "start"
    (start / ".streamlit").mkdir(parents=True)
    assert secrets_files(None, start) == []
    (start / ".streamlit" / "secrets.toml").write_text("[auth]\n")
    home = tmp_path / "home" / ".streamlit"
    home.mkdir(parents=True)
    (home / "secrets.toml").write_text("[auth]\n")
    assert secrets_files(None, start) == [home / "secrets.toml", start / ".streamlit" / "secrets.toml"]
    given = tmp_path / "mine.toml"
    given.write_text("[auth]\n")
    assert secrets_files(given, start) == [given]
    with pytest.raises(ProductHealthError, match="--secrets .*nothing.toml: no such file"):
        secrets_files(tmp_path / "nothing.toml", start)


@pytest.mark.slow
def test_a_restricted_viewers_pack_has_their_lines_and_no_company_counts(sample) -> None:
    from dataclasses import replace

    from dashboard.pack import meeting_pack, month_filters

    warehouse, report = sample
    billing = replace(month_filters("2026-10", "UTC"), allowed_lines=("Billing",))
    html = meeting_pack(warehouse, report, billing)
    assert "Billing" in html and "Mobile App" not in html and "Analytics" not in html
    assert "export file" not in html
    assert "export file" in meeting_pack(warehouse, report, month_filters("2026-10", "UTC"))


def test_a_forged_failure_reaches_the_sign_in_screen_as_plain_text() -> None:
    from starlette.requests import Request
    from starlette.responses import Response

    from dashboard.server import _failure

    query = b"state=x&error=access_denied&error_description=%5Bclick%5D(https%3A%2F%2Fevil.example)%20**now**"
    scope = {"type": "http", "method": "GET", "path": "/oauth2callback", "query_string": query, "headers": []}
    text = _failure(Request(scope), Response())
    assert text.startswith("The provider refused the sign-in: access_denied (")
    said = text[text.index("(") + 1 : text.rindex(")")]
    assert said.split() == ["click", "https:", "evil.example", "now"]
