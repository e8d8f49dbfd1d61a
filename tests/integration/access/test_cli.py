"""The access commands through typer's runner: first admin, orgs, tokens, grants, requests, audit verify."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from kho.cli.main import app
from kho.errors import KhoError

Run = Callable[..., str]


@pytest.fixture
def kho(settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Run]:  # type: ignore[no-untyped-def]
    from kho.cli import _common

    monkeypatch.setenv("KHO_HOME", str(settings.home))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("KHO_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("KHO_PASSWORD", "mat-khau-rat-dai-123")
    monkeypatch.setenv("KHO_LANGUAGE", "en")  # the words checked below are the English ones
    _common.platform.cache_clear()
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args), catch_exceptions=True)
        exc = result.exception
        exit_code = exc.exit_code if isinstance(exc, KhoError) else result.exit_code
        assert exit_code == code, result.output + repr(exc)
        return (
            result.stdout + (str(exc) if isinstance(exc, KhoError) else "") + (result.stderr or "")
        )

    yield run
    _common.platform().close()
    _common.platform.cache_clear()


def test_admin_sets_up_sharing_from_the_terminal(
    kho: Run, settings, messy_dossiers_csv: Path
) -> None:  # type: ignore[no-untyped-def]
    assert "platform admin" in kho("users", "create", "root", "--admin", "--full-name", "Quản trị")
    kho("orgs", "create", "SO-TP", "Sở Tư pháp")
    kho("orgs", "create", "SO-YT", "Sở Y tế", "--name-en", "Department of Health")
    kho("users", "create", "lan", "--role", "SO-YT:viewer")
    kho("users", "create", "minh", "--role", "SO-TP:admin")
    kho(
        "ingest",
        str(messy_dossiers_csv),
        "--dataset",
        "ho_so",
        "--org",
        "SO-TP",
        "--access",
        "restricted",
    )
    req = json.loads(
        kho("requests", "create", "ho_so", "--as", "lan", "--purpose", "Thống kê", "--json")
    )
    assert req["status"] == "pending"
    assert "may not decide" in kho("requests", "approve", str(req["id"]), "--as", "lan", code=3)
    out = json.loads(
        kho(
            "requests",
            "approve",
            str(req["id"]),
            "--as",
            "minh",
            "--column",
            "tinh_thanh_pho",
            "--where",
            "tinh_thanh_pho=Hà Nội",
            "--expires",
            "2099-01-01",
            "--json",
        )
    )
    assert out["status"] == "approved"
    grants = json.loads(kho("grants", "list", "--json"))
    assert (
        grants[0]["row_filter_sql"] == "\"tinh_thanh_pho\" = 'Hà Nội'"
        and grants[0]["username"] == "lan"
    )
    assert "not in the dataset" in kho(
        "grants", "create", "ho_so", "--org", "SO-YT", "--where", "mat_khau=1", code=4
    )
    out_lines = kho("tokens", "create", "--name", "bao-cao", "--user", "lan").splitlines()
    token = next(line for line in out_lines if line.startswith("kho_"))
    assert "Copy it now" in "\n".join(out_lines)
    listing = json.loads(kho("tokens", "list", "--json"))
    assert listing[0]["state"] == "active" and token not in json.dumps(listing)
    kho("tokens", "revoke", str(listing[0]["id"]))
    assert json.loads(kho("tokens", "list", "--json"))[0]["state"] == "revoked"
    audit = json.loads(kho("audit", "list", "--dataset", "ho_so", "--json"))
    assert {"request.create", "request.approve", "grant.create"} <= {e["action"] for e in audit}
    assert "verify" in kho("audit", "verify")
    engine = create_engine(settings.resolved_database_url)
    with engine.begin() as c:
        c.execute(text("UPDATE kho_audit SET actor = 'ai-do' WHERE id = 2"))
    engine.dispose()
    assert "Audit entry 2 was edited" in kho("audit", "verify", code=1)


def test_org_merge_and_tree(kho: Run) -> None:
    kho("orgs", "create", "BO-A", "Bộ A", "--kind", "ministry")
    kho("orgs", "create", "BO-B", "Bộ B", "--kind", "ministry")
    kho("orgs", "create", "BO-AB", "Bộ A và B", "--kind", "ministry", "--valid-from", "2025-03-01")
    kho("orgs", "create", "CUC-1", "Cục 1", "--parent", "BO-A")
    kho("orgs", "merge", "BO-A", "BO-B", "--into", "BO-AB", "--on", "2025-03-01")
    shown = json.loads(kho("orgs", "show", "BO-A", "--json"))
    assert (
        shown["successor_code"] == "BO-AB"
        and shown["valid_to"] == "2025-03-01"
        and shown["children"] == ["CUC-1"]
    )
    assert [o["code"] for o in json.loads(kho("orgs", "list", "--json"))] == ["BO-AB", "CUC-1"]
    assert "closed → BO-AB" in kho("orgs", "tree", "--all")
    assert "already closed" in kho("orgs", "close", "BO-A", code=5)
    assert "is not a date" in kho("orgs", "close", "BO-AB", "--on", "01/07/2025", code=4)
    assert "Cannot read role" in kho("users", "create", "x1", "--role", "BO-AB", code=4)


def test_as_unknown_user_is_clear(kho: Run) -> None:
    kho("orgs", "create", "SO-TP", "Sở Tư pháp")
    assert "No user 'ma'" in kho("requests", "list", "--as", "ma", code=2)
