"""Why an entered value came back, through the real ASGI app on SQLite and PostgreSQL: the decision
note on the value and in every listing, cleared by a correction, the history of decisions, and bad
notes and queries answered with the error envelope.

World: targets_world.py (TINH above SO-A; editor_a edits SO-A; admin_tinh2 is another province).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from kho.web.app import create_app
from tests.integration.api.targets_world import HIDDEN, MEETINGS, World, build

pytestmark = pytest.mark.anyio
BASE = f"/api/v1/indicators/{MEETINGS}/entries"
HOSTILE = '<script>alert("x")</script> thiếu biên bản & chữ ký'


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    url = (
        request.getfixturevalue("pg_server").create_database()
        if request.param == "postgresql"
        else None
    )
    w = build(tmp_path_factory.mktemp(f"decisions-{request.param}"), url)
    yield w
    w.platform.close()


@pytest.fixture(scope="module")
async def client(world: World) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(world.platform)), base_url="http://kho.test"
    ) as c:
        yield c


def _ok(r: httpx.Response, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def _error(r: httpx.Response, status: int) -> str:
    assert r.status_code == status, r.text
    return str(r.json()["error"]["message"])


async def test_send_back_note_reaches_the_unit_then_correction_and_approval(
    client: httpx.AsyncClient, world: World
) -> None:
    unit = {"org": "SO-A", "period": "2026Q3"}
    _ok(await client.post(BASE, json={**unit, "value": 5}, headers=world.h("editor_a")), 201)
    back = _ok(
        await client.post(
            f"{BASE}/send-back", json={**unit, "note": HOSTILE}, headers=world.h("admin_tinh")
        )
    )
    assert (back["status"], back["decided_by"], back["decision_note"]) == (
        "returned",
        "admin_tinh",
        HOSTILE,
    )
    assert back["decided_at"] >= back["entered_at"]
    listed = _ok(await client.get(BASE, params={"period": "2026Q3"}, headers=world.h("viewer_a")))
    assert [(x["org"], x["status"], x["decision_note"]) for x in listed] == [
        ("SO-A", "returned", HOSTILE)
    ]

    fixed = _ok(
        await client.post(BASE, json={**unit, "value": 6}, headers=world.h("editor_a")), 201
    )
    assert (fixed["status"], fixed["decided_by"], fixed["decided_at"], fixed["decision_note"]) == (
        "submitted",
        None,
        None,
        None,
    )
    ok = _ok(
        await client.post(
            f"{BASE}/approve", json={**unit, "note": "đủ hồ sơ"}, headers=world.h("admin_tinh")
        )
    )
    assert (ok["status"], ok["value"], ok["decision_note"]) == ("approved", 6, "đủ hồ sơ")

    history = _ok(await client.get(f"{BASE}/history", params=unit, headers=world.h("viewer_a")))
    assert [
        (h["decision"], h["value"], h["entered_by"], h["decided_by"], h["decision_note"])
        for h in history
    ] == [
        ("returned", 5, "editor_a", "admin_tinh", HOSTILE),
        ("approved", 6, "editor_a", "admin_tinh", "đủ hồ sơ"),
    ]
    assert {h["entry_id"] for h in history} == {ok["id"]}
    assert _ok(await client.get(f"{BASE}/history", params={**unit, "org": "SO-B"})) == []
    everything = _ok(await client.get(f"{BASE}/history"))
    assert [h["id"] for h in everything] == [h["id"] for h in history]


@pytest.mark.parametrize(
    ("note", "words"), [("x" * 2001, "note"), ("a\x00b", "NUL"), ({"no": "text"}, "note")]
)
async def test_bad_decision_notes_change_nothing(
    client: httpx.AsyncClient, world: World, note: Any, words: str
) -> None:
    unit = {"org": "SO-A", "period": "2026Q4"}
    await client.post(BASE, json={**unit, "value": 1}, headers=world.h("editor_a"))
    r = await client.post(
        f"{BASE}/send-back", json={**unit, "note": note}, headers=world.h("admin_tinh")
    )
    assert words in _error(r, 400)
    [still] = _ok(await client.get(BASE, params={"period": "2026Q4"}))
    assert (still["status"], still["decision_note"]) == ("submitted", None)


@pytest.mark.parametrize(
    ("path", "params", "who", "status"),
    [
        (f"{BASE}/history", {"period": "2026-Q1"}, "viewer_a", 400),
        (f"{BASE}/history", {"period": "2026Q1\x00"}, "viewer_a", 400),
        (f"{BASE}/history", {"org": "S" * 201}, "viewer_a", 400),
        (f"{BASE}/history", {"period": "9" * 17}, "viewer_a", 400),
        ("/api/v1/indicators/KHONG_CO/entries/history", {}, "admin_tinh", 404),
        (f"/api/v1/indicators/{HIDDEN}/entries/history", {}, "admin_tinh2", 404),
        (f"/api/v1/indicators/{HIDDEN}/entries/history", {}, "anonymous", 404),
    ],
)
async def test_history_refuses_odd_queries_and_hides_what_you_may_not_read(
    client: httpx.AsyncClient,
    world: World,
    path: str,
    params: dict[str, str],
    who: str,
    status: int,
) -> None:
    _error(await client.get(path, params=params, headers=world.h(who)), status)
