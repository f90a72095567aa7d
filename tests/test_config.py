from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.config import Settings, load_settings
from dashboard.errors import ProductHealthError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "health.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_settings_file_gives_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)
    assert settings == Settings()
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
        ('timezone = "Mars/Olympus"\n', r"line 1: setting 'timezone': 'Mars/Olympus' is not an IANA time zone"),
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


@pytest.mark.parametrize("zone", ["posix/Europe/Berlin", "right/UTC", "localtime"])
def test_a_zone_python_knows_but_duckdb_does_not_is_an_error_at_its_key(tmp_path: Path, zone: str) -> None:
    """Such zones once passed the check and stopped the build without naming the key."""
    write(tmp_path, f'timezone = "UTC"\n\n[sources.zendesk]\nproduct_line_from = "group"\ntimezone = "{zone}"\n')
    with pytest.raises(
        ProductHealthError,
        match=rf"line 5: setting 'sources.zendesk.timezone': '{zone}' is not an IANA time zone DuckDB knows",
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
