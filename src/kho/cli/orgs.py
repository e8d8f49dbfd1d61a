"""`kho orgs …`: organisations that own datasets."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kho.catalog.models import Organisation
from kho.cli._common import actor, console, platform, print_json

app = typer.Typer(help="Organisations (ministry / province → department → unit).", no_args_is_help=True)


@app.command("create")
def create(
    code: str,
    name: str,
    name_en: Annotated[str | None, typer.Option(help="English name.")] = None,
    parent: Annotated[str | None, typer.Option(help="Parent organisation code.")] = None,
) -> None:
    """Create an organisation (does nothing if the code exists)."""
    p = platform()
    p.init()
    org = p.catalog.ensure_organisation(Organisation(code=code, name_vi=name, name_en=name_en,
                                                     parent_code=parent), actor=actor())
    console.print(f"[green]✓[/] {org.code} {org.name_vi}")


@app.command("list")
def list_(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List organisations."""
    orgs = platform().catalog.list_organisations()
    if json_out:
        print_json([o.model_dump() for o in orgs])
        return
    tb = Table(title="Organisations")
    for col in ("Code", "Tên", "Name", "Parent"):
        tb.add_column(col)
    for o in orgs:
        tb.add_row(o.code, o.name_vi, o.name_en or "", o.parent_code or "")
    console.print(tb)
