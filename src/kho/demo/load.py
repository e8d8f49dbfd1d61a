"""Load the bundled demo: organisations, three messy files, and their catalog entries."""

from __future__ import annotations

from pathlib import Path

from kho.access.actors import Actor
from kho.catalog import models as m
from kho.ingest.models import LoadReport
from kho.platform import Platform

DATA = Path(__file__).parent / "data"

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
    """Organisations and datasets are created once; a table already loaded is left alone unless ``reload``."""
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
    return reports
