"""`kho maintain`: compact small files, expire old snapshots, delete orphan files."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kho.cli._common import console, count, lang, platform, print_json
from kho.i18n import num, t


def maintain(
    dataset: Annotated[
        list[str] | None, typer.Option("--dataset", "-d", help="Only these datasets (repeat).")
    ] = None,
    keep_snapshots: Annotated[
        int | None, typer.Option(help="Keep at least this many newest snapshots.")
    ] = None,
    keep_days: Annotated[
        int | None, typer.Option(help="Keep snapshots younger than this many days.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Compact, expire snapshots and remove orphan files on every table (safe while others write)."""
    p = platform()
    s = p.settings
    reports = p.maintenance.run(
        datasets=dataset or None,
        keep_snapshots=keep_snapshots if keep_snapshots is not None else s.keep_snapshots,
        keep_days=keep_days if keep_days is not None else s.keep_days,
    )
    if json_out:
        print_json([r.__dict__ for r in reports])
        return
    L = lang()
    tb = Table(title=t("maintained", L))
    heads = ("files_before", "files_after", "snapshots_expired", "orphans_deleted", "retries")
    for col in ("table", *heads, "seconds_col"):
        tb.add_column(t(col, L))
    for r in reports:
        tb.add_row(
            r.table,
            count(r.files_before),
            count(r.files_after),
            count(r.snapshots_expired),
            count(r.orphans_deleted),
            count(r.retries),
            num(r.seconds, L, decimals=2),
        )
    console.print(tb)
