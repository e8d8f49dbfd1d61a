"""`kho migrate`: copy a legacy database into the warehouse; `kho migrate report [ID]` reprints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from kho.cli._common import actor, console, platform, print_json

if TYPE_CHECKING:
    from kho.migrate.report import MigrationReport

_WORDS = ("report", "runs")


def migrate(
    source: Annotated[
        str,
        typer.Argument(
            help="postgresql://…, mysql://… (MariaDB), sqlite:///file.db — or `report [ID]`, `runs`."
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
            console.print(f"#{r['id']}  {r['status']:<12} {r['source']}  {r['tables']}")
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

    console.print(
        f"\n[bold]Migration #{report.id}[/] {report.source} → org {report.org_code}: "
        f"{report.status} {report.counts()}"
    )
    grid = Table("table", "dataset", "status", "source rows", "warehouse rows", "key", "notes")
    for t in report.tables:
        colour = {"ok": "green", "skipped": "cyan"}.get(t.status, "red")
        grid.add_row(
            t.source_table,
            t.dataset,
            f"[{colour}]{t.status}[/]",
            _n(t.source_rows),
            _n(t.warehouse_rows),
            ", ".join(t.key_columns),
            "; ".join(t.notes + ([t.error] if t.error else [])),
        )
    console.print(grid)
    for t in report.tables:
        for c in t.columns:
            if c["status"] != "ok":
                console.print(
                    f"[red]mismatch[/] {t.dataset}.{c['name']}: nulls {c['source_nulls']}"
                    f"→{c['warehouse_nulls']}, checksum {c['source_checksum']}"
                    f"→{c['warehouse_checksum']}"
                )


def _n(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


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
            self.bar.update(self.task, description=f"{name} [{status}]", total=1, completed=1)
