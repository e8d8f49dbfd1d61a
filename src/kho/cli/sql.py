"""`kho sql`: read-only SQL over the tables, named by dataset slug."""

from __future__ import annotations

import csv
import sys
from typing import Annotated

import typer
from rich.table import Table

from kho.cli._common import actor, console, err_console, lang, platform, print_json
from kho.errors import InvalidInput
from kho.i18n import num, t


def sql(
    query: Annotated[str, typer.Argument(help='One SELECT; tables by slug, versions as "slug@N".')],
    format: Annotated[str, typer.Option("--format", "-f", help="table | json | csv")] = "table",
    max_rows: Annotated[
        int | None, typer.Option(help="Cap on rows returned (default KHO_SQL_MAX_ROWS).")
    ] = None,
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as", help="Run as this user, with their access limits (default: operator)."
        ),
    ] = None,
) -> None:
    """Run a read-only SELECT over Kho's tables and print the result."""
    if format not in ("table", "json", "csv"):
        raise InvalidInput(f"Unknown format {format!r}; use table, json or csv.")
    p = platform()
    who = p.access.actor_for_user(as_user) if as_user else actor()
    result = p.query.sql(query, actor=who, max_rows=max_rows)
    L = lang()
    if result.truncated:
        err_console.print(f"[yellow]{t('truncated', L, n=num(len(result.rows), L))}[/]")
    if format == "json":
        from kho.query.exports import json_value

        print_json(json_value(result.records()))
    elif format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(result.columns)
        writer.writerows(result.rows)
    else:
        rows = t("n_rows", L, n=num(len(result.rows), L))
        table = Table(caption=f"{rows}, {t('seconds', L, s=num(result.seconds, L, decimals=3))}")
        for c in result.columns:
            table.add_column(c, overflow="fold")
        for row in result.rows[:1000]:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)
