"""The `kho` command through its runner: ingest, sql, datasets, rejects, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kho.cli.main import app


@pytest.fixture
def kho(settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run `kho …` in-process against this test's KHO_HOME and metadata database."""
    from kho.cli import _common

    monkeypatch.setenv("KHO_HOME", str(settings.home))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(_common.console, "width", 200)
    monkeypatch.setenv("KHO_DATABASE_URL", settings.resolved_database_url)
    _common.platform.cache_clear()
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        from kho.cli.main import main  # noqa: F401 - main maps errors; the runner calls app

        result = runner.invoke(app, list(args), catch_exceptions=True)
        exc = result.exception
        from kho.errors import KhoError

        exit_code = exc.exit_code if isinstance(exc, KhoError) else result.exit_code
        assert exit_code == code, result.output + repr(exc)
        return result.stdout

    yield run
    _common.platform().close()
    _common.platform.cache_clear()


def test_ingest_then_sql_json(kho, messy_dossiers_csv: Path) -> None:  # type: ignore[no-untyped-def]
    kho("orgs", "create", "SO-TP", "Sở Tư pháp")
    out = kho("ingest", str(messy_dossiers_csv), "--dataset", "ho_so", "--org", "SO-TP", "--json")
    report = json.loads(out)
    assert report["rows_loaded"] == 4 and report["rows_rejected"] == 1
    rows = json.loads(
        kho(
            "sql",
            "SELECT ma_thu_tuc, le_phi_dong FROM ho_so ORDER BY ma_ho_so LIMIT 1",
            "--format",
            "json",
        )
    )
    assert rows == [{"ma_thu_tuc": "1.004227", "le_phi_dong": 1234000}]
    listing = json.loads(kho("datasets", "list", "--json"))
    assert [d["slug"] for d in listing["items"]] == ["ho_so"]
    history = json.loads(kho("datasets", "history", "ho_so", "--json"))
    assert len(history["versions"]) == 1 and history["loads"][0]["status"] == "succeeded"
    rejects = json.loads(kho("datasets", "rejects", "ho_so", "--json"))
    assert rejects["total"] == 1 and rejects["items"][0]["value"] == "31/02/2024"
    csv_out = kho("sql", "SELECT count(*) AS n FROM ho_so", "--format", "csv")
    assert csv_out.splitlines() == ["n", "4"]


def test_human_report_is_printed(kho, messy_dossiers_csv: Path) -> None:  # type: ignore[no-untyped-def]
    kho("orgs", "create", "SO-TP", "Sở Tư pháp")
    out = kho("ingest", str(messy_dossiers_csv), "--dataset", "ho_so")
    assert "Ngày tiếp nhận" in out and "ngay_tiep_nhan" in out
    assert "Số dòng bị loại: 1" in out and "dd/mm/yyyy" in out
    assert "kho datasets rejects ho_so" in out


def test_errors_have_exit_codes(kho, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    kho("init")
    kho("datasets", "show", "khong_co", code=2)
    kho("sql", "DROP TABLE x", code=4)
    kho("sql", "SELECT * FROM read_csv('/etc/passwd')", code=4)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    kho("orgs", "create", "SO-TP", "Sở Tư pháp")
    kho("ingest", str(empty), "--dataset", "rong", code=6)
