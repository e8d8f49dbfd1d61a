"""`kho grants …`: who may read a restricted dataset, which columns and which rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kho.access import rowfilters
from kho.access.models import GrantCreate, GrantPublic
from kho.cli._common import console, count, lang, platform, print_json, word
from kho.cli.users import AsOpt, JsonOpt, acting
from kho.errors import InvalidInput
from kho.i18n import t

app = typer.Typer(help="Grants of read access to restricted datasets.", no_args_is_help=True)
ColumnOpt = Annotated[list[str] | None, typer.Option("--column", help="Only this column (repeat).")]
WhereOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        help="Only rows where: col=value, col!=value, col>=5, 'col in a,b' (repeat: all must hold).",
    ),
]
ExpiresOpt = Annotated[
    str | None, typer.Option("--expires", help="Last moment, YYYY-MM-DD[THH:MM].")
]


def expiry(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date.", hint="Write YYYY-MM-DD, e.g. 2026-12-31."
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


@app.command("create")
def create(
    dataset: str,
    org: Annotated[str | None, typer.Option(help="Grant to this organisation.")] = None,
    user: Annotated[str | None, typer.Option(help="Grant to this user.")] = None,
    column: ColumnOpt = None,
    where: WhereOpt = None,
    expires: ExpiresOpt = None,
    note: Annotated[str | None, typer.Option(help="Why (kept with the grant).")] = None,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Grant read access to a dataset, optionally only some columns and rows."""
    data = GrantCreate(
        dataset=dataset,
        org_code=org,
        username=user,
        columns=column or None,
        rows=[rowfilters.parse(w) for w in where] if where else None,
        expires_at=expiry(expires),
        note=note,
    )
    show(platform().access.grants.create(data, actor=acting(as_user)), json_out)


@app.command("list")
def list_(
    dataset: Annotated[str | None, typer.Option(help="Only grants on this dataset.")] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="Include expired and revoked grants.")
    ] = False,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List grants."""
    grants = platform().access.grants.list(
        actor=acting(as_user), dataset=dataset, include_inactive=all_
    )
    if json_out:
        print_json([g.model_dump(mode="json") for g in grants])
        return
    L = lang()
    tb = Table(title=t("grants_title", L, n=count(len(grants))))
    for col in ("id", "dataset", "grantee", "grant_columns", "grant_rows", "expires", "state"):
        tb.add_column(t(col, L))
    for g in grants:
        tb.add_row(
            str(g.id),
            g.dataset,
            _grantee(g),
            _columns(g),
            escape(g.row_filter_sql or t("all", L)),
            f"{g.expires_at:%Y-%m-%d}" if g.expires_at else t("never", L),
            word("state", g.state),
        )
    console.print(tb)


@app.command("revoke")
def revoke(
    grant_id: int,
    reason: Annotated[str | None, typer.Option(help="Why; kept in the audit log.")] = None,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Revoke a grant at once."""
    show(platform().access.grants.revoke(grant_id, actor=acting(as_user), reason=reason), json_out)


def show(g: GrantPublic, json_out: bool) -> None:
    if json_out:
        print_json(g.model_dump(mode="json"))
        return
    L = lang()
    done = t(
        "grant_done",
        L,
        id=g.id,
        state=word("state", g.state),
        who=_grantee(g),
        dataset=g.dataset,
        columns=_columns(g),
        rows=g.row_filter_sql or t("all", L),
    )
    console.print(f"[green]✓[/] {escape(done)}")


def _grantee(g: GrantPublic) -> str:
    """Who the grant is for, in the reader's words: ``cơ quan SO-YT`` or ``người dùng lan``."""
    L = lang()
    return t("to_org", L, code=g.org_code) if g.org_code else t("to_user", L, name=g.username)


def _columns(g: GrantPublic) -> str:
    return ", ".join(g.columns) if g.columns else t("all", lang())
