"""`kho serve` as a real process on a free port, answering real HTTP."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx

from tests.kho_process import KHO, kho_env, kho_serve


def test_kho_serve_answers_health_and_rows(tmp_path: Path) -> None:
    env = kho_env(tmp_path / "home")
    subprocess.run([*KHO, "demo"], env=env, check=True, capture_output=True, timeout=300)
    with kho_serve(env) as base:
        body = httpx.get(f"{base}/api/v1/datasets/ho_so_mot_cua/rows", params={"_limit": 3}).json()
        assert body["total"] > 4000 and len(body["rows"]) == 3
        assert httpx.get(f"{base}/", params={"q": "dan so"}).text.count("Dân số trung bình") >= 1
        assert httpx.get(f"{base}/api/v1/openapi.json").json()["info"]["title"] == "Kho API"
