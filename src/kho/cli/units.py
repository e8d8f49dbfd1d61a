"""`kho units …`: Vietnamese administrative units before and after 1 July 2025, from the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kho.cli._common import console, count, lang, print_json, word
from kho.i18n import t
from kho.i18n.notes import unit_note

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
    L = lang()
    note = f" ({escape(unit_note(res.note, L))})" if res.note else ""
    console.print(f"{escape(repr(res.query))}: [bold]{word('unit', res.status)}[/]{note}")
    if res.unit:
        written, today = t("as_written", L), t("today", L)
        width = max(len(written), len(today)) + 1
        console.print(f"  {written:<{width}}{_named(res.unit)}")
        for s in res.successors:
            console.print(f"  {today:<{width}}{_named(s)}")
        if res.partial:
            console.print(f"  [yellow]{t('split_partial', L)}[/]")
    if res.candidates:
        console.print(_table(list(res.candidates), t("candidates", L)))


def _named(unit: Unit) -> str:
    """``02 Tỉnh Hà Giang (list 2025-01)``, the list dimmed."""
    return f"{unit.code} {unit.name} [dim]{t('in_list', lang(), version=unit.version)}[/]"


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
    console.print(_table(found, t("units_title", lang(), n=count(len(found)), version=version)))


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
    L = lang()
    where = t("in_list_level", L, version=h.unit.version, level=word("level", h.unit.level))
    console.print(f"[bold]{h.unit.code} {h.unit.name}[/] {where}")
    if h.successors:
        console.print(_table(list(h.successors), t("became_split" if h.partial else "became", L)))
    if h.predecessors:
        console.print(_table(list(h.predecessors), t("formed_from", L)))
        if h.partial_predecessors:
            console.print(t("partly_merged", L, units=", ".join(h.partial_predecessors)))


def _table(found: list[Unit], title: str) -> Table:
    L = lang()
    table = Table(title=title)
    for col in ("code", "name", "unit_type", "province", "list"):
        table.add_column(t(col, L))
    for u in found:
        table.add_row(u.code, u.name, u.type, u.province_code, u.version)
    return table
