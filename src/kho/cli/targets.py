"""`kho targets …`: assign targets top-down, propose them bottom-up, approve or send back."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kho.cli._common import actor, console, count, lang, moment, platform, print_json, word
from kho.i18n import num, t
from kho.indicators.models import Target, TargetCreate

app = typer.Typer(
    help="Targets: set (top-down), propose (bottom-up), approve, send back, list.",
    no_args_is_help=True,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
OrgOpt = Annotated[str, typer.Option(help="Unit the target is for; '*' = default for all units.")]
PeriodOpt = Annotated[str, typer.Option("--period", "-p", help="2025, 2025Q1, 202501 or 2025W05.")]
ValueOpt = Annotated[float | None, typer.Option(help="Target value.")]
LowOpt = Annotated[float | None, typer.Option(help="Range: lowest acceptable value.")]
HighOpt = Annotated[float | None, typer.Option(help="Range: highest acceptable value.")]
NoteOpt = Annotated[str | None, typer.Option(help="Comment kept with the target.")]


def _create(
    code: str,
    org: str,
    period: str,
    value: float | None,
    low: float | None,
    high: float | None,
    note: str | None,
) -> TargetCreate:
    from pydantic import ValidationError

    from kho.errors import InvalidInput

    try:
        return TargetCreate(
            indicator=code, org=org, period=period, value=value, low=low, high=high, note=note
        )
    except ValidationError as exc:
        raise InvalidInput(
            f"Target not valid: {exc.errors()[0]['msg']}.",
            hint="Give --value, or --low and/or --high.",
        ) from exc


@app.command("set")
def set_(
    code: str,
    org: OrgOpt,
    period: PeriodOpt,
    value: ValueOpt = None,
    low: LowOpt = None,
    high: HighOpt = None,
    note: NoteOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Assign a target to a unit below yours (top-down)."""
    _done(
        platform().indicators.targets.set(
            _create(code, org, period, value, low, high, note), actor=actor()
        ),
        json_out,
    )


@app.command("propose")
def propose(
    code: str,
    org: OrgOpt,
    period: PeriodOpt,
    value: ValueOpt = None,
    low: LowOpt = None,
    high: HighOpt = None,
    note: NoteOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Register your unit's own target (bottom-up); it counts once approved."""
    _done(
        platform().indicators.targets.propose(
            _create(code, org, period, value, low, high, note), actor=actor()
        ),
        json_out,
    )


@app.command("approve")
def approve(target_id: int, note: NoteOpt = None, json_out: JsonOpt = False) -> None:
    """Approve a proposed target of a unit below yours."""
    _done(platform().indicators.targets.approve(target_id, actor=actor(), note=note), json_out)


@app.command("send-back")
def send_back(target_id: int, note: NoteOpt = None, json_out: JsonOpt = False) -> None:
    """Send a proposed target back to its unit, with a reason."""
    _done(platform().indicators.targets.send_back(target_id, actor=actor(), note=note), json_out)


@app.command("list")
def list_(
    code: str,
    org: Annotated[str | None, typer.Option(help="Only this unit.")] = None,
    period: Annotated[str | None, typer.Option("--period", "-p", help="Only this period.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Every target of an indicator, history included, and which one is in force."""
    items = platform().indicators.targets.history(code, org=org, period=period)
    if json_out:
        print_json([x.model_dump(mode="json") for x in items])
        return
    L = lang()
    table = Table(title=t("targets_title", L, code=code, n=count(len(items))))
    heads = ("id", "col_unit", "period", "kind", "status", "col_target", "set_by", "set_at")
    for col in (*heads, "decided_by", "note"):
        table.add_column(t(col, L))
    for x in items:
        table.add_row(
            str(x.id),
            x.org,
            x.period,
            word("target_kind", x.kind),
            word("target_status", x.status),
            _target(x),
            x.set_by,
            moment(x.set_at),
            x.decided_by or "",
            escape(x.decision_note or x.note or ""),
        )
    console.print(table)


def _target(x: Target) -> str:
    """The target as the reader writes numbers: ``95`` or a range ``90–100`` (an open end empty)."""
    if x.value is not None:
        return _num(x.value)
    return f"{_num(x.low)}–{_num(x.high)}"


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return num(value, lang(), decimals=0 if float(value).is_integer() else 2)


def _done(x: Target, json_out: bool) -> None:
    if json_out:
        print_json(x.model_dump(mode="json"))
        return
    kind, status = word("target_kind", x.kind), word("target_status", x.status)
    done = t(
        "target_done",
        lang(),
        id=x.id,
        indicator=x.indicator,
        org=x.org,
        period=x.period,
        target=_target(x),
        kind=kind,
        status=status,
    )
    console.print(done, markup=False)
