from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from dashboard.errors import ProductHealthError
from dashboard.settings import load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "health.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_settings_file_gives_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert settings.path is None and settings.timezone == "UTC" and not settings.targets
    assert settings.source("jira").bug_values == ("Bug",)
    assert settings.source("github").product_line_from == "repository"


def test_settings_are_read_from_the_data_folder(tmp_path: Path) -> None:
    write(
        tmp_path,
        'timezone = "Europe/Berlin"\n[sources.zendesk]\nproduct_line_from = "tag"\n'
        'product_lines = { billing = "Billing" }\n',
    )
    settings = load_settings(tmp_path)
    assert settings.timezone == "Europe/Berlin"
    assert settings.source("zendesk").product_lines == {"billing": "Billing"}


def test_an_unknown_key_names_the_key_and_the_line(tmp_path: Path) -> None:
    write(tmp_path, 'timezone = "UTC"\n\n[sources.jira]\ntimezone = "UTC"\nbug_typo = ["Bug"]\n')
    with pytest.raises(ProductHealthError, match=r"line 5: setting 'sources.jira.bug_typo': unknown key"):
        load_settings(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('timezone = "Mars/Olympus"\n', r"line 1: setting 'timezone': 'Mars/Olympus' is not a time zone DuckDB knows"),
        ('[sources.zendesk]\nproduct_line_from = "planet"\n', r"line 2: setting 'sources.zendesk.product_line_from'"),
        ('[sources.nowhere]\ntimezone = "UTC"\n', r"line 1: setting 'sources.nowhere': unknown source"),
        ('[privacy]\nshow_titles = "no"\n', r"line 2: setting 'privacy.show_titles': must be true or false"),
        ("timezone = \n", r"not valid TOML"),
        ('[[custom]]\nname = "helpscout"\ncolumns = { ticket_id = "ID" }\n', r"needs 'created_at'"),
    ],
)
def test_bad_values_are_errors_that_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, text)
    with pytest.raises(ProductHealthError, match=message):
        load_settings(tmp_path)


@pytest.mark.parametrize("zone", ["posix/Europe/Berlin", "right/UTC", "localtime", "PST", "SystemV/EST5"])
def test_a_zone_python_knows_but_duckdb_does_not_is_an_error_at_its_key(tmp_path: Path, zone: str) -> None:
    """Such zones once passed the check and stopped the build (Python knows 'posix/...', DuckDB
    does not) or the period filters (DuckDB knows 'PST', Python does not) without naming the key."""
    write(tmp_path, f'timezone = "UTC"\n\n[sources.zendesk]\nproduct_line_from = "group"\ntimezone = "{zone}"\n')
    with pytest.raises(
        ProductHealthError,
        match=rf"line 5: setting 'sources.zendesk.timezone': '{zone}' is not a time zone DuckDB knows",
    ):
        load_settings(tmp_path)


def test_an_error_in_a_nested_table_names_its_own_line_not_a_same_named_key_above(tmp_path: Path) -> None:
    write(
        tmp_path,
        'timezone = "UTC"\n[links]\nkey_pattern = "[A-Z]+-[0-9]+"\n[sources.jira]\n'
        'timezone = "UTC"\n[sources.zendesk]\n# a comment\ntimezone = 5\n',
    )
    with pytest.raises(ProductHealthError, match=r"line 8: setting 'sources.zendesk.timezone': must be a non-empty"):
        load_settings(tmp_path)


def test_an_inline_table_error_names_the_line_of_the_table(tmp_path: Path) -> None:
    write(tmp_path, 'timezone = "UTC"\n[sources]\nzendesk = { timezone = "Mars/Olympus" }\n')
    with pytest.raises(ProductHealthError, match=r"line 3: setting 'sources.zendesk.timezone'"):
        load_settings(tmp_path)


def test_a_settings_file_saved_with_a_bom_is_read(tmp_path: Path) -> None:
    (tmp_path / "health.toml").write_bytes(b"\xef\xbb\xbf" + b'timezone = "Europe/Berlin"\n')
    assert load_settings(tmp_path).timezone == "Europe/Berlin"


def test_a_settings_file_that_is_a_fifo_is_an_error_not_a_hang(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "health.toml")
    with pytest.raises(ProductHealthError, match="the settings file is not a regular file"):
        load_settings(tmp_path)
    with pytest.raises(ProductHealthError, match="the settings file is not a regular file"):
        load_settings(config_path=tmp_path / "health.toml")


def test_one_zone_check_serves_the_settings_the_filters_and_the_command_line() -> None:
    import datetime as dt

    from dashboard.filters import Filters
    from dashboard.zones import check_zone

    for zone in ("posix/Europe/Berlin", "PST"):
        with pytest.raises(ProductHealthError, match=f"'{zone}' is not a time zone DuckDB knows"):
            Filters(dt.date(2026, 1, 1), dt.date(2026, 1, 31), timezone=zone)
        with pytest.raises(ProductHealthError, match=f"--timezone: '{zone}' is not a time zone DuckDB knows"):
            check_zone(zone, "--timezone")
    assert check_zone("Europe/Berlin", "--timezone") == "Europe/Berlin"


def test_an_error_in_the_second_custom_mapping_names_its_own_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        '[[custom]]\nname = "helpscout"\ncolumns = { ticket_id = "ID", created_at = "Created" }\n\n'
        '[[custom]]\nname = "Front"\ncolumns = { ticket_id = "ID", created_at = "Created" }\n',
    )
    with pytest.raises(ProductHealthError, match=r"line 6: setting 'custom.name': 'Front' must be lower-case"):
        load_settings(tmp_path)


def test_a_source_section_is_checked_against_its_format(tmp_path: Path) -> None:
    write(tmp_path, '[sources.freshdesk]\nproduct_line_from = "field"\n')
    with pytest.raises(ProductHealthError, match=r"line 2: .*product_line_from': must be one of: product, group, tag"):
        load_settings(tmp_path)
    write(tmp_path, '[sources.zendesk]\nproduct_line_from = "field"\n')
    with pytest.raises(ProductHealthError, match=r"line 1: setting 'sources.zendesk.product_line_field': must be a"):
        load_settings(tmp_path)
    write(tmp_path, "[sources.jira]\nbug_values = []\n")
    assert load_settings(tmp_path).source("jira").bug_values == ()
    assert load_settings(tmp_path).source("github").bug_values == ("bug",)


def _touch(path: Path, text: str, mtime_ns: int) -> None:
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_settings_are_read_again_only_when_the_file_changes(tmp_path: Path, monkeypatch) -> None:
    from dashboard import settings as loader

    reads = []
    real = loader.read_settings_file
    monkeypatch.setattr(loader, "read_settings_file", lambda path: reads.append(path) or real(path))
    path = tmp_path / "health.toml"
    _touch(path, 'timezone = "Europe/Berlin"\n', 1_700_000_000_000_000_000)
    first = load_settings(tmp_path)
    assert load_settings(tmp_path) is first and load_settings(config_path=path) is first
    assert len(reads) == 1
    _touch(path, 'timezone = "Europe/Paris"\n', 1_700_000_000_000_000_000)  # same size and mtime: a new ctime
    assert load_settings(tmp_path).timezone == "Europe/Paris"
    _touch(path, 'timezone = "Asia/Tokyo"\n', 1_700_000_001_000_000_000)
    assert load_settings(tmp_path).timezone == "Asia/Tokyo"
    assert len(reads) == 3


def test_settings_are_read_again_when_their_holidays_file_changes(tmp_path: Path) -> None:
    holidays = tmp_path / "holidays.csv"
    _touch(holidays, "date\n2026-12-25\n", 1_700_000_000_000_000_000)
    write(tmp_path, '[[schedules]]\nname = "office"\nhours = { mon = ["09:00-17:00"] }\nholidays = "holidays.csv"\n')
    assert load_settings(tmp_path).schedules[0].holidays == (dt.date(2026, 12, 25),)
    _touch(holidays, "date\n2026-12-24\n2026-12-25\n", 1_700_000_002_000_000_000)
    assert load_settings(tmp_path).schedules[0].holidays == (dt.date(2026, 12, 24), dt.date(2026, 12, 25))


DELIVERY = """
[delivery]
dashboard_url = "https://health.acme.com/"
smtp_host = "smtp.acme.com"
smtp_username_env = "PH_SMTP_USER"
smtp_password_env = "PH_SMTP_PASSWORD"
from = "product-health@acme.com"
to = ["leadership@acme.com"]
slack_webhook_url_env = "PH_SLACK_WEBHOOK"
[delivery.product_lines]
"Mobile App" = ["mobile-leads@acme.com"]
"""


def test_delivery_settings_are_read_with_the_port_of_their_security(tmp_path: Path) -> None:
    delivery = load_settings(tmp_path, write(tmp_path, DELIVERY)).delivery
    assert delivery is not None and delivery.smtp_security == "starttls" and delivery.smtp_port == 587
    assert delivery.dashboard_url == "https://health.acme.com" and delivery.sender == "product-health@acme.com"
    assert delivery.product_lines == {"Mobile App": ("mobile-leads@acme.com",)}
    tls = load_settings(tmp_path, write(tmp_path, DELIVERY.replace("[delivery]", '[delivery]\nsmtp_security = "tls"')))
    assert tls.delivery.smtp_port == 465
    teams = DELIVERY.replace("[delivery]", '[delivery]\nteams_webhook_url_env = "PH_TEAMS"')
    assert load_settings(tmp_path, write(tmp_path, teams)).delivery.webhooks() == {
        "slack": "PH_SLACK_WEBHOOK",
        "teams": "PH_TEAMS",
    }
    assert load_settings(tmp_path / "none").delivery is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('smtp_host = "smtp.acme.com"', ""), r"line \d+: setting 'delivery.smtp_host' \(needed to send e-mail\)"),
        (('to = ["leadership@acme.com"]', 'to = ["leadership"]'), r"setting 'delivery.to': 'leadership' is not an"),
        (("[delivery]", '[delivery]\nsmtp_security = "ssl"'), r"'delivery.smtp_security': must be one of"),
        (("[delivery]", "[delivery]\nsmtp_port = 70000"), r"line 3: setting 'delivery.smtp_port': must be a port"),
        (
            ('"Mobile App" = ["mobile-leads@acme.com"]', '"Mobile App" = "x"'),
            r"'delivery.product_lines.\"Mobile App\"'",
        ),
        (('smtp_password_env = "PH_SMTP_PASSWORD"', ""), r"'delivery.smtp_password_env': set both or neither"),
        (("[delivery]", "[delivery]\nsmtp_pasword = 1"), r"'delivery.smtp_pasword': unknown key"),
        (("https://health.acme.com/", "javascript:alert(1)"), r"'delivery.dashboard_url': must be an http"),
    ],
)
def test_a_wrong_delivery_setting_names_its_key(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    with pytest.raises(ProductHealthError, match=message):
        load_settings(tmp_path, write(tmp_path, DELIVERY.replace(*change)))


def test_a_secret_written_where_a_variable_name_belongs_is_refused_and_not_repeated(tmp_path: Path) -> None:
    secret = "https://hooks.slack.com/services/T0/B0/XyZsecret"
    path = write(tmp_path, DELIVERY.replace('"PH_SLACK_WEBHOOK"', f'"{secret}"'))
    with pytest.raises(ProductHealthError, match="slack_webhook_url_env': must name an environment") as raised:
        load_settings(tmp_path, path)
    assert "XyZsecret" not in str(raised.value)
