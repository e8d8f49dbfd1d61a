"""`kho tokens …`: API tokens, shown once, stored hashed."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kho.access.models import TokenCreate
from kho.cli._common import console, count, err_console, lang, moment, platform, print_json, word
from kho.cli.users import AsOpt, JsonOpt, acting
from kho.i18n import t

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
    done = t(
        "token_created",
        lang(),
        id=token.id,
        user=token.username,
        scopes=_scopes(token.scopes),
        expires=f"{token.expires_at:%Y-%m-%d}",
    )
    err_console.print(f"[green]✓[/] {done}")
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
        print_json([x.model_dump(mode="json") for x in tokens])
        return
    L = lang()
    tb = Table(title=t("tokens_title", L, n=count(len(tokens))))
    heads = ("id", "user", "name", "token_starts", "scopes", "expires", "last_used", "state")
    for col in heads:
        tb.add_column(t(col, L))
    for x in tokens:
        tb.add_row(
            str(x.id),
            x.username,
            escape(x.name),
            x.prefix + "…",
            _scopes(x.scopes),
            f"{x.expires_at:%Y-%m-%d}" if x.expires_at else "",
            moment(x.last_used_at),
            word("state", x.state),
        )
    console.print(tb)


def _scopes(scopes: list[str]) -> str:
    return ", ".join(word("scope", s) for s in scopes)


@app.command("revoke")
def revoke(token_id: int, as_user: AsOpt = None, json_out: JsonOpt = False) -> None:
    """Revoke a token at once."""
    x = platform().access.tokens.revoke(token_id, actor=acting(as_user))
    if json_out:
        print_json(x.model_dump(mode="json"))
    else:
        done = t("token_revoked", lang(), id=x.id, name=x.name, user=x.username)
        console.print(f"[green]✓[/] {escape(done)}")
