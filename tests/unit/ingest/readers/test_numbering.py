"""A plain `1 2 3 … n` column-numbering row under the header is set aside, a real first row is not."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from kho.ingest.readers import open_source


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_plain_numbering_row_is_skipped(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "n.xlsx",
        [
            ["BÁO CÁO HỒ SƠ QUÝ 3"],
            [],
            ["Mã hồ sơ", "Ngày tiếp nhận", "Lệ phí", "Tỉnh", "Ghi chú"],
            [1, 2, 3, 4, 5],
            ["000001", "01/02/2025", 1000, "Hà Nội", None],
            ["000002", "02/02/2025", 2000, "Huế", "x"],
        ],
    )
    source = open_source(path)
    assert (4, "numbering") in [(s.line, s.kind) for s in source.info.skipped]
    frame = next(source.batches())
    assert frame["c0"].to_list() == ["000001", "000002"]


def test_numeric_first_data_row_is_kept(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "d.xlsx", [["a", "b", "c", "d"], [1, 2, 3, 4], [5, 6, 7, 8]])
    frame = next(open_source(path).batches())
    assert frame.height == 2 and frame["_line"].to_list() == [2, 3]
