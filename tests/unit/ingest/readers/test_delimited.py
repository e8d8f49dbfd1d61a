"""CSV/TSV reading: encodings, delimiters, quoting, ragged rows and hostile files."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl
import pytest

from kho.errors import SourceUnreadable
from kho.ingest.readers import open_source


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _cp1258(text: str) -> bytes:
    """Windows-1258 bytes: precomposed where the code page has the letter, else base + tone mark."""
    import unicodedata

    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            for mark in parts[1:]:
                base = unicodedata.normalize("NFC", parts.replace(mark, ""))
                try:
                    out += base.encode("cp1258") + mark.encode("cp1258")
                    break
                except UnicodeEncodeError:
                    continue
    return out


def _read(path: Path, **kwargs: object) -> tuple[pl.DataFrame, object]:
    source = open_source(path, **kwargs)  # type: ignore[arg-type]
    frame = pl.concat(list(source.batches()), how="vertical_relaxed")
    return frame, source.info


VN = "Mã,Tên,Số\r\n01,Thành phố Hà Nội,1.234\r\n02,Hà Giang,9\r\n"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),
        ("utf-16-be", "utf-16-be"),
        ("cp1258", "cp1258"),
    ],
)
def test_vietnamese_text_reads_the_same_in_every_encoding(
    tmp_path: Path, encoding: str, expected: str
) -> None:
    data = _cp1258(VN * 5) if encoding == "cp1258" else VN.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
        expected = "utf-16"
    frame, info = _read(_write(tmp_path, "t.csv", data))
    assert info.encoding == expected
    import unicodedata

    assert [unicodedata.normalize("NFC", h) for h in info.headers] == ["Mã", "Tên", "Số"]
    assert unicodedata.normalize("NFC", frame["c1"][0]) == "Thành phố Hà Nội"
    assert frame["c0"].to_list()[:2] == ["01", "02"]  # codes stay text with their zero
    assert frame["_line"].to_list()[:2] == [2, 3]


def test_one_stray_latin1_byte_is_decoded_with_a_warning(tmp_path: Path) -> None:
    data = b'"Name";"N"\r\n"Ha Noi";1\r\n"B\xecnh Dinh";2\r\n'
    frame, info = _read(_write(tmp_path, "t.csv", data))
    assert frame["c0"].to_list() == ["Ha Noi", "Bình Dinh"]
    assert any("line 3" in w and "Latin-1" in w for w in info.warnings)


def test_legacy_font_bytes_are_decoded_as_cp1252_for_later_conversion(tmp_path: Path) -> None:
    tcvn3 = "Bé Tµi chÝnh,dù to¸n thu chi ng©n s¸ch\n1,2\n".encode("cp1252")
    frame, info = _read(_write(tmp_path, "t.csv", b"a,b\n" + tcvn3))
    assert info.encoding == "cp1252"
    assert "Bé Tµi chÝnh" in frame["c0"].to_list()


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_any_delimiter_is_found(tmp_path: Path, delimiter: str) -> None:
    text = delimiter.join(["a", "b", "c"]) + "\n" + delimiter.join(["1", "x y", "3"]) + "\n"
    frame, info = _read(_write(tmp_path, "t.csv", text.encode()))
    assert info.delimiter == delimiter
    assert frame.select("c0", "c1", "c2").row(0) == ("1", "x y", "3")


def test_quoted_newlines_keep_line_numbers_right(tmp_path: Path) -> None:
    text = 'id,note\n1,"line one\nline two"\n2,plain\n3,"a, b"\n'
    frame, _ = _read(_write(tmp_path, "t.csv", text.encode()))
    assert frame["c1"].to_list() == ["line one\nline two", "plain", "a, b"]
    assert frame["_line"].to_list() == [2, 4, 5]


def test_ragged_rows_are_flagged_not_truncated(tmp_path: Path) -> None:
    text = "a,b,c\n1,2,3\n4,5,6,7,8\n9,10\n11,12,13\n"
    frame, _ = _read(_write(tmp_path, "t.csv", text.encode()))
    assert frame.height == 4
    problems = dict(zip(frame["_line"].to_list(), frame["_problem"].to_list(), strict=True))
    assert problems[2] is None and problems[5] is None
    assert problems[3] == "row has 5 fields, header has 3"
    assert problems[4] == "row has 2 fields, header has 3"


def test_short_rows_are_told_apart_from_empty_trailing_fields_whatever_the_quoting(
    tmp_path: Path,
) -> None:
    """Delimiters inside quotes (also across lines, and next to escaped quotes) are not fields."""
    text = (
        "a,b,c,d\n"
        '1,"x, y",,\n'  # 2: complete, two empty trailing fields
        '2,"x, y, z"\n'  # 3: short although the raw line holds three commas
        '3,"say ""hi, there""",c,d\n'  # 4: complete, escaped quotes around a comma
        '4,"one,\ntwo,\nthree"\n'  # 5-7: one record, short, commas on every line
        '5,"p,\nq",r,\n'  # 8-9: complete across two lines, last field empty
        '6,",",","\n'  # 10: short by one, two quoted commas
        "7,,,\n"  # 11: complete, all empty
    )
    frame, _ = _read(_write(tmp_path, "t.csv", text.encode()))
    problems = dict(zip(frame["_line"].to_list(), frame["_problem"].to_list(), strict=True))
    assert problems == {
        2: None,
        3: "row has 2 fields, header has 4",
        4: None,
        5: "row has 2 fields, header has 4",
        8: None,
        10: "row has 3 fields, header has 4",
        11: None,
    }


def test_pxweb_title_blank_and_missing_marks(tmp_path: Path) -> None:
    text = (
        '\ufeff"Area by province"\r\n\r\n"Province";"2011";"2012"\r\n'
        '" WHOLE COUNTRY";1;..\r\n"Ha Noi";..;2\r\n'
    )
    frame, info = _read(_write(tmp_path, "t.csv", text.encode()))
    assert info.header_lines == [3] and info.headers == ["Province", "2011", "2012"]
    assert [(s.line, s.kind) for s in info.skipped] == [(1, "title"), (2, "blank")]
    assert frame["c2"].to_list() == ["..", "2"]
    assert any("totals" in w for w in info.warnings)


def test_group_rows_and_footer_are_skipped_with_a_warning(tmp_path: Path) -> None:
    text = (
        "Tỉnh,Xã,Mã\nTHÀNH PHỐ HÀ NỘI  ,,\nHà Nội,Ba Đình,00004\nHà Nội,Hoàn Kiếm,00070\n"
        "CAO BẰNG,,\nCao Bằng,Thục Phán,01273\n,Số lượng : 3,\n"
    )
    frame, info = _read(_write(tmp_path, "t.csv", text.encode()))
    assert frame["c2"].to_list() == ["00004", "00070", "01273"]
    kinds = [(s.line, s.kind) for s in info.skipped]
    assert kinds == [(2, "group"), (5, "group"), (7, "footer")]
    assert sum("Group rows" in w for w in info.warnings) == 1


def test_repeated_header_rows_are_skipped(tmp_path: Path) -> None:
    text = "a;b\na;b\na;b\n1;2\n"
    frame, info = _read(_write(tmp_path, "t.csv", text.encode()))
    assert frame.height == 1
    assert [s.kind for s in info.skipped] == ["repeated_header", "repeated_header"]


def test_header_only_file_gives_zero_rows_and_known_headers(tmp_path: Path) -> None:
    frame, info = _read(_write(tmp_path, "t.csv", "Mã,Tên\n".encode()))
    assert frame.height == 0 and info.headers == ["Mã", "Tên"]


def test_duplicate_and_blank_headers_are_kept(tmp_path: Path) -> None:
    frame, info = _read(_write(tmp_path, "t.csv", b"a,a,,b\n1,2,3,4\n"))
    assert info.headers == ["a", "a", "", "b"]
    assert frame.select("c2").item() == "3"


def test_headerless_file_gets_positional_names(tmp_path: Path) -> None:
    frame, info = _read(_write(tmp_path, "t.csv", "01,Hà Nội\n04,Cao Bằng\n".encode()))
    assert not info.has_header and info.headers == ["Cột 1", "Cột 2"]
    assert frame.height == 2 and frame["_line"].to_list() == [1, 2]


def test_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceUnreadable, match="empty"):
        open_source(_write(tmp_path, "t.csv", b""))


def test_png_named_csv_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceUnreadable, match="PNG image"):
        open_source(_write(tmp_path, "t.csv", b"\x89PNG\r\n\x1a\n" + os.urandom(200)))


def test_random_bytes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceUnreadable, match="binary"):
        open_source(_write(tmp_path, "t.csv", bytes(range(256)) * 40))


def test_a_100_mb_line_without_newline_is_refused_cheaply(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    with path.open("wb") as handle:
        chunk = b"a" * (1 << 20)
        for _ in range(100):
            handle.write(chunk)
    with pytest.raises(SourceUnreadable, match="line 1 is longer"):
        open_source(path)


def test_batches_stream_with_continuous_line_numbers(tmp_path: Path) -> None:
    text = "n,v\n" + "".join(f"{i},x\n" for i in range(1000))
    source = open_source(_write(tmp_path, "t.csv", text.encode()))
    batches = list(source.batches(batch_rows=300))
    assert len(batches) >= 3
    lines = pl.concat(batches)["_line"].to_list()
    assert lines == list(range(2, 1002))


def test_gzip_csv_is_read(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "t.csv.gz"
    path.write_bytes(gzip.compress(b"a;b\n1;2\n"))
    frame, info = _read(path)
    assert info.headers == ["a", "b"] and frame.row(0)[:2] == ("1", "2")


def test_zip_with_one_csv_is_read_and_with_several_is_refused(tmp_path: Path) -> None:
    import zipfile

    one = tmp_path / "one.zip"
    with zipfile.ZipFile(one, "w") as archive:
        archive.writestr("data.csv", "a,b\n1,2\n")
    frame, _ = _read(one)
    assert frame.height == 1
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as archive:
        archive.writestr("x.csv", "a\n1\n")
        archive.writestr("y.csv", "a\n1\n")
    with pytest.raises(SourceUnreadable, match="x.csv, y.csv") as error:
        open_source(two)
    assert "Unzip" in str(error.value)
