"""A small province on each metadata backend: three departments, two wards merged mid-year, dossiers.

Hand-computed expectations for the online share (online / all dossiers, ×100):

| unit (tree)            | 2025Q1      | 2025Q2     | 2025        | 2024Q1 |
|------------------------|-------------|------------|-------------|--------|
| SO-A (TINH)            | 3/4 = 75    | 1/1 = 100  | 4/5 = 80    | 1/2=50 |
| SO-B own rows          | 0/3         | —          |             |        |
| Phường AB (SO-B) ←A+B  | 1/2 = 50    | 2/2 = 100  | 3/4 = 75    |        |
| SO-B subtree           | 1/5 = 20    | 2/2 = 100  | 3/7         |        |
| SO-C (TINH)            | 1/1 = 100   | no data    | 1/1 = 100   |        |
| TINH = ALL             | 5/10 = 50   | 3/3 = 100  | 8/13        | 1/2=50 |

(the average of ratios for TINH in 2025Q1 would be (75 + 20 + 100) / 3 = 65, which is wrong.)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kho.access.actors import SYSTEM, Actor
from kho.catalog.models import DatasetCreate, Organisation
from kho.indicators.models import IndicatorDef
from kho.platform import Platform

HEADER = "Mã hồ sơ,Đơn vị,Ngày tiếp nhận,Hình thức nộp,Đúng hạn"
ROWS = [
    "HS01,SO-A,05/01/2025,Trực tuyến,Có",
    "HS02,SO-A,20/01/2025,Trực tuyến,Có",
    "HS03,SO-A,03/02/2025,Trực tuyến,Không",
    "HS04,SO-A,14/02/2025,Trực tiếp,Có",
    "HS05,SO-B,02/03/2025,Trực tiếp,Có",
    "HS06,SO-B,10/03/2025,Trực tiếp,Không",
    "HS07,SO-B,30/03/2025,Bưu chính,",
    "HS08,Phường A,15/01/2025,Trực tuyến,Có",
    "HS09,Phường B,16/02/2025,Trực tiếp,Có",
    "HS10,SO-A,10/04/2025,Trực tuyến,Có",
    "HS11,Phường AB,05/05/2025,Trực tuyến,Có",
    "HS12,Phường AB,06/05/2025,Trực tuyến,Không",
    "HS13,SO-A,10/03/2024,Trực tuyến,Có",
    "HS14,SO-A,11/03/2024,Trực tiếp,Có",
    "HS15,SO-C,25/03/2025,Trực tuyến,Có",
]
MERGER = {"Phường A": "Phường AB", "Phường B": "Phường AB"}

ONLINE = IndicatorDef.model_validate(
    {
        "code": "TY_LE_TRUC_TUYEN",
        "name_vi": "Tỷ lệ hồ sơ trực tuyến",
        "unit": "%",
        "decimals": 1,
        "stale_days": 60,
        "org_parents": {"Phường AB": "SO-B"},
        "source": {
            "dataset": "ho_so_test",
            "org_column": "don_vi",
            "date_column": "ngay_tiep_nhan",
            "numerator": "count(*) FILTER (WHERE hinh_thuc_nop = 'Trực tuyến')",
            "denominator": "count(*)",
            "factor": 100,
        },
        "period_types": ["month", "quarter", "year"],
    }
)
COUNT = IndicatorDef.model_validate(
    {
        "code": "SO_HO_SO",
        "name_vi": "Số hồ sơ",
        "unit": "hồ sơ",
        "decimals": 0,
        "stale_days": 60,
        "org_parents": {"Phường AB": "SO-B"},
        "source": {
            "dataset": "ho_so_test",
            "org_column": "don_vi",
            "date_column": "ngay_tiep_nhan",
            "aggregate": "count(*)",
        },
        "period_types": ["month", "quarter", "year", "week"],
    }
)
REPORTED = IndicatorDef.model_validate(
    {
        "code": "SO_CUOC_HOP",
        "name_vi": "Số cuộc họp trực tuyến",
        "type": "reported",
        "aggregation": "sum",
        "decimals": 0,
        "due_days": 15,
    }
)

ADMIN_TINH = Actor(kind="user", name="admin@tinh", org_codes=frozenset({"TINH"}))
OFFICER_A = Actor(kind="user", name="can-bo@so-a", org_codes=frozenset({"SO-A"}))
OFFICER_B = Actor(kind="user", name="can-bo@so-b", org_codes=frozenset({"SO-B"}))
OFFICER_C = Actor(kind="user", name="can-bo@so-c", org_codes=frozenset({"SO-C"}))


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def province(settings, tmp_path: Path) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    """A platform with the organisation tree, the dossier table (version 1) and three indicators."""
    p = Platform(settings)
    p.init()
    for code, name, parent in (
        ("TINH", "UBND tỉnh", None),
        ("SO-A", "Sở A", "TINH"),
        ("SO-B", "Sở B", "TINH"),
        ("SO-C", "Sở C", "TINH"),
    ):
        p.catalog.ensure_organisation(
            Organisation(code=code, name_vi=name, parent_code=parent), actor=SYSTEM
        )
    p.catalog.create(
        DatasetCreate(
            slug="ho_so_test",
            org_code="TINH",
            title_vi="Hồ sơ một cửa (thử)",
            access_level="restricted",
        ),
        actor=SYSTEM,
    )
    p.ingest.load(write_csv(tmp_path / "ho_so.csv", ROWS), dataset="ho_so_test", actor=SYSTEM)
    for d in (ONLINE, COUNT, REPORTED):
        p.indicators.define(d, actor=SYSTEM)
    yield p
    p.close()
