"""A unit sees why its entered value was sent back, in Vietnamese and English, corrects it from a
form filled with what it sent, and the unit above sees the earlier send-backs before approving.

World: tests/integration/api/targets_world.py (TINH above SO-A; editor_a edits SO-A). The sign-in
fixture and page helpers are those of test_workspace_indicators.py.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from markupsafe import escape

from kho.web.app import create_app
from tests.integration.api.conftest import _cheap_argon2  # noqa: F401 - cheap hashing fixture
from tests.integration.api.targets_world import MEETINGS, World, build
from tests.integration.web.test_workspace_indicators import (  # noqa: F401 - fixtures
    SignIn,
    alert,
    anyio_backend,
    sign_in,
    text_of,
)

pytestmark = pytest.mark.anyio
ENTER = f"/workspace/indicators/{MEETINGS}/enter"
DECIDE = f"/workspace/indicators/{MEETINGS}/entries"
HOSTILE = '<script>alert(1)</script> thiếu biên bản & "chữ ký"'
SHOWN = str(escape(HOSTILE))  # as Jinja writes it: &lt;script&gt; … &#34;chữ ký&#34;


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = build(tmp_path_factory.mktemp("ws-send-back"), None)
    yield w
    w.platform.close()


@pytest.fixture(scope="module")
def app(world: World) -> FastAPI:
    return create_app(world.platform)


def field(page: str, name: str) -> str:
    """The value a form field holds when the page opens."""
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'name="{name}"[^>]*>([^<]*)</textarea>', page
    )
    assert found, name
    return html.unescape(found.group(1))


async def test_sent_back_note_shown_to_the_unit_corrected_and_approved(
    sign_in: SignIn,  # noqa: F811
    world: World,
) -> None:
    officer, o_csrf = await sign_in("editor_a")
    unit = {"org": "SO-A", "period": "2029Q1"}
    sent = await officer.post(
        ENTER, data={**unit, "csrf_token": o_csrf, "value": "1.234,5", "note": "theo sổ"}
    )
    assert sent.status_code == 303

    admin, a_csrf = await sign_in("admin_tinh")
    no_reason = await admin.post(
        f"{DECIDE}/send-back", data={**unit, "csrf_token": a_csrf, "note": " "}
    )
    assert no_reason.status_code == 400 and "Hãy ghi lý do trả lại" in alert(no_reason.text)
    for note, words in (("x" * 2001, "2001 ký tự"), ("a\x00b", "không lưu được")):
        bad = await admin.post(
            f"{DECIDE}/send-back", data={**unit, "csrf_token": a_csrf, "note": note}
        )
        assert bad.status_code == 400 and words in alert(bad.text)
    back = await admin.post(
        f"{DECIDE}/send-back", data={**unit, "csrf_token": a_csrf, "note": HOSTILE}
    )
    assert back.status_code == 303 and "done=sent_back" in back.headers["location"]

    mine_vi = (await officer.get("/workspace/indicators")).text
    row_vi = re.search(r'<tr id="my-entry-\d+" data-status="returned">.*?</tr>', mine_vi, re.S)
    assert row_vi, "the unit's entry is listed as sent back"
    assert "<script>alert(1)</script>" not in mine_vi and SHOWN in row_vi.group(0)
    assert "bị trả lại" in text_of(row_vi.group(0)) and "admin_tinh" in row_vi.group(0)
    assert "Sửa và gửi lại" in text_of(row_vi.group(0))
    link = html.unescape(re.search(r'href="([^"]+/enter\?[^"]+)"', row_vi.group(0)).group(1))  # type: ignore[union-attr]
    assert link == f"{ENTER}?org=SO-A&period=2029Q1"

    form_vi = (await officer.get(link)).text
    assert "<script>alert(1)</script>" not in form_vi
    assert f'<span class="ind-note" id="send-back-note">{SHOWN}</span>' in form_vi
    assert "admin_tinh đã trả lại lúc" in text_of(form_vi)
    assert (field(form_vi, "value"), field(form_vi, "note")) == ("1.234,5", "theo sổ")

    officer_en, _ = await sign_in("editor_a", "en")
    row_en = (await officer_en.get("/workspace/indicators")).text
    assert SHOWN in row_en and "<script>alert(1)</script>" not in row_en
    assert "Correct and send again" in text_of(row_en) and "sent back" in text_of(row_en)
    form_en = (await officer_en.get(link)).text
    assert "Sent back by admin_tinh on" in text_of(form_en) and SHOWN in form_en
    assert field(form_en, "value") == "1,234.5"

    again = await officer.post(ENTER, data={**unit, "csrf_token": o_csrf, "value": "1.240"})
    assert again.status_code == 303
    [entry] = world.platform.indicators.reporting.entries(MEETINGS, period="2029Q1")
    assert (entry.value, entry.status, entry.decision_note) == (1240, "submitted", None)

    admin_en, a_csrf_en = await sign_in("admin_tinh", "en")
    card = re.search(
        rf'<article class="ws-card" id="entry-{entry.id}".*?</article>',
        (await admin_en.get("/workspace/indicators")).text,
        re.S,
    )
    assert card, "the corrected value waits for the unit above"
    words = text_of(card.group(0))
    assert "Sent back before (1)" in words and "1,234.5" in words and "1,240" in words
    assert SHOWN in card.group(0) and "<script>alert(1)</script>" not in card.group(0)
    card_vi = (await admin.get("/workspace/indicators")).text
    assert "Đã trả lại trước đây (1 lần)" in text_of(card_vi)

    ok = await admin_en.post(
        f"{DECIDE}/approve", data={**unit, "csrf_token": a_csrf_en, "note": "<i>đủ</i>"}
    )
    assert ok.status_code == 303 and "done=approved" in ok.headers["location"]
    done = (await officer.get("/workspace/indicators")).text
    row = re.search(rf'<tr id="my-entry-{entry.id}" data-status="approved">.*?</tr>', done, re.S)
    assert row and "&lt;i&gt;đủ&lt;/i&gt;" in row.group(0) and "/enter?" not in row.group(0)
    assert [
        (h.decision, h.value, h.decision_note)
        for h in world.platform.indicators.reporting.history(MEETINGS, period="2029Q1")
    ] == [("returned", 1234.5, HOSTILE), ("approved", 1240, "<i>đủ</i>")]


@pytest.mark.parametrize(
    "query",
    [
        "?org=SO-B&period=2029Q1",  # not the officer's unit: the form falls back to SO-A
        "?org=SO-A&period=<script>x</script>",
        "?org=SO-A&period=" + "9" * 40,
        "?org=%00&period=2029Q1",
    ],
)
async def test_odd_enter_addresses_never_crash_nor_leak(
    sign_in: SignIn,  # noqa: F811
    query: str,
) -> None:
    officer, _ = await sign_in("editor_a")
    r = await officer.get(ENTER + query)
    assert r.status_code in (200, 400), r.status_code
    assert "<script>x</script>" not in r.text
    assert 'name="org"' in r.text and '<option value="SO-B"' not in r.text
