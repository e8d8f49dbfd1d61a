"""Real `kho` processes for tests: the CLI as a subprocess and `kho serve` on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

KHO = [sys.executable, "-m", "kho.cli.main"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def kho_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a Kho process on its own KHO_HOME with the embedded SQLite metadata."""
    env = {**os.environ, "KHO_HOME": str(home), **extra}
    if "KHO_DATABASE_URL" not in extra:
        env.pop("KHO_DATABASE_URL", None)
    return env


@contextmanager
def kho_serve(env: Mapping[str, str], *, startup_s: float = 30.0) -> Iterator[str]:
    """`kho serve` on a free port until the block ends; yields its base URL.

    The server's output goes to ``serve.log`` in its KHO_HOME (a pipe nobody reads would block
    the server once full), and is quoted when it does not start.
    """
    port = free_port()
    log_path = Path(env["KHO_HOME"]) / "serve.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [*KHO, "serve", "--port", str(port)], env=dict(env), stdout=log, stderr=subprocess.STDOUT
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + startup_s
            while True:
                try:
                    if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "kho serve did not start:\n" + log_path.read_text(errors="replace")[-4000:]
                    )
                time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
