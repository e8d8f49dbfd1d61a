"""`kho units …` through the CLI runner, as a user types it."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kho.cli.main import app

runner = CliRunner()


def test_resolve_old_name_shows_new_code() -> None:
    result = runner.invoke(app, ["units", "resolve", "Hậu Giang"])
    assert result.exit_code == 0, result.output
    assert "93 Tỉnh Hậu Giang" in result.output and "92 Thành phố Cần Thơ" in result.output


def test_resolve_json_and_ambiguous_exit_code() -> None:
    result = runner.invoke(app, ["units", "resolve", "Xã Tân An", "--level", "commune", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["status"] == "ambiguous" and len(data["candidates"]) > 2


def test_list_old_provinces_json() -> None:
    result = runner.invoke(app, ["units", "list", "--version", "2025-01", "--json"])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 63


def test_list_communes_of_one_province() -> None:
    result = runner.invoke(
        app, ["units", "list", "--level", "commune", "--province", "01", "--json"]
    )
    names = {u["name"] for u in json.loads(result.stdout)}
    assert "Phường Ba Đình" in names and all(
        u["province_code"] == "01" for u in json.loads(result.stdout)
    )


def test_history_follows_code_reuse() -> None:
    old = runner.invoke(app, ["units", "history", "15", "--version", "2025-01", "--json"])
    assert [u["name"] for u in json.loads(old.stdout)["successors"]] == ["Tỉnh Lào Cai"]
    new = runner.invoke(app, ["units", "history", "15", "--json"])
    assert {u["name"] for u in json.loads(new.stdout)["predecessors"]} == {
        "Tỉnh Lào Cai",
        "Tỉnh Yên Bái",
    }


def test_bad_level_and_unknown_code_are_clear_errors() -> None:
    bad = runner.invoke(app, ["units", "list", "--level", "town"])
    assert bad.exit_code != 0 and "town" in str(bad.exception or bad.output)
    missing = runner.invoke(app, ["units", "history", "99"])
    assert missing.exit_code != 0 and "99" in str(missing.exception or missing.output)
