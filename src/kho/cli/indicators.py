"""`kho indicators …`: load packs, compute with lineage, report target vs actual, trace a value."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kho.cli._common import actor, console, platform, print_json

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
    console.print(
        f"✓ {result.pack}: {len(result.indicators)} indicators ({', '.join(result.indicators)}), "
        f"{result.targets} new targets"
    )


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
    table = Table(title=f"Indicators ({len(items)})")
    for col in ("Code", "Tên", "Unit", "Direction", "Type", "Pack"):
        table.add_column(col)
    for i in items:
        table.add_row(i.code, i.name_vi, i.unit or "", i.direction, i.type, i.pack or "")
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
    for r in results:
        console.print(
            f"✓ {r.indicator} from {r.source_version}: {len(r.recomputed)} periods recomputed, "
            f"{len(r.unchanged)} unchanged, {len(r.removed)} removed; {r.values_written} values"
        )


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
    table = Table(title=f"{code} ({len(items)})")
    for col in ("Period", "Unit", "Value", "Numerator", "Denominator", "Rows", "Source"):
        table.add_column(col)
    for v in items:
        table.add_row(
            v.period,
            v.org,
            _num(v.value),
            _num(v.numerator),
            _num(v.denominator),
            str(v.rows or ""),
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

        out.write_bytes(to_xlsx(rep))
        console.print(f"✓ {len(rep.rows)} rows written to {out}")
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
    table = Table(title=f"Báo cáo {rep.period} — {rep.org}")
    for col in (
        "Indicator",
        "Unit",
        "Actual",
        "Target",
        "% achieved",
        "Status",
        "Δ prev",
        "Δ year",
        "Rank",
        "Data",
    ):
        table.add_column(col)
    for r in rep.rows:
        target = (
            _num(r.target)
            if r.target is not None
            else (
                f"{_num(r.target_low)}–{_num(r.target_high)}"
                if r.target_low is not None or r.target_high is not None
                else ""
            )
        )
        table.add_row(
            r.indicator,
            r.org,
            _num(r.actual),
            target,
            _num(r.achieved_pct),
            r.status,
            _num(r.change_prev),
            _num(r.change_yoy),
            f"{r.rank}/{r.rank_of}" if r.rank else "",
            r.completeness,
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
    console.print(
        f"[bold]{code}[/] {v.period} {v.org}: {_num(v.value)}"
        + (f" = {_num(v.numerator)} / {_num(v.denominator)}" if v.denominator is not None else "")
    )
    console.print(f"source: {v.source} (snapshot {v.snapshot_id}), computed {v.computed_at}")
    if v.sql:
        console.print("value SQL (run it with `kho sql`):", markup=False)
        console.print(v.sql, markup=False, soft_wrap=True)
    table = Table(title=f"{len(tr.rows)} of {tr.total:,} rows")
    for col in tr.columns:
        table.add_column(col)
    for row in tr.rows:
        table.add_row(*(str(row[c]) if row[c] is not None else "" for c in tr.columns))
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
    console.print(
        f"✓ {v.indicator} {v.period} {v.org} = {_num(v.value)} ({v.status}{', late' if v.is_late else ''})"
    )


@app.command("approve")
def approve(
    code: str,
    period: PeriodOpt,
    org: Annotated[str, typer.Option(help="Reporting unit.")],
    send_back: Annotated[
        bool, typer.Option("--return", help="Return it for correction instead.")
    ] = False,
) -> None:
    """Approve (or return) a unit's entered value."""
    v = platform().indicators.reporting.decide(
        code, org, period, approve=not send_back, actor=actor()
    )
    console.print(f"✓ {v.indicator} {v.period} {v.org}: {v.status}")


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"
