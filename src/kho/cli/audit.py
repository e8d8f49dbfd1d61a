"""`kho audit …`: read and verify the hash-chained audit log."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from kho.cli._common import console, count, err_console, lang, platform, print_json
from kho.cli.users import JsonOpt, acting
from kho.errors import InvalidInput
from kho.i18n import t

app = typer.Typer(help="The audit log: list entries, verify the hash chain.", no_args_is_help=True)


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date or time.", hint="Write YYYY-MM-DD or YYYY-MM-DDTHH:MM."
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


@app.command("list")
def list_(
    who: Annotated[
        str | None, typer.Option("--actor", help="Only entries by this actor (user name).")
    ] = None,
    dataset: Annotated[str | None, typer.Option(help="Only entries about this dataset.")] = None,
    action: Annotated[
        str | None, typer.Option(help="Only actions starting with this, e.g. signin or grant.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="From this moment (UTC), YYYY-MM-DD[THH:MM].")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Before this moment (UTC).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 100,
    json_out: JsonOpt = False,
) -> None:
    """List audit entries, newest first."""
    entries = platform().access.log.list(
        acting(None),
        who=who,
        dataset=dataset,
        action=action,
        since=_moment(since),
        until=_moment(until),
        limit=limit,
    )
    if json_out:
        print_json([e.model_dump(mode="json") for e in entries])
        return
    L = lang()
    tb = Table(title=t("audit_title", L, n=count(len(entries))))
    for col in ("id", "when_utc", "actor", "action", "resource", "rows", "details"):
        tb.add_column(t(col, L))
    for e in entries:
        tb.add_row(
            str(e.id),
            f"{e.at:%Y-%m-%d %H:%M:%S}",
            e.actor,
            e.action,
            e.resource,
            "" if e.rows is None else count(e.rows),
            json.dumps(e.details, ensure_ascii=False)[:60] if e.details else "",
        )
    console.print(tb)


@app.command("verify")
def verify(json_out: JsonOpt = False) -> None:
    """Check that no entry was edited or deleted; exits 1 if one was."""
    result = platform().access.log.verify(acting(None))
    if json_out:
        print_json(result.model_dump(mode="json"))
    elif result.ok:
        console.print(f"[green]✓[/] {t('audit_ok', lang(), n=count(result.entries))}")
    else:
        err_console.print(f"[bold red]✗ {t('audit_broken', lang(), id=result.first_broken_id)}[/]")
    if not result.ok:
        raise typer.Exit(1)
