"""A `kho serve` of its own for the workspace journeys: the demo plus an officer, an analyst of
another organisation, an organisation admin and a restricted dataset with a sensitive column."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.kho_process import kho_serve

PASSWORD = "mat-khau-thu-nghiem-1"
RESTRICTED = "ho_so_dat_dai"
USERS = {
    "canbo": ["--role", "CTK-KH:editor", "--full-name", "Nguyễn Văn Cán Bộ"],
    "quantri": ["--role", "CTK-KH:admin", "--full-name", "Trần Thị Quản Trị"],
    "phantich": ["--role", "SNV-KH:viewer", "--full-name", "Lê Phân Tích"],
    "khoa": ["--role", "SNV-KH:viewer"],
    "thu": ["--role", "SNV-KH:viewer"],
    "dieutra": ["--role", "SNV-KH:viewer", "--full-name", "Phạm Điều Tra"],
    "tamnghi": ["--role", "SNV-KH:viewer", "--full-name", "Vũ Tạm Nghỉ"],
    "hethong": ["--admin", "--full-name", "Quản trị hệ thống"],
}


@dataclass(frozen=True)
class Workspace:
    """Where the server listens and the KHO_HOME it serves."""

    url: str
    home: Path


def _restricted_csv(path: Path) -> Path:
    wards = ["Phường Nha Trang", "Xã Cam Lâm", "Phường Cam Ranh", "Xã Diên Khánh", "Xã Vạn Ninh"]
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["Xã, phường", "Số hồ sơ", "Diện tích (m2)", "Số điện thoại người nộp"])
        for i, ward in enumerate(wards * 4):
            out.writerow([ward, 10 + (i * 7) % 23, f"{120 + i * 3},5", f"09{i:08d}"])
    return path


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    home = tmp_path_factory.mktemp("kho-workspace")
    env = {**os.environ, "KHO_HOME": str(home), "KHO_PASSWORD": PASSWORD}
    env.pop("KHO_DATABASE_URL", None)
    kho = [sys.executable, "-m", "kho.cli.main"]

    def run(*args: str) -> None:
        subprocess.run([*kho, *args], env=env, check=True, capture_output=True, timeout=300)

    run("demo")
    for name, extra in USERS.items():
        run("users", "create", name, *extra)
    source = _restricted_csv(home / "dat_dai.csv")
    run(
        "ingest",
        str(source),
        "--dataset",
        RESTRICTED,
        "--org",
        "CTK-KH",
        "--access",
        "restricted",
        "--title",
        "Hồ sơ đất đai theo xã, phường",
    )
    with kho_serve(env) as base:
        yield Workspace(url=base, home=home)


@pytest.fixture
def new_page(browser, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Open pages in fresh Vietnamese browser contexts (one per person in a journey)."""
    from tests.browser.conftest import ARTIFACTS

    contexts = []

    def open_page():  # type: ignore[no-untyped-def]
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    call = getattr(request.node, "rep_call", None)
    for i, context in enumerate(contexts):
        if call is not None and call.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            for pg in context.pages:
                pg.screenshot(
                    path=str(ARTIFACTS / f"{request.node.name}-failure-{i}.png"), full_page=True
                )
        context.close()
