"""Layout detection on small grids: titles, headers, numbering/units rows, footers."""

from __future__ import annotations

from kho.ingest.readers.layout import detect_layout, footer_start, merge_header_rows


def test_title_blank_and_units_rows_above_the_header_are_skipped() -> None:
    rows = [
        ["BỘ TÀI CHÍNH", None, None, "Phụ lục số 09"],
        [None, None, None, None],
        [None, None, None, "Đơn vị tính: Triệu đồng"],
        ["STT", "Tỉnh", "Thu", "Chi"],
        ["1", "Hà Nội", "100", "90"],
        ["2", "Huế", "50", "40"],
    ]
    layout = detect_layout(rows)
    assert layout.header_index == [3]
    assert layout.headers == ["STT", "Tỉnh", "Thu", "Chi"]
    assert layout.data_start == 4
    assert dict(layout.skipped) == {0: "title", 1: "blank", 2: "units"}
    assert "values in triệu đồng" in layout.warnings


def test_two_row_merged_header_spreads_the_parent_label() -> None:
    rows = [
        ["STT", "Tỉnh", "Bổ sung từ NSTW", None, None],
        [None, None, "Tổng số", "Cân đối", "Có mục tiêu"],
        ["A", "B", "1", "2", "3=1+2"],
        ["1", "Hà Nội", "10", "4", "6"],
    ]
    layout = detect_layout(rows)
    assert layout.header_index == [0, 1]
    assert layout.headers == [
        "STT",
        "Tỉnh",
        "Bổ sung từ NSTW - Tổng số",
        "Bổ sung từ NSTW - Cân đối",
        "Bổ sung từ NSTW - Có mục tiêu",
    ]
    assert (2, "numbering") in layout.skipped
    assert layout.data_start == 3


def test_a_file_that_starts_with_data_has_no_header() -> None:
    layout = detect_layout([["01", "Thành phố Hà Nội"], ["04", "Cao Bằng"], ["08", "Tuyên Quang"]])
    assert not layout.has_header
    assert layout.headers == ["Cột 1", "Cột 2"]
    assert layout.data_start == 0


def test_years_in_a_header_do_not_make_it_data() -> None:
    rows = [
        ["Country", "1995", "1996"],
        ["TOTAL", "5448.9", "7255.9"],
        ["ASEAN", "996.9", "1652.8"],
    ]
    layout = detect_layout(rows)
    assert layout.has_header and layout.headers == ["Country", "1995", "1996"]


def test_forced_header_row_wins() -> None:
    rows = [["a", "b"], ["x", "y"], ["1", "2"]]
    assert detect_layout(rows, header_row=1).headers == ["x", "y"]


def test_footer_block_with_count_and_notes_is_found() -> None:
    rows = [
        ["01", "Hà Nội", "x", "Tỉnh"],
        ["02", "Hà Giang", None, "Tỉnh"],
        [None, "Số lượng : 63", None, None],
        [None, None, None, None],
        ["Người lập biểu", None, None, "Thủ trưởng"],
    ]
    assert footer_start(rows, 4) == 2


def test_footnotes_under_a_table_are_footer_but_sparse_numbers_are_data() -> None:
    rows = [["1", "Hà Nội", "5"], [None, "(1) Bao gồm cả thu chuyển nguồn", None]]
    assert footer_start(rows, 3) == 1
    assert footer_start([["1", "Hà Nội", "5"], [None, None, "61"]], 3) == 2


def test_duplicate_and_blank_headers_are_kept_as_is() -> None:
    assert merge_header_rows([["Tên", "Tên", None, "Mã"]], 4) == ["Tên", "Tên", "", "Mã"]
