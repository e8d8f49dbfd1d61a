"""`kho migrate`, `kho sync` and `kho scheduler` as a user runs them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from tests.integration.migrate.test_migrate import _tcvn3_db


def _kho(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"KHO_HOME": str(home), "COLUMNS": "250"}
    return subprocess.run(
        [sys.executable, "-m", "kho.cli.main", *args], env=env, capture_output=True, text=True
    )


def test_migrate_report_and_sync_from_the_terminal(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _kho(home, "init").returncode == 0
    assert _kho(home, "orgs", "create", "SO-TTTT", "Sở TTTT").returncode == 0, "org"
    url = f"sqlite:///{_tcvn3_db(tmp_path / 'legacy.db')}"
    run = _kho(home, "migrate", url, "--json")
    assert run.returncode == 0, run.stdout + run.stderr  # a reject does not fail the table
    report = json.loads(run.stdout)
    assert {t["dataset"]: (t["status"], t["rows_rejected"]) for t in report["tables"]} == {
        "bad": ("ok", 1),
        "can_bo": ("ok", 0),
        "good": ("ok", 0),
    }
    again = _kho(home, "migrate", "report", str(report["id"]))
    assert "can_bo" in again.stdout and "TCVN3" in again.stdout
    assert "Số dòng bị loại" in again.stdout  # the rejected-rows column, in Vietnamese
    rejects = _kho(home, "datasets", "rejects", "bad")
    assert "so_luong" in rejects.stdout and "năm" in rejects.stdout
    assert "không phải số nguyên" in rejects.stdout  # the reason, translated
    assert _kho(home, "migrate", "report", "999").returncode == 2
    added = _kho(home, "sync", "add", "can-bo", url, "-t", "can_bo", "--schedule", "daily 01:00")
    assert added.returncode == 0, added.stderr
    assert _kho(home, "sync", "run", "can-bo").returncode == 0
    assert "can-bo" in _kho(home, "sync", "list").stdout
    assert "thành công" in _kho(home, "sync", "history", "can-bo").stdout
    assert _kho(home, "sync", "run", "khong-co").returncode == 2


def test_scheduler_process_stops_on_sigterm(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _kho(home, "init").returncode == 0
    env = os.environ | {"KHO_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kho.cli.main", "scheduler", "--tick", "3600"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3)
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "Bộ lập lịch đã dừng" in out


def test_help_lists_the_commands() -> None:
    from kho.cli.main import app

    out = CliRunner().invoke(app, ["--help"]).output
    assert "migrate" in out and "sync" in out and "scheduler" in out
