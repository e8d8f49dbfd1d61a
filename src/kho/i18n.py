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
}


def t(key: str, lang: str = "vi", **params: object) -> str:
    """The message in ``lang`` (falling back to Vietnamese, then to the key itself)."""
    entry = MESSAGES.get(key, {})
    text = entry.get(lang) or entry.get("vi") or key
    return text.format(**params) if params else text
