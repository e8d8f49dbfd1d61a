"""Access services on both metadata backends: sign-in, tokens, the read policy, requests, mergers, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from kho.access.actors import ANONYMOUS, SYSTEM
from kho.access.models import (
    GrantCreate,
    OrgCreate,
    RequestApprove,
    RequestCreate,
    RowCondition,
    TokenCreate,
)
from kho.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.integration.access.conftest import PASSWORD, Clock, World

HANOI_ONLY = [RowCondition(column="tinh_thanh_pho", value="Hà Nội")]


def test_passwords_are_argon2_and_lockout_backs_off(world: World, clock: Clock) -> None:
    a = world.platform.access
    with world.platform.engine.connect() as c:
        stored = c.execute(
            text("SELECT password_hash FROM kho_users WHERE username='granted'")
        ).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert a.authenticate_password("granted", PASSWORD).user_id is not None
    for _ in range(5):
        with pytest.raises(PermissionDenied, match="Wrong username or password"):
            a.authenticate_password("granted", "wrong-password")
    with pytest.raises(PermissionDenied, match="Too many failed sign-ins") as locked:
        a.authenticate_password("granted", PASSWORD)  # even the right password waits
    assert 0 < locked.value.details["retry_after"] <= 31
    with pytest.raises(PermissionDenied, match="Wrong username or password"):
        a.authenticate_password(
            "nobody", PASSWORD
        )  # unknown users look the same as wrong passwords
    clock.advance(seconds=31)
    assert a.authenticate_password("granted", PASSWORD).name == "granted"
    actions = [e.action for e in a.log.list(SYSTEM, action="signin")]
    assert (
        actions.count("signin.failed") == 6
        and "signin.locked" in actions
        and actions.count("signin.ok") == 2
    )


def test_deactivated_user_cannot_sign_in(world: World) -> None:
    from kho.access.models import UserUpdate

    a = world.platform.access
    a.users.update("editor_owner", UserUpdate(is_active=False), actor=SYSTEM)
    with pytest.raises(PermissionDenied, match="Wrong username or password"):
        a.authenticate_password("editor_owner", PASSWORD)


def test_token_create_use_expire_revoke(world: World, clock: Clock) -> None:
    a = world.platform.access
    me = world.actors["granted"]
    created = a.tokens.create(
        TokenCreate(name="báo cáo", scopes=["read"], expires_in_days=2), actor=me
    )
    assert created.token.startswith("kho_") and len(created.token) == 47
    with world.platform.engine.connect() as c:
        stored = c.execute(text("SELECT token_hash FROM kho_tokens")).scalar_one()
    assert created.token not in stored and len(stored) == 64
    actor = a.authenticate_token(created.token)
    assert (actor.kind, actor.name, actor.token_scopes) == ("token", "granted", frozenset({"read"}))
    assert not actor.has_scope("write")
    listed = a.tokens.list(actor=me)
    assert listed[0].last_used_at is not None and not hasattr(listed[0], "token")
    assert [e.action for e in a.log.list(SYSTEM, action="token.use")] == ["token.use"]
    with pytest.raises(PermissionDenied, match="Malformed"):
        a.authenticate_token("kho_' OR 1=1 --")
    with pytest.raises(PermissionDenied, match="not usable|unknown"):
        a.authenticate_token("kho_" + "A" * 43)
    clock.advance(days=3)
    with pytest.raises(PermissionDenied, match="expired"):
        a.authenticate_token(created.token)
    clock.advance(days=-3)
    a.tokens.revoke(created.id, actor=me)
    with pytest.raises(PermissionDenied, match="revoked"):
        a.authenticate_token(created.token)
    with pytest.raises(NotFound):
        a.tokens.revoke(created.id, actor=world.actors["viewer_other"])  # not theirs


def test_admin_scope_needs_an_admin(world: World) -> None:
    with pytest.raises(PermissionDenied, match="admin scope"):
        world.platform.access.tokens.create(
            TokenCreate(name="x", scopes=["admin"]), actor=world.actors["viewer_other"]
        )


# the read policy truth table --------------------------------------------------------------------------
FULL, NONE, LIMITED = "full", "none", "limited"
TABLE = {
    #               public  internal  restricted
    "anonymous": (FULL, NONE, NONE),
    "viewer_other": (FULL, FULL, NONE),
    "granted": (FULL, FULL, LIMITED),
    "editor_owner": (FULL, FULL, FULL),
    "admin_owner": (FULL, FULL, FULL),
    "padmin": (FULL, FULL, FULL),
}


def test_read_policy_truth_table(world: World) -> None:
    a = world.platform.access
    a.grants.create(
        GrantCreate(
            dataset="ho_so",
            username="granted",
            columns=["ma_ho_so", "tinh_thanh_pho"],
            rows=HANOI_ONLY,
        ),
        actor=world.actors["admin_owner"],
    )
    actors = {**world.actors, "anonymous": ANONYMOUS}
    for who, expected in TABLE.items():
        for level, want in zip(("public", "internal", "restricted"), expected, strict=True):
            policy = a.read_policy(
                actors[who], dataset_slug="ho_so", org_code="SO-TP", access_level=level
            )
            got = NONE if policy is None else (LIMITED if policy.is_limited else FULL)
            assert got == want, f"{who} × {level}: {policy}"
    limited = a.read_policy(
        actors["granted"], dataset_slug="ho_so", org_code="SO-TP", access_level="restricted"
    )
    assert limited is not None
    assert limited.columns == ["ma_ho_so", "tinh_thanh_pho"]
    assert limited.row_filter == "\"tinh_thanh_pho\" = 'Hà Nội'"


def test_result_of_row_filter_in_duckdb(world: World) -> None:
    """The rendered filter is valid SQL over the real table and keeps only the granted rows."""
    a = world.platform.access
    a.grants.create(GrantCreate(dataset="ho_so", org_code="SO-YT", rows=HANOI_ONLY), actor=SYSTEM)
    policy = a.read_policy(
        world.actors["viewer_other"],
        dataset_slug="ho_so",
        org_code="SO-TP",
        access_level="restricted",
    )
    assert policy is not None and policy.columns is None
    result = world.platform.query.sql(
        f"SELECT count(*) AS n FROM ho_so WHERE {policy.row_filter}", actor=SYSTEM
    )
    assert result.rows == [
        (2,)
    ]  # HS-0001 and HS-0005; the row with a bad date was rejected at load


def test_grant_checks(world: World, clock: Clock) -> None:
    a = world.platform.access
    admin = world.actors["admin_owner"]
    with pytest.raises(PermissionDenied):
        a.grants.create(
            GrantCreate(dataset="ho_so", org_code="SO-YT"), actor=world.actors["editor_owner"]
        )
    with pytest.raises(InvalidInput, match="exactly one"):
        a.grants.create(
            GrantCreate(dataset="ho_so", org_code="SO-YT", username="granted"), actor=admin
        )
    with pytest.raises(InvalidInput, match="Columns not in the dataset"):
        a.grants.create(
            GrantCreate(dataset="ho_so", org_code="SO-YT", columns=["so_cmnd"]), actor=admin
        )
    with pytest.raises(InvalidInput, match="not in the dataset"):
        a.grants.create(
            GrantCreate(
                dataset="ho_so", org_code="SO-YT", rows=[RowCondition(column="1=1) OR (1", value=1)]
            ),
            actor=admin,
        )
    with pytest.raises(NotFound):
        a.grants.create(GrantCreate(dataset="khong_co", org_code="SO-YT"), actor=SYSTEM)
    g = a.grants.create(
        GrantCreate(dataset="ho_so", org_code="SO-YT", expires_at=clock.now() + timedelta(days=1)),
        actor=admin,
    )
    other = world.actors["viewer_other"]
    assert (
        a.read_policy(other, dataset_slug="ho_so", org_code="SO-TP", access_level="restricted")
        is not None
    )
    clock.advance(days=2)
    assert (
        a.read_policy(other, dataset_slug="ho_so", org_code="SO-TP", access_level="restricted")
        is None
    )
    assert (
        a.grants.list(actor=admin) == []
        and a.grants.list(actor=admin, include_inactive=True)[0].id == g.id
    )


def test_request_approved_narrower_then_expires(world: World, clock: Clock) -> None:
    a = world.platform.access
    asker, admin = world.actors["viewer_other"], world.actors["admin_owner"]
    req = a.requests.create(
        RequestCreate(
            dataset="ho_so",
            purpose="Thống kê phí theo tỉnh",
            columns=["ma_ho_so", "tinh_thanh_pho", "le_phi_dong"],
        ),
        actor=asker,
    )
    with pytest.raises(Conflict, match="already asked"):
        a.requests.create(RequestCreate(dataset="ho_so", purpose="again please"), actor=asker)
    assert [r.id for r in a.requests.list(actor=admin, status="pending")] == [req.id]
    assert a.requests.list(actor=world.actors["granted"]) == []  # not theirs, not their org's data
    with pytest.raises(PermissionDenied):
        a.requests.approve(req.id, RequestApprove(), actor=world.actors["editor_owner"])
    with pytest.raises(InvalidInput, match="narrow"):
        a.requests.approve(
            req.id, RequestApprove(columns=["ma_ho_so", "so_dien_thoai"]), actor=admin
        )
    done = a.requests.approve(
        req.id,
        RequestApprove(
            columns=["tinh_thanh_pho", "le_phi_dong"],
            rows=HANOI_ONLY,
            expires_at=clock.now() + timedelta(days=30),
        ),
        actor=admin,
    )
    assert done.status == "approved" and done.grant_id is not None
    policy = a.read_policy(asker, dataset_slug="ho_so", org_code="SO-TP", access_level="restricted")
    assert policy is not None and policy.columns == ["tinh_thanh_pho", "le_phi_dong"]
    assert policy.row_filter == "\"tinh_thanh_pho\" = 'Hà Nội'"
    assert (
        a.requests.get(req.id, actor=asker).status == "approved"
    )  # the requester sees the decision
    with pytest.raises(Conflict, match="already approved"):
        a.requests.refuse(req.id, "đổi ý", actor=admin)
    clock.advance(days=31)
    assert (
        a.read_policy(asker, dataset_slug="ho_so", org_code="SO-TP", access_level="restricted")
        is None
    )
    assert a.requests.get(req.id, actor=asker).status == "expired"


def test_request_refused_needs_reason(world: World) -> None:
    a = world.platform.access
    asker, admin = world.actors["granted"], world.actors["admin_owner"]
    req = a.requests.create(RequestCreate(dataset="ho_so", purpose="Nghiên cứu"), actor=asker)
    with pytest.raises(InvalidInput, match="reason"):
        a.requests.refuse(req.id, "   ", actor=admin)
    out = a.requests.refuse(req.id, "Dữ liệu cá nhân; hãy dùng bản tổng hợp.", actor=admin)
    assert out.status == "refused" and out.decided_by == "admin_owner"
    assert (
        a.requests.list(actor=asker, mine=True)[0].reason
        == "Dữ liệu cá nhân; hãy dùng bản tổng hợp."
    )
    assert (
        a.read_policy(asker, dataset_slug="ho_so", org_code="SO-TP", access_level="restricted")
        is None
    )
    with pytest.raises(PermissionDenied, match="signed-in user"):
        a.requests.create(RequestCreate(dataset="ho_so", purpose="anonymous ask"), actor=ANONYMOUS)


def test_merge_keeps_history_successor_and_access(world: World) -> None:
    a = world.platform.access
    a.orgs.create(
        OrgCreate(code="SO-TP-YT", name_vi="Sở Tư pháp và Y tế", parent_code="HN"), actor=SYSTEM
    )
    a.grants.create(
        GrantCreate(dataset="ho_so", org_code="SO-YT", columns=["ma_ho_so"]), actor=SYSTEM
    )
    with pytest.raises(PermissionDenied):
        a.orgs.merge(["SO-TP", "SO-YT"], into="SO-TP-YT", actor=world.actors["admin_owner"])
    a.orgs.merge(["SO-TP", "SO-YT"], into="SO-TP-YT", actor=SYSTEM)
    old = a.orgs.get("SO-TP")
    assert not old.is_active and old.successor_code == "SO-TP-YT" and old.valid_to is not None
    assert a.orgs.get("SO-TP-YT").predecessors == ["SO-TP", "SO-YT"]
    assert [o.code for o in a.orgs.list()] == ["HN", "SO-TP-YT"]
    assert {"SO-TP", "SO-YT"} <= {o.code for o in a.orgs.list(include_closed=True)}
    names = a.org_names_for_search("SO-TP")
    assert "Sở Tư pháp" in names and "Sở Tư pháp và Y tế" in names
    assert "Sở Tư pháp" in a.org_names_for_search("SO-TP-YT")
    from kho.access.models import MembershipPublic, UserCreate

    a.users.create(
        UserCreate(
            username="new_staff",
            password="mat-khau-moi-123",
            memberships=[MembershipPublic(org_code="SO-TP-YT", role="viewer")],
        ),
        actor=SYSTEM,
    )
    staff = a.actor_for_user("new_staff")
    assert (
        a.read_policy(staff, dataset_slug="ho_so", org_code="SO-TP", access_level="restricted")
        is not None
    )
    assert a.grants.list(actor=SYSTEM)[0].org_code == "SO-YT"  # the grant stays attached
    with pytest.raises(Conflict, match="already closed"):
        a.orgs.close("SO-TP", actor=SYSTEM)
    with pytest.raises(InvalidInput, match="itself"):
        a.orgs.merge(["HN"], into="HN", actor=SYSTEM)


def test_org_tree_refuses_loops(world: World) -> None:
    from kho.access.models import OrgUpdate

    a = world.platform.access
    with pytest.raises(InvalidInput, match="own ancestor"):
        a.orgs.update("HN", OrgUpdate(parent_code="SO-TP"), actor=SYSTEM)
    tree = a.orgs.tree()
    assert [n.code for n in tree] == ["HN"] and [c.code for c in tree[0].children] == [
        "SO-TP",
        "SO-YT",
    ]


def _tamper(world: World, sql: str) -> None:
    with world.platform.engine.begin() as c:
        c.execute(text(sql))


def test_audit_chain_detects_edit(world: World) -> None:
    log = world.platform.access.log
    ok = log.verify(SYSTEM)
    assert ok.ok and ok.entries >= 8
    world.platform.access.audit(
        world.actors["granted"],
        action="dataset.read",
        resource="dataset:ho_so",
        details={"sql": "SELECT 1"},
        rows=2,
    )
    assert log.list(SYSTEM, dataset="ho_so", action="dataset.read")[0].rows == 2
    _tamper(world, 'UPDATE kho_audit SET details = \'{"who": "someone else"}\' WHERE id = 3')
    bad = log.verify(SYSTEM)
    assert not bad.ok and bad.first_broken_id == 3 and "edited" in bad.message
    with pytest.raises(PermissionDenied):
        log.verify(world.actors["admin_owner"])


def test_audit_chain_detects_deleted_middle_entry(world: World) -> None:
    log = world.platform.access.log
    _tamper(world, "DELETE FROM kho_audit WHERE id = 4")
    bad = log.verify(SYSTEM)
    assert not bad.ok and bad.first_broken_id == 5 and "deleted" in bad.message
