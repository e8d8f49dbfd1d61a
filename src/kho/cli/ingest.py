"""`kho ingest`: load a file into a dataset's table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kho.cli._common import actor, console, lang, platform, print_json
from kho.i18n import num, t


def ingest(
    path: Annotated[
        Path,
        typer.Argument(
            help="CSV/TSV, XLSX/XLS, JSON/NDJSON or Parquet file (.gz/.zip of one file too)."
        ),
    ],
    dataset: Annotated[
        str,
        typer.Option("--dataset", "-d", help="Dataset slug, e.g. ho_so_mot_cua (created if new)."),
    ],
    org: Annotated[
        str | None,
        typer.Option(
            help="Owning organisation code (needed for a new dataset when several exist)."
        ),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title (Vietnamese) of a new dataset.")] = None,
    sheet: Annotated[
        str | None,
        typer.Option(
            help="Excel sheet name or 0-based index; default: first visible sheet with data."
        ),
    ] = None,
    mode: Annotated[str, typer.Option(help="create | append | replace | upsert")] = "create",
    key: Annotated[
        list[str] | None,
        typer.Option(
            "--key", "-k", help="Key column for upsert (header or slug; repeat for several)."
        ),
    ] = None,
    table: Annotated[
        str | None, typer.Option(help="Table name inside the dataset (default: main).")
    ] = None,
    header_row: Annotated[
        int | None,
        typer.Option(
            help="Line (CSV) or row (Excel) of the header, 1-based, when detection guesses wrong."
        ),
    ] = None,
    unit_column: Annotated[
        list[str] | None,
        typer.Option(
            "--unit-column",
            help="Column of administrative unit names: adds code columns for the unit as written and its successor today (repeat).",
        ),
    ] = None,
    access: Annotated[
        str | None,
        typer.Option(help="Access level of a new dataset: public | internal | restricted."),
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the load report as JSON.")
    ] = False,
) -> None:
    """Load a messy file into a typed, versioned table and print the load report."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    p = platform()
    p.init()
    L = lang()
    sheet_arg: str | int | None = int(sheet) if sheet is not None and sheet.isdigit() else sheet
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[rows]}"),  # _rows(): "1.234 dòng" / "1,234 rows"
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=json_out,
    ) as bar:
        task = bar.add_task(f"{t('reading', L)} {path.name}", total=None, rows=_rows(0, L))
        report = p.ingest.load(
            path,
            dataset=dataset,
            actor=actor(),
            org=org,
            title=title,
            sheet=sheet_arg,
            mode=mode,  # type: ignore[arg-type]
            key=key or (),
            table=table,
            access_level=access,
            header_row=header_row,
            unit_columns=unit_column or (),
            progress=lambda _phase, done, _total: bar.update(task, rows=_rows(done, L)),
        )
    if json_out:
        print_json(report.model_dump(mode="json"))
        return
    from kho.cli._report import render_report

    render_report(report)


def _rows(n: int, language: str) -> str:
    """The progress bar's count, written as the reader writes numbers."""
    return t("n_rows", language, n=num(n, language))
