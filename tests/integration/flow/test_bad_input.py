"""Bad, broken, hostile and huge input: a clear error naming the file, and the table left as it was."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from kho.access.actors import SYSTEM
from kho.errors import IngestError, InvalidInput, KeyViolation, KhoError, NotFound
from kho.platform import Platform


def _empty(d: Path) -> Path:
    (d / "empty.csv").write_bytes(b"")
    return d / "empty.csv"


def _binary(d: Path) -> Path:
    (d / "garbage.csv").write_bytes(bytes(range(256)) * 400)
    return d / "garbage.csv"


def _png(d: Path) -> Path:
    (d / "image.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000)
    return d / "image.csv"


def _corrupt_xlsx(d: Path) -> Path:
    (d / "broken.xlsx").write_bytes(b"PK\x03\x04" + b"\x00\x01" * 500)
    return d / "broken.xlsx"


def _zip_bomb_xlsx(d: Path) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * (300 * 1024 * 1024))
    (d / "bomb.xlsx").write_bytes(buf.getvalue())
    return d / "bomb.xlsx"


def _json_not_tabular(d: Path) -> Path:
    (d / "scalar.json").write_text(json.dumps({"a": 1, "b": "x"}), encoding="utf-8")
    return d / "scalar.json"


def _all_rows_bad(d: Path) -> Path:
    (d / "bad.csv").write_text("Mã hồ sơ,Ngày tiếp nhận\n", encoding="utf-8")
    return d / "bad.csv"


def _huge_line(d: Path) -> Path:
    with (d / "one_line.csv").open("wb") as fh:
        chunk = b"x" * (1024 * 1024)
        for _ in range(100):
            fh.write(chunk)
    return d / "one_line.csv"


CASES: list[tuple[str, Callable[[Path], Path], type[KhoError]]] = [
    ("empty file", _empty, IngestError),
    ("binary garbage", _binary, IngestError),
    ("PNG named .csv", _png, IngestError),
    ("corrupt xlsx", _corrupt_xlsx, IngestError),
    ("zip-bomb xlsx", _zip_bomb_xlsx, IngestError),
    ("json that is not a table", _json_not_tabular, IngestError),
    ("100 MB single line", _huge_line, KhoError),
]


@pytest.mark.parametrize(("label", "make", "error"), CASES, ids=[c[0] for c in CASES])
def test_bad_file_is_refused_and_table_unchanged(
    platform: Platform,
    messy_dossiers_csv: Path,
    tmp_path: Path,
    label: str,
    make: Callable[[Path], Path],
    error: type[KhoError],
) -> None:
    platform.ingest.load(messy_dossiers_csv, dataset="ho_so", org="SO-TP", actor=SYSTEM)
    before = platform.catalog.versions("ho_so", actor=SYSTEM)
    bad = make(tmp_path)
    try:
        platform.ingest.load(bad, dataset="ho_so", actor=SYSTEM, mode="append")
    except error as exc:
        assert bad.name in str(exc) or exc.hint, f"{label}: the message should name the file: {exc}"
        assert len(str(exc)) < 2000
    else:
        # A 100 MB single line may load as one giant text cell; then it is a new version.
        assert label == "100 MB single line"
        return
    assert platform.catalog.versions("ho_so", actor=SYSTEM) == before
    assert platform.query.sql("SELECT count(*) FROM ho_so", actor=SYSTEM).rows[0][0] == 4


def test_header_only_file_gives_an_empty_table(platform: Platform, tmp_path: Path) -> None:
    path = _all_rows_bad(tmp_path)
    report = platform.ingest.load(path, dataset="rong", org="SO-TP", actor=SYSTEM)
    assert report.rows_read == 0
    assert [c.label for c in platform.catalog.get("rong", actor=SYSTEM).tables[0].columns] == [
        "Mã hồ sơ",
        "Ngày tiếp nhận",
    ]


def test_every_row_rejected_is_a_failed_load(platform: Platform, tmp_path: Path) -> None:
    path = tmp_path / "dates.csv"
    platform.ingest.load(
        _write(path, "Ngày\n01/02/2024\n02/02/2024\n"), dataset="ngay", org="SO-TP", actor=SYSTEM
    )
    with pytest.raises(IngestError, match="rejected"):
        platform.ingest.load(
            _write(tmp_path / "bad.csv", "Ngày\nabc\nxyz\n"),
            dataset="ngay",
            actor=SYSTEM,
            mode="append",
        )
    assert platform.query.sql("SELECT count(*) FROM ngay", actor=SYSTEM).rows[0][0] == 2


def test_ragged_rows_are_rejected_with_their_line(platform: Platform, tmp_path: Path) -> None:
    path = _write(tmp_path / "ragged.csv", "a,b,c\n1,2,3\n4,5,6,7\n8,9\n10,11,12\n")
    report = platform.ingest.load(path, dataset="ragged", org="SO-TP", actor=SYSTEM)
    assert report.rows_loaded == 2
    _total, rejects = platform.ingest.list_rejects("ragged", actor=SYSTEM)
    assert sorted(r.line for r in rejects) == [3, 4]
    assert all("field" in r.reason for r in rejects)


def test_duplicate_and_blank_headers_get_unique_names(platform: Platform, tmp_path: Path) -> None:
    path = _write(tmp_path / "dup.csv", "Tên,Tên,,Ghi chú\nA,B,C,D\n")
    report = platform.ingest.load(path, dataset="dup", org="SO-TP", actor=SYSTEM)
    names = [c.name for c in report.columns]
    assert len(set(names)) == 4 and names[0] == "ten"
    row = platform.query.sql("SELECT * FROM dup", actor=SYSTEM).rows[0]
    assert row == ("A", "B", "C", "D")


def test_wrong_mode_key_and_missing_file(
    platform: Platform, messy_dossiers_csv: Path, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInput, match="mode"):
        platform.ingest.load(
            messy_dossiers_csv, dataset="x", org="SO-TP", actor=SYSTEM, mode="merge"
        )  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="key"):
        platform.ingest.load(
            messy_dossiers_csv, dataset="x", org="SO-TP", actor=SYSTEM, mode="upsert"
        )
    with pytest.raises(InvalidInput, match="khong_co"):
        platform.ingest.load(
            messy_dossiers_csv,
            dataset="x",
            org="SO-TP",
            actor=SYSTEM,
            mode="upsert",
            key=["khong_co"],
        )
    with pytest.raises(NotFound):
        platform.ingest.load(tmp_path / "nope.csv", dataset="x", org="SO-TP", actor=SYSTEM)
    with pytest.raises(KeyViolation):
        dup = _write(tmp_path / "dupkey.csv", "ma,v\n1,a\n1,b\n")
        platform.ingest.load(dup, dataset="k", org="SO-TP", actor=SYSTEM, mode="upsert", key=["ma"])


def test_streaming_path_types_like_the_in_memory_path(settings, messy_dossiers_csv: Path) -> None:  # type: ignore[no-untyped-def]
    from kho.catalog.models import Organisation

    small = settings.model_copy(update={"in_memory_limit_mb": 0, "batch_rows": 2})
    p = Platform(small)
    p.init()
    p.catalog.ensure_organisation(Organisation(code="SO-TP", name_vi="Sở Tư pháp"), actor=SYSTEM)
    report = p.ingest.load(messy_dossiers_csv, dataset="ho_so", actor=SYSTEM)
    types = {c.name: c.type for c in report.columns}
    assert types["ngay_tiep_nhan"] == "date" and types["le_phi_dong"] == "integer"
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (5, 4, 1)
    assert (
        p.query.sql("SELECT sum(le_phi_dong) FROM ho_so", actor=SYSTEM).rows[0][0] == 1_246_500
    )  # HS-0004 (50.000) was rejected
    p.close()


def test_short_rows_are_rejected_in_a_file_read_in_batches(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A big file is read in batches; rows with too few fields are still found, across batch
    edges and after records whose quoted values span lines, with the right line numbers."""
    from kho.catalog.models import Organisation

    small = settings.model_copy(update={"in_memory_limit_mb": 0, "batch_rows": 3})
    p = Platform(small)
    p.init()
    p.catalog.ensure_organisation(Organisation(code="SO-TP", name_vi="Sở Tư pháp"), actor=SYSTEM)
    text = (
        "\ufeffMã,Ghi chú,Số,Nơi\r\n"  # 1
        "1,\"dòng một,\r\ndòng hai\",5,Huế\r\n"  # 2-3
        "2,,6,\r\n"  # 4: empty trailing field, not short
        "3,\"a, b\"\r\n"  # 5: short (2 fields) although the line has 2 commas
        "4,x,7,Hà Nội\r\n"  # 6
        "5,\"p\r\nq\r\nr\",8\r\n"  # 7-9: short, over three lines
        "6,y,9,Đà Nẵng\r\n"  # 10
        "7\r\n"  # 11: a lone value is a blank-ish row, not a short one
        "8,z\r\n"  # 12: short
    )
    path = tmp_path / "lines.csv"
    path.write_bytes(text.encode("utf-8"))
    report = p.ingest.load(path, dataset="dong", actor=SYSTEM)
    total, rejects = p.ingest.list_rejects("dong", actor=SYSTEM)
    reasons = {r.line: r.reason for r in rejects}
    assert reasons == {
        5: "row has 2 fields, header has 4",
        7: "row has 3 fields, header has 4",
        12: "row has 2 fields, header has 4",
    }
    loaded = p.query.sql("SELECT ma, ghi_chu, so FROM dong ORDER BY ma", actor=SYSTEM).rows
    assert loaded == [
        ("1", "dòng một,\r\ndòng hai", 5),  # "Mã" names a code: kept as text
        ("2", None, 6),
        ("4", "x", 7),
        ("6", "y", 9),
        ("7", None, None),
    ]
    assert report.rows_rejected == 3 and total == 3
    p.close()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
