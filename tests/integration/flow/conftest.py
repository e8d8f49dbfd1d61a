"""Fixtures for end-to-end flows: a platform on each metadata backend and a messy dossier file."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from kho.access.actors import SYSTEM
from kho.catalog.models import Organisation
from kho.platform import Platform

HEADER = (
    "Mã hồ sơ,Mã thủ tục,Tên thủ tục,Tỉnh/Thành phố,Ngày tiếp nhận,Ngày hẹn trả,"
    "Lệ phí (đồng),Số điện thoại,Đúng hạn,Ghi chú"
)
ROWS = [
    "HS-0001,1.004227,Cấp giấy phép xây dựng,Hà Nội,05/03/2024,20/03/2024,1.234.000,0912345678,Có,",
    'HS-0002,1.003180,Đăng ký kết hôn,Khánh Hòa,5/3/2024,06/03/2024,0,0987654321,Không,"Ghi chú, có dấu phẩy\nvà xuống dòng"',
    f"HS-0003,2.000305,{unicodedata.normalize('NFD', 'Cấp lại giấy khai sinh')},Thừa Thiên Huế,12/11/2024,15/11/2024,,0243826001,Có,",
    "HS-0004,1.004227,Cấp giấy phép xây dựng,TP.HCM,31/02/2024,01/03/2024,50.000,0909000111,Có,",
    "HS-0005,1.001234,Chứng thực bản sao,Hà Nội,28/12/2024,28/12/2024,12.500,0911222333,Có,",
]


@pytest.fixture
def platform(settings) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    p = Platform(settings)
    p.init()
    p.catalog.ensure_organisation(
        Organisation(
            code="SO-TP", name_vi="Sở Tư pháp Hà Nội", name_en="Ha Noi Department of Justice"
        ),
        actor=SYSTEM,
    )
    yield p
    p.close()


@pytest.fixture
def messy_dossiers_csv(tmp_path: Path) -> Path:
    path = tmp_path / "ho_so.csv"
    path.write_text(HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    return path
