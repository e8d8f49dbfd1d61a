"""`kho migrate`: copy a legacy database into the warehouse; `kho migrate report [ID]` reprints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from kho.cli._common import actor, console, lang, platform, print_json, word
from kho.i18n import num, t

if TYPE_CHECKING:
    from kho.migrate.report import MigrationReport, TableReport

_WORDS = ("report", "runs")


def migrate(
    source: Annotated[
        str,
        typer.Argument(
            help="postgresql://…, mysql://… (MariaDB), sqlite:///file.db, mssql+pymssql://… "
            "(SQL Server), oracle+oracledb://… — or `report [ID]`, `runs`."
        ),
    ],
    run_id: Annotated[
        int | None, typer.Argument(help="With `report`: the run to show (default: latest).")
    ] = None,
    schema: Annotated[
        list[str] | None, typer.Option("--schema", "-s", help="Only this schema (repeat).")
    ] = None,
    table: Annotated[
        list[str] | None,
        typer.Option("--table", "-t", help="Only this table, `name` or `schema.name` (repeat)."),
    ] = None,
    org: Annotated[
        str | None, typer.Option(help="Owning organisation code of the new datasets.")
    ] = None,
    prefix: Annotated[
        str | None, typer.Option(help="Prefix of the dataset slugs, e.g. the source's name.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Copy again tables already migrated and matching.")
    ] = False,
    via: Annotated[
        str,
        typer.Option(
            help="auto: DuckDB's scanner for PostgreSQL, MySQL, SQLite, SQLAlchemy for SQL Server "
            "and Oracle | duckdb | sqlalchemy (the generic path for any source)."
        ),
    ] = "auto",
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Migrate tables of a legacy database into datasets, verify counts and checksums, report."""
    from kho.migrate.service import migrator

    service = migrator(platform())
    if source == "runs":
        runs = service.runs()
        if json_out:
            print_json(runs)
            return
        for r in runs:
            status = word("run", r["status"])
            console.print(f"#{r['id']}  {status:<12} {r['source']}  {_counts(r['tables'])}")
        return
    if source == "report":
        report = service.report(run_id)
    else:
        with _Progress(enabled=not json_out) as progress:
            report = service.migrate(
                source,
                actor=actor(),
                schemas=schema,
                tables=table,
                org_code=org,
                prefix=prefix,
                force=force,
                progress=progress,
                via=via,
            )
    if json_out:
        print_json(report.model_dump(mode="json"))
    else:
        render(report)
    if report.status not in ("ok",):
        raise SystemExit(1)  # typer.Exit is swallowed by main(standalone_mode=False)


def render(report: MigrationReport) -> None:
    """Print the report: one line per table, then the columns that did not match."""
    from rich.table import Table

    L = lang()
    console.print(
        f"\n[bold]{t('migration', L)} #{report.id}[/] {report.source} ({report.via}) → "
        f"{report.org_code}: "
        f"{word('run', report.status)} ({_counts(report.counts())})"
    )
    heads = (
        "table",
        "dataset",
        "status",
        "source_rows",
        "warehouse_rows",
        "rows_rejected",
        "key",
        "notes",
    )
    grid = Table(*(t(h, L) for h in heads))
    for tb in report.tables:
        colour = {"ok": "green", "skipped": "cyan"}.get(tb.status, "red")
        grid.add_row(
            tb.source_table,
            tb.dataset,
            f"[{colour}]{word('run', tb.status)}[/]",
            _n(tb.source_rows, L),
            _n(tb.warehouse_rows, L),
            f"[yellow]{_n(tb.rows_rejected, L)}[/]" if tb.rows_rejected else "0",
            ", ".join(tb.key_columns),
            _notes(tb, L),
        )
    console.print(grid)
    for tb in report.tables:
        for c in tb.columns:
            if c["status"] != "ok":
                nulls = f"{_n(c['source_nulls'], L)}→{_n(c['warehouse_nulls'], L)}"
                checksum = f"{c['source_checksum']}→{c['warehouse_checksum']}"
                column = f"{tb.dataset}.{c['name']}"
                detail = t("mismatch_detail", L, column=column, nulls=nulls, checksum=checksum)
                console.print(f"[red]{word('run', 'mismatch')}[/] {escape(detail)}")


def _notes(tb: TableReport, L: str) -> str:
    """A table's notes and error, in the reader's language where the message catalogue has them."""
    from kho.errors_i18n import translate

    found = [*tb.notes, *([tb.error] if tb.error else [])]
    return escape("; ".join(translate(x, L) for x in found))


def _counts(counts: dict[str, int]) -> str:
    """Tables per status, ``ok 12, failed 1``, with the reader's digit grouping."""
    return ", ".join(f"{word('run', status)} {num(n, lang())}" for status, n in counts.items())


def _n(value: int | None, lang: str) -> str:
    return "-" if value is None else num(value, lang)


class _Progress:
    """Rich progress: one task per table, advancing with the rows copied."""

    def __init__(self, *, enabled: bool) -> None:
        from rich.progress import Progress

        self.enabled = enabled
        self.bar = Progress(console=console, transient=False, disable=not enabled)
        self.task: Any = None

    def __enter__(self) -> _Progress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(None, None, None)

    def table_started(self, name: str, rows: int | None) -> None:
        self.task = self.bar.add_task(name, total=rows)

    def rows_done(self, n: int) -> None:
        if self.task is not None:
            self.bar.advance(self.task, n)

    def table_finished(self, name: str, status: str) -> None:
        if self.task is not None:
            done = f"{escape(name)} ({word('run', status)})"
            self.bar.update(self.task, description=done, total=1, completed=1)
