"""Targets top-down and bottom-up, reported values with approval, and the quarterly report."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from io import BytesIO

import pytest

from kho.access.actors import SYSTEM
from kho.errors import Conflict, InvalidInput, PermissionDenied
from kho.indicators.models import ReportedValueCreate, ReportRow, TargetCreate
from kho.indicators.reports import to_xlsx
from kho.platform import Platform
from tests.integration.indicators.conftest import (
    ADMIN_TINH,
    MERGER,
    OFFICER_A,
    OFFICER_B,
    OFFICER_C,
)

CODE = "TY_LE_TRUC_TUYEN"


def _t(org: str, period: str, value: float | None = None, **kw: float) -> TargetCreate:
    return TargetCreate(indicator=CODE, org=org, period=period, value=value, **kw)


def _rows(p: Platform, period: str, code: str = CODE, **kw: object) -> dict[str, ReportRow]:
    rep = p.indicators.report(period, actor=SYSTEM, org="TINH", codes=[code], **kw)  # type: ignore[arg-type]
    return {r.org: r for r in rep.rows}


def test_targets_top_down_bottom_up_and_changed_mid_year(province: Platform) -> None:
    ind = province.indicators
    ind.compute(CODE, actor=SYSTEM, org_map=MERGER)
    ind.targets.set(_t("*", "2025", 60), actor=SYSTEM)
    ind.targets.set(_t("TINH", "2025", low=45, high=55), actor=SYSTEM)
    ind.targets.set(_t("SO-A", "2025", 70), actor=ADMIN_TINH)
    time.sleep(0.01)
    before_change = datetime.now(UTC)
    time.sleep(0.01)
    ind.targets.set(_t("SO-A", "2025", 80, note="nâng chỉ tiêu giữa năm"), actor=ADMIN_TINH)
    ind.targets.set(_t("SO-A", "2025Q2", 90), actor=ADMIN_TINH)
    ind.targets.set(_t("SO-B", "2025", 50), actor=ADMIN_TINH)
    proposal = ind.targets.propose(_t("SO-B", "2025", 30), actor=OFFICER_B)
    with pytest.raises(PermissionDenied):
        ind.targets.set(_t("SO-A", "2025", 10), actor=OFFICER_A)  # a unit cannot assign itself
    with pytest.raises(PermissionDenied):
        ind.targets.approve(proposal.id, actor=OFFICER_B)  # nor approve its own proposal
    assert _rows(province, "2025Q1")["SO-B"].target == 50  # pending proposals do not count
    ind.targets.approve(proposal.id, actor=ADMIN_TINH, note="đồng ý")
    with pytest.raises(Conflict):
        ind.targets.send_back(proposal.id, actor=ADMIN_TINH)
    sent = ind.targets.propose(_t("SO-C", "2025", 10), actor=OFFICER_C)
    ind.targets.send_back(sent.id, actor=ADMIN_TINH, note="quá thấp")

    now = _rows(province, "2025Q1")
    assert (now["SO-A"].target, now["SO-A"].achieved_pct, now["SO-A"].status) == (
        80,
        93.75,
        "missed",
    )
    assert (now["SO-B"].target, now["SO-B"].status) == (
        30,
        "missed",
    )  # approved bottom-up beats top-down 50
    assert "proposed" in (now["SO-B"].target_source or "")
    assert (now["SO-C"].target, now["SO-C"].status) == (
        60,
        "achieved",
    )  # sent back → the default applies
    assert (now["TINH"].target_low, now["TINH"].target_high, now["TINH"].status) == (
        45,
        55,
        "achieved",
    )
    then = _rows(province, "2025Q1", as_of=before_change)
    assert (then["SO-A"].target, then["SO-A"].status) == (70, "achieved")
    assert _rows(province, "2025Q2")["SO-A"].target == 90  # a quarter's own target beats the year's
    history = ind.targets.history(CODE, org="SO-A")
    assert [x.value for x in history] == [70, 80, 90] and all(
        x.set_by == "admin@tinh" for x in history
    )
    assert [
        (x.status, x.decided_by)
        for x in ind.targets.history(CODE, org="SO-B")
        if x.kind == "proposed"
    ] == [("approved", "admin@tinh")]


def test_report_change_ranking_and_completeness(province: Platform) -> None:
    province.indicators.compute(CODE, actor=SYSTEM, org_map=MERGER)
    q1 = _rows(province, "2025Q1")
    assert list(q1) == ["TINH", "SO-A", "SO-B", "SO-C"]
    assert [(o, q1[o].rank) for o in ("SO-A", "SO-B", "SO-C")] == [
        ("SO-A", 2),
        ("SO-B", 3),
        ("SO-C", 1),
    ]
    assert q1["SO-A"].rank_of == 3 and q1["TINH"].rank is None
    assert (q1["SO-A"].year_before, q1["SO-A"].change_yoy) == (50, 25)
    assert q1["TINH"].status == "no_target"
    q2 = _rows(province, "2025Q2")
    assert q2["SO-A"].change_prev == 25
    assert (q2["SO-C"].completeness, q2["SO-C"].status) == ("no_data", "no_data")
    assert q2["SO-A"].completeness == "stale"  # last dossier 10/04, > 60 days before 30/06
    assert q2["SO-B"].completeness == "ok"
    rep = province.indicators.report("2025Q2", actor=SYSTEM, org="TINH", codes=[CODE])
    assert rep.completeness[CODE] == {
        "no_data": ["SO-C"],
        "stale": ["SO-A"],
        "late": [],
        "not_approved": [],
        "expected": 3,
        "complete": 1,
    }
    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(to_xlsx(rep)))  # Vietnamese by default, for the province office
    sheet = wb.worksheets[0]
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert (first["Đơn vị"], first["Thực hiện"], first["Kỳ"]) == ("TINH", 100, "2025Q2")
    assert first["Tình trạng số liệu"] == "Đủ số liệu"
    assert wb["Tình trạng số liệu"]["D2"].value == "SO-C"
    en = load_workbook(BytesIO(to_xlsx(rep, "en")))
    header = [c.value for c in en.worksheets[0][1]]
    first = dict(zip(header, [c.value for c in en.worksheets[0][2]], strict=True))
    assert (first["Unit"], first["Actual"], first["Data"]) == ("TINH", 100, "Complete")
    assert en["Completeness"]["D2"].value == "SO-C"


def test_reported_values_late_approval_and_roll_up(province: Platform) -> None:
    rep = province.indicators.reporting
    code = "SO_CUOC_HOP"
    rep.submit(
        ReportedValueCreate(indicator=code, org="SO-A", period="2025Q1", value=5),
        actor=OFFICER_A,
        at=datetime(2025, 4, 5, tzinfo=UTC),
    )
    late = rep.submit(
        ReportedValueCreate(indicator=code, org="SO-B", period="2025Q1", value=7),
        actor=OFFICER_B,
        at=datetime(2025, 5, 1, tzinfo=UTC),
    )
    assert late.is_late
    with pytest.raises(PermissionDenied):
        rep.submit(
            ReportedValueCreate(indicator=code, org="SO-B", period="2025Q1", value=1),
            actor=OFFICER_A,
        )
    with pytest.raises(PermissionDenied):
        rep.decide(code, "SO-A", "2025Q1", approve=True, actor=OFFICER_A)
    with pytest.raises(InvalidInput, match="computed"):
        rep.submit(
            ReportedValueCreate(indicator=CODE, org="SO-A", period="2025Q1", value=1),
            actor=OFFICER_A,
        )
    rep.decide(code, "SO-A", "2025Q1", approve=True, actor=ADMIN_TINH)
    rows = _rows(province, "2025Q1", code=code)
    assert rows["TINH"].actual == 5  # only approved values roll up
    assert [rows[o].completeness for o in ("SO-A", "SO-B", "SO-C")] == ["ok", "late", "no_data"]
    rep.decide(code, "SO-B", "2025Q1", approve=True, actor=ADMIN_TINH)
    assert _rows(province, "2025Q1", code=code)["TINH"].actual == 12
    with pytest.raises(Conflict, match="approved and locked"):
        rep.submit(
            ReportedValueCreate(indicator=code, org="SO-A", period="2025Q1", value=9),
            actor=OFFICER_A,
        )
