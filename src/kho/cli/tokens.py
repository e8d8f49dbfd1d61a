"""`kho tokens …`: API tokens, shown once, stored hashed."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kho.access.models import TokenCreate
from kho.cli._common import console, count, err_console, platform, print_json
from kho.cli.users import AsOpt, JsonOpt, acting

app = typer.Typer(help="API tokens: create (shown once), list, revoke.", no_args_is_help=True)


@app.command("create")
def create(
    name: Annotated[str, typer.Option(help="What the token is for, e.g. 'dashboard'.")],
    user: Annotated[
        str | None, typer.Option(help="Owner (the local operator must name one).")
    ] = None,
    scope: Annotated[
        list[str] | None, typer.Option(help="read | write | admin (repeat); default read.")
    ] = None,
    expires_days: Annotated[int, typer.Option(help="Days until it expires (1..3650).")] = 90,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Create a token; the secret is printed once and cannot be shown again."""
    data = TokenCreate(
        name=name,
        username=user,
        scopes=scope or ["read"],  # type: ignore[arg-type]
        expires_in_days=expires_days,
    )
    token = platform().access.tokens.create(data, actor=acting(as_user))
    if json_out:
        print_json(token.model_dump(mode="json"))
        return
    err_console.print(
        f"[green]✓[/] token {token.id} for {token.username}, scopes {','.join(token.scopes)}, "
        f"expires {token.expires_at:%Y-%m-%d}. Copy it now; it is not shown again:"
    )
    console.print(token.token)


@app.command("list")
def list_(
    user: Annotated[str | None, typer.Option(help="Only this user's tokens.")] = None,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """List tokens (never their secrets)."""
    tokens = platform().access.tokens.list(actor=acting(as_user), username=user)
    if json_out:
        print_json([t.model_dump(mode="json") for t in tokens])
        return
    tb = Table(title=f"API tokens ({count(len(tokens))})")
    for col in ("Id", "User", "Name", "Starts", "Scopes", "Expires", "Last used", "State"):
        tb.add_column(col)
    for t in tokens:
        tb.add_row(
            str(t.id),
            t.username,
            t.name,
            t.prefix + "…",
            ",".join(t.scopes),
            f"{t.expires_at:%Y-%m-%d}" if t.expires_at else "",
            f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "",
            t.state,
        )
    console.print(tb)


@app.command("revoke")
def revoke(token_id: int, as_user: AsOpt = None, json_out: JsonOpt = False) -> None:
    """Revoke a token at once."""
    t = platform().access.tokens.revoke(token_id, actor=acting(as_user))
    if json_out:
        print_json(t.model_dump(mode="json"))
    else:
        console.print(f"[green]✓[/] token {t.id} ({t.name}) of {t.username} revoked")
