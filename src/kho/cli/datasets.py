"""`kho datasets …` and `kho inventory …`: the catalog from the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kho.catalog import models as m
from kho.cli._common import actor, console, lang, moment, platform, print_json, word
from kho.errors_i18n import translate
from kho.i18n import num, t
from kho.ingest.reasons import translate_reason

app = typer.Typer(
    help="List, show, search, describe datasets; their versions and rejected rows.",
    no_args_is_help=True,
)
inventory_app = typer.Typer(
    help="Data that exists but is not yet digitised or loaded.", no_args_is_help=True
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@app.command("list")
def list_(
    q: Annotated[
        str, typer.Option("--search", "-q", help="Words to find, with or without diacritics.")
    ] = "",
    org: Annotated[str | None, typer.Option(help="Only this organisation.")] = None,
    sector: Annotated[str | None, typer.Option(help="Only this sector.")] = None,
    access: Annotated[str | None, typer.Option(help="public | internal | restricted")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 100,
    json_out: JsonOpt = False,
) -> None:
    """List (and search) datasets, with facet counts."""
    filters = {
        k: v for k, v in {"org_code": org, "sector": sector, "access_level": access}.items() if v
    }
    result = platform().catalog.search(
        q, actor=actor(), filters=filters, limit=limit, sort="title" if not q else "relevance"
    )
    if json_out:
        print_json(result.model_dump(mode="json"))
        return
    L = lang()
    table = Table(title=f"{t('datasets', L)} ({num(result.total, L)})")
    for col in ("slug", "title", "organisation", "access", "freshness"):
        table.add_column(t(col, L))
    for d in result.items:
        access, fresh = word("access", d.access_level), word("freshness", d.freshness)
        table.add_row(d.slug, d.title_vi, d.org_code, access, fresh)
    console.print(table)


@app.command("show")
def show(slug: str, json_out: JsonOpt = False) -> None:
    """Show a dataset: metadata, tables, data dictionary."""
    ds = platform().catalog.get(slug, actor=actor())
    if json_out:
        print_json(ds.model_dump(mode="json"))
        return
    L = lang()
    console.print(f"[bold]{ds.title_vi}[/]" + (f" / {ds.title_en}" if ds.title_en else ""))
    for name, value in _facts(ds):
        console.print(f"  {t(name, L)}: {escape(value)}")
    if ds.description_vi:
        console.print(ds.description_vi)
    for tb in ds.tables:
        rows, versions = num(tb.row_count, L), num(tb.versions, L)
        table = Table(title=t("table_summary", L, table=tb.sql_name, rows=rows, versions=versions))
        for col in ("column", "header", "type", "unit"):
            table.add_column(t(col, L))
        for c in tb.columns:
            table.add_row(c.name, c.label, c.type, c.unit or "")
        console.print(table)


def _facts(ds: m.Dataset) -> list[tuple[str, str]]:
    """What `datasets show` lists under the title: (word key, value as the reader reads it)."""
    frequency = ds.update_frequency
    return [
        ("slug", ds.slug),
        ("organisation", ds.org_code),
        ("sector", ds.sector or ""),
        ("access", word("access", ds.access_level)),
        ("update_frequency", word("frequency", frequency) if frequency else ""),
        ("freshness", word("freshness", ds.freshness)),
        ("licence", ds.licence or ""),
        ("keywords", ", ".join(ds.keywords)),
        ("source", ds.source or ""),
        ("contact", ds.contact or ""),
        ("last_loaded_at", moment(ds.last_loaded_at)),
    ]


@app.command("create")
def create(
    slug: str,
    org: Annotated[str, typer.Option(help="Owning organisation code.")],
    title: Annotated[str, typer.Option(help="Title in Vietnamese.")],
    title_en: Annotated[str | None, typer.Option(help="Title in English.")] = None,
    description: Annotated[str | None, typer.Option(help="Description (Vietnamese).")] = None,
    sector: Annotated[str | None, typer.Option(help="Sector / theme.")] = None,
    keyword: Annotated[list[str] | None, typer.Option(help="Keyword (repeat).")] = None,
    licence: Annotated[str, typer.Option(help="Licence id.")] = "CC-BY-4.0",
    access: Annotated[str, typer.Option(help="public | internal | restricted")] = "internal",
    frequency: Annotated[
        str | None, typer.Option(help="daily | weekly | monthly | quarterly | yearly | irregular")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Create an empty dataset entry (its table comes with the first `kho ingest`)."""
    data = m.DatasetCreate.model_validate(
        dict(
            slug=slug,
            org_code=org,
            title_vi=title,
            title_en=title_en,
            description_vi=description,
            sector=sector,
            keywords=keyword or [],
            licence=licence,
            access_level=access,
            update_frequency=frequency,
        )
    )
    ds = platform().catalog.create(data, actor=actor())
    print_json(ds.model_dump(mode="json")) if json_out else console.print(f"[green]✓[/] {ds.slug}")


@app.command("update")
def update(
    slug: str,
    title: Annotated[str | None, typer.Option(help="Title in Vietnamese.")] = None,
    title_en: Annotated[str | None, typer.Option(help="Title in English.")] = None,
    description: Annotated[str | None, typer.Option(help="Description (Vietnamese).")] = None,
    description_en: Annotated[str | None, typer.Option(help="Description (English).")] = None,
    sector: Annotated[str | None, typer.Option(help="Sector / theme.")] = None,
    keyword: Annotated[
        list[str] | None, typer.Option(help="Keywords (repeat; replaces the list).")
    ] = None,
    licence: Annotated[str | None, typer.Option(help="Licence id.")] = None,
    access: Annotated[str | None, typer.Option(help="public | internal | restricted")] = None,
    frequency: Annotated[
        str | None, typer.Option(help="daily | weekly | monthly | quarterly | yearly | irregular")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Where the data comes from.")] = None,
    contact: Annotated[str | None, typer.Option(help="Contact person or address.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Change a dataset's metadata (only the options given)."""
    given = {
        "title_vi": title,
        "title_en": title_en,
        "description_vi": description,
        "description_en": description_en,
        "sector": sector,
        "keywords": keyword,
        "licence": licence,
        "access_level": access,
        "update_frequency": frequency,
        "source": source,
        "contact": contact,
    }
    data = m.DatasetUpdate.model_validate({k: v for k, v in given.items() if v is not None})
    ds = platform().catalog.update(slug, data, actor=actor())
    print_json(ds.model_dump(mode="json")) if json_out else console.print(f"[green]✓[/] {ds.slug}")


@app.command("describe")
def describe(
    slug: str,
    column: str,
    label: Annotated[str | None, typer.Option(help="Label shown to people.")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit, e.g. đồng, người, %.")] = None,
    description: Annotated[str | None, typer.Option(help="Description (Vietnamese).")] = None,
    description_en: Annotated[str | None, typer.Option(help="Description (English).")] = None,
    table: Annotated[
        str | None, typer.Option(help="Table inside the dataset (default: main).")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Edit the data dictionary entry of one column (kept across later loads)."""
    given = {
        "label": label,
        "unit": unit,
        "description_vi": description,
        "description_en": description_en,
    }
    col = platform().catalog.update_column(
        slug,
        column,
        m.ColumnUpdate(**{k: v for k, v in given.items() if v is not None}),
        actor=actor(),
        table=table,
    )
    print_json(col.model_dump(mode="json")) if json_out else console.print(
        f"[green]✓[/] {slug}.{col.name}"
    )


@app.command("delete")
def delete(
    slug: str, yes: Annotated[bool, typer.Option("--yes", help="Do not ask.")] = False
) -> None:
    """Delete a dataset, its tables, versions and files."""
    if not yes:
        typer.confirm(t("confirm_delete", lang(), slug=slug), abort=True)
    platform().catalog.delete(slug, actor=actor())
    console.print(f"[green]✓[/] {t('dataset_deleted', lang(), slug=slug)}")


@app.command("history")
def history(
    slug: str,
    table: Annotated[str | None, typer.Option(help="Table (default: main).")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Versions of a dataset's table (one per load) and the loads that made them."""
    p = platform()
    versions = p.catalog.versions(slug, actor=actor(), table=table)
    loads = p.ingest.loads(slug, actor=actor())
    if json_out:
        print_json(
            {
                "versions": [v.model_dump(mode="json") for v in versions],
                "loads": [x.model_dump(mode="json") for x in loads],
            }
        )
        return
    L = lang()
    by_snap = {x.snapshot_id: x for x in loads if x.snapshot_id}
    tb = Table(title=f"{t('history', L)}: {slug}")
    for col in ("version", "committed", "operation", "added", "deleted", "total", "source"):
        tb.add_column(t(col, L))
    for v in versions:
        load = by_snap.get(v.snapshot_id)
        tb.add_row(
            str(v.version),
            moment(v.committed_at, seconds=True),
            word("op", v.operation),
            num(v.added_rows, L),
            num(v.deleted_rows, L),
            num(v.total_rows, L),
            f"#{load.load_id} {load.source_name}" if load else "",
        )
    console.print(tb)
    failed = [x for x in loads if x.status == "failed"]
    for x in failed:
        what = t("load_failed", L, id=x.load_id, source=escape(x.source_name))
        console.print(f"[red]{what}[/]: {escape(translate(x.error or '', L))}")
    console.print(f"{t('query_version', L)}: kho sql 'SELECT count(*) FROM \"{slug}@1\"'")


@app.command("rejects")
def rejects(
    slug: str,
    load: Annotated[
        int | None, typer.Option(help="Load id (default: the latest successful load).")
    ] = None,
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    export: Annotated[
        Path | None, typer.Option(help="Write the rejected rows as a CSV to fix and re-load.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Rejected cells of a load: line, column, original text and reason; or export them to fix."""
    p = platform()
    if export is not None:
        n = p.ingest.export_rejects(slug, export, actor=actor(), load_id=load)
        L = lang()
        console.print(
            f"[green]✓[/] {t('n_rows', L, n=num(n, L))} → {export}\n"
            f"  {t('fix_then', L)}: kho ingest {export} --dataset {slug} --mode append"
        )
        return
    total, items = p.ingest.list_rejects(
        slug, actor=actor(), load_id=load, limit=limit, offset=offset
    )
    if json_out:
        print_json({"total": total, "items": [i.model_dump(mode="json") for i in items]})
        return
    L = lang()
    if not total:
        console.print(t("no_rejects", L))
        return
    tb = Table(title=f"{num(total, L)} × {t('reject_reasons', L)}")
    for col in ("line", "column", "value", "reason"):
        tb.add_column(t(col, L), overflow="fold")
    for i in items:
        tb.add_row(str(i.line), i.column or "", i.value or "", translate_reason(i.reason, L))
    console.print(tb)


@app.command("report")
def report(load_id: int, json_out: JsonOpt = False) -> None:
    """Show the load report of one load again."""
    r = platform().ingest.report(load_id, actor=actor())
    if json_out:
        print_json(r.model_dump(mode="json"))
        return
    from kho.cli._report import render_report

    render_report(r)


@inventory_app.command("add")
def inventory_add(
    title: str,
    org: Annotated[str, typer.Option(help="Organisation holding the data.")],
    description: Annotated[str | None, typer.Option(help="What the data is.")] = None,
    format: Annotated[str | None, typer.Option(help="Paper, scanned PDF, Excel, database…")] = None,
    volume: Annotated[
        str | None, typer.Option(help="How much, e.g. '12 sổ, ~40.000 hồ sơ'.")
    ] = None,
    plan: Annotated[str | None, typer.Option(help="Plan to digitise/load, with dates.")] = None,
    status: Annotated[
        str, typer.Option(help="not_digitised | digitised_not_loaded | planned | loaded")
    ] = "not_digitised",
    json_out: JsonOpt = False,
) -> None:
    """Register data that exists but is not digitised or loaded yet."""
    item = platform().catalog.add_inventory(
        m.InventoryCreate.model_validate(
            {
                "org_code": org,
                "title": title,
                "description": description,
                "format": format,
                "volume": volume,
                "plan": plan,
                "status": status,
            }
        ),
        actor=actor(),
    )
    print_json(item.model_dump(mode="json")) if json_out else console.print(
        f"[green]✓[/] #{item.id} {item.title}"
    )


@inventory_app.command("list")
def inventory_list(
    org: Annotated[str | None, typer.Option(help="Only this organisation.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List inventory entries."""
    items = platform().catalog.list_inventory(actor=actor(), org_code=org)
    if json_out:
        print_json([i.model_dump(mode="json") for i in items])
        return
    L = lang()
    tb = Table(title=t("inventory_title", L, n=num(len(items), L)))
    tb.add_column("#")
    for col in ("organisation", "title", "format", "volume", "status", "plan"):
        tb.add_column(t(col, L))
    for i in items:
        status = word("inventory", i.status)
        tb.add_row(
            str(i.id), i.org_code, i.title, i.format or "", i.volume or "", status, i.plan or ""
        )
    console.print(tb)
