"""Indicators read through the unit registry: old and new provinces, as of today or before the reform.

Dossiers (online share = online / all × 100), hand-computed:

| row  | province as written | day        | channel | today (34)   | as of 2025-06-30 (63)     |
|------|---------------------|------------|---------|--------------|---------------------------|
| HS01 | Hà Giang            | 10/01/2025 | online  | Tuyên Quang  | Hà Giang                  |
| HS02 | Hà Giang            | 10/02/2025 | direct  | Tuyên Quang  | Hà Giang                  |
| HS03 | Tuyên Quang         | 15/01/2025 | online  | Tuyên Quang  | Tuyên Quang (old 08)      |
| HS04 | Tuyên Quang         | 01/03/2025 | direct  | Tuyên Quang  | Tuyên Quang (old 08)      |
| HS05 | Tuyên Quang         | 02/03/2025 | direct  | Tuyên Quang  | Tuyên Quang (old 08)      |
| HS06 | TP. HCM             | 20/01/2025 | online  | Hồ Chí Minh  | Hồ Chí Minh (old 79)      |
| HS07 | Bình Dương          | 01/02/2025 | online  | Hồ Chí Minh  | Bình Dương                |
| HS08 | Bình Dương          | 02/02/2025 | direct  | Hồ Chí Minh  | Bình Dương                |
| HS09 | Bà Rịa - Vũng Tàu   | 05/03/2025 | online  | Hồ Chí Minh  | Bà Rịa - Vũng Tàu         |
| HS10 | Tuyen Qang (typo)   | 25/01/2025 | online  | unknown      | unknown                   |
| HS11 | Xã Tân An           | 20/02/2025 | direct  | ambiguous    | ambiguous                 |
| HS12 | Tuyên Quang         | 01/08/2025 | online  | Tuyên Quang  | split (new TQ = HG + TQ)  |
| HS13 | 79                  | 01/09/2025 | direct  | Hồ Chí Minh  | split (new 79 = 74+77+79) |

Today, 2025Q1: Tuyên Quang 2/5 = 40 (not the mean of 50 and 33.3 = 41.7), Hồ Chí Minh 3/4 = 75
(not the mean of 100, 50 and 100 = 83.3), ALL 6/11. Year 2025: Tuyên Quang 3/6 = 50, Hồ Chí Minh
3/5 = 60, ALL 7/13. As of 2025-06-30, 2025Q1: Hà Giang 1/2, Tuyên Quang 1/3, Hồ Chí Minh 1/1,
Bình Dương 1/2, Bà Rịa - Vũng Tàu 1/1; year 2025: the same (the two rows after 1 July cannot be
divided among the old provinces), ALL 7/13.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from kho.access.actors import SYSTEM
from kho.catalog.models import DatasetCreate, Organisation
from kho.indicators.models import IndicatorDef
from kho.platform import Platform

ROWS = [
    "HS01,Hà Giang,10/01/2025,Trực tuyến",
    "HS02,Hà Giang,10/02/2025,Trực tiếp",
    "HS03,Tuyên Quang,15/01/2025,Trực tuyến",
    "HS04,Tuyên Quang,01/03/2025,Trực tiếp",
    "HS05,Tuyên Quang,02/03/2025,Trực tiếp",
    "HS06,TP. HCM,20/01/2025,Trực tuyến",
    "HS07,Bình Dương,01/02/2025,Trực tuyến",
    "HS08,Bình Dương,02/02/2025,Trực tiếp",
    "HS09,Bà Rịa - Vũng Tàu,05/03/2025,Trực tuyến",
    "HS10,Tuyen Qang,25/01/2025,Trực tuyến",
    "HS11,Xã Tân An,20/02/2025,Trực tiếp",
    "HS12,Tuyên Quang,01/08/2025,Trực tuyến",
    "HS13,79,01/09/2025,Trực tiếp",
]


def _online_share(code: str, as_of: str) -> IndicatorDef:
    return IndicatorDef.model_validate(
        {
            "code": code,
            "name_vi": "Tỷ lệ hồ sơ trực tuyến",
            "unit": "%",
            "units": {"registry": "province", "as_of": as_of},
            "source": {
                "dataset": "ho_so_tinh",
                "org_column": "tinh",
                "date_column": "ngay_tiep_nhan",
                "numerator": "count(*) FILTER (WHERE hinh_thuc_nop = 'Trực tuyến')",
                "denominator": "count(*)",
                "factor": 100,
            },
            "period_types": ["month", "quarter", "year"],
        }
    )


@pytest.fixture
def provinces(settings, tmp_path: Path) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    p = Platform(settings)
    p.init()
    p.catalog.ensure_organisation(Organisation(code="VPCP", name_vi="Văn phòng"), actor=SYSTEM)
    p.catalog.create(
        DatasetCreate(
            slug="ho_so_tinh",
            org_code="VPCP",
            title_vi="Hồ sơ theo tỉnh",
            access_level="restricted",
        ),
        actor=SYSTEM,
    )
    csv = tmp_path / "ho_so_tinh.csv"
    csv.write_text(
        "Mã hồ sơ,Tỉnh,Ngày tiếp nhận,Hình thức nộp\n" + "\n".join(ROWS) + "\n", encoding="utf-8"
    )
    p.ingest.load(csv, dataset="ho_so_tinh", actor=SYSTEM)
    p.indicators.define(_online_share("TRUC_TUYEN_NAY", "today"), actor=SYSTEM)
    p.indicators.define(_online_share("TRUC_TUYEN_CU", "2025-06-30"), actor=SYSTEM)
    yield p
    p.close()


def _values(p: Platform, code: str, period: str) -> dict[str, tuple[float, float]]:
    found = p.indicators.values(code, actor=SYSTEM, periods_=[period], refresh=False)
    return {v.org: (v.numerator or 0.0, v.denominator or 0.0) for v in found}


def test_today_old_units_count_under_their_successor(provinces: Platform) -> None:
    (result,) = provinces.indicators.compute("TRUC_TUYEN_NAY", actor=SYSTEM)
    assert _values(provinces, "TRUC_TUYEN_NAY", "2025Q1") == {
        "Tuyên Quang": (2, 5),
        "Hồ Chí Minh": (3, 4),
        "ALL": (6, 11),
    }
    assert _values(provinces, "TRUC_TUYEN_NAY", "2025") == {
        "Tuyên Quang": (3, 6),
        "Hồ Chí Minh": (3, 5),
        "ALL": (7, 13),
    }
    q1 = {
        v.org: v
        for v in provinces.indicators.values("TRUC_TUYEN_NAY", actor=SYSTEM, periods_=["2025Q1"])
    }
    assert q1["Tuyên Quang"].value == pytest.approx(40.0)  # a ratio of sums, not (50 + 33.3) / 2
    assert q1["Hồ Chí Minh"].value == pytest.approx(75.0)
    assert q1["Tuyên Quang"].lineage["unit"] == {
        "code": "08",
        "name": "Tỉnh Tuyên Quang",
        "list": "2025-07",
    }
    spellings = ["79", "Bà Rịa - Vũng Tàu", "Bình Dương", "TP. HCM"]  # of every period computed
    assert q1["Hồ Chí Minh"].lineage["org_values"] == spellings
    unresolved = {(u.value, u.status): u for u in result.unresolved}
    assert set(unresolved) == {("Tuyen Qang", "unknown"), ("Xã Tân An", "ambiguous")}
    assert unresolved[("Tuyen Qang", "unknown")].rows == 1
    tan_an = unresolved[("Xã Tân An", "ambiguous")]
    assert tan_an.periods == ["202502"] and len(tan_an.candidates) > 1
    assert all("Tân An" in c for c in tan_an.candidates)
    assert {u["value"] for u in q1["ALL"].lineage["unresolved"]} == {"Tuyen Qang", "Xã Tân An"}


def test_as_of_before_the_reform_gives_the_63_old_provinces(provinces: Platform) -> None:
    (result,) = provinces.indicators.compute("TRUC_TUYEN_CU", actor=SYSTEM)
    old_q1 = {
        "Hà Giang": (1, 2),
        "Tuyên Quang": (1, 3),
        "Hồ Chí Minh": (1, 1),
        "Bình Dương": (1, 2),
        "Bà Rịa - Vũng Tàu": (1, 1),
    }
    assert _values(provinces, "TRUC_TUYEN_CU", "2025Q1") == {**old_q1, "ALL": (6, 11)}
    assert _values(provinces, "TRUC_TUYEN_CU", "2025") == {**old_q1, "ALL": (7, 13)}
    assert _values(provinces, "TRUC_TUYEN_CU", "2025Q3") == {"ALL": (1, 2)}
    unresolved = {(u.value, u.status): u.periods for u in result.unresolved}
    assert unresolved == {
        ("Tuyen Qang", "unknown"): ["202501"],
        ("Xã Tân An", "ambiguous"): ["202502"],
        ("Tuyên Quang", "split"): ["202508"],
        ("79", "split"): ["202509"],
    }
    split = next(u for u in result.unresolved if u.value == "Tuyên Quang")
    assert split.candidates == ["Tỉnh Hà Giang", "Tỉnh Tuyên Quang"]
    year = {
        v.org: v
        for v in provinces.indicators.values("TRUC_TUYEN_CU", actor=SYSTEM, periods_=["2025"])
    }
    assert year["Tuyên Quang"].lineage["unit"]["list"] == "2025-01"
    assert year["Hà Giang"].lineage["unit"]["code"] == "02"


@pytest.mark.parametrize("code", ["TRUC_TUYEN_NAY", "TRUC_TUYEN_CU"])
def test_every_stored_sql_and_trace_reproduce_their_value(provinces: Platform, code: str) -> None:
    provinces.indicators.compute(code, actor=SYSTEM)
    for v in provinces.indicators.values(code, actor=SYSTEM, refresh=False):
        assert v.sql is not None
        value, num, den = provinces.query.sql(v.sql, actor=SYSTEM).rows[0]
        assert (num, den) == (v.numerator, v.denominator), (v.org, v.period, v.sql)
        trace = provinces.indicators.trace(code, period=v.period, org=v.org, actor=SYSTEM)
        assert trace.total == v.denominator, (v.org, v.period)
    # old Tuyên Quang's rows after 1 July belong to the new province: its year query says so
    (tq,) = provinces.indicators.values(code, actor=SYSTEM, periods_=["2025"], orgs=["Tuyên Quang"])
    windows = tq.lineage.get("org_windows", {})
    assert windows == (
        {}
        if code == "TRUC_TUYEN_NAY"
        else {"Tuyên Quang": [["2025-01-01", "2025-02-01"], ["2025-03-01", "2025-04-01"]]}
    )


@pytest.mark.parametrize(
    ("units", "source", "message"),
    [
        ({"registry": "province", "as_of": "hôm qua"}, None, "neither `today` nor a date"),
        ({"registry": "commune"}, None, "'province'"),
        ({"registry": "province", "asof": "today"}, None, "Extra inputs"),
        ({"registry": "province"}, {"org_column": None}, "give `source.org_column`"),
    ],
)
def test_bad_units_options_are_refused_clearly(
    units: dict[str, str], source: dict[str, None] | None, message: str
) -> None:
    body = _online_share("X", "today").model_dump()
    body["units"] = units
    body["source"] |= source or {}
    with pytest.raises(ValidationError, match=message):
        IndicatorDef.model_validate(body)


def test_online_services_pack_on_the_demo_gives_the_34_provinces(settings) -> None:  # type: ignore[no-untyped-def]
    from kho import units
    from kho.demo.load import load_demo

    p = Platform(settings)
    p.init()
    try:
        load_demo(p, actor=SYSTEM)
        (result,) = p.indicators.compute("DVC_NOP_TRUC_TUYEN", actor=SYSTEM, force=True)
        assert result.unresolved == []
        got = {
            v.org: v
            for v in p.indicators.values("DVC_NOP_TRUC_TUYEN", actor=SYSTEM, periods_=["2025"])
        }
        today = {u.short_name for u in units.list_units()}
        assert set(got) - {"ALL"} == today and len(today) == 34
        assert (
            sum(v.denominator or 0 for o, v in got.items() if o != "ALL") == got["ALL"].denominator
        )
        hand = p.query.sql(
            "SELECT count(*) FROM ho_so_mot_cua WHERE year(ngay_tiep_nhan) = 2025 AND "
            "tinh_thanh_pho IN ('Hà Giang', 'Tuyên Quang')",
            actor=SYSTEM,
        ).rows[0][0]
        assert got["Tuyên Quang"].denominator == hand
    finally:
        p.close()
