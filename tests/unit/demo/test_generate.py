"""The demo generator: deterministic, messy in the documented ways, and in sync with the bundle."""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest

from kho.demo import DATA_DIR, bundled_files
from kho.demo.generate import (
    BAD_DATES,
    BAD_FEES,
    DEMO_DOSSIER_ROWS,
    DOSSIER_COLUMNS,
    decode_tcvn3,
    encode_tcvn3,
    write_demo_files,
    write_dossiers_csv,
)
from kho.demo.vocab import LEGACY_UNITS, PROVINCES
from kho.errors import InvalidInput

OFFICIAL_PROVINCES = {name for _code, name in PROVINCES}


@pytest.fixture(scope="module")
def messy_dossiers_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dossiers_csv(tmp_path_factory.mktemp("demo") / "ho_so.csv", 5_000)


@pytest.fixture(scope="module")
def dossier_rows(messy_dossiers_csv: Path) -> list[dict[str, str]]:
    with messy_dossiers_csv.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _column(rows: list[dict[str, str]], name: str) -> list[str]:
    return [row[name] for row in rows]


def test_same_seed_gives_same_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    first = write_dossiers_csv(tmp_path / "a.csv", 2_000, seed=7).read_bytes()
    again = write_dossiers_csv(tmp_path / "b.csv", 2_000, seed=7).read_bytes()
    other = write_dossiers_csv(tmp_path / "c.csv", 2_000, seed=8).read_bytes()
    assert first == again
    assert first != other


def test_writes_exactly_the_rows_asked_with_the_documented_header(
    dossier_rows: list[dict[str, str]], messy_dossiers_csv: Path
) -> None:
    assert len(dossier_rows) == 5_000
    assert tuple(dossier_rows[0]) == DOSSIER_COLUMNS
    assert messy_dossiers_csv.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel-style BOM
    assert len({row["Mã hồ sơ"] for row in dossier_rows}) == 5_000


def test_zero_rows_is_a_header_only_file_and_negative_is_refused(tmp_path: Path) -> None:
    path = write_dossiers_csv(tmp_path / "nested" / "empty.csv", 0)
    assert path.read_text(encoding="utf-8-sig").splitlines() == [",".join(DOSSIER_COLUMNS)]
    with pytest.raises(InvalidInput, match="0 or more"):
        write_dossiers_csv(tmp_path / "bad.csv", -1)


def test_some_procedure_names_arrive_decomposed_nfd(dossier_rows: list[dict[str, str]]) -> None:
    names = _column(dossier_rows, "Tên thủ tục")
    nfd = [n for n in names if unicodedata.normalize("NFC", n) != n]
    assert 0.03 < len(nfd) / len(names) < 0.07
    assert all(unicodedata.normalize("NFD", n) == n for n in nfd)


def test_codes_and_phones_would_break_a_number_sniffer(dossier_rows: list[dict[str, str]]) -> None:
    codes = set(_column(dossier_rows, "Mã thủ tục"))
    assert all(re.fullmatch(r"\d\.\d{6}", c) for c in codes)
    assert {"1.003180", "2.000100"} <= codes  # trailing zeros a float would drop
    phones = [p for p in _column(dossier_rows, "Số điện thoại") if p]
    assert phones and all(re.fullmatch(r"0\d{9}", p) for p in phones)
    assert "" in _column(dossier_rows, "Số điện thoại")


def test_fees_use_dot_thousands_with_zero_and_blank(dossier_rows: list[dict[str, str]]) -> None:
    fees = _column(dossier_rows, "Lệ phí (đồng)")
    assert "1.234.000" in fees and "0" in fees and "" in fees
    good = [f for f in fees if f and f not in BAD_FEES]
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*", f) for f in good)


def test_dates_are_day_first_some_unpadded_and_span_two_years(
    dossier_rows: list[dict[str, str]],
) -> None:
    received = [d for d in _column(dossier_rows, "Ngày tiếp nhận") if d not in BAD_DATES]
    parsed = [dt.datetime.strptime(d, "%d/%m/%Y").date() for d in received]
    assert min(parsed) < dt.date(2024, 2, 1) and max(parsed) > dt.date(2025, 11, 30)
    assert {(d.year, (d.month - 1) // 3 + 1) for d in parsed} == {
        (y, q) for y in (2024, 2025) for q in (1, 2, 3, 4)
    }
    assert any(re.match(r"\d/", d) or re.search(r"/\d/", d) for d in received)
    assert any(d.day > 12 for d in parsed)  # a month-first reader must fail, not guess


def test_pending_dossiers_have_no_return_date(dossier_rows: list[dict[str, str]]) -> None:
    pending = [r for r in dossier_rows if not r["Ngày trả kết quả"]]
    assert pending and all(r["Đúng hạn"] == "" for r in pending)
    assert {r["Đúng hạn"] for r in dossier_rows} == {"Có", "Không", ""}


def test_notes_hold_quoted_newlines_and_commas(
    dossier_rows: list[dict[str, str]], messy_dossiers_csv: Path
) -> None:
    multiline = [n for n in _column(dossier_rows, "Ghi chú") if "\n" in n]
    assert multiline and all("," in n for n in multiline)
    raw = messy_dossiers_csv.read_bytes()
    assert raw.count(b"\r\n") == 5_001  # line breaks inside notes are bare \n, inside quotes
    assert b'""ng' in raw  # an embedded double quote, escaped by doubling


def test_provinces_mix_official_names_and_old_spellings(
    dossier_rows: list[dict[str, str]],
) -> None:
    names = set(_column(dossier_rows, "Tỉnh/Thành phố"))
    assert len(names & OFFICIAL_PROVINCES) == 34
    assert {"TP.HCM", "Ha Noi", "Thừa Thiên Huế", "Bình Dương"} <= names
    assert " Đà Nẵng " in names


def test_a_few_cells_are_impossible_and_must_be_rejected(
    dossier_rows: list[dict[str, str]],
) -> None:
    bad_dates = [r for r in dossier_rows if r["Ngày tiếp nhận"] in BAD_DATES]
    bad_fees = [r for r in dossier_rows if r["Lệ phí (đồng)"] in BAD_FEES]
    assert bad_dates and bad_fees
    assert len(bad_dates) + len(bad_fees) < 0.003 * len(dossier_rows)
    assert "31/02/2024" in BAD_DATES and "abc" in BAD_FEES


def test_bundled_files_match_the_generator_and_stay_small(tmp_path: Path) -> None:
    fresh = write_demo_files(tmp_path)
    bundled = {f.key: f.path for f in bundled_files()}
    assert set(fresh) == set(bundled)
    for key, path in fresh.items():
        assert bundled[key].read_bytes() == path.read_bytes(), (
            f"{bundled[key].name} is stale: run `python -m kho.demo.generate`"
        )
    assert sum(p.stat().st_size for p in DATA_DIR.iterdir()) < 2_000_000
    rows = bundled["dossiers"].read_bytes().count(b"\r\n") - 1
    assert rows == DEMO_DOSSIER_ROWS


def test_population_workbook_has_titles_merged_header_and_footer() -> None:
    from openpyxl import load_workbook

    path = next(f.path for f in bundled_files() if f.key == "population")
    ws = load_workbook(path).active
    assert ws["A1"].value.startswith("DÂN SỐ TRUNG BÌNH")
    assert {"A3:A4", "B3:B4", "C3:C4", "D3:F3"} <= {str(r) for r in ws.merged_cells.ranges}
    data = [r for r in ws.iter_rows(min_row=5, values_only=True)]
    assert data[-1][1] == "Tổng cộng"
    body = data[:-1]
    assert 180 <= len(body) <= 220
    assert ("01", "Hà Nội") in {(r[0], r[1]) for r in body}  # province code kept as text
    assert all(isinstance(r[3], int | float) and r[3] > r[4] > 0 for r in body)


def test_legacy_unit_list_is_tcvn3_not_utf8() -> None:
    path = next(f.path for f in bundled_files() if f.key == "units_tcvn3")
    raw = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "Së T\xad ph¸p" in raw.decode("cp1252")  # what a naive reader shows for Sở Tư pháp
    text = decode_tcvn3(raw)
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == ["Mã đơn vị", "Tên đơn vị", "Cấp", "Điện thoại"]
    assert [tuple(r) for r in rows[1:]] == list(LEGACY_UNITS)


def test_tcvn3_encoding_matches_the_known_sample_and_refuses_toned_capitals() -> None:
    assert encode_tcvn3("Hà Nội") == b"H\xb5 N\xe9i"  # shown as "Hµ Néi" in old files
    assert encode_tcvn3(unicodedata.normalize("NFD", "Đà Nẵng")) == encode_tcvn3("Đà Nẵng")
    with pytest.raises(InvalidInput, match="TCVN3"):
        encode_tcvn3("Ủy ban")
