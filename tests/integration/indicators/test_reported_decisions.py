"""The decision note of an entered value: kept on the value, cleared by a correction, and every
decision kept in the history, on SQLite and PostgreSQL (province of conftest.py)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from kho.errors import InvalidInput
from kho.indicators.models import ReportedValueCreate
from kho.platform import Platform
from tests.integration.flow.test_cli import kho  # noqa: F401 - the CLI runner fixture
from tests.integration.indicators.conftest import ADMIN_TINH, OFFICER_A, OFFICER_B, REPORTED

CODE = REPORTED.code


def _enter(p: Platform, value: float, *, org: str = "SO-A", note: str | None = None) -> None:
    who = OFFICER_A if org == "SO-A" else OFFICER_B
    data = ReportedValueCreate(indicator=CODE, org=org, period="2025Q1", value=value, note=note)
    p.indicators.reporting.submit(data, actor=who)


def test_send_back_note_is_kept_then_cleared_by_a_correction(province: Platform) -> None:
    rep = province.indicators.reporting
    _enter(province, 5, note="theo sổ họp")
    rep.decide(CODE, "SO-A", "2025Q1", approve=False, actor=ADMIN_TINH, note=" thiếu biên bản ")
    [back] = rep.entries(CODE, period="2025Q1")
    assert (back.status, back.decided_by, back.decision_note) == (
        "returned",
        "admin@tinh",
        "thiếu biên bản",
    )
    assert back.decided_at is not None and back.decided_at >= back.entered_at

    _enter(province, 6)
    [fixed] = rep.entries(CODE, period="2025Q1")
    assert (fixed.status, fixed.decided_by, fixed.decided_at, fixed.decision_note) == (
        "submitted",
        None,
        None,
        None,
    )
    rep.decide(CODE, "SO-A", "2025Q1", approve=True, actor=ADMIN_TINH, note="đủ")
    [done] = rep.entries(CODE, period="2025Q1")
    assert (done.value, done.status, done.decision_note) == (6, "approved", "đủ")

    history = rep.history(CODE, org="SO-A", period="2025Q1")
    assert [
        (h.decision, h.value, h.note, h.entered_by, h.decided_by, h.decision_note) for h in history
    ] == [
        ("returned", 5, "theo sổ họp", "can-bo@so-a", "admin@tinh", "thiếu biên bản"),
        ("approved", 6, None, "can-bo@so-a", "admin@tinh", "đủ"),
    ]
    assert history[0].entry_id == history[1].entry_id == done.id
    assert rep.histories([done.id, 999]) == {done.id: history, 999: []}
    assert rep.history(CODE, org="SO-B") == [] and rep.history(CODE, period="2025Q2") == []


def test_a_blank_note_is_no_note_and_each_unit_keeps_its_own(province: Platform) -> None:
    rep = province.indicators.reporting
    _enter(province, 2)
    _enter(province, 3, org="SO-B")
    rep.decide(CODE, "SO-A", "2025Q1", approve=False, actor=ADMIN_TINH, note="   ")
    rep.decide(CODE, "SO-B", "2025Q1", approve=False, actor=ADMIN_TINH, note="<b>sai</b>")
    notes = {e.org: e.decision_note for e in rep.entries(CODE)}
    assert notes == {"SO-A": None, "SO-B": "<b>sai</b>"}
    assert [(h.org, h.value) for h in rep.history(CODE)] == [("SO-A", 2), ("SO-B", 3)]


@pytest.mark.parametrize(("note", "words"), [("x" * 2001, "2,001 characters"), ("a\x00b", "NUL")])
def test_bad_notes_are_refused_and_nothing_changes(
    province: Platform, note: str, words: str
) -> None:
    rep = province.indicators.reporting
    _enter(province, 5)
    with pytest.raises(InvalidInput, match=words):
        rep.decide(CODE, "SO-A", "2025Q1", approve=False, actor=ADMIN_TINH, note=note)
    [still] = rep.entries(CODE)
    assert (still.status, still.decision_note) == ("submitted", None)
    assert rep.history(CODE) == []


def test_cli_sends_back_with_a_note_and_lists_it(
    province: Platform,
    kho: Callable[..., str],  # noqa: F811
) -> None:
    unit = ("-p", "2025Q1", "--org", "SO-A")
    kho("indicators", "enter", CODE, *unit, "--value", "5")
    kho("indicators", "approve", CODE, *unit, "--return", "--note", "thiếu biên bản")
    [listed] = json.loads(kho("indicators", "entries", CODE, "--json"))
    assert (listed["status"], listed["decision_note"]) == ("returned", "thiếu biên bản")
    table = kho("indicators", "entries", CODE, "-p", "2025Q1")
    assert "thiếu biên bản" in table and "bị trả lại" in table and "SO-A" in table
    kho("indicators", "approve", CODE, *unit, "--note", "x" * 2001, code=4)
    assert json.loads(kho("indicators", "entries", CODE, "-p", "2025Q2", "--json")) == []
