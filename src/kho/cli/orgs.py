"""`kho orgs …`: organisations as a tree, with validity dates and successors."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from kho.access.models import OrgCreate, OrgNode, OrgPublic, OrgUpdate
from kho.cli._common import console, count, lang, platform, print_json, word
from kho.cli.users import AsOpt, JsonOpt, acting
from kho.i18n import t

app = typer.Typer(
    help="Organisations (ministry / province → department → unit).", no_args_is_help=True
)
AllOpt = Annotated[bool, typer.Option("--all", help="Include closed (merged) organisations.")]


@app.command("create")
def create(
    code: str,
    name: str,
    name_en: Annotated[str | None, typer.Option(help="English name.")] = None,
    parent: Annotated[str | None, typer.Option(help="Parent organisation code.")] = None,
    kind: Annotated[
        str | None, typer.Option(help="ministry | province | department | unit | …")
    ] = None,
    unit_code: Annotated[
        str | None, typer.Option(help="Official administrative unit code.")
    ] = None,
    valid_from: Annotated[
        str | None, typer.Option(help="First day of validity, YYYY-MM-DD.")
    ] = None,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Create an organisation."""
    p = platform()
    p.init()
    org = p.access.orgs.create(
        OrgCreate(
            code=code,
            name_vi=name,
            name_en=name_en,
            parent_code=parent,
            kind=kind,
            admin_unit_code=unit_code,
            valid_from=_day(valid_from),
        ),
        actor=acting(as_user),
    )
    _done(org, json_out, "org_created")


@app.command("list")
def list_(all_: AllOpt = False, json_out: JsonOpt = False) -> None:
    """List organisations (open ones; --all adds closed ones)."""
    orgs = platform().access.orgs.list(include_closed=all_)
    if json_out:
        print_json([o.model_dump(mode="json") for o in orgs])
        return
    L = lang()
    tb = Table(title=t("orgs_title", L, n=count(len(orgs))))
    for col in ("code", "name", "name_en", "parent", "valid", "successor"):
        tb.add_column(t(col, L))
    for o in orgs:
        valid = f"{o.valid_from or ''}…{o.valid_to or ''}" if o.valid_from or o.valid_to else ""
        tb.add_row(
            o.code, o.name_vi, o.name_en or "", o.parent_code or "", valid, o.successor_code or ""
        )
    console.print(tb)


@app.command("show")
def show(code: str, json_out: JsonOpt = False) -> None:
    """Show one organisation with its children, predecessors and successor."""
    org = platform().access.orgs.get(code)
    if json_out:
        print_json(org.model_dump(mode="json"))
        return
    L = lang()
    for key, value in _facts(org):
        console.print(f"  {t(key, L)}: {escape(value)}")


def _facts(org: OrgPublic) -> list[tuple[str, str]]:
    """What `orgs show` lists: (word key, value as the reader reads it)."""
    return [
        ("code", org.code),
        ("name", org.name_vi),
        ("name_en", org.name_en or ""),
        ("parent", org.parent_code or ""),
        ("org_kind", word("orgkind", org.kind) if org.kind else ""),
        ("admin_unit_code", org.admin_unit_code or ""),
        ("valid_from", str(org.valid_from or "")),
        ("valid_to", str(org.valid_to or "")),
        ("successor", org.successor_code or ""),
        ("active", t("yes" if org.is_active else "no", lang())),
        ("predecessors", ", ".join(org.predecessors)),
        ("children", ", ".join(org.children)),
    ]


@app.command("update")
def update(
    code: str,
    name: Annotated[str | None, typer.Option(help="Vietnamese name.")] = None,
    name_en: Annotated[str | None, typer.Option(help="English name.")] = None,
    parent: Annotated[str | None, typer.Option(help="New parent code.")] = None,
    kind: Annotated[str | None, typer.Option(help="Kind of organisation.")] = None,
    unit_code: Annotated[str | None, typer.Option(help="Administrative unit code.")] = None,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Change an organisation's names, parent or kind."""
    fields = {
        "name_vi": name,
        "name_en": name_en,
        "parent_code": parent,
        "kind": kind,
        "admin_unit_code": unit_code,
    }
    data = OrgUpdate(**{k: v for k, v in fields.items() if v is not None})
    _done(platform().access.orgs.update(code, data, actor=acting(as_user)), json_out, "org_updated")


@app.command("close")
def close(
    code: str,
    successor: Annotated[str | None, typer.Option(help="Organisation that takes over.")] = None,
    on: Annotated[
        str | None, typer.Option(help="Day it closes, YYYY-MM-DD (default today).")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Close an organisation; its datasets and grants stay attached and follow the successor."""
    org = platform().access.orgs.close(code, actor=acting(None), successor=successor, on=_day(on))
    _done(org, json_out, "org_closed")


@app.command("merge")
def merge(
    codes: Annotated[list[str], typer.Argument(help="Organisations to close.")],
    into: Annotated[str, typer.Option(help="Organisation that succeeds them (create it first).")],
    on: Annotated[
        str | None, typer.Option(help="Day of the merger, YYYY-MM-DD (default today).")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Merge organisations into one: each is closed with INTO as its successor."""
    org = platform().access.orgs.merge(codes, into=into, actor=acting(None), on=_day(on))
    _done(org, json_out, "org_merged", codes=", ".join(codes))


@app.command("tree")
def tree(all_: AllOpt = False, json_out: JsonOpt = False) -> None:
    """Show organisations as a tree."""
    roots = platform().access.orgs.tree(include_closed=all_)
    if json_out:
        print_json([r.model_dump(mode="json") for r in roots])
        return
    top = Tree("Kho")
    for r in roots:
        _branch(top, r)
    console.print(top)


def _branch(parent: Tree, node: OrgNode) -> None:
    label = f"{node.code} — {node.name_vi}"
    if not node.is_active:
        label += f" [dim]{t('closed_to', lang(), code=node.successor_code or '—')}[/]"
    here = parent.add(label)
    for child in node.children:
        _branch(here, child)


def _day(text: str | None) -> date | None:
    from kho.errors import InvalidInput

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date.", hint="Write YYYY-MM-DD, e.g. 2025-07-01."
        ) from None


def _done(org: OrgPublic, json_out: bool, key: str, **more: str) -> None:
    if json_out:
        print_json(org.model_dump(mode="json"))
    else:
        done = t(key, lang(), code=org.code, name=org.name_vi, **more)
        console.print(f"[green]✓[/] {escape(done)}")
