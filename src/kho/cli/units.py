"""`kho units …`: Vietnamese administrative units before and after 1 July 2025, from the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from kho.cli._common import console, count, print_json

if TYPE_CHECKING:
    from kho.units.models import Resolution, Unit

app = typer.Typer(
    help="Administrative units (tỉnh, xã) before/after the 2025 reorganisation; resolve names.",
    no_args_is_help=True,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
LevelOpt = Annotated[str | None, typer.Option("--level", help="province | district | commune")]


def _level(value: str | None) -> str | None:
    from kho.errors import InvalidInput

    if value not in (None, "province", "district", "commune"):
        raise InvalidInput(f"Unknown level {value!r}.", hint="Use province, district or commune.")
    return value


@app.command("resolve")
def resolve(
    name: str,
    level: LevelOpt = None,
    province: Annotated[
        str | None, typer.Option(help="Province name or code the unit lies in.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Map a unit name in any spelling to its official code then and now (exit 1 unless resolved)."""
    from kho import units

    res = units.resolve(name, level=_level(level), province=province)  # type: ignore[arg-type]
    if json_out:
        print_json(res.to_dict())
    else:
        _print_resolution(res)
    if res.status != "ok":
        raise typer.Exit(1)


def _print_resolution(res: Resolution) -> None:
    console.print(f"{res.query!r}: [bold]{res.status}[/]" + (f" ({res.note})" if res.note else ""))
    if res.unit:
        console.print(
            f"  as written: {res.unit.code} {res.unit.name} [dim](list {res.unit.version})[/]"
        )
        for s in res.successors:
            console.print(f"  today:      {s.code} {s.name} [dim](list {s.version})[/]")
        if res.partial:
            console.print("  [yellow]split among several units (partial merge)[/]")
    if res.candidates:
        console.print(_table(list(res.candidates), "Candidates"))


@app.command("list")
def list_(
    level: LevelOpt = "province",
    version: Annotated[
        str, typer.Option(help="List version: 2025-07 (34 provinces) or 2025-01 (63).")
    ] = "2025-07",
    province: Annotated[str | None, typer.Option(help="Only units of this province code.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List units of one list version, level and province."""
    from kho import units

    found = units.list_units(version=version, level=_level(level), province=province)  # type: ignore[arg-type]
    if json_out:
        print_json([u.to_dict() for u in found])
        return
    console.print(_table(found, f"{count(len(found))} units, list {version}"))


@app.command("history")
def history(
    code: str,
    version: Annotated[
        str, typer.Option(help="List version the code belongs to (codes were reused).")
    ] = "2025-07",
    level: LevelOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """What a unit became on 1 July 2025, or which units it was formed from."""
    from kho import units

    h = units.history(code, version, _level(level))  # type: ignore[arg-type]
    if json_out:
        print_json(h.to_dict())
        return
    console.print(f"[bold]{h.unit.code} {h.unit.name}[/] (list {h.unit.version}, {h.unit.level})")
    if h.successors:
        console.print(
            _table(list(h.successors), "Became" + (" (split: partial merge)" if h.partial else ""))
        )
    if h.predecessors:
        table = _table(list(h.predecessors), "Formed from")
        console.print(table)
        if h.partial_predecessors:
            console.print(f"Only partly merged: {', '.join(h.partial_predecessors)}")


def _table(found: list[Unit], title: str) -> Table:
    table = Table(title=title)
    for col in ("Code", "Name", "Type", "Province", "List"):
        table.add_column(col)
    for u in found:
        table.add_row(u.code, u.name, u.type, u.province_code, u.version)
    return table
