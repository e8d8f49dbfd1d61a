"""Words a person reads in the terminal, in Vietnamese (default) and English."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "load_report": {"vi": "Báo cáo nạp dữ liệu", "en": "Load report"},
    "rows_read": {"vi": "Số dòng đọc", "en": "Rows read"},
    "rows_loaded": {"vi": "Số dòng nạp", "en": "Rows loaded"},
    "rows_rejected": {"vi": "Số dòng bị loại", "en": "Rows rejected"},
    "version": {"vi": "Phiên bản", "en": "Version"},
    "column": {"vi": "Cột", "en": "Column"},
    "header": {"vi": "Tiêu đề gốc", "en": "Original header"},
    "type": {"vi": "Kiểu", "en": "Type"},
    "nulls": {"vi": "Trống", "en": "Nulls"},
    "examples": {"vi": "Ví dụ", "en": "Examples"},
    "why": {"vi": "Lý do", "en": "Why"},
    "warnings": {"vi": "Cảnh báo", "en": "Warnings"},
    "reject_reasons": {"vi": "Lý do loại", "en": "Reject reasons"},
    "skipped_rows": {"vi": "Dòng bỏ qua (không phải dữ liệu)", "en": "Rows skipped (not data)"},
    "source": {"vi": "Nguồn", "en": "Source"},
    "reading": {"vi": "Đang đọc và phân loại kiểu", "en": "Reading and typing"},
    "error": {"vi": "Lỗi", "en": "Error"},
    "hint": {"vi": "Gợi ý", "en": "Hint"},
    "datasets": {"vi": "Bộ dữ liệu", "en": "Datasets"},
    "title": {"vi": "Tiêu đề", "en": "Title"},
    "organisation": {"vi": "Cơ quan", "en": "Organisation"},
    "access": {"vi": "Truy cập", "en": "Access"},
    "freshness": {"vi": "Độ cập nhật", "en": "Freshness"},
    "rows": {"vi": "Số dòng", "en": "Rows"},
    "history": {"vi": "Lịch sử phiên bản", "en": "Version history"},
    "committed": {"vi": "Thời điểm", "en": "Committed"},
    "operation": {"vi": "Thao tác", "en": "Operation"},
    "added": {"vi": "Thêm", "en": "Added"},
    "deleted": {"vi": "Xoá", "en": "Deleted"},
    "total": {"vi": "Tổng", "en": "Total"},
    "truncated": {"vi": "Kết quả đã bị cắt bớt ở {n} dòng.", "en": "Result truncated at {n} rows."},
    "no_rejects": {"vi": "Không có dòng nào bị loại.", "en": "No rejected rows."},
    "line": {"vi": "Dòng", "en": "Line"},
    "value": {"vi": "Giá trị", "en": "Value"},
    "reason": {"vi": "Lý do", "en": "Reason"},
    "maintained": {"vi": "Bảo trì xong", "en": "Maintenance done"},
    "serving": {"vi": "Kho đang chạy tại", "en": "Kho is serving at"},
    # counts in sentences: the numbers arrive already written with num()
    "n_rows": {"vi": "{n} dòng", "en": "{n} rows"},
    "seconds": {"vi": "{s} giây", "en": "{s} s"},
    "more": {"vi": "… và {n} mục nữa", "en": "… {n} more"},
    # load report: where the file was read from
    "legacy_encoding": {"vi": "bảng mã cũ {name}", "en": "legacy {name}"},
    "delimiter": {"vi": "dấu phân cách {char}", "en": "delimiter {char}"},
    "sheet": {"vi": "trang tính {name}", "en": "sheet {name}"},
    "header_lines": {"vi": "dòng tiêu đề {lines}", "en": "header line(s) {lines}"},
    "skipped_line": {"vi": "dòng {line} ({kind})", "en": "line {line} ({kind})"},
    "schema": {"vi": "Lược đồ", "en": "Schema"},
    # datasets
    "unit": {"vi": "Đơn vị tính", "en": "Unit"},
    "table_summary": {
        "vi": "{table} — {rows} dòng, {versions} phiên bản",
        "en": "{table} — {rows} rows, {versions} version(s)",
    },
    "load_failed": {
        "vi": "✗ lần nạp #{id} {source} thất bại",
        "en": "✗ load #{id} {source} failed",
    },
    "query_version": {"vi": "Truy vấn một phiên bản", "en": "Query a version"},
    "fix_then": {"vi": "Sửa chúng, rồi chạy", "en": "Fix them, then"},
    "demo_loaded": {
        "vi": "{dataset}: nạp {loaded} dòng, loại {rejected} dòng (phiên bản {version})",
        "en": "{dataset}: {loaded} rows loaded, {rejected} rejected (version {version})",
    },
    "demo_already": {
        "vi": "Dữ liệu mẫu đã được nạp (dùng --reload để nạp lại thành phiên bản mới).",
        "en": "Demo already loaded (use --reload to load it again as new versions).",
    },
    # migrate
    "migration": {"vi": "Lần chuyển dữ liệu", "en": "Migration"},
    "table": {"vi": "Bảng", "en": "Table"},
    "dataset": {"vi": "Bộ dữ liệu", "en": "Dataset"},
    "status": {"vi": "Trạng thái", "en": "Status"},
    "source_rows": {"vi": "Số dòng nguồn", "en": "Source rows"},
    "warehouse_rows": {"vi": "Số dòng trong kho", "en": "Warehouse rows"},
    "key": {"vi": "Khoá", "en": "Key"},
    "notes": {"vi": "Ghi chú", "en": "Notes"},
    # indicators
    "computed": {
        "vi": "✓ {indicator} từ {source}: tính lại {recomputed} kỳ, {unchanged} kỳ không đổi, "
        "bỏ {removed} kỳ; {values} giá trị",
        "en": "✓ {indicator} from {source}: {recomputed} periods recomputed, {unchanged} "
        "unchanged, {removed} removed; {values} values",
    },
    "unresolved": {
        "vi": "{indicator}: {n} giá trị đơn vị không xếp được vào đơn vị nào "
        "(các dòng của chúng chỉ được tính vào ALL)",
        "en": "{indicator}: {n} unit values not placed on a unit (their rows count in ALL only)",
    },
    "unresolved_hint": {
        "vi": "Thêm một mục org_aliases vào định nghĩa chỉ tiêu (ví dụ `Tuyen Qang: Tuyên Quang`) "
        "rồi tính lại; --json liệt kê đầy đủ.",
        "en": "Add an org_aliases entry to the indicator (e.g. `Tuyen Qang: Tuyên Quang`) and "
        "compute again; --json lists them all.",
    },
    "unit_unknown": {"vi": "không nhận ra", "en": "unknown"},
    "unit_ambiguous": {"vi": "trùng tên, chưa rõ", "en": "ambiguous"},
    "unit_split": {"vi": "phải chia tách", "en": "split"},
    "periods": {"vi": "Kỳ", "en": "Periods"},
    "candidates": {"vi": "Có thể là", "en": "Candidates"},
    "note": {"vi": "Ghi chú", "en": "Note"},
    "empty_value": {"vi": "(trống)", "en": "(empty)"},
    "first_of_rows": {"vi": "{shown}/{total} dòng", "en": "{shown} of {total} rows"},
    "report_title": {"vi": "Báo cáo chỉ tiêu {period} — {org}", "en": "Indicator report {period} — {org}"},
    "col_indicator": {"vi": "Chỉ tiêu", "en": "Indicator"},
    "col_unit": {"vi": "Đơn vị", "en": "Unit"},
    "col_actual": {"vi": "Thực hiện", "en": "Actual"},
    "col_target": {"vi": "Kế hoạch", "en": "Target"},
    "col_achieved": {"vi": "% đạt", "en": "% achieved"},
    "col_status": {"vi": "Đánh giá", "en": "Status"},
    "col_prev": {"vi": "± kỳ trước", "en": "Δ prev"},
    "col_year": {"vi": "± cùng kỳ", "en": "Δ year"},
    "col_rank": {"vi": "Hạng", "en": "Rank"},
    "col_data": {"vi": "Số liệu", "en": "Data"},
    "status_achieved": {"vi": "Đạt", "en": "achieved"},
    "status_on_track": {"vi": "Đúng tiến độ", "en": "on track"},
    "status_at_risk": {"vi": "Có nguy cơ", "en": "at risk"},
    "status_missed": {"vi": "Không đạt", "en": "missed"},
    "status_no_target": {"vi": "Chưa có kế hoạch", "en": "no target"},
    "status_no_data": {"vi": "Chưa có số liệu", "en": "no data"},
    "data_ok": {"vi": "đủ", "en": "ok"},
    "data_no_data": {"vi": "chưa có", "en": "no data"},
    "data_stale": {"vi": "cũ", "en": "stale"},
    "data_late": {"vi": "nộp muộn", "en": "late"},
    "data_not_approved": {"vi": "chưa duyệt", "en": "not approved"},
    "rows_written": {
        "vi": "✓ đã ghi {rows} dòng vào {path}",
        "en": "✓ {rows} rows written to {path}",
    },
}


def num(value: float, lang: str = "vi", *, decimals: int | None = None) -> str:
    """A number as the reader writes it: ``22.000.000`` and ``0,5`` in Vietnamese, ``22,000,000``
    and ``0.5`` in English (the same rules as the pages, so the terminal and the portal agree)."""
    from kho.web.i18n import format_number

    return format_number(value, lang, decimals=decimals)


def t(key: str, lang: str = "vi", **params: object) -> str:
    """The message in ``lang`` (falling back to Vietnamese, then to the key itself)."""
    entry = MESSAGES.get(key, {})
    text = entry.get(lang) or entry.get("vi") or key
    return text.format(**params) if params else text
