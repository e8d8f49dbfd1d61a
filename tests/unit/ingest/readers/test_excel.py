"""Excel reading: sheet choice, types, layout, and refusal of corrupt, encrypted or bomb files."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from kho.errors import SourceUnreadable
from kho.ingest.readers import open_source


def _budget_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title = "Ẩn"
    hidden["A1"] = "secret"
    hidden.sheet_state = "hidden"
    wb.create_sheet("Trống")
    ws = wb.create_sheet("M09")
    ws.append(["BỘ TÀI CHÍNH", None, None, None, "Phụ lục 09"])
    ws.append(["DỰ TOÁN THU, CHI NGÂN SÁCH NĂM 2017"])
    ws.append([None, None, None, None, "Đơn vị tính: Triệu đồng"])
    ws.append(["STT", "Tỉnh", "Mã", "Bổ sung", None, "Ngày"])
    ws.append([None, None, None, "Tổng số", "Cân đối", None])
    ws.merge_cells("D4:E4")
    ws.append(["A", "B", "1", "2=3", "3", "4"])
    ws.append([None, "TỔNG SỐ", None, 300, 100, None])
    ws.append([None, "MIỀN NÚI PHÍA BẮC"])
    for i, (name, code) in enumerate([("Hà Giang", "02"), ("Cao Bằng", "04")], start=1):
        ws.append([str(i), name, code, 150.5, 50, dt.datetime(2017, 1, i)])
    ws.append([])
    ws.append(["Ghi chú: (1) Bao gồm cả thu chuyển nguồn"])
    ws.append([None, "Người lập biểu", None, None, "Thủ trưởng"])
    wb.save(path)
    return path


def test_budget_sheet_layout_types_and_skips(tmp_path: Path) -> None:
    source = open_source(_budget_workbook(tmp_path / "plan.xlsx"))
    info = source.info
    assert info.format == "xlsx"
    assert info.sheet == "M09" and info.sheets == ["Trống", "M09"]  # hidden sheet not listed
    assert info.header_lines == [4, 5]
    assert info.headers == ["STT", "Tỉnh", "Mã", "Bổ sung - Tổng số", "Bổ sung - Cân đối", "Ngày"]
    kinds = {s.line: s.kind for s in info.skipped}
    assert kinds[1] == "title" and kinds[3] == "units" and kinds[6] == "numbering"
    assert kinds[12] == "footer" and kinds[13] == "footer"
    assert "values in triệu đồng" in info.warnings
    assert any("totals" in w for w in info.warnings)
    frame = pl.concat(list(source.batches()))
    assert frame["c1"].to_list() == ["TỔNG SỐ", "Hà Giang", "Cao Bằng"]
    assert frame["c2"].to_list() == [None, "02", "04"]  # text codes keep their zero
    assert frame["c3"].dtype == pl.Float64 and frame["c3"].to_list() == [300.0, 150.5, 150.5]
    assert isinstance(frame["c5"].dtype, pl.Datetime)
    assert frame["_line"].to_list() == [7, 9, 10]
    assert any(s.kind == "group" and s.line == 8 for s in info.skipped)


def test_sheet_by_name_and_index_and_unknown_sheet(tmp_path: Path) -> None:
    path = _budget_workbook(tmp_path / "plan.xlsx")
    assert open_source(path, sheet="M09").info.sheet == "M09"
    assert open_source(path, sheet=2).info.sheet == "M09"
    with pytest.raises(SourceUnreadable, match="no sheet named 'M10'") as error:
        open_source(path, sheet="M10")
    assert "Trống, M09" in str(error.value)


def test_mixed_column_renders_numbers_canonically(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã", "Giá trị"])
    ws.append(["x", 12.0])
    ws.append(["y", "không có"])
    ws.append(["z", 2.5])
    wb.save(tmp_path / "m.xlsx")
    frame = pl.concat(list(open_source(tmp_path / "m.xlsx").batches()))
    assert frame["c1"].to_list() == ["12", "không có", "2.5"]


def test_header_only_sheet_gives_zero_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["Mã", "Tên"])
    wb.save(tmp_path / "h.xlsx")
    source = open_source(tmp_path / "h.xlsx")
    assert source.info.headers == ["Mã", "Tên"]
    assert sum(b.height for b in source.batches()) == 0


def test_zip_bomb_xlsx_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 << 20))
    with pytest.raises(SourceUnreadable, match="zip bomb"):
        open_source(path)


def test_text_named_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(SourceUnreadable, match="not an Excel workbook"):
        open_source(path)


def test_corrupt_xlsx_is_refused(tmp_path: Path) -> None:
    good = _budget_workbook(tmp_path / "good.xlsx").read_bytes()
    path = tmp_path / "broken.xlsx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(SourceUnreadable) as error:
        open_source(path)
    assert "broken.xlsx" in str(error.value)


def test_garbage_and_encrypted_xls_are_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "g.xls"
    garbage.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    with pytest.raises(SourceUnreadable, match="g.xls"):
        open_source(garbage)
    encrypted = tmp_path / "e.xlsx"
    encrypted.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 500
        + "EncryptedPackage".encode("utf-16-le")
        + b"\0" * 600
    )
    with pytest.raises(SourceUnreadable, match="password"):
        open_source(encrypted)
