"""A province for the target and reported-value tests (API and workspace pages), on any backend.

Province TINH with departments SO-A and SO-B, another province TINH2 with SO-X. Dossiers of 2025Q1
(hand count): SO-A 3 online of 4 = 75 %, SO-B 1 online of 2 = 50 %, TINH = 4/6 = 66.67 %.
Indicators: TY_LE_TRUC_TUYEN (computed, owned by TINH), SO_CUOC_HOP (reported), CHI_TIEU_MAT
(reported, restricted to TINH). Every person has a read+write token (the platform admin also admin).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kho.access.actors import SYSTEM
from kho.access.models import MembershipPublic, OrgCreate, TokenCreate, UserCreate
from kho.catalog.models import DatasetCreate
from kho.indicators.models import IndicatorDef
from kho.platform import Platform

PASSWORD = "mat-khau-rat-dai-123"
ONLINE = "TY_LE_TRUC_TUYEN"
MEETINGS = "SO_CUOC_HOP"
HIDDEN = "CHI_TIEU_MAT"
CSV = """Mã hồ sơ,Đơn vị,Ngày tiếp nhận,Hình thức nộp
HS01,SO-A,05/01/2025,Trực tuyến
HS02,SO-A,20/01/2025,Trực tuyến
HS03,SO-A,03/02/2025,Trực tuyến
HS04,SO-A,14/02/2025,Trực tiếp
HS05,SO-B,02/03/2025,Trực tuyến
HS06,SO-B,10/03/2025,Trực tiếp
"""
# who -> (organisation, role); None = platform admin
PEOPLE: dict[str, tuple[str, str] | None] = {
    "admin_tinh": ("TINH", "admin"),
    "viewer_tinh": ("TINH", "viewer"),
    "editor_a": ("SO-A", "editor"),
    "viewer_a": ("SO-A", "viewer"),
    "admin_tinh2": ("TINH2", "admin"),
    "padmin": None,
}


@dataclass
class World:
    platform: Platform
    tokens: dict[str, str]

    def h(self, who: str) -> dict[str, str]:
        return {} if who == "anonymous" else {"Authorization": f"Bearer {self.tokens[who]}"}


def _indicators() -> list[IndicatorDef]:
    online = {
        "code": ONLINE,
        "name_vi": "Tỷ lệ hồ sơ trực tuyến",
        "unit": "%",
        "owner_org": "TINH",
        "stale_days": 4000,
        "source": {
            "dataset": "ho_so_tinh",
            "org_column": "don_vi",
            "date_column": "ngay_tiep_nhan",
            "numerator": "count(*) FILTER (WHERE hinh_thuc_nop = 'Trực tuyến')",
            "denominator": "count(*)",
            "factor": 100,
        },
    }
    meetings = {"code": MEETINGS, "name_vi": "Số cuộc họp", "type": "reported", "decimals": 0}
    hidden = {**meetings, "code": HIDDEN, "access_level": "restricted", "owner_org": "TINH"}
    return [IndicatorDef.model_validate(x) for x in (online, meetings, hidden)]


def build(home: Path, url: str | None) -> World:
    from kho.settings import Settings

    home.mkdir(parents=True, exist_ok=True)
    p = Platform(Settings(home=home, database_url=url, rate_limit_per_minute=0))  # type: ignore[arg-type]
    p.init()
    a = p.access
    for code, parent in (("TINH", None), ("SO-A", "TINH"), ("SO-B", "TINH")):
        a.orgs.create(OrgCreate(code=code, name_vi=code, parent_code=parent), actor=SYSTEM)
    for code, parent in (("TINH2", None), ("SO-X", "TINH2")):
        a.orgs.create(OrgCreate(code=code, name_vi=code, parent_code=parent), actor=SYSTEM)
    p.catalog.create(
        DatasetCreate(slug="ho_so_tinh", org_code="TINH", title_vi="Hồ sơ", access_level="public"),
        actor=SYSTEM,
    )
    (home / "ho_so.csv").write_text(CSV, encoding="utf-8")
    p.ingest.load(home / "ho_so.csv", dataset="ho_so_tinh", actor=SYSTEM)
    for d in _indicators():
        p.indicators.define(d, actor=SYSTEM)
    tokens = {}
    for name, member in PEOPLE.items():
        ms = [MembershipPublic(org_code=member[0], role=member[1])] if member else []  # type: ignore[arg-type]
        a.users.create(
            UserCreate(
                username=name, password=PASSWORD, memberships=ms, is_platform_admin=member is None
            ),
            actor=SYSTEM,
        )
        scopes = ["read", "write", "admin"] if member is None else ["read", "write"]
        created = a.tokens.create(
            TokenCreate(name="t", scopes=scopes),  # type: ignore[arg-type]
            actor=a.actor_for_user(name),
        )
        tokens[name] = str(created.token)
    return World(p, tokens)
