"""`kho users …`: people who sign in, their roles per organisation, lockout."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.table import Table

from kho.access.actors import Actor
from kho.access.models import MembershipPublic, PasswordChange, UserCreate, UserPublic, UserUpdate
from kho.cli._common import actor, console, count, platform, print_json
from kho.errors import InvalidInput

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
    return str(typer.prompt("Password / Mật khẩu", hide_input=True, confirmation_prompt=confirm))


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
    _show(platform().access.users.create(data, actor=acting(None)), json_out, "created")


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
    tb = Table(title=f"Users ({count(len(users))})")
    for col in ("Username", "Name", "Roles", "Admin", "Active", "Locked"):
        tb.add_column(col)
    for u in users:
        roles = ", ".join(f"{m.org_code}:{m.role}" for m in u.memberships)
        tb.add_row(
            u.username,
            u.full_name,
            roles,
            "✓" if u.is_platform_admin else "",
            "✓" if u.is_active else "✗",
            "locked" if u.is_locked else "",
        )
    console.print(tb)


@app.command("show")
def show(username: str, json_out: JsonOpt = False) -> None:
    """Show one user."""
    user = platform().access.users.get(username, actor=acting(None))
    if json_out:
        print_json(user.model_dump(mode="json"))
        return
    for key, value in user.model_dump().items():
        console.print(f"  {key}: {value}")


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
    _show(platform().access.users.update(username, data, actor=acting(None)), json_out, "updated")


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
    console.print(f"[green]✓[/] password of {username} set")


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
    _show(user, json_out, "roles of")


@app.command("unlock")
def unlock(username: str) -> None:
    """Lift a lockout after repeated failed sign-ins."""
    platform().access.users.unlock(username, actor=acting(None))
    console.print(f"[green]✓[/] {username} unlocked")


def _show(user: UserPublic, json_out: bool, verb: str) -> None:
    if json_out:
        print_json(user.model_dump(mode="json"))
        return
    roles = ", ".join(f"{m.org_code}:{m.role}" for m in user.memberships) or "no roles"
    admin = " (platform admin)" if user.is_platform_admin else ""
    console.print(f"[green]✓[/] {verb} {user.username}{admin}: {roles}")
