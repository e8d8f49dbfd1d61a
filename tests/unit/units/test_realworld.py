"""Accuracy of the resolver on real-world spellings from official lists and public files."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest

from kho import units
from kho.ingest.vn.text import fold

BEFORE = date(2025, 1, 1)
# Region and total rows of GSO PX-Web tables: not units, must come back "unknown".
REGIONS = {
    "WHOLE COUNTRY",
    "Red River Delta",
    "Northern midlands and mountain areas",
    "Northern Central area and Central coastal area",
    "Central Highlands",
    "South East",
    "Mekong River Delta",
}
# Ground-truth labels for spellings the GSO 2017 list does not contain literally (checked by hand).
LABELS = {
    "bac can": "06",
    "ho chi minh city": "79",
    "thua thien hue": "46",
    "quang binh": "44",
    "brvt": "77",
    "hcmc": "79",
    "hcm": "79",
    "tt hue": "46",
    "tt.hue": "46",
    "hue": "46",
    "tp.hcm": "79",
}
# Header and statistics cells found in the same columns as province names.
NOT_UNITS = REGIONS | {"Tỉnh", "Thứ tự", "Median", "Min", "Max"}


def _key(name: str) -> str:
    bare = re.sub(r"^(tinh|thanh pho|tp\.?)\s+", "", fold(name).replace("-", " "))
    return " ".join(bare.replace("city", "").split())


@pytest.fixture(scope="module")
def gso_2017(realdata: Path) -> dict[str, str]:
    """Official GSO province list of October 2017 (independent of the bundled package): key → code."""
    import xlrd

    book = xlrd.open_workbook(
        str(realdata / "vn/gso_dvhc_xls/tinh_2017-10.xls"), ignore_workbook_corruption=True
    )
    sheet = book.sheet_by_index(0)
    rows = [sheet.row_values(i) for i in range(1, sheet.nrows)]
    return {_key(r[1]): r[0] for r in rows if str(r[0]).isdigit()} | LABELS


def _province_spellings(realdata: Path) -> list[tuple[str, str]]:
    """(file, written name) pairs of provinces in seven real files, duplicates removed per file."""
    import xlrd

    vn = realdata / "vn"
    out: list[tuple[str, str]] = []
    with open(vn / "gso_dvhc_csv/Ma_vung_dien_thoai_co_dinh_2017-09-01.csv", encoding="utf-8") as f:
        out += [("phone-codes", r["Tỉnh/ Thành phố"]) for r in csv.DictReader(f)]
    book = xlrd.open_workbook(
        str(vn / "indicators_pci_papi_xlsx/PCI_2010.xls"), ignore_workbook_corruption=True
    )
    for sheet_no, first in ((0, 1), (1, 2)):
        sheet = book.sheet_by_index(sheet_no)
        out += [
            (f"pci2010-{sheet_no}", v)
            for v in sheet.col_values(1, first)
            if isinstance(v, str) and v.strip()
        ]
    with open(vn / "elections_na15_2021/cema-district-results.csv", encoding="utf-8") as f:
        out += [("elections", r["province"]) for r in csv.DictReader(f)]
    with open(vn / "elections_na15_2021/congressional-units-parsed.csv", encoding="utf-8") as f:
        out += [("congress-units", r["associated_province"]) for r in csv.DictReader(f)]
    with open(vn / "gso_dvhc_csv/Xa_2025-01-04.csv", encoding="utf-8") as f:
        out += [("gso-2025-01", r["Tỉnh Thành Phố"]) for r in csv.DictReader(f)]
    text = (
        vn / "gso_pxweb_csv/extracted/Area_population_and_population_density_by_province.csv"
    ).read_text("utf-8-sig")
    out += [("pxweb-en", line.split(";")[0].strip('"')) for line in text.splitlines()[3:] if line]
    return list(dict.fromkeys(out))


def test_province_spellings_accuracy(realdata: Path, gso_2017: dict[str, str]) -> None:
    spellings = _province_spellings(realdata)
    for _, written in spellings:
        if written.strip() in NOT_UNITS:
            assert units.resolve(written, level="province").status == "unknown", written
    pairs = [(src, w) for src, w in spellings if w.strip() not in NOT_UNITS]
    misses = []
    for src, written in pairs:
        expected = gso_2017.get(_key(written))
        res = units.resolve(written, level="province", as_of=BEFORE)
        if (
            expected is None
            or res.status != "ok"
            or (res.code, res.version) != (expected, "2025-01")
        ):
            misses.append((src, written, expected, res.status, res.code))
    accuracy = 1 - len(misses) / len(pairs)
    print(f"\nprovince spellings: {len(pairs)} distinct, accuracy {accuracy:.2%}; misses: {misses}")
    assert len(pairs) > 400
    assert accuracy == 1.0, misses


def test_region_rows_are_unknown(realdata: Path) -> None:
    for name in REGIONS:
        assert units.resolve(name, level="province").status == "unknown", name


def test_new_province_lists_resolve_to_their_codes(realdata: Path) -> None:
    vn = realdata / "vn"
    with open(vn / "dvhc_2025_merger/915_CTK-CSCL.csv", encoding="utf-8") as f:
        final = [(r["Mã số"], r["Tên 34 tỉnh sau sáp nhập"]) for r in csv.DictReader(f)]
    with open(vn / "gso_dvhc_csv/Cap-tinh_2025-07_du-thao.csv", encoding="utf-8") as f:
        draft = [(r[0], r[1]) for r in csv.reader(f)]
    for code, name in final + draft:
        res = units.resolve(name, level="province")
        assert (res.code, res.version) == (code, "2025-07"), (code, name, res)


def test_gso_commune_list_of_january_2025(realdata: Path) -> None:
    """Every commune of the GSO export, resolved by name within its province, gets its own code."""
    with open(realdata / "vn/gso_dvhc_csv/Xa_2025-01-04.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["Phường Xã"].strip()]
    counts = {"correct": 0, "ambiguous": 0, "wrong": 0, "unknown": 0}
    misses = []
    for r in rows:
        res = units.resolve(
            r["Phường Xã"], level="commune", province=r["Tỉnh Thành Phố"], as_of=BEFORE
        )
        if res.status == "ok":
            ok = res.code == r["Mã PX"]
            counts["correct" if ok else "wrong"] += 1
        elif res.status == "ambiguous":
            # Honest only if the right unit is among the candidates.
            ok = r["Mã PX"] in {c.code for c in res.candidates}
            counts["ambiguous" if ok else "wrong"] += 1
        else:
            ok = False
            counts["unknown"] += 1
        if not ok and res.status != "ambiguous":
            misses.append((r["Tỉnh Thành Phố"], r["Phường Xã"], r["Mã PX"], res.status, res.code))
    accuracy = counts["correct"] / len(rows)
    print(
        f"\nGSO 2025-01 communes: {len(rows)} rows {counts}; accuracy {accuracy:.2%}; misses: {misses[:40]}"
    )
    assert counts["wrong"] == 0, misses[:20]
    assert accuracy >= 0.95  # measured 95.96%; the rest are same-name communes of one province


def test_conversion_table_new_communes(realdata: Path) -> None:
    """New communes named in the official conversion table resolve to their new codes."""
    path = realdata / "vn/gso_dvhc_csv/BangChuyendoi_DVHC_moi_cu_khong_merge_2025-07.csv"
    with open(path, encoding="utf-8") as f:
        lines = list(csv.reader(f))[2:]
    pairs = {
        (re.sub(r"\s*\(\d+\)$", "", r[0]), r[1], r[2]) for r in lines if len(r) > 2 and r[2].strip()
    }
    wrong = []
    for province, name, code in sorted(pairs):
        res = units.resolve(name, level="commune", province=province)
        if (res.code, res.version) != (code, "2025-07"):
            wrong.append((province, name, code, res.status, res.code))
    print(f"\nconversion table new communes: {len(pairs)}, misses {len(wrong)}: {wrong[:20]}")
    assert len(pairs) > 3300
    assert len(wrong) / len(pairs) <= 0.01, wrong[:20]
