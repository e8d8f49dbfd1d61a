"""`upgrade` skips Alembic when the database is already at the newest revisions, and only then."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from kho.metadata.db import MIGRATIONS, current_revision, head_revisions, make_engine, upgrade


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def test_head_revisions_read_from_the_files_are_alembics_heads() -> None:
    assert head_revisions() == frozenset(ScriptDirectory.from_config(_config()).get_heads())


def test_a_database_one_migration_behind_is_still_upgraded(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'meta.db'}")
    upgrade(engine)
    assert set((current_revision(engine) or "").split(",")) == head_revisions()
    newest = max(head_revisions())
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, f"{newest}@{newest}-1")
    assert newest not in (current_revision(engine) or "")

    upgrade(engine)

    assert set((current_revision(engine) or "").split(",")) == head_revisions()
    upgrade(engine)  # at the heads: nothing to do, nothing breaks
    assert set((current_revision(engine) or "").split(",")) == head_revisions()
