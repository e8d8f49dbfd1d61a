"""Target and reported-value routes through the real ASGI app, on SQLite and PostgreSQL: who may do what,
the error envelope for bad input, history with who/when, the report, and the audit chain.

The world is described in targets_world.py. The tests share one world per backend and build on each
other in file order (the '*' default of the first test is SO-B's target in the second).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from kho.web.app import create_app
from tests.integration.api.targets_world import (
    HIDDEN,
    MEETINGS,
    ONLINE,
    PASSWORD,
    World,
    build,
)

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    url = (
        request.getfixturevalue("pg_server").create_database()
        if request.param == "postgresql"
        else None
    )
    w = build(tmp_path_factory.mktemp(f"targets-{request.param}"), url)
    yield w
    w.platform.close()


@pytest.fixture(scope="module")
async def client(world: World) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(world.platform)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://kho.test"
    ) as c:
        yield c


def _error(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    error: dict[str, Any] = r.json()["error"]
    assert set(error) == {"type", "message", "details"}
    return error


async def _audit(c: httpx.AsyncClient, w: World, action: str) -> list[dict[str, Any]]:
    r = await c.get(
        "/api/v1/audit", params={"action": action, "limit": 1000}, headers=w.h("padmin")
    )
    assert r.status_code == 200, r.text
    return list(reversed(r.json()))  # oldest first


async def test_top_down_only_from_above_and_mid_year_change_kept(
    client: httpx.AsyncClient, world: World
) -> None:
    url = f"/api/v1/indicators/{ONLINE}/targets"
    body = {"org": "SO-A", "period": "2025", "value": 70}
    for who, status in (
        ("anonymous", 403),
        ("editor_a", 403),  # a unit cannot assign its own target
        ("viewer_tinh", 403),  # viewers only read
        ("admin_tinh2", 403),  # another province's admin
    ):
        assert (await client.post(url, json=body, headers=world.h(who))).status_code == status, who
    first = await client.post(url, json=body, headers=world.h("admin_tinh"))
    assert first.status_code == 201, first.text
    assert (first.json()["kind"], first.json()["status"], first.json()["set_by"]) == (
        "assigned",
        "active",
        "admin_tinh",
    )
    raised = await client.post(
        url, json={**body, "value": 80, "note": "nâng giữa năm"}, headers=world.h("admin_tinh")
    )
    assert raised.status_code == 201
    default = {"org": "*", "period": "2025", "value": 60}
    assert (await client.post(url, json=default, headers=world.h("admin_tinh"))).status_code == 403
    assert (await client.post(url, json=default, headers=world.h("padmin"))).status_code == 201

    seen = await client.get(
        url, params={"org": "SO-A", "period": "2025"}, headers=world.h("viewer_a")
    )
    assert seen.status_code == 200
    view = seen.json()
    assert [(x["value"], x["set_by"]) for x in view["history"]] == [
        (70, "admin_tinh"),
        (80, "admin_tinh"),
    ]
    assert view["history"][0]["set_at"] <= view["history"][1]["set_at"]
    assert view["effective"]["value"] == 80 and "assigned 2025 for SO-A" in view["effective_reason"]
    other = await client.get(
        url, params={"org": "SO-B", "period": "2025"}, headers=world.h("viewer_a")
    )
    assert other.json()["history"] == [] and other.json()["effective"]["org"] == "*"

    sets = [e for e in await _audit(client, world, "target.set") if e["details"]["org"] == "SO-A"]
    assert [(e["actor"], e["details"]["value"], e["details"]["period"]) for e in sets] == [
        ("admin_tinh", 70, "2025"),
        ("admin_tinh", 80, "2025"),
    ]
    assert sets[1]["details"]["note"] == "nâng giữa năm"
    assert sets[1]["details"]["target_id"] == raised.json()["id"]


async def test_bottom_up_proposal_send_back_with_note_then_approve(
    client: httpx.AsyncClient, world: World
) -> None:
    base = f"/api/v1/indicators/{ONLINE}/targets"
    body = {"org": "SO-A", "period": "2025Q1", "value": 60}
    assert (
        await client.post(f"{base}/propose", json=body, headers=world.h("viewer_a"))
    ).status_code == 403
    assert (
        await client.post(
            f"{base}/propose", json={**body, "org": "SO-B"}, headers=world.h("editor_a")
        )
    ).status_code == 403
    first = await client.post(f"{base}/propose", json=body, headers=world.h("editor_a"))
    assert first.status_code == 201 and first.json()["status"] == "proposed"
    pid = first.json()["id"]
    again = _error(
        await client.post(f"{base}/propose", json=body, headers=world.h("editor_a")), 409
    )
    assert f"Proposal {pid}" in again["message"]

    for who in (
        "viewer_tinh",
        "editor_a",
        "admin_tinh2",
    ):  # a viewer, the unit itself, another province
        r = await client.post(f"{base}/{pid}/approve", headers=world.h(who))
        assert _error(r, 403)["type"] == "permission_denied", who
    hostile = "<script>alert('x')</script> quá thấp"
    back = await client.post(
        f"{base}/{pid}/send-back", json={"note": hostile}, headers=world.h("admin_tinh")
    )
    assert back.status_code == 200
    assert (back.json()["status"], back.json()["decision_note"], back.json()["decided_by"]) == (
        "sent_back",
        hostile,
        "admin_tinh",
    )
    _error(await client.post(f"{base}/{pid}/approve", headers=world.h("admin_tinh")), 409)

    second = await client.post(
        f"{base}/propose", json={**body, "value": 65}, headers=world.h("editor_a")
    )
    assert second.status_code == 201
    sid = second.json()["id"]
    _error(
        await client.post(
            f"/api/v1/indicators/{MEETINGS}/targets/{sid}/approve", headers=world.h("admin_tinh")
        ),
        404,
    )
    ok = await client.post(
        f"{base}/{sid}/approve", json={"note": "đồng ý"}, headers=world.h("admin_tinh")
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    _error(
        await client.post(f"{base}/{sid}/send-back", headers=world.h("admin_tinh")), 409
    )  # twice

    view = (
        await client.get(
            base, params={"org": "SO-A", "period": "2025Q1"}, headers=world.h("editor_a")
        )
    ).json()
    assert [(x["value"], x["status"]) for x in view["history"]] == [
        (60, "sent_back"),
        (65, "approved"),
    ]
    assert view["effective"]["id"] == sid  # the quarter's approved proposal beats the year's 80

    # 2025Q1 is closed: SO-A 75 % against 65 → achieved; SO-B has only the '*' default 60 → 50 % missed
    report = await client.get(
        "/api/v1/indicators/report",
        params={"period": "2025Q1", "org": "TINH", "indicator": ONLINE},
        headers=world.h("admin_tinh"),
    )
    rows = {r["org"]: r for r in report.json()["rows"]}
    assert (rows["SO-A"]["actual"], rows["SO-A"]["target"], rows["SO-A"]["status"]) == (
        75,
        65,
        "achieved",
    )
    assert (rows["SO-B"]["actual"], rows["SO-B"]["target"], rows["SO-B"]["status"]) == (
        50,
        60,
        "missed",
    )
    assert "proposed" in rows["SO-A"]["target_source"]

    decided = {e["details"]["target_id"]: e for e in await _audit(client, world, "target.")}
    assert (
        decided[pid]["action"] == "target.send_back"
        and decided[pid]["details"]["decision_note"] == hostile
    )
    assert decided[sid]["action"] == "target.approve" and decided[sid]["actor"] == "admin_tinh"
    proposes = [
        e for e in await _audit(client, world, "target.propose") if e["details"]["org"] == "SO-A"
    ]
    assert [e["actor"] for e in proposes] == ["editor_a", "editor_a"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"org": "SO-B", "period": "2025Q1", "low": 80, "high": 50}, "above high"),
        ({"org": "SO-B", "period": "2025-Q1", "value": 50}, "not a period id"),
        ({"org": "SO-B", "period": "2025Q5", "value": 50}, "not a period id"),
        ({"org": "SO-B", "period": "2025Q1"}, "give a target value"),
        ({"org": "SO-B", "period": "2025Q1", "value": 5, "low": 1}, "not both"),
        ({"org": "SO-B", "period": "2025Q1", "value": "năm mươi"}, "value"),
        ({"org": "SO-B", "period": "2025Q1", "value": 1e300}, "not a usable number"),
        ({"org": "SO-B", "period": "2025Q1", "value": 5, "note": "x" * 2001}, "note"),
        ({"org": "SO-B", "period": "2025Q1", "value": 5, "note": "a\x00b"}, "NUL"),
        ({"org": "S" * 201, "period": "2025Q1", "value": 5}, "org"),
    ],
)
async def test_bad_targets_get_the_error_envelope(
    client: httpx.AsyncClient, world: World, body: dict[str, Any], words: str
) -> None:
    r = await client.post(
        f"/api/v1/indicators/{ONLINE}/targets", json=body, headers=world.h("admin_tinh")
    )
    assert words in _error(r, 400)["message"]


async def test_huge_json_number_is_refused_not_stored(
    client: httpx.AsyncClient, world: World
) -> None:
    raw = b'{"org": "SO-B", "period": "2025Q1", "value": 1e400}'  # parses as infinity
    r = await client.post(
        f"/api/v1/indicators/{ONLINE}/targets",
        content=raw,
        headers={**world.h("admin_tinh"), "Content-Type": "application/json"},
    )
    assert "not a usable number" in _error(r, 400)["message"]


async def test_unknown_and_hidden_indicators(client: httpx.AsyncClient, world: World) -> None:
    body = {"org": "SO-A", "period": "2025Q1", "value": 5}
    _error(
        await client.post(
            "/api/v1/indicators/KHONG_CO/targets", json=body, headers=world.h("admin_tinh")
        ),
        404,
    )
    _error(
        await client.post(
            f"/api/v1/indicators/{HIDDEN}/targets", json=body, headers=world.h("admin_tinh2")
        ),
        404,
    )
    _error(
        await client.post(
            f"/api/v1/indicators/{ONLINE}/targets/99999999/approve", headers=world.h("admin_tinh")
        ),
        404,
    )
    _error(
        await client.post(
            f"/api/v1/indicators/{ONLINE}/targets/{2**70}/approve", headers=world.h("admin_tinh")
        ),
        400,
    )


async def test_reported_values_submit_send_back_correct_approve(
    client: httpx.AsyncClient, world: World
) -> None:
    base = f"/api/v1/indicators/{MEETINGS}/entries"
    entry = {"org": "SO-A", "period": "2025Q1", "value": 5, "note": "<b>họp</b>"}
    assert (await client.post(base, json=entry, headers=world.h("viewer_a"))).status_code == 403
    assert (
        await client.post(base, json={**entry, "org": "SO-B"}, headers=world.h("editor_a"))
    ).status_code == 403
    assert (
        "reported per"
        in _error(
            await client.post(
                base, json={**entry, "period": "2025W05"}, headers=world.h("editor_a")
            ),
            400,
        )["message"]
    )
    first = await client.post(base, json=entry, headers=world.h("editor_a"))
    assert first.status_code == 201 and first.json()["status"] == "submitted"
    decision = {"org": "SO-A", "period": "2025Q1", "note": "thiếu biên bản"}
    for who in ("viewer_tinh", "editor_a", "admin_tinh2"):
        _error(await client.post(f"{base}/approve", json=decision, headers=world.h(who)), 403)
    back = await client.post(f"{base}/send-back", json=decision, headers=world.h("admin_tinh"))
    assert back.status_code == 200 and back.json()["status"] == "returned"
    _error(await client.post(f"{base}/approve", json=decision, headers=world.h("admin_tinh")), 409)
    fixed = await client.post(base, json={**entry, "value": 6}, headers=world.h("editor_a"))
    assert fixed.status_code == 201 and fixed.json()["status"] == "submitted"
    ok = await client.post(
        f"{base}/approve", json={"org": "SO-A", "period": "2025Q1"}, headers=world.h("admin_tinh")
    )
    assert ok.status_code == 200 and (ok.json()["status"], ok.json()["value"]) == ("approved", 6)
    _error(await client.post(f"{base}/approve", json=decision, headers=world.h("admin_tinh")), 409)
    locked = _error(
        await client.post(base, json={**entry, "value": 9}, headers=world.h("editor_a")), 409
    )
    assert "approved and locked" in locked["message"]
    _error(
        await client.post(
            f"{base}/approve",
            json={"org": "SO-B", "period": "2025Q1"},
            headers=world.h("admin_tinh"),
        ),
        404,
    )

    listed = (
        await client.get(base, params={"period": "2025Q1"}, headers=world.h("viewer_a"))
    ).json()
    assert [(x["org"], x["value"], x["status"], x["entered_by"]) for x in listed] == [
        ("SO-A", 6, "approved", "editor_a")
    ]
    trail = [
        e
        for e in await _audit(client, world, "reported_value.")
        if e["resource"] == f"indicator:{MEETINGS}"
    ]
    assert [(e["action"], e["actor"]) for e in trail] == [
        ("reported_value.submit", "editor_a"),
        ("reported_value.send_back", "admin_tinh"),
        ("reported_value.submit", "editor_a"),
        ("reported_value.approve", "admin_tinh"),
    ]
    assert trail[1]["details"]["decision_note"] == "thiếu biên bản"
    assert trail[0]["details"]["note"] == "<b>họp</b>"


async def test_compute_only_for_who_may_and_the_audit_chain_verifies(
    client: httpx.AsyncClient, world: World
) -> None:
    url = f"/api/v1/indicators/{ONLINE}/compute"
    assert (
        _error(await client.post(url, headers=world.h("editor_a")), 403)["type"]
        == "permission_denied"
    )
    assert (await client.post(url)).status_code == 403
    done = await client.post(url, params={"force": "true"}, headers=world.h("admin_tinh"))
    assert done.status_code == 200, done.text
    assert "2025Q1" in done.json()[0]["recomputed"]
    reported = await client.post(
        f"/api/v1/indicators/{MEETINGS}/compute", headers=world.h("padmin")
    )
    assert "reported indicator" in _error(reported, 400)["message"]
    verified = await client.get("/api/v1/audit/verify", headers=world.h("padmin"))
    assert verified.status_code == 200 and verified.json()["ok"] is True, verified.json()


async def test_signed_in_cookie_needs_the_csrf_token(
    client: httpx.AsyncClient, world: World
) -> None:
    transport = httpx.ASGITransport(app=create_app(world.platform))
    async with httpx.AsyncClient(transport=transport, base_url="http://kho.test") as c:
        login = await c.post(
            "/api/v1/auth/login", json={"username": "admin_tinh", "password": PASSWORD}
        )
        csrf = login.json()["csrf_token"]
        body = {"org": "SO-B", "period": "2026", "value": 55}
        url = f"/api/v1/indicators/{ONLINE}/targets"
        assert "CSRF" in _error(await c.post(url, json=body), 403)["message"]
        assert (await c.post(url, json=body, headers={"X-CSRF-Token": csrf})).status_code == 201
