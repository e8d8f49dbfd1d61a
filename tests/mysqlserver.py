"""A real MariaDB server started for the test run: mariadb-install-db + mariadbd under a temp dir."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.kho_process import free_port

MYSQL_USER = "mysql"



def available() -> str | None:
    """None when MariaDB can start here, else why not."""
    for tool in ("mariadb-install-db", "mariadbd", "mariadb"):
        if not (shutil.which(tool) or Path("/usr/sbin", tool).exists()):
            return f"{tool} not found; run scripts/install.sh (apt package mariadb-server)."
    return None


class MariaDBServer:
    """Owns one throwaway MariaDB on a free port, as a non-root user; root has no password."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="kho-maria-"))
        self.data = self.root / "data"
        self.socket = self.root / "mysqld.sock"
        self.port = free_port()
        self._as_root = os.geteuid() == 0
        self.proc: subprocess.Popen[bytes] | None = None

    def _user_cmd(self, *cmd: str) -> list[str]:
        return ["runuser", "-u", MYSQL_USER, "--", *cmd] if self._as_root else list(cmd)

    def start(self) -> None:
        if self._as_root:
            shutil.chown(self.root, MYSQL_USER, MYSQL_USER)
        subprocess.run(
            self._user_cmd(
                "mariadb-install-db",
                f"--datadir={self.data}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ),
            check=True,
            capture_output=True,
        )
        daemon = shutil.which("mariadbd") or "/usr/sbin/mariadbd"
        self.proc = subprocess.Popen(
            self._user_cmd(
                daemon,
                "--no-defaults",
                f"--datadir={self.data}",
                f"--socket={self.socket}",
                f"--port={self.port}",
                "--bind-address=127.0.0.1",
                f"--pid-file={self.root / 'mysqld.pid'}",
                "--innodb-flush-log-at-trx-commit=0",
                "--character-set-server=utf8mb4",
            ),
            stdout=subprocess.DEVNULL,
            stderr=open(self.root / "log", "wb"),  # noqa: SIM115 - kept open for the daemon's life
        )
        self._wait()

    def _wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError((self.root / "log").read_text(errors="replace")[-2000:])
            ok = subprocess.run(
                ["mariadb", f"--socket={self.socket}", "-uroot", "-e", "SELECT 1"],
                capture_output=True,
            )
            if ok.returncode == 0:
                return
            time.sleep(0.3)
        raise RuntimeError("MariaDB did not start within 60 s")

    def sql(self, statements: str, database: str | None = None) -> None:
        """Run SQL through the mariadb client (as root over the socket)."""
        cmd = ["mariadb", f"--socket={self.socket}", "-uroot"] + ([database] if database else [])
        subprocess.run(cmd, input=statements.encode(), check=True, capture_output=True)

    def load_file(self, path: Path) -> None:
        """Load a SQL dump that creates its own database (as Chinook_MySql.sql does)."""
        self.sql(path.read_text(encoding="utf-8-sig"))

    def url(self, database: str) -> str:
        return f"mysql://root@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        try:
            if self.proc and self.proc.poll() is None:
                self.proc.terminate()
                self.proc.wait(timeout=30)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
