"""`--unit-column`: old province names load with today's codes beside the names as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from kho.access.actors import SYSTEM
from kho.errors import InvalidInput
from kho.platform import Platform


def test_old_province_names_get_new_codes(platform: Platform, tmp_path: Path) -> None:
    path = tmp_path / "ho_so.csv"
    path.write_text(
        "Mã hồ sơ,Tỉnh/Thành phố\nA1,Thừa Thiên Huế\nA2,Hậu Giang\nA3,Bình Dương\n"
        "A4,TP.HCM\nA5,Xứ sở thần tiên\n",
        encoding="utf-8",
    )
    report = platform.ingest.load(
        path, dataset="ho_so", org="SO-TP", actor=SYSTEM, unit_columns=["Tỉnh/Thành phố"]
    )
    rows = platform.query.sql(
        "SELECT ma_ho_so, tinh_thanh_pho, tinh_thanh_pho_ma, tinh_thanh_pho_phien_ban, "
        "tinh_thanh_pho_ma_moi, tinh_thanh_pho_ten_moi, tinh_thanh_pho_trang_thai FROM ho_so "
        "ORDER BY ma_ho_so",
        actor=SYSTEM,
    ).rows
    assert rows[0] == ("A1", "Thừa Thiên Huế", "46", "2025-01", "46", "Thành phố Huế", "ok")
    assert rows[1][4:6] == ("92", "Thành phố Cần Thơ") and rows[1][2] == "93"
    assert rows[2][2:5] == ("74", "2025-01", "79")
    assert rows[3][4] == "79"
    assert rows[4][2:] == (None, None, None, None, "unknown")
    assert any("Xứ sở thần tiên" in w for w in report.warnings)
    labels = {
        c.name: c.label for c in platform.catalog.get("ho_so", actor=SYSTEM).tables[0].columns
    }
    assert labels["tinh_thanh_pho_ma_moi"].startswith("Tỉnh/Thành phố — mã đơn vị hiện nay")


def test_unknown_unit_column_is_refused(platform: Platform, messy_dossiers_csv: Path) -> None:
    with pytest.raises(InvalidInput, match="Unit column 'Tinh'"):
        platform.ingest.load(
            messy_dossiers_csv, dataset="x", org="SO-TP", actor=SYSTEM, unit_columns=["Tinh"]
        )
