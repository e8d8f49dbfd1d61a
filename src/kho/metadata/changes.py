"""Applying a partial update to a row: null means "leave as it is" for columns that cannot be null."""

from __future__ import annotations

from typing import Any


def not_null_skipped(row: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes without nulls aimed at NOT NULL columns of ``row``'s table."""
    columns = row.__table__.c
    return {
        k: v
        for k, v in changes.items()
        if not (v is None and k in columns and not columns[k].nullable)
    }
