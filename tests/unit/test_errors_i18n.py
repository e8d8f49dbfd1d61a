"""Error messages and load-report reasons read in Vietnamese: the catalogue covers every message
in the source, real errors come out in Vietnamese with their values intact, English stays English."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kho import errors_extract
from kho.access.actors import SYSTEM
from kho.catalog.models import Organisation
from kho.errors import KhoError
from kho.errors_i18n import Catalogue, catalogue, translate
from kho.platform import Platform

FIELD = re.compile(r"(?<!\{)\{(\d+)(?::,)?\}(?!\})")


def placeholders(text: str) -> set[str]:
    return set(FIELD.findall(text))


def english_runs(english: str, values: list[str]) -> set[str]:
    """Runs of three English words of the message outside its values: none may survive."""
    for value in values:
        english = english.replace(value, " | ")
    words = re.findall(r"[A-Za-z]+|\|", english)
    return {
        " ".join(run)
        for run in zip(words, words[1:], words[2:], strict=False)
        if "|" not in run and all(len(w) > 1 for w in run)
    }


def assert_vietnamese(english: str, values: list[str]) -> str:
    vi = translate(english, "vi")
    assert vi != english, f"not translated: {english!r}"
    for value in values:
        assert value in vi, f"{value!r} lost in {vi!r}"
    left = [run for run in english_runs(english, values) if run in vi]
    assert not left, f"English left in {vi!r}: {left}"
    return vi


# the catalogue ---------------------------------------------------------------------------------
def test_every_template_has_a_vietnamese_translation_with_the_same_placeholders() -> None:
    with errors_extract.po_path("vi").open("rb") as fh:
        messages = [m for m in read_po(fh) if m.id]
    assert len(messages) > 400, "the catalogue is nearly empty: was the extractor run?"
    missing = sorted(str(m.id) for m in messages if not m.string or m.fuzzy)
    assert not missing, "translate these in vi/errors.po:\n" + "\n".join(missing)
    wrong = [str(m.id) for m in messages if placeholders(str(m.id)) != placeholders(str(m.string))]
    assert not wrong, "placeholders differ from the msgid:\n" + "\n".join(wrong)
    for m in messages:
        n = len(placeholders(str(m.id)))
        Catalogue.of([(str(m.id), str(m.string))]).templates[0].fill(["x"] * n)


def test_committed_catalogue_is_up_to_date_and_the_extractor_idempotent() -> None:
    skipped: list[str] = []
    found = errors_extract.extract(unparsable=skipped)
    assert not skipped, f"these files do not parse: {skipped}"
    for lang in ("vi", "en"):
        current = errors_extract.po_path(lang).read_bytes()
        fresh = errors_extract.render_catalogue(lang, found, current)
        assert fresh == current, (
            f"locale/{lang}/errors.po is out of date with the messages in src/kho: "
            "run scripts/extract_messages.py and translate what it lists"
        )
        assert errors_extract.render_catalogue(lang, found, fresh) == fresh


SOURCE = {
    "errors.py": (
        "class KhoError(Exception):\n"
        "    def __init__(self, message, *, hint=None):\n"
        "        self.message, self.hint = message, hint\n"
        "class NotFound(KhoError):\n"
        "    pass\n"
    ),
    "web.py": "from kho.errors import NotFound\nclass Gone(NotFound):\n    pass\n",
    "readers.py": (
        "from kho.web import Gone\n"
        'SAVE = "Save it as CSV."\n'
        "def unreadable(path, problem, hint=SAVE):\n"
        '    return Gone(f"Cannot read {path.name}: {problem}", hint=hint)\n'
    ),
    "service.py": (
        "from kho.errors import NotFound\n"
        "from kho.readers import unreadable\n"
        "def find(slug, rows, big):\n"
        '    what = "table" if big else "view"\n'
        "    if rows:\n"
        '        raise unreadable(slug, f"there are {rows:,} rows, " + "too many.")\n'
        '    raise NotFound(f"No {what} {slug!r} here"\n'
        '                   " {at all}.", hint="Run `kho list`." if big else f"See {slug}.")\n'
        "def ignored(x):\n"
        '    raise ValueError(f"not a Kho error {x}")\n'
    ),
}


@pytest.fixture
def package(tmp_path: Path) -> Path:
    root = tmp_path / "src" / "kho"
    root.mkdir(parents=True)
    (root / "__init__.py").write_text("")
    for name, text in SOURCE.items():
        (root / name).write_text(text)
    return root


def test_extractor_follows_subclasses_factories_variables_and_concatenation(package: Path) -> None:
    found = errors_extract.extract(package)
    assert set(found) == {
        "Cannot read {0}: {1}",
        "there are {0:,} rows, too many.",
        "Save it as CSV.",
        "No table {0} here {{at all}}.",
        "No view {0} here {{at all}}.",
        "Run `kho list`.",
        "See {0}.",
    }
    assert found["there are {0:,} rows, too many."].locations == {"src/kho/service.py"}
    assert found["Cannot read {0}: {1}"].roles == {"message"}
    assert found["Save it as CSV."].roles == {"hint"}


def test_refresh_keeps_translations_adds_new_ids_and_keeps_removed_ones_as_obsolete(
    package: Path,
) -> None:
    found = errors_extract.extract(package)
    first = errors_extract.render_catalogue("vi", found, None)
    translations = {"Run `kho list`.": "Hãy chạy `kho list`.", "See {0}.": "Xem {0}."}
    translated = first
    for msgid, text in translations.items():
        translated = translated.replace(
            f'msgid "{msgid}"\nmsgstr ""'.encode(), f'msgid "{msgid}"\nmsgstr "{text}"'.encode()
        )
    del found["See {0}."]
    found["A new one."] = errors_extract.Entry({"src/kho/service.py"}, {"message"})
    second = errors_extract.render_catalogue("vi", found, translated).decode()
    assert 'msgid "Run `kho list`."\nmsgstr "Hãy chạy `kho list`."' in second
    assert 'msgid "A new one."\nmsgstr ""' in second
    assert '#~ msgid "See {0}."\n#~ msgstr "Xem {0}."' in second
    assert errors_extract.render_catalogue("vi", found, second.encode()).decode() == second


# matching ------------------------------------------------------------------------------------
def test_the_most_specific_template_wins_whatever_the_order() -> None:
    pairs = [
        ("No table {0} in {1}.", "Không có bảng {0} trong {1}."),
        (
            "No table {0} in dataset {1}; tables: {2}.",
            "Bộ dữ liệu {1} không có bảng {0}; các bảng: {2}.",
        ),
        ("{0} of {1:,} values are {2}", "{0}/{1:,} giá trị là {2}"),
        (
            "{0} of {1:,} values are numbers written like {2}",
            "{0}/{1:,} giá trị là số viết dạng {2}",
        ),
    ]
    for order in (pairs, pairs[::-1]):
        c = Catalogue.of(order)
        assert (
            c.translate("No table 'x' in dataset 'd'; tables: a, b.")
            == "Bộ dữ liệu 'd' không có bảng 'x'; các bảng: a, b."
        )
        assert c.translate("No table 'x' in 'kho'.") == "Không có bảng 'x' trong 'kho'."
        assert (
            c.translate("3 of 1,500 values are numbers written like 1,234.5")
            == "3/1.500 giá trị là số viết dạng 1,234.5"
        )


def test_a_phrase_inside_a_value_is_translated_too() -> None:
    vi = translate(
        "1,200 of 2,000 sampled values are not numbers (e.g. 'abc'), more than allowed; kept as text",
        "vi",
    )
    assert (
        vi
        == "1.200/2.000 giá trị lấy mẫu không phải số (ví dụ 'abc'), nhiều hơn mức cho phép; giữ dạng văn bản"
    )


@pytest.mark.parametrize(
    "value",
    [
        "'a.*?(b)[c]{0}\\\\1$^|+'",
        "'it\\'s \"quoted\"'",
        "'dòng 1\ndòng 2'",
        "'Sở Tư pháp – Hà Nội'",
        "'{0} {1}'",
        "''",
    ],
)
def test_values_come_back_exactly_whatever_they_contain(value: str) -> None:
    assert translate(f"No dataset {value}.", "vi") == f"Không tìm thấy bộ dữ liệu {value}."
    assert translate(f"Cannot read {value}: no such file.", "vi") == (
        f"Không đọc được {value}: không có tệp này."
    )


def test_the_translation_may_put_values_in_another_order() -> None:
    vi = translate("Column 'ma' is not in table 'ho_so'; columns: a, b.", "vi")
    assert vi == "Bảng 'ho_so' không có cột 'ma'; các cột: a, b."


def test_a_value_left_out_leaves_no_double_space() -> None:
    assert translate("No successful load  of 'ho_so'.", "vi") == (
        "Không tìm thấy lần nạp thành công của 'ho_so'."
    )


def test_a_message_and_its_hint_joined_are_translated_each() -> None:
    joined = "No dataset 'x'. Run `kho datasets list` to see datasets."
    assert translate(joined, "vi") == (
        "Không tìm thấy bộ dữ liệu 'x'. Hãy chạy `kho datasets list` để xem các bộ dữ liệu."
    )
    page = "Đã có lỗi. No grant 7."
    assert translate(page, "vi") == "Đã có lỗi. Không tìm thấy quyền đã cấp số 7."


def test_unknown_text_and_english_stay_as_they_are() -> None:
    for text in ("", "Something new from DuckDB: Binder Error", "Không có gì. Thật đấy."):
        assert translate(text, "vi") == text
    assert translate("No dataset 'x'.", "en") == "No dataset 'x'."
    assert catalogue("en").templates == ()


def test_huge_hostile_text_is_handled_quickly() -> None:
    import time

    value = "'" + "a.*?(\n" * 40_000 + "'"
    many = "No dataset 'x'. " * 3_000
    started = time.perf_counter()
    assert translate(f"No dataset {value}.", "vi") == f"Không tìm thấy bộ dữ liệu {value}."
    assert translate(many, "vi") == many  # too long to be a run of messages: left alone
    assert translate("x. " * 1_000, "vi") == "x. " * 1_000
    assert time.perf_counter() - started < 2.0


# real errors from the services --------------------------------------------------------------
@pytest.fixture
def platform(sqlite_settings) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    p = Platform(sqlite_settings)
    p.init()
    p.catalog.ensure_organisation(
        Organisation(code="SO-TP", name_vi="Sở Tư pháp", name_en="Department of Justice"),
        actor=SYSTEM,
    )
    yield p
    p.close()


def raised(call) -> KhoError:  # type: ignore[no-untyped-def]
    with pytest.raises(KhoError) as info:
        call()
    return info.value


def test_real_errors_read_in_vietnamese_with_their_values(
    platform: Platform, tmp_path: Path
) -> None:
    exc = raised(lambda: platform.catalog.get("khong_co", actor=SYSTEM))
    assert assert_vietnamese(exc.message, ["'khong_co'"]) == "Không tìm thấy bộ dữ liệu 'khong_co'."
    assert exc.hint is not None
    assert_vietnamese(exc.hint, ["`kho datasets list`"])

    exc = raised(lambda: platform.query.sql("DELETE FROM ho_so", actor=SYSTEM))
    assert_vietnamese(exc.message, ["DELETE"])
    assert exc.hint is not None
    assert_vietnamese(exc.hint, ["`kho ingest`"])

    empty = tmp_path / "trống rỗng.csv"
    empty.write_bytes(b"")
    exc = raised(lambda: platform.ingest.load(empty, dataset="x", org="SO-TP", actor=SYSTEM))
    vi = assert_vietnamese(exc.message, ["trống rỗng.csv"])
    assert vi == "Không đọc được trống rỗng.csv: tệp rỗng (0 byte)."

    binary = tmp_path / "anh.csv"
    binary.write_bytes(b"\x00\x01\x02\x03PNG" * 50)
    exc = raised(lambda: platform.ingest.load(binary, dataset="x", org="SO-TP", actor=SYSTEM))
    assert_vietnamese(exc.message, ["anh.csv"])

    exc = raised(lambda: platform.ingest.load(empty, dataset="x", mode="gop", actor=SYSTEM))  # type: ignore[arg-type]
    vi = assert_vietnamese(exc.message, ["'gop'", "create, append, replace, upsert"])
    assert vi == "Không có cách nạp 'gop'; hãy dùng một trong: create, append, replace, upsert."


def test_every_reason_and_warning_of_a_real_load_reads_in_vietnamese(
    platform: Platform, tmp_path: Path
) -> None:
    rows = [
        f'{i:03d},{i}.{i % 10}00.000,{i % 9 + 1:02d}/{i % 9 + 1:02d}/2024,"{i},5%",{i}.000 đ,'
        f"{'x' if i % 2 else ''},{'Có' if i % 3 else 'Không'},ghi chú {i}"
        for i in range(1, 31)
    ]
    path = tmp_path / "tong_hop.csv"
    header = "Mã số,Dân số,Ngày báo cáo,Tỷ lệ,Tiền,Đánh dấu,Đạt,Ghi chú"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = platform.ingest.load(path, dataset="tong_hop", org="SO-TP", actor=SYSTEM)
    texts = [c.reason for c in report.columns] + [w for c in report.columns for w in c.warnings]
    texts += report.warnings + report.schema_changes
    untranslated = [t for t in texts if translate(t, "vi") == t]
    assert not untranslated, "no Vietnamese for: " + "; ".join(untranslated)
    by_header = {c.header: c for c in report.columns}
    assert translate(by_header["Dân số"].reason, "vi") == (
        "30/30 giá trị là số viết dạng 1.234.567,89"
    )
    date_warnings = [translate(w, "vi") for w in by_header["Ngày báo cáo"].warnings]
    assert any(
        w.startswith("ngày tháng chưa rõ: không giá trị nào có ngày lớn hơn 12")
        for w in date_warnings
    )


# the CLI ----------------------------------------------------------------------------------------
def run_kho(
    home: Path, *args: str, language: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KHO_")}
    env["KHO_HOME"] = str(home)
    env["COLUMNS"] = "200"
    if language:
        env["KHO_LANGUAGE"] = language
    return subprocess.run(
        [sys.executable, "-m", "kho.cli.main", *args],
        env=env,
        cwd=home.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Kho home made with `kho init`, with one organisation, shared by the CLI tests."""
    path = tmp_path_factory.mktemp("cli") / "home"
    assert run_kho(path, "init").returncode == 0
    assert run_kho(path, "orgs", "create", "SO-TP", "Sở Tư pháp").returncode == 0
    return path


def test_cli_prints_errors_in_vietnamese_by_default_and_english_on_request(home: Path) -> None:
    vi = run_kho(home, "datasets", "show", "khong_co")
    assert vi.returncode == 2
    assert "Lỗi: Không tìm thấy bộ dữ liệu 'khong_co'." in vi.stderr
    assert "Gợi ý: Hãy chạy `kho datasets list` để xem các bộ dữ liệu." in vi.stderr
    en = run_kho(home, "datasets", "show", "khong_co", language="en")
    assert en.returncode == 2
    assert "Error: No dataset 'khong_co'." in en.stderr
    assert "Hint: Run `kho datasets list` to see datasets." in en.stderr
    markup = run_kho(home, "datasets", "show", "[bold]x[/]")
    assert "'[bold]x[/]'" in markup.stderr


def test_cli_load_report_explains_types_in_the_chosen_language(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "ngay.csv"
    path.write_text("Ngày,Số hồ sơ\n01/02/2024,1.234\n03/04/2024,2.345\n", encoding="utf-8")
    vi = run_kho(home, "ingest", str(path), "--dataset", "ngay_vi", "--org", "SO-TP")
    assert vi.returncode == 0, vi.stderr
    out = re.sub(r"\s+", " ", vi.stdout.replace("│", " "))
    assert "2/2 giá trị là ngày dạng dd/mm/yyyy" in out
    assert "ngày tháng chưa rõ" in out and "ambiguous" not in out
    en = run_kho(home, "ingest", str(path), "--dataset", "ngay_en", "--org", "SO-TP", language="en")
    assert en.returncode == 0, en.stderr
    assert "ambiguous dates" in re.sub(r"\s+", " ", en.stdout.replace("│", " "))
