"""A messy Excel file like a department would send: title rows, bad cells, a footer."""

from __future__ import annotations

from pathlib import Path

BAD_DATE_LINES = (19,)  # 1-based sheet rows whose date cannot be read
BAD_AMOUNT_LINE = 31


def write_messy_xlsx(path: Path, rows: int = 60) -> Path:
    """Write the file and return its path; 2 of ``rows`` data rows carry an unreadable cell."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Hồ sơ"
    ws.append(["ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA"])
    ws.append(["BÁO CÁO TIẾP NHẬN HỒ SƠ QUÝ III/2025"])
    ws.append(["Mã hồ sơ", "Ngày tiếp nhận", "Lệ phí (đồng)", "Xã, phường", "Trạng thái"])
    wards = ["Phường Nha Trang", "Xã Cam Lâm", "Phường Cam Ranh", "Xã Diên Khánh"]
    for i in range(rows):
        line = ws.max_row + 1
        day = "32/13/2025" if line in BAD_DATE_LINES else f"{(i % 28) + 1:02d}/0{(i % 9) + 1}/2025"
        fee = "không rõ" if line == BAD_AMOUNT_LINE else f"{(i + 1) * 15000:,}".replace(",", ".")
        status = "Đã giải quyết" if i % 3 else "Đang xử lý"
        ws.append([f"{i + 1:06d}", day, fee, wards[i % len(wards)], status])
    ws.append([f"Số lượng : {rows}"])
    wb.save(path)
    return path
