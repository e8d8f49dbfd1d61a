"""`kho users …`: people who sign in, their roles per organisation, lockout."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from kho.access.actors import Actor
from kho.access.models import MembershipPublic, PasswordChange, UserCreate, UserPublic, UserUpdate
from kho.cli._common import actor, console, count, lang, moment, platform, print_json, word
from kho.errors import InvalidInput
from kho.i18n import t

app = typer.Typer(
    help="Users, roles per organisation (admin, editor, viewer), platform admins.",
    no_args_is_help=True,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
AsOpt = Annotated[
    str | None, typer.Option("--as", help="Act as this user instead of the local operator.")
]
PASSWORD_ENV = "KHO_PASSWORD"


def acting(username: str | None) -> Actor:
    """The local operator (a platform admin), or the named user with exactly their rights."""
    p = platform()
    p.init()
    return p.access.actor_for_user(username) if username else actor()


def _password(given: str | None, *, confirm: bool = True) -> str:
    if given:
        return given
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    return str(typer.prompt(t("password", lang()), hide_input=True, confirmation_prompt=confirm))


def _membership(text: str) -> MembershipPublic:
    code, _, role = text.partition(":")
    if role not in ("admin", "editor", "viewer") or not code:
        raise InvalidInput(f"Cannot read role {text!r}.", hint="Write ORG:ROLE, e.g. SO-YT:editor.")
    return MembershipPublic(org_code=code, role=role)  # type: ignore[arg-type]


@app.command("create")
def create(
    username: str,
    full_name: Annotated[str, typer.Option(help="Full name.")] = "",
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
    password: Annotated[
        str | None, typer.Option(help=f"Password (else ${PASSWORD_ENV}, else asked).")
    ] = None,
    admin: Annotated[bool, typer.Option("--admin", help="Make a platform administrator.")] = False,
    role: Annotated[
        list[str] | None, typer.Option("--role", help="ORG:ROLE, e.g. SO-YT:editor (repeat).")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Create a user (the first admin: `kho users create NAME --admin`)."""
    data = UserCreate(
        username=username,
        full_name=full_name,
        email=email,
        password=_password(password),
        is_platform_admin=admin,
        memberships=[_membership(r) for r in role or []],
    )
    _show(platform().access.users.create(data, actor=acting(None)), json_out, "user_created")


@app.command("list")
def list_(
    org: Annotated[str | None, typer.Option(help="Only members of this organisation.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """List users."""
    users = platform().access.users.list(actor=acting(None), org_code=org)
    if json_out:
        print_json([u.model_dump(mode="json") for u in users])
        return
    L = lang()
    tb = Table(title=t("users_title", L, n=count(len(users))))
    for col in ("username", "full_name", "roles", "platform_admin", "active", "locked"):
        tb.add_column(t(col, L))
    for u in users:
        tb.add_row(
            u.username,
            escape(u.full_name),
            _roles(u),
            "✓" if u.is_platform_admin else "",
            "✓" if u.is_active else "✗",
            t("user_locked", L) if u.is_locked else "",
        )
    console.print(tb)


@app.command("show")
def show(username: str, json_out: JsonOpt = False) -> None:
    """Show one user."""
    user = platform().access.users.get(username, actor=acting(None))
    if json_out:
        print_json(user.model_dump(mode="json"))
        return
    L = lang()
    for key, value in _facts(user):
        console.print(f"  {t(key, L)}: {escape(value)}")


def _facts(user: UserPublic) -> list[tuple[str, str]]:
    """What `users show` lists: (word key, value as the reader reads it)."""
    L = lang()
    return [
        ("username", user.username),
        ("full_name", user.full_name),
        ("email", user.email or ""),
        ("platform_admin", t("yes" if user.is_platform_admin else "no", L)),
        ("active", t("yes" if user.is_active else "no", L)),
        ("locked", t("yes" if user.is_locked else "no", L)),
        ("roles", _roles(user)),
        ("last_login_at", moment(user.last_login_at)),
        ("created_at", moment(user.created_at)),
    ]


@app.command("update")
def update(
    username: str,
    full_name: Annotated[str | None, typer.Option(help="Full name.")] = None,
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
    admin: Annotated[
        bool | None, typer.Option("--admin/--no-admin", help="Platform administrator.")
    ] = None,
    active: Annotated[bool | None, typer.Option("--active/--inactive", help="May sign in.")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Change a user's name, e-mail, admin flag, or deactivate them."""
    fields = {
        "full_name": full_name,
        "email": email,
        "is_platform_admin": admin,
        "is_active": active,
    }
    data = UserUpdate.model_validate({k: v for k, v in fields.items() if v is not None})
    _show(
        platform().access.users.update(username, data, actor=acting(None)), json_out, "user_updated"
    )


@app.command("passwd")
def passwd(
    username: str,
    password: Annotated[
        str | None, typer.Option(help=f"New password (else ${PASSWORD_ENV}, else asked).")
    ] = None,
) -> None:
    """Set a user's password (signs them out everywhere)."""
    platform().access.users.set_password(
        username, PasswordChange(new_password=_password(password)), actor=acting(None)
    )
    console.print(f"[green]✓[/] {escape(t('password_set', lang(), user=username))}")


@app.command("role")
def role(
    username: str,
    org: str,
    role_name: Annotated[
        str | None, typer.Argument(metavar="ROLE", help="admin | editor | viewer")
    ] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Take the role away.")] = False,
    as_user: AsOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Give a user a role in an organisation (or --remove it)."""
    if not remove and role_name is None:
        raise InvalidInput("Say which role: admin, editor or viewer (or --remove).")
    user = platform().access.users.set_role(
        username, org, None if remove else role_name, actor=acting(as_user)
    )
    _show(user, json_out, "user_roles")


@app.command("unlock")
def unlock(username: str) -> None:
    """Lift a lockout after repeated failed sign-ins."""
    platform().access.users.unlock(username, actor=acting(None))
    console.print(f"[green]✓[/] {escape(t('unlocked', lang(), user=username))}")


def _show(user: UserPublic, json_out: bool, key: str) -> None:
    if json_out:
        print_json(user.model_dump(mode="json"))
        return
    L = lang()
    roles = _roles(user) or t("no_roles", L)
    admin = t("admin_mark", L) if user.is_platform_admin else ""
    console.print(f"[green]✓[/] {escape(t(key, L, user=user.username, admin=admin, roles=roles))}")


def _roles(user: UserPublic) -> str:
    """A user's roles as ``SO-YT: biên tập viên``; the organisation code as stored."""
    return ", ".join(f"{m.org_code}: {word('role', m.role)}" for m in user.memberships)
