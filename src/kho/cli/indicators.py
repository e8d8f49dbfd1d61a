"""`kho indicators …`: load packs, compute with lineage, report target vs actual, trace a value."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kho.cli._common import actor, console, lang, moment, platform, print_json, word
from kho.i18n import MESSAGES, num, t
from kho.i18n.notes import unit_note

if TYPE_CHECKING:
    from kho.indicators.models import ComputeResult, ReportedValue

app = typer.Typer(
    help="Indicators: packs, computation with lineage, reports, traces, entered values.",
    no_args_is_help=True,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
PeriodOpt = Annotated[str, typer.Option("--period", "-p", help="2025, 2025Q1, 202501 or 2025W05.")]


@app.command("load-pack")
def load_pack(
    name: Annotated[
        str, typer.Argument(help="Shipped pack name (online_services, warehouse) or a YAML path.")
    ],
    json_out: JsonOpt = False,
) -> None:
    """Define every indicator of a pack and add its example targets."""
    result = platform().indicators.load_pack(name, actor=actor())
    if json_out:
        print_json(result.model_dump(mode="json"))
        return
    L = lang()
    codes = ", ".join(result.indicators)
    n, targets = num(len(result.indicators), L), num(result.targets, L)
    console.print(t("pack_loaded", L, pack=result.pack, n=n, codes=codes, targets=targets))


@app.command("list")
def list_(
    pack: Annotated[str | None, typer.Option(help="Only this pack.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List the indicators you may see."""
    items = platform().indicators.list_indicators(actor=actor(), pack=pack)
    if json_out:
        print_json([i.model_dump(mode="json") for i in items])
        return
    L = lang()
    table = Table(title=t("indicators_title", L, n=num(len(items), L)))
    for col in ("code", "name", "unit", "direction", "indicator_type", "pack"):
        table.add_column(t(col, L))
    for i in items:
        direction, kind = word("direction", i.direction), word("itype", i.type)
        table.add_row(i.code, i.name_vi, i.unit or "", direction, kind, i.pack or "")
    console.print(table)


@app.command("show")
def show(code: str, json_out: JsonOpt = False) -> None:
    """Show an indicator's full definition."""
    d = platform().indicators.get(code, actor=actor())
    if json_out:
        print_json(d.model_dump(mode="json"))
        return
    import yaml

    console.print(f"[bold]{d.name_vi}[/]" + (f" / {d.name_en}" if d.name_en else ""))
    console.print(
        yaml.safe_dump(
            d.model_dump(mode="json", exclude_defaults=True), allow_unicode=True, sort_keys=False
        ),
        markup=False,
    )


@app.command("compute")
def compute(
    code: Annotated[
        str | None, typer.Argument(help="One indicator; all computed ones when omitted.")
    ] = None,
    force: Annotated[bool, typer.Option(help="Recompute every period, changed or not.")] = False,
    merge: Annotated[
        list[str] | None,
        typer.Option("--map", help="Unit merger OLD=NEW (repeat); stored with the indicator."),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Compute values; only periods whose source rows changed since last time are redone."""
    from kho.errors import InvalidInput

    pairs = [m.split("=", 1) for m in merge or []]
    if any(len(p) != 2 or not p[0].strip() or not p[1].strip() for p in pairs):
        raise InvalidInput("--map takes OLD=NEW, e.g. --map 'Phường A=Phường AB'.")
    org_map = {a.strip(): b.strip() for a, b in pairs} if pairs else None
    results = platform().indicators.compute(code, actor=actor(), force=force, org_map=org_map)
    if json_out:
        print_json([r.model_dump(mode="json") for r in results])
        return
    L = lang()
    for r in results:
        counts = {
            "recomputed": len(r.recomputed),
            "unchanged": len(r.unchanged),
            "removed": len(r.removed),
            "values": r.values_written,
        }
        written = {k: num(n, L) for k, n in counts.items()}
        console.print(t("computed", L, indicator=r.indicator, source=r.source_version, **written))
        if r.unresolved:
            _print_unresolved(r, L)


UNRESOLVED_SHOWN = 20  # the rest are in --json


def _print_unresolved(r: ComputeResult, L: str) -> None:
    """The unit values the registry could not place: what they are, why, and how many rows."""
    console.print(
        f"[yellow]{t('unresolved', L, indicator=r.indicator, n=num(len(r.unresolved), L))}[/]"
    )
    table = Table()
    for col in ("value", "status", "rows", "periods", "candidates", "note"):
        table.add_column(t(col, L), overflow="fold", justify="right" if col == "rows" else "left")
    for u in r.unresolved[:UNRESOLVED_SHOWN]:
        table.add_row(
            escape(u.value) if u.value else f"[italic]{t('empty_value', L)}[/]",
            t(f"unit_{u.status}", L),
            num(u.rows, L),
            _some(u.periods, L),
            escape(_some(u.candidates, L)),
            escape(unit_note(u.note, L)),
        )
    console.print(table)
    if len(r.unresolved) > UNRESOLVED_SHOWN:
        console.print(t("more", L, n=num(len(r.unresolved) - UNRESOLVED_SHOWN, L)))
    console.print(t("unresolved_hint", L), markup=False)


def _some(items: list[str], L: str, shown: int = 6) -> str:
    """A short list: the first few items, then how many more."""
    more = len(items) - shown
    return ", ".join(items[:shown]) + (f" {t('more', L, n=num(more, L))}" if more > 0 else "")


@app.command("values")
def values(
    code: str,
    period: Annotated[
        list[str] | None, typer.Option("--period", "-p", help="Period (repeat).")
    ] = None,
    org: Annotated[
        list[str] | None, typer.Option(help="Unit (repeat); ALL is the whole scope.")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Show stored values with their source version."""
    items = platform().indicators.values(code, actor=actor(), periods_=period or [], orgs=org or [])
    if json_out:
        print_json([v.model_dump(mode="json") for v in items])
        return
    L = lang()
    table = Table(title=f"{code} ({num(len(items), L)})")
    heads = ("period", "col_unit", "value", "numerator", "denominator", "rows", "source")
    for col in heads:
        table.add_column(t(col, L))
    for v in items:
        table.add_row(
            v.period,
            v.org,
            _num(v.value, L),
            _num(v.numerator, L),
            _num(v.denominator, L),
            _num(v.rows, L),
            v.source or "",
        )
    console.print(table)


@app.command("report")
def report(
    period: PeriodOpt,
    org: Annotated[str, typer.Option(help="Scope unit; ALL = everything.")] = "ALL",
    code: Annotated[
        list[str] | None, typer.Option("--indicator", "-i", help="Indicator (repeat).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table | json | xlsx")] = "table",
    out: Annotated[Path | None, typer.Option(help="File to write (required for xlsx).")] = None,
) -> None:
    """Target vs actual per unit: % achieved, status, change, ranking, completeness."""
    from kho.errors import InvalidInput

    rep = platform().indicators.report(period, actor=actor(), org=org, codes=code or [])
    if fmt == "xlsx":
        if out is None:
            raise InvalidInput("--format xlsx needs --out FILE.xlsx.")
        from kho.indicators.reports import to_xlsx

        out.write_bytes(to_xlsx(rep, lang()))
        L = lang()
        console.print(t("rows_written", L, rows=num(len(rep.rows), L), path=out))
    elif fmt == "json":
        text = rep.model_dump_json(indent=2)
        if out:
            out.write_text(text, encoding="utf-8")
        else:
            print_json(rep.model_dump(mode="json"))
    elif fmt == "table":
        _print_report(rep)
    else:
        raise InvalidInput(f"Unknown format {fmt!r}; use table, json or xlsx.")


def _print_report(rep: object) -> None:
    from kho.indicators.models import Report

    assert isinstance(rep, Report)
    L = lang()
    table = Table(title=t("report_title", L, period=rep.period, org=rep.org))
    for key in ("indicator", "unit", "actual", "target", "achieved", "status", "prev", "year",
                "rank", "data"):  # fmt: skip
        table.add_column(t(f"col_{key}", L), overflow="fold")
    for r in rep.rows:
        target = (
            _num(r.target, L)
            if r.target is not None
            else (
                f"{_num(r.target_low, L)}–{_num(r.target_high, L)}"
                if r.target_low is not None or r.target_high is not None
                else ""
            )
        )
        table.add_row(
            r.indicator,
            r.org,
            _num(r.actual, L),
            target,
            _num(r.achieved_pct, L),
            t(f"status_{r.status}", L) if r.status else "",
            _num(r.change_prev, L),
            _num(r.change_yoy, L),
            f"{r.rank}/{r.rank_of}" if r.rank else "",
            t(f"data_{r.completeness}", L) if r.completeness else "",
        )
    console.print(table)


@app.command("trace")
def trace(
    code: str,
    period: PeriodOpt,
    org: Annotated[str, typer.Option(help="Unit; ALL = everything.")] = "ALL",
    limit: Annotated[int, typer.Option(help="Rows to show.")] = 20,
    json_out: JsonOpt = False,
) -> None:
    """Open a value: its source version, its exact SQL, and the rows behind it."""
    tr = platform().indicators.trace(code, period=period, org=org, actor=actor(), limit=limit)
    if json_out:
        print_json(tr.model_dump(mode="json"))
        return
    v = tr.value
    L = lang()
    console.print(
        f"[bold]{code}[/] {v.period} {v.org}: {_num(v.value, L)}"
        + (
            f" = {_num(v.numerator, L)} / {_num(v.denominator, L)}"
            if v.denominator is not None
            else ""
        )
    )
    computed = moment(v.computed_at, seconds=True)
    source = t("trace_source", L, source=v.source, snapshot=v.snapshot_id, computed=computed)
    console.print(source, markup=False)
    if v.sql:
        console.print(t("trace_sql", L), markup=False)
        console.print(v.sql, markup=False, soft_wrap=True)
    table = Table(title=t("first_of_rows", L, shown=num(len(tr.rows), L), total=num(tr.total, L)))
    flags = {c for c in tr.columns if f"trace_{c}" in MESSAGES}  # how a row counts, not data
    for col in tr.columns:
        table.add_column(t(f"trace_{col}", L) if col in flags else col)
    for row in tr.rows:
        table.add_row(*(_cell(row[c], L, flag=c in flags) for c in tr.columns))
    console.print(table)


@app.command("enter")
def enter(
    code: str,
    period: PeriodOpt,
    org: Annotated[str, typer.Option(help="Reporting unit.")],
    value: Annotated[float | None, typer.Option(help="The value.")] = None,
    numerator: Annotated[float | None, typer.Option(help="Numerator (ratio indicators).")] = None,
    denominator: Annotated[
        float | None, typer.Option(help="Denominator (ratio indicators).")
    ] = None,
    note: Annotated[str | None, typer.Option(help="Comment.")] = None,
) -> None:
    """Enter a unit's value for a reported indicator (the unit above approves it)."""
    from kho.indicators.models import ReportedValueCreate

    v = platform().indicators.reporting.submit(
        ReportedValueCreate(
            indicator=code,
            org=org,
            period=period,
            value=value,
            numerator=numerator,
            denominator=denominator,
            note=note,
        ),
        actor=actor(),
    )
    console.print(f"✓ {v.indicator} {v.period} {v.org} = {_num(v.value, lang())} ({_entry(v)})")


@app.command("approve")
def approve(
    code: str,
    period: PeriodOpt,
    org: Annotated[str, typer.Option(help="Reporting unit.")],
    send_back: Annotated[
        bool, typer.Option("--return", help="Return it for correction instead.")
    ] = False,
    note: Annotated[
        str | None, typer.Option(help="Why: the unit sees it beside its value.")
    ] = None,
) -> None:
    """Approve (or return) a unit's entered value."""
    v = platform().indicators.reporting.decide(
        code, org, period, approve=not send_back, actor=actor(), note=note
    )
    console.print(f"✓ {v.indicator} {v.period} {v.org}: {_entry(v)}")


@app.command("entries")
def entries(
    code: str,
    period: Annotated[str | None, typer.Option("--period", "-p", help="Only this period.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Values entered by units, with their status and the latest decision and its note."""
    items = platform().indicators.reporting.entries(code, period=period)
    if json_out:
        print_json([x.model_dump(mode="json") for x in items])
        return
    L = lang()
    table = Table(title=t("entries_title", L, code=code, n=num(len(items), L)))
    heads = ("col_unit", "period", "value", "status", "entered_by", "decided_by", "decision_note")
    for col in heads:
        table.add_column(t(col, L))
    for x in items:
        decided = f"{x.decided_by}, {moment(x.decided_at)}" if x.decided_at else ""
        table.add_row(
            x.org,
            x.period,
            _num(x.value, L),
            _entry(x),
            f"{x.entered_by}, {moment(x.entered_at)}",
            decided,
            escape(x.decision_note or ""),
        )
    console.print(table)


def _entry(x: ReportedValue) -> str:
    """An entered value's status in the reader's words, ``, late`` added when it came late."""
    late = f", {t('data_late', lang())}" if x.is_late else ""
    return word("entry", x.status) + late


def _cell(value: object, L: str, *, flag: bool) -> str:
    """A traced row's cell as written; the in-numerator/denominator flags as yes or no."""
    if value is None:
        return ""
    return t("yes" if value else "no", L) if flag else escape(str(value))


def _num(x: float | None, lang: str) -> str:
    """A value as the reader writes numbers: whole numbers without decimals, others with two."""
    if x is None:
        return ""
    return num(x, lang, decimals=0 if float(x).is_integer() else 2)
