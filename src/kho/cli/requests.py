"""`kho requests …`: ask for access to a dataset; the owner's admins approve or refuse."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kho.access import rowfilters
from kho.access.models import RequestApprove, RequestCreate, RequestPublic
from kho.cli._common import console, count, lang, platform, print_json, word
from kho.cli.grants import ColumnOpt, ExpiresOpt, WhereOpt, expiry
from kho.cli.users import AsOpt, JsonOpt, acting
from kho.i18n import t

app = typer.Typer(
    help="Access requests: create, list, approve (possibly narrower), refuse, withdraw.",
    no_args_is_help=True,
)


@app.command("create")
def create(
    dataset: str,
    purpose: Annotated[str, typer.Option(help="Why you need it (the owner reads this).")],
    as_user: Annotated[str, typer.Option("--as", help="The user asking.")],
    column: ColumnOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Ask for read access to a dataset."""
    req = platform().access.requests.create(
        RequestCreate(dataset=dataset, purpose=purpose, columns=column or None),
        actor=acting(as_user),
    )
    show(req, json_out)


@app.command("list")
def list_(
    status: Annotated[
        str | None, typer.Option(help="pending | approved | refused | expired | withdrawn")
    ] = None,
    dataset: Annotated[str | None, typer.Option(help="Only requests for this dataset.")] = None,
    mine: Annotated[bool, typer.Option("--mine", help="Only requests I made.")] = False,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List requests: your own, and those you decide as an organisation admin."""
    reqs = platform().access.requests.list(
        actor=acting(as_user), status=status, dataset=dataset, mine=mine
    )
    if json_out:
        print_json([r.model_dump(mode="json") for r in reqs])
        return
    L = lang()
    tb = Table(title=t("requests_title", L, n=count(len(reqs))))
    heads = ("id", "dataset", "owner", "requester", "purpose", "status", "decided_by")
    for col in (*heads, "reason_expires"):
        tb.add_column(t(col, L))
    for r in reqs:
        tail = r.reason or (f"{r.expires_at:%Y-%m-%d}" if r.expires_at else "")
        tb.add_row(
            str(r.id),
            r.dataset,
            r.owner_org or "",
            r.username,
            escape(r.purpose[:60]),
            word("request", r.status),
            r.decided_by or "",
            escape(tail),
        )
    console.print(tb)


@app.command("approve")
def approve(
    request_id: int,
    column: ColumnOpt = None,
    where: WhereOpt = None,
    expires: ExpiresOpt = None,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Approve a request, optionally for fewer columns, some rows or a shorter time (default one year)."""
    data = RequestApprove(
        columns=column or None,
        rows=[rowfilters.parse(w) for w in where] if where else None,
        expires_at=expiry(expires),
    )
    show(platform().access.requests.approve(request_id, data, actor=acting(as_user)), json_out)


@app.command("refuse")
def refuse(
    request_id: int,
    reason: Annotated[str, typer.Option(help="Why (the requester reads this).")],
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Refuse a request with a reason."""
    show(platform().access.requests.refuse(request_id, reason, actor=acting(as_user)), json_out)


@app.command("withdraw")
def withdraw(
    request_id: int,
    as_user: Annotated[str, typer.Option("--as", help="The requester.")],
    json_out: JsonOpt = False,
) -> None:
    """Withdraw your own pending request."""
    show(platform().access.requests.withdraw(request_id, actor=acting(as_user)), json_out)


def show(r: RequestPublic, json_out: bool) -> None:
    if json_out:
        print_json(r.model_dump(mode="json"))
        return
    L = lang()
    extra = (
        f" — {r.reason}"
        if r.reason
        else (
            t("request_grant", L, grant=r.grant_id, until=f"{r.expires_at:%Y-%m-%d}")
            if r.grant_id and r.expires_at
            else ""
        )
    )
    status = word("request", r.status)
    done = t("request_done", L, id=r.id, user=r.username, dataset=r.dataset, status=status)
    console.print(f"[green]✓[/] {escape(done + extra)}")
