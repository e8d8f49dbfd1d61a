"""Engine creation and schema migration of the metadata database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine tuned per backend: SQLite in WAL mode with foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def session_factory(engine: Engine) -> sessionmaker[Any]:
    return sessionmaker(engine, expire_on_commit=False)


def upgrade(engine: Engine) -> None:
    """Bring the metadata schema to the newest Alembic revision.

    Every command calls this; when the database is already at the newest revisions (the usual
    case) it is one query, without loading Alembic (~0.3 s of a short command's start-up).
    """
    if _applied(engine) == head_revisions():
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


def head_revisions() -> frozenset[str]:
    """Revisions no other migration revises, read from the migration files' headers."""
    import re

    revision = re.compile(r"^revision\s*=\s*[\"'](\w+)[\"']", re.M)
    down = re.compile(r"^down_revision[^=]*=\s*(.+)$", re.M)
    known, revised = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if found := revision.search(text):
            known.add(found.group(1))
        if found := down.search(text):
            revised.update(re.findall(r"[\"'](\w+)[\"']", found.group(1)))
    return frozenset(known - revised)


def _applied(engine: Engine) -> frozenset[str] | None:
    """The revisions recorded in `alembic_version`, or None before the first migration."""
    from sqlalchemy import inspect, text

    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return frozenset(
            r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))
        )


def current_revision(engine: Engine) -> str | None:
    """The applied revision(s); several concerns may own independent migration branches."""
    return ",".join(sorted(_applied(engine) or ())) or None
