"""Load the bundled demo: organisations, three messy files, their catalog entries and indicators."""

from __future__ import annotations

from pathlib import Path

from kho.access.actors import Actor
from kho.catalog import models as m
from kho.indicators.models import ALL_ORGS, ComputeResult, PackResult
from kho.ingest.models import LoadReport
from kho.platform import Platform

DATA = Path(__file__).parent / "data"
PACKS = ("online_services", "warehouse")

ORGANISATIONS = [
    m.Organisation(
        code="UBND-KH",
        name_vi="Ủy ban nhân dân tỉnh Khánh Hòa",
        name_en="Khanh Hoa Provincial People's Committee",
    ),
    m.Organisation(
        code="VP-UBND-KH",
        name_vi="Văn phòng UBND tỉnh Khánh Hòa",
        name_en="Office of the Provincial People's Committee",
        parent_code="UBND-KH",
    ),
    m.Organisation(
        code="CTK-KH",
        name_vi="Thống kê tỉnh Khánh Hòa",
        name_en="Khanh Hoa Statistics Office",
        parent_code="UBND-KH",
    ),
    m.Organisation(
        code="SNV-KH",
        name_vi="Sở Nội vụ tỉnh Khánh Hòa",
        name_en="Department of Home Affairs",
        parent_code="UBND-KH",
    ),
]

DATASETS = [
    (
        m.DatasetCreate(
            slug="ho_so_mot_cua",
            org_code="VP-UBND-KH",
            title_vi="Hồ sơ thủ tục hành chính một cửa",
            title_en="One-stop-shop administrative dossiers",
            description_vi="Hồ sơ tiếp nhận và trả kết quả tại bộ phận một cửa các cấp, xuất từ hệ thống thông tin giải quyết TTHC.",
            description_en="Dossiers received and returned by one-stop shops, exported from the administrative procedure system.",
            sector="Cải cách hành chính",
            keywords=["một cửa", "thủ tục hành chính", "dịch vụ công"],
            access_level="public",
            update_frequency="daily",
            source="Hệ thống thông tin giải quyết TTHC tỉnh",
            contact="Văn phòng UBND tỉnh — ttpvhcc@khanhhoa.gov.vn",
        ),
        "ho_so_mot_cua.csv",
        None,
    ),
    (
        m.DatasetCreate(
            slug="dan_so_trung_binh",
            org_code="CTK-KH",
            title_vi="Dân số trung bình theo tỉnh, thành phố",
            title_en="Average population by province",
            description_vi="Dân số trung bình (nghìn người) theo tỉnh, thành phố và năm.",
            description_en="Average population (thousand persons) by province and year.",
            sector="Dân số và lao động",
            keywords=["dân số", "thống kê", "Hà Nội"],
            access_level="public",
            update_frequency="yearly",
            source="Niên giám thống kê",
        ),
        "dan_so_trung_binh.xlsx",
        None,
    ),
    (
        m.DatasetCreate(
            slug="danh_ba_co_quan",
            org_code="SNV-KH",
            title_vi="Danh bạ cơ quan hành chính tỉnh",
            title_en="Directory of provincial agencies",
            description_vi="Danh sách cơ quan, đơn vị và số điện thoại — tệp cũ soạn bằng phông TCVN3 (ABC).",
            description_en="Agencies and phone numbers — a legacy file typed in the TCVN3 (ABC) font encoding.",
            sector="Tổ chức bộ máy",
            keywords=["danh bạ", "cơ quan"],
            access_level="public",
            update_frequency="yearly",
        ),
        "don_vi_tcvn3.csv",
        None,
    ),
]


def load_demo(platform: Platform, *, actor: Actor, reload: bool = False) -> list[LoadReport]:
    """Organisations, datasets and indicators are created once; a table already loaded is left alone unless ``reload``."""
    for org in ORGANISATIONS:
        if not any(o.code == org.code for o in platform.catalog.list_organisations()):
            platform.catalog.ensure_organisation(org, actor=actor)
    reports = []
    for data, filename, sheet in DATASETS:
        if not platform.catalog.exists(data.slug):
            platform.catalog.create(data, actor=actor)
        elif not reload and platform.catalog.versions(data.slug, actor=actor):
            continue
        reports.append(
            platform.ingest.load(
                DATA / filename, dataset=data.slug, actor=actor, sheet=sheet, mode="replace"
            )
        )
    load_demo_indicators(platform, actor=actor, force=reload, has_new_data=bool(reports))
    return reports


def load_demo_indicators(
    platform: Platform, *, actor: Actor, force: bool = False, has_new_data: bool = True
) -> tuple[list[PackResult], list[ComputeResult]]:
    """Both shipped packs with their example targets, and their values, so the portal shows indicators at once.

    Loading a pack twice adds nothing, and values are computed only when data was loaded or some
    indicator has none yet, so a second ``kho demo`` stays quick; ``force`` recomputes everything,
    which moves the values' lineage to a reloaded table's new version.
    """
    packs = [platform.indicators.load_pack(name, actor=actor) for name in PACKS]
    codes = [code for pack in packs for code in pack.indicators]
    if not (force or has_new_data or _any_without_values(platform, codes, actor=actor)):
        return packs, []
    return packs, platform.indicators.compute(actor=actor, force=force)


def _any_without_values(platform: Platform, codes: list[str], *, actor: Actor) -> bool:
    """Whether a computed indicator has no stored value yet (e.g. a pack new to this demo)."""
    return any(
        platform.indicators.definition(code).type == "computed"
        and not platform.indicators.values(code, actor=actor, orgs=[ALL_ORGS], refresh=False)
        for code in codes
    )
