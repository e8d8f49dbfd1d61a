"""One-time password-reset links and the rules that keep the platform administrable, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from kho.access.actors import SYSTEM
from kho.access.models import PasswordChange, UserUpdate
from kho.errors import Conflict, PermissionDenied
from tests.integration.access.conftest import PASSWORD, Clock, World

NEW = PasswordChange(new_password="mat-khau-moi-rat-dai")


def test_a_reset_link_sets_a_new_password_once_and_is_stored_hashed(world: World) -> None:
    a = world.platform.access
    raw = a.users.issue_reset_link("granted", actor=world.actors["padmin"])
    assert raw.startswith("khr_") and len(raw) == 47
    with world.platform.engine.connect() as c:
        stored = c.execute(text("SELECT token_hash FROM kho_password_resets")).scalar_one()
    assert raw not in stored and len(stored) == 64
    assert a.users.reset_link_user(raw) == "granted"
    assert a.authenticate_password("granted", PASSWORD).name == "granted"  # old one until used
    assert a.users.reset_password(raw, NEW) == "granted"
    with pytest.raises(PermissionDenied, match="Wrong username or password"):
        a.authenticate_password("granted", PASSWORD)
    assert a.authenticate_password("granted", NEW.new_password).name == "granted"
    with pytest.raises(PermissionDenied, match="already used or expired"):
        a.users.reset_password(raw, PasswordChange(new_password="lan-thu-hai-dai-qua"))
    actions = [e.action for e in a.log.list(SYSTEM, action="user")]
    assert actions[:2] == ["user.password_reset", "user.reset_link"]


def test_reset_links_expire_after_a_day_and_a_new_one_replaces_the_old(
    world: World, clock: Clock
) -> None:
    a = world.platform.access
    first = a.users.issue_reset_link("granted", actor=SYSTEM)
    second = a.users.issue_reset_link("granted", actor=SYSTEM)
    with pytest.raises(PermissionDenied):
        a.users.reset_link_user(first)  # replaced
    clock.advance(hours=24, seconds=1)
    with pytest.raises(PermissionDenied, match="expired"):
        a.users.reset_password(second, NEW)


def test_only_platform_admins_make_links_and_never_for_deactivated_users(world: World) -> None:
    a = world.platform.access
    with pytest.raises(PermissionDenied, match="Only platform administrators"):
        a.users.issue_reset_link("granted", actor=world.actors["admin_owner"])
    raw = a.users.issue_reset_link("granted", actor=SYSTEM)
    a.users.update("granted", UserUpdate(is_active=False), actor=SYSTEM)
    with pytest.raises(PermissionDenied):
        a.users.reset_password(raw, NEW)  # deactivation also stops a pending link
    with pytest.raises(Conflict, match="deactivated"):
        a.users.issue_reset_link("granted", actor=SYSTEM)
    for bad in ("", "khr_", "kho_" + "a" * 43, "khr_x\x00", "khr_" + "a" * 500):
        with pytest.raises(PermissionDenied):
            a.users.reset_link_user(bad)


def test_a_reset_lifts_a_lockout(world: World) -> None:
    a = world.platform.access
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            a.authenticate_password("granted", "wrong-password")
    with pytest.raises(PermissionDenied, match="Too many failed sign-ins"):
        a.authenticate_password("granted", PASSWORD)
    a.users.reset_password(a.users.issue_reset_link("granted", actor=SYSTEM), NEW)
    assert a.authenticate_password("granted", NEW.new_password).name == "granted"


def test_the_last_platform_admin_stays_and_nobody_deactivates_themselves(world: World) -> None:
    a = world.platform.access
    padmin = world.actors["padmin"]
    with pytest.raises(Conflict, match="cannot deactivate yourself"):
        a.users.update("padmin", UserUpdate(is_active=False), actor=padmin)
    for change in (UserUpdate(is_active=False), UserUpdate(is_platform_admin=False)):
        with pytest.raises(Conflict, match="last active platform administrator"):
            a.users.update("padmin", change, actor=SYSTEM)
    assert a.users.get("padmin", actor=SYSTEM).is_active
    a.users.update("granted", UserUpdate(is_platform_admin=True), actor=SYSTEM)
    a.users.update("padmin", UserUpdate(is_active=False), actor=SYSTEM)  # another one remains
    assert not a.users.get("padmin", actor=SYSTEM).is_active
    a.users.update("editor_owner", UserUpdate(is_active=False), actor=SYSTEM)  # ordinary users
