"""`kho serve` as a real process on a free port, answering real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_kho_serve_answers_health_and_rows(tmp_path: Path) -> None:
    env = {**os.environ, "KHO_HOME": str(tmp_path / "home")}
    env.pop("KHO_DATABASE_URL", None)
    kho = [sys.executable, "-m", "kho.cli.main"]
    subprocess.run([*kho, "demo"], env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    proc = subprocess.Popen(
        [*kho, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise AssertionError(
                "kho serve did not start: " + proc.stdout.read(4000).decode() if proc.stdout else ""
            )
        body = httpx.get(f"{base}/api/v1/datasets/ho_so_mot_cua/rows", params={"_limit": 3}).json()
        assert body["total"] > 4000 and len(body["rows"]) == 3
        assert httpx.get(f"{base}/", params={"q": "dan so"}).text.count("Dân số trung bình") >= 1
        assert httpx.get(f"{base}/api/v1/openapi.json").json()["info"]["title"] == "Kho API"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
