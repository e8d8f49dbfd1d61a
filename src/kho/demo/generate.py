"""Deterministic generator of the messy demo files Kho ships with and benchmarks on."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from kho.demo.vocab import (
    AGENCY_TEMPLATES,
    LEGACY_UNITS,
    MULTILINE_NOTES,
    PROCEDURES,
    PROVINCE_VARIANTS,
    PROVINCES,
    SHORT_NOTES,
    SUBMISSION_CHANNELS,
    SUBMISSION_WEIGHTS,
    TCVN3_BYTES,
)
from kho.errors import InvalidInput

DOSSIER_COLUMNS: tuple[str, ...] = (
    "Mã hồ sơ",
    "Mã thủ tục",
    "Tên thủ tục",
    "Lĩnh vực",
    "Tỉnh/Thành phố",
    "Cơ quan tiếp nhận",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày trả kết quả",
    "Lệ phí (đồng)",
    "Hình thức nộp",
    "Đúng hạn",
    "Số điện thoại",
    "Ghi chú",
)
DEMO_DOSSIER_ROWS = 5_000
DOSSIERS_FILE = "ho_so_mot_cua.csv"
POPULATION_FILE = "dan_so_trung_binh.xlsx"
UNITS_TCVN3_FILE = "don_vi_tcvn3.csv"

FIRST_DAY = dt.date(2024, 1, 1)
DAYS = 731  # 2024-01-01 .. 2025-12-31
_LATEST_RETURN = DAYS + 120  # returns may fall after the last reception day
_CHUNK_ROWS = 50_000
_FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)

# Share of rows with each trait (per 10,000 rows, so the arithmetic stays integer).
_NFD_PER_10K = 500
_UNPADDED_DATE_PER_10K = 200
_VARIANT_PROVINCE_PER_10K = 800
_NOT_RETURNED_PER_10K = 700
_LATE_PER_10K = 1_300
_BLANK_FEE_PER_10K = 300
_BLANK_PHONE_PER_10K = 200
_SHORT_NOTE_PER_10K = 400
_MULTILINE_NOTE_PER_10K = 100
_BAD_CELL_PER_10K = 10

BAD_DATES: tuple[str, ...] = ("31/02/2024", "30/02/2025", "32/01/2025")
BAD_FEES: tuple[str, ...] = ("abc", "1.2.3", "miễn")


def write_dossiers_csv(path: Path, rows: int, *, seed: int = 42) -> Path:
    """Write `rows` messy one-stop-shop dossiers (UTF-8 BOM, CRLF); same seed, same bytes."""
    if rows < 0:
        raise InvalidInput(f"Row count must be 0 or more, got {rows}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    vocab = _DossierVocab()
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(DOSSIER_COLUMNS)
        for start in range(0, rows, _CHUNK_ROWS):
            count = min(_CHUNK_ROWS, rows - start)
            writer.writerows(_dossier_chunk(rng, vocab, start, count))
    return path


def write_demo_files(dest: Path) -> dict[str, Path]:
    """Write the demo set (dossier CSV, population workbook, TCVN3 unit list) into `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    return {
        "dossiers": write_dossiers_csv(dest / DOSSIERS_FILE, DEMO_DOSSIER_ROWS),
        "population": write_population_xlsx(dest / POPULATION_FILE),
        "units_tcvn3": write_units_tcvn3_csv(dest / UNITS_TCVN3_FILE),
    }


class _DossierVocab:
    """Strings precomputed once so the per-row work is list indexing."""

    def __init__(self) -> None:
        self.day_padded = [_day(i).strftime("%d/%m/%Y") for i in range(_LATEST_RETURN)]
        self.day_unpadded = [
            f"{d.day}/{d.month}/{d.year}" for d in map(_day, range(_LATEST_RETURN))
        ]
        self.day_code = [_day(i).strftime("%y%m%d") for i in range(DAYS)]
        self.names = [p.name for p in PROCEDURES]
        self.names_nfd = [unicodedata.normalize("NFD", p.name) for p in PROCEDURES]
        self.fees = [[_dot_thousands(fee) for fee in p.fees] for p in PROCEDURES]
        self.agencies = [[t.format(p=name) for t in AGENCY_TEMPLATES] for _code, name in PROVINCES]
        self.province_by_code = {code: i for i, (code, _name) in enumerate(PROVINCES)}
        self.variants = [(self.province_by_code[c], name) for c, name in PROVINCE_VARIANTS]
        weights = [6 if code in ("01", "79") else 1 for code, _name in PROVINCES]
        self.province_cum = _cumulative(weights)
        self.channel_cum = _cumulative(SUBMISSION_WEIGHTS)


def _dossier_chunk(
    rng: random.Random, vocab: _DossierVocab, start: int, count: int
) -> Iterator[list[str]]:
    """Yield `count` rows; every random draw comes from `rng`, in a fixed order."""
    provinces = rng.choices(range(len(PROVINCES)), cum_weights=vocab.province_cum, k=count)
    procedures = rng.choices(range(len(PROCEDURES)), k=count)
    received = rng.choices(range(DAYS), k=count)
    channels = rng.choices(SUBMISSION_CHANNELS, cum_weights=vocab.channel_cum, k=count)
    traits = [rng.randrange(10_000) for _ in range(count)]
    extra = [rng.randrange(1_000_000_000) for _ in range(count)]
    for i in range(count):
        yield _dossier_row(vocab, start + i, provinces[i], procedures[i], received[i],
                           channels[i], traits[i], extra[i])  # fmt: skip


def _dossier_row(
    vocab: _DossierVocab,
    index: int,
    province: int,
    procedure_index: int,
    day: int,
    channel: str,
    trait: int,
    extra: int,
) -> list[str]:
    """Build one row; `trait` and `extra` are uniform draws split into independent choices."""
    procedure = PROCEDURES[procedure_index]
    code, province_name = PROVINCES[province]
    if (trait * 7919) % 10_000 < _VARIANT_PROVINCE_PER_10K:
        province, province_name = vocab.variants[extra % len(vocab.variants)]
        code = PROVINCES[province][0]
    dates = vocab.day_unpadded if trait % 97 < 2 else vocab.day_padded
    due = day + procedure.days
    returned, on_time = _returned(vocab, day, due, trait, extra, dates)
    fees = vocab.fees[procedure_index]
    fee = "" if (trait * 31) % 10_000 < _BLANK_FEE_PER_10K else fees[extra % len(fees)]
    name = vocab.names_nfd if trait < _NFD_PER_10K else vocab.names
    row = [
        f"000.00.{extra % 40 + 1:02d}.H{code}-{vocab.day_code[day]}-{index + 1:04d}",
        procedure.code,
        name[procedure_index],
        procedure.field,
        province_name,
        vocab.agencies[province][extra % len(AGENCY_TEMPLATES)],
        dates[day],
        dates[due],
        returned,
        fee,
        channel,
        on_time,
        _phone(trait, extra),
        _note(trait, extra),
    ]
    if trait >= 10_000 - _BAD_CELL_PER_10K:
        _spoil(row, extra)
    return row


def _returned(
    vocab: _DossierVocab, day: int, due: int, trait: int, extra: int, dates: Sequence[str]
) -> tuple[str, str]:
    """The return date and the on-time flag; blank both when the result is not out yet."""
    not_returned = (trait * 13) % 10_000 < _NOT_RETURNED_PER_10K
    if not_returned and day > 300:
        return "", ""
    is_late = (trait * 17) % 10_000 < _LATE_PER_10K
    offset = (due - day) + 1 + extra % 20 if is_late else (extra // 7) % (due - day + 1)
    return dates[min(day + offset, _LATEST_RETURN - 1)], "Không" if is_late else "Có"


def _phone(trait: int, extra: int) -> str:
    """A mobile number with its leading zero, sometimes blank."""
    if (trait * 23) % 10_000 < _BLANK_PHONE_PER_10K:
        return ""
    prefix = ("09", "03", "08", "07")[extra % 4]
    return f"{prefix}{(extra // 4) % 100_000_000:08d}"


def _note(trait: int, extra: int) -> str:
    """Mostly blank; some short notes; a few with commas, quotes and a line break."""
    roll = (trait * 29) % 10_000
    if roll < _MULTILINE_NOTE_PER_10K:
        return MULTILINE_NOTES[extra % len(MULTILINE_NOTES)]
    if roll < _MULTILINE_NOTE_PER_10K + _SHORT_NOTE_PER_10K:
        return SHORT_NOTES[extra % len(SHORT_NOTES)]
    return ""


def _spoil(row: list[str], extra: int) -> None:
    """Put one impossible value in the row: a date that does not exist or a non-numeric fee."""
    if extra % 2:
        row[DOSSIER_COLUMNS.index("Ngày tiếp nhận")] = BAD_DATES[extra % len(BAD_DATES)]
    else:
        row[DOSSIER_COLUMNS.index("Lệ phí (đồng)")] = BAD_FEES[extra % len(BAD_FEES)]


def _day(index: int) -> dt.date:
    return FIRST_DAY + dt.timedelta(days=index)


def _dot_thousands(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _cumulative(weights: Sequence[int]) -> list[int]:
    total, out = 0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def write_population_xlsx(path: Path, *, seed: int = 42) -> Path:
    """Write a statistics-office style workbook: title rows, merged two-row header, footer total."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rng = random.Random(seed)
    years = range(2019, 2025)
    wb = Workbook()
    ws = wb.active
    ws.title = "Dân số"
    ws["A1"] = "DÂN SỐ TRUNG BÌNH PHÂN THEO TỈNH, THÀNH PHỐ"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = "Đơn vị tính: Nghìn người"
    ws["A2"].font = Font(italic=True)
    for col, label in (("A", "Mã tỉnh"), ("B", "Tỉnh/Thành phố"), ("C", "Năm")):
        ws[f"{col}3"] = label
        ws.merge_cells(f"{col}3:{col}4")
    ws["D3"] = "Dân số trung bình"
    ws.merge_cells("D3:F3")
    ws["D4"], ws["E4"], ws["F4"] = "Tổng số", "Thành thị", "Nông thôn"
    for row in ws.iter_rows(min_row=3, max_row=4):
        for cell in row:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    totals = [0.0, 0.0, 0.0]
    for code, name in PROVINCES:
        base = rng.uniform(800, 9000) if code not in ("01", "79") else rng.uniform(8000, 10000)
        urban_share = rng.uniform(0.15, 0.8)
        for year in years:
            total = round(base * (1 + 0.011 * (year - 2019)), 1)
            urban = round(total * urban_share, 1)
            ws.append([code, name, year, total, urban, round(total - urban, 1)])
            for i, value in enumerate((total, urban, total - urban)):
                totals[i] += value
    ws.append(["", "Tổng cộng", "", *(round(t, 1) for t in totals)])
    ws.cell(ws.max_row, 2).font = Font(bold=True)
    for col, width in (("A", 9), ("B", 18), ("C", 7), ("D", 12), ("E", 12), ("F", 12)):
        ws.column_dimensions[col].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_fixed_time_zip(buffer.getvalue()))
    return path


def _fixed_time_zip(data: bytes) -> bytes:
    """Rewrite an XLSX zip with fixed timestamps so the same input gives the same bytes."""
    import re

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(rb"\d{4}-\d\d-\d\dT[\d:]{8}Z", b"2025-01-01T00:00:00Z", content)
            info = zipfile.ZipInfo(item.filename, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return out.getvalue()


def write_units_tcvn3_csv(path: Path) -> Path:
    """Write the unit list as TCVN3 (ABC) bytes, the way old office software saved it."""
    lines = ["Mã đơn vị,Tên đơn vị,Cấp,Điện thoại"]
    lines += [",".join(_csv_field(v) for v in unit) for unit in LEGACY_UNITS]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode_tcvn3("\r\n".join(lines) + "\r\n"))
    return path


def _csv_field(value: str) -> str:
    return f'"{value}"' if "," in value else value


def encode_tcvn3(text: str) -> bytes:
    """Encode Vietnamese text in TCVN3; a character TCVN3 cannot hold raises InvalidInput."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        if char in TCVN3_BYTES:
            out.append(TCVN3_BYTES[char])
        elif ord(char) < 0x80:
            out.append(ord(char))
        else:
            raise InvalidInput(
                f"{char!r} cannot be written in TCVN3.",
                hint="TCVN3 has no capitals with a tone mark; write the letter in lower case.",
            )
    return bytes(out)


def decode_tcvn3(data: bytes) -> str:
    """Decode TCVN3 bytes back to NFC text (the inverse of `encode_tcvn3`)."""
    table = {byte: char for char, byte in TCVN3_BYTES.items()}
    return "".join(table.get(b, chr(b)) for b in data)


def main(argv: Sequence[str] | None = None) -> None:
    """Regenerate the bundled demo files, or write `ROWS` dossiers to `PATH`."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) == 2:
        print(write_dossiers_csv(Path(args[0]), int(args[1])))
        return
    from kho.demo import DATA_DIR

    for key, path in write_demo_files(DATA_DIR).items():
        print(f"{key}: {path} ({path.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
