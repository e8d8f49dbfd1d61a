"""Every listing `kho` prints for a person speaks the reader's language: Vietnamese titles, column
headers and status words by default, English ones with KHO_LANGUAGE=en; stored values (and
`--json`) stay as they are. One `kho demo` warehouse for the whole module, through the CLI runner;
SQLite is enough (nothing here depends on the backend)."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kho.cli.main import app

Kho = Callable[..., str]
PASSWORD = "mat-khau-rat-dai-123"
PACK = """\
pack: hop
indicators:
  - code: SO_CUOC_HOP
    name_vi: Số cuộc họp trực tuyến
    type: reported
    aggregation: sum
    decimals: 0
    direction: lower
    period_types: [quarter, year]
"""


def _invoke(*args: str, code: int = 0, stdin: str | None = None) -> str:
    """Run `kho …` in-process with the environment as it is; stdout and stderr together."""
    from kho.errors import KhoError

    result = CliRunner().invoke(app, list(args), input=stdin, catch_exceptions=True)
    exc = result.exception
    exit_code = exc.exit_code if isinstance(exc, KhoError) else result.exit_code
    assert exit_code == code, result.output + repr(exc)
    return result.output


def _fresh_platform() -> None:
    from kho.cli import _common

    if _common.platform.cache_info().currsize:
        _common.platform().close()
    _common.platform.cache_clear()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The demo, plus one of everything the listings show: a user, grants (one revoked), tokens
    (one revoked), a request, an inventory entry, a reported indicator with entered values (one
    sent back), a migrated legacy table and its sync."""
    root = tmp_path_factory.mktemp("kho")
    legacy = root / "legacy.db"
    with sqlite3.connect(legacy) as db:
        db.execute("CREATE TABLE can_bo (id INTEGER PRIMARY KEY, ten TEXT, so_luong INTEGER)")
        db.executemany("INSERT INTO can_bo VALUES (?, ?, ?)", [(1, "An", 3), (2, "Bình", 4)])
    db.close()
    (root / "hop.yaml").write_text(PACK, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KHO_HOME", str(root / "home"))
        mp.setenv("KHO_LANGUAGE", "en")
        mp.setenv("KHO_PASSWORD", PASSWORD)
        mp.delenv("KHO_DATABASE_URL", raising=False)
        _fresh_platform()
        for args in (
            ("demo",),
            ("users", "create", "lan", "--full-name", "Nguyễn Thị Lan", "--role", "CTK-KH:viewer"),
            ("grants", "create", "dan_so_trung_binh", "--user", "lan", "--column", "tinh_thanh_pho"),
            ("grants", "create", "dan_so_trung_binh", "--org", "SNV-KH", "--expires", "2099-12-31"),
            ("grants", "create", "ho_so_mot_cua", "--user", "lan"),
            ("grants", "revoke", "3"),
            ("tokens", "create", "--name", "bao-cao", "--user", "lan"),
            ("requests", "create", "danh_ba_co_quan", "--as", "lan", "--purpose", "Thống kê"),
            ("inventory", "add", "Sổ hộ tịch", "--org", "SNV-KH", "--format", "Giấy", "--volume", "12 sổ"),
            ("indicators", "compute", "DVC_DUNG_HAN"),
            ("indicators", "load-pack", str(root / "hop.yaml")),
            ("indicators", "enter", "SO_CUOC_HOP", "-p", "2025Q1", "--org", "CTK-KH", "--value", "3"),
            ("indicators", "approve", "SO_CUOC_HOP", "-p", "2025Q1", "--org", "CTK-KH", "--return", "--note", "Sai số"),
            ("indicators", "enter", "SO_CUOC_HOP", "-p", "2025Q2", "--org", "SNV-KH", "--value", "4"),
            ("migrate", f"sqlite:///{legacy}", "--org", "CTK-KH", "--json"),
            ("sync", "add", "can-bo", f"sqlite:///{legacy}", "-t", "can_bo", "--org", "CTK-KH"),
            ("sync", "run", "can-bo", "--json"),
        ):  # fmt: skip
            _invoke(*args)
        _fresh_platform()
    yield root / "home"


@pytest.fixture
def kho(
    home: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Kho]:
    """Run `kho …` on the shared warehouse in the language of the test's ``lang`` parameter."""
    from kho.cli import _common

    monkeypatch.setenv("KHO_HOME", str(home))
    monkeypatch.setenv("KHO_LANGUAGE", request.getfixturevalue("lang"))
    monkeypatch.delenv("KHO_DATABASE_URL", raising=False)
    monkeypatch.setattr(_common.console, "width", 400)
    monkeypatch.setattr(_common.err_console, "width", 400)
    _fresh_platform()
    yield _invoke
    _fresh_platform()


def flat(text: str) -> str:
    """Terminal output without table borders and line breaks, to search for a sentence."""
    return re.sub(r"\s+", " ", re.sub(r"[│┃┏┓┗┛┡┩└┘┌┐├┤┼━─╇╈╋┬┴┳┻]", " ", text)).strip()


def table(out: str) -> tuple[str, list[str]]:
    """The title and column headers of the first table printed (a wrapped header cell joined)."""
    lines = out.splitlines()
    top = next(i for i, line in enumerate(lines) if line.lstrip().startswith("┏"))
    cells: list[list[str]] = []
    for line in lines[top + 1 :]:
        if not line.lstrip().startswith("┃"):
            break
        for i, cell in enumerate(line.strip().strip("┃").split("┃")):
            if i == len(cells):
                cells.append([])
            cells[i].append(cell.strip())
    title = lines[top - 1].strip() if top else ""
    return title, [" ".join(part for part in cell if part) for cell in cells]


def check(out: str, title: str | None, headers: list[str], *rows: str) -> None:
    """The table has exactly these headers and this title (None: it has none), and these words in
    its rows."""
    found_title, found_headers = table(out)
    assert found_headers == headers, out
    assert title is None or found_title == title, out
    text = flat(out)
    for row in rows:
        assert row in text, (row, text)


LANGS = pytest.mark.parametrize("lang", ["vi", "en"])

ACCESS = {
    "vi": {
        ("audit", "list", "--action", "grant", "--limit", "3"): (
            "Nhật ký kiểm toán (3)",
            ["Mã số", "Thời điểm (UTC)", "Người thực hiện", "Hành động", "Đối tượng", "Số dòng",
             "Chi tiết"],
            "grant.revoke grant:3",
        ),
        ("grants", "list", "--all"): (
            "Quyền đã cấp (3)",
            ["Mã số", "Bộ dữ liệu", "Cấp cho", "Cột được đọc", "Dòng được đọc", "Hết hạn",
             "Trạng thái"],
            "dan_so_trung_binh người dùng lan tinh_thanh_pho tất cả không thời hạn đang hiệu lực",
            "dan_so_trung_binh cơ quan SNV-KH tất cả tất cả 2099-12-31 đang hiệu lực",
            "ho_so_mot_cua người dùng lan tất cả tất cả không thời hạn đã thu hồi",
        ),
        ("requests", "list"): (
            "Yêu cầu truy cập (1)",
            ["Mã số", "Bộ dữ liệu", "Cơ quan sở hữu", "Người gửi", "Mục đích", "Trạng thái",
             "Người quyết định", "Lý do / hết hạn"],
            "danh_ba_co_quan SNV-KH lan Thống kê chờ duyệt",
        ),
        ("tokens", "list"): (
            "Mã truy cập API (1)",
            ["Mã số", "Người dùng", "Tên", "Bắt đầu bằng", "Phạm vi", "Hết hạn", "Dùng lần cuối",
             "Trạng thái"],
            "lan bao-cao kho_",
            " đọc ",
            "đang hiệu lực",
        ),
        ("users", "list"): (
            "Người dùng (1)",
            ["Tên đăng nhập", "Họ và tên", "Vai trò", "Quản trị hệ thống", "Đang hoạt động",
             "Bị khoá"],
            "lan Nguyễn Thị Lan CTK-KH: người xem",
        ),
    },
    "en": {
        ("audit", "list", "--action", "grant", "--limit", "3"): (
            "Audit log (3)",
            ["Id", "When (UTC)", "Actor", "Action", "Resource", "Rows", "Details"],
            "grant.revoke grant:3",
        ),
        ("grants", "list", "--all"): (
            "Grants (3)",
            ["Id", "Dataset", "To", "Columns", "Rows", "Expires", "State"],
            "dan_so_trung_binh user lan tinh_thanh_pho all never active",
            "dan_so_trung_binh organisation SNV-KH all all 2099-12-31 active",
            "ho_so_mot_cua user lan all all never revoked",
        ),
        ("requests", "list"): (
            "Access requests (1)",
            ["Id", "Dataset", "Owner", "By", "Purpose", "Status", "Decided by", "Reason / expires"],
            "danh_ba_co_quan SNV-KH lan Thống kê pending",
        ),
        ("tokens", "list"): (
            "API tokens (1)",
            ["Id", "User", "Name", "Starts", "Scopes", "Expires", "Last used", "State"],
            "lan bao-cao kho_",
            " read ",
            "active",
        ),
        ("users", "list"): (
            "Users (1)",
            ["Username", "Name", "Roles", "Admin", "Active", "Locked"],
            "lan Nguyễn Thị Lan CTK-KH: viewer",
        ),
    },
}  # fmt: skip


@LANGS
def test_access_listings_speak_the_reader_language(kho: Kho, lang: str) -> None:
    for args, (title, headers, *rows) in ACCESS[lang].items():
        check(kho(*args), title, headers, *rows)


CATALOG = {
    "vi": {
        ("datasets", "list"): (
            "Bộ dữ liệu (4)",
            ["Mã", "Tiêu đề", "Cơ quan", "Truy cập", "Độ cập nhật"],
            "danh_ba_co_quan Danh bạ cơ quan hành chính tỉnh SNV-KH công khai cập nhật đúng hạn",
            "can_bo main.can_bo CTK-KH nội bộ",
        ),
        ("inventory", "list"): (
            "Danh mục dữ liệu chưa số hoá (1)",
            ["#", "Cơ quan", "Tiêu đề", "Định dạng", "Khối lượng", "Trạng thái", "Kế hoạch"],
            "1 SNV-KH Sổ hộ tịch Giấy 12 sổ chưa số hoá",
        ),
        ("orgs", "list"): (
            "Cơ quan (4)",
            ["Mã", "Tên", "Tên tiếng Anh", "Cơ quan cấp trên", "Hiệu lực", "Cơ quan kế thừa"],
            "SNV-KH Sở Nội vụ tỉnh Khánh Hòa Department of Home Affairs UBND-KH",
        ),
        ("datasets", "history", "danh_ba_co_quan"): (
            "Lịch sử phiên bản: danh_ba_co_quan",
            ["Phiên bản", "Thời điểm", "Thao tác", "Thêm", "Xoá", "Tổng", "Nguồn"],
            "thêm dòng 18 0 18",
        ),
    },
    "en": {
        ("datasets", "list"): (
            "Datasets (4)",
            ["Slug", "Title", "Organisation", "Access", "Freshness"],
            "danh_ba_co_quan Danh bạ cơ quan hành chính tỉnh SNV-KH public up to date",
            "can_bo main.can_bo CTK-KH internal",
        ),
        ("inventory", "list"): (
            "Inventory (1)",
            ["#", "Organisation", "Title", "Format", "Volume", "Status", "Plan"],
            "1 SNV-KH Sổ hộ tịch Giấy 12 sổ not digitised",
        ),
        ("orgs", "list"): (
            "Organisations (4)",
            ["Code", "Name", "English name", "Parent", "Valid", "Successor"],
            "SNV-KH Sở Nội vụ tỉnh Khánh Hòa Department of Home Affairs UBND-KH",
        ),
        ("datasets", "history", "danh_ba_co_quan"): (
            "Version history: danh_ba_co_quan",
            ["Version", "Committed", "Operation", "Added", "Deleted", "Total", "Source"],
            "append 18 0 18",
        ),
    },
}  # fmt: skip
SHOWN = {  # `datasets show`: each fact under the reader's word, stored words translated
    "vi": ["Mã: danh_ba_co_quan", "Cơ quan: SNV-KH", "Truy cập: công khai",
           "Tần suất cập nhật: hằng năm", "Độ cập nhật: cập nhật đúng hạn",
           "Từ khoá: danh bạ, cơ quan", "Giấy phép: CC-BY-4.0"],
    "en": ["Slug: danh_ba_co_quan", "Organisation: SNV-KH", "Access: public",
           "Update frequency: yearly", "Freshness: up to date", "Keywords: danh bạ, cơ quan",
           "Licence: CC-BY-4.0"],
}  # fmt: skip


@LANGS
def test_catalog_listings_speak_the_reader_language(kho: Kho, lang: str) -> None:
    for args, (title, headers, *rows) in CATALOG[lang].items():
        check(kho(*args), title, headers, *rows)
    shown = kho("datasets", "show", "danh_ba_co_quan").splitlines()
    for fact in SHOWN[lang]:
        assert f"  {fact}" in shown, (fact, shown)
    assert not any(key in "\n".join(shown) for key in ("org_code:", "access_level:", "None"))


INDICATORS = {
    "vi": {
        ("indicators", "list"): (
            "Chỉ tiêu (10)",
            ["Mã", "Tên", "Đơn vị tính", "Chiều đánh giá", "Loại", "Bộ chỉ tiêu"],
            "DVC_DUNG_HAN Tỷ lệ hồ sơ giải quyết đúng hạn % càng cao càng tốt tính từ dữ liệu "
            "online_services",
            "SO_CUOC_HOP Số cuộc họp trực tuyến càng thấp càng tốt đơn vị báo cáo hop",
        ),
        ("indicators", "values", "DVC_DUNG_HAN", "-p", "2025", "--org", "ALL"): (
            "DVC_DUNG_HAN (1)",
            ["Kỳ", "Đơn vị", "Giá trị", "Tử số", "Mẫu số", "Số dòng", "Nguồn"],
            "2025 ALL",
        ),
        ("indicators", "entries", "SO_CUOC_HOP"): (
            "Số liệu đã nhập của SO_CUOC_HOP (2)",
            ["Đơn vị", "Kỳ", "Giá trị", "Trạng thái", "Người nhập", "Người quyết định",
             "Ghi chú khi quyết định"],
            "CTK-KH 2025Q1 3 bị trả lại, nộp muộn",
            "SNV-KH 2025Q2 4 chờ duyệt, nộp muộn",
        ),
        ("targets", "list", "DVC_DUNG_HAN"): (
            "Chỉ tiêu kế hoạch của DVC_DUNG_HAN (1)",
            ["Mã số", "Đơn vị", "Kỳ", "Loại", "Trạng thái", "Kế hoạch", "Người đặt",
             "Thời điểm đặt", "Người quyết định", "Ghi chú"],
            "* 2025 cấp trên giao đang áp dụng 95 cli:root",
        ),
    },
    "en": {
        ("indicators", "list"): (
            "Indicators (10)",
            ["Code", "Name", "Unit", "Direction", "Type", "Pack"],
            "DVC_DUNG_HAN Tỷ lệ hồ sơ giải quyết đúng hạn % higher is better computed "
            "online_services",
            "SO_CUOC_HOP Số cuộc họp trực tuyến lower is better reported hop",
        ),
        ("indicators", "values", "DVC_DUNG_HAN", "-p", "2025", "--org", "ALL"): (
            "DVC_DUNG_HAN (1)",
            ["Period", "Unit", "Value", "Numerator", "Denominator", "Rows", "Source"],
            "2025 ALL",
        ),
        ("indicators", "entries", "SO_CUOC_HOP"): (
            "Entered values of SO_CUOC_HOP (2)",
            ["Unit", "Period", "Value", "Status", "Entered by", "Decided by", "Decision note"],
            "CTK-KH 2025Q1 3 returned, late",
            "SNV-KH 2025Q2 4 submitted, late",
        ),
        ("targets", "list", "DVC_DUNG_HAN"): (
            "Targets of DVC_DUNG_HAN (1)",
            ["Id", "Unit", "Period", "Kind", "Status", "Target", "Set by", "Set at", "Decided by",
             "Note"],
            "* 2025 assigned active 95 cli:root",
        ),
    },
}  # fmt: skip
TRACE = {  # the two flags say how a row counts; the dataset's own columns keep their names
    "vi": (["Thuộc tử số", "Thuộc mẫu số", "ma_ho_so"], "nguồn: ho_so_mot_cua@1 (snapshot ",
           "câu SQL cho ra giá trị này (chạy lại được bằng `kho sql`):"),
    "en": (["In numerator", "In denominator", "ma_ho_so"], "source: ho_so_mot_cua@1 (snapshot ",
           "value SQL (run it with `kho sql`):"),
}  # fmt: skip


@LANGS
def test_indicator_listings_speak_the_reader_language(kho: Kho, lang: str) -> None:
    for args, (title, headers, *rows) in INDICATORS[lang].items():
        check(kho(*args), title, headers, *rows)
    flags, source, sql = TRACE[lang]
    traced = kho("indicators", "trace", "DVC_DUNG_HAN", "-p", "2025", "--limit", "1")
    assert table(traced)[1][:3] == flags
    assert source in traced and sql in traced


OPERATIONS = {
    "vi": {
        ("maintain", "-d", "danh_ba_co_quan"): (
            "Bảo trì xong",
            ["Bảng", "Số tệp trước", "Số tệp sau", "Phiên bản cũ đã xoá", "Tệp thừa đã xoá",
             "Số lần thử lại", "Giây"],
            "snv_kh.danh_ba_co_quan",
        ),
        ("units", "list", "--province", "01"): (
            "1 đơn vị, danh mục 2025-07",
            ["Mã", "Tên", "Loại", "Tỉnh, thành phố", "Danh mục"],
            "01 Thành phố Hà Nội Thành phố 01 2025-07",
        ),
        ("units", "history", "02", "--version", "2025-01", "--level", "province"): (
            "Trở thành",
            ["Mã", "Tên", "Loại", "Tỉnh, thành phố", "Danh mục"],
            "02 Tỉnh Hà Giang (danh mục 2025-01, tỉnh)",
            "08 Tỉnh Tuyên Quang Tỉnh 08 2025-07",
        ),
        ("migrate", "report"): (
            None,
            ["Bảng", "Bộ dữ liệu", "Trạng thái", "Số dòng nguồn", "Số dòng trong kho",
             "Số dòng bị loại", "Khoá", "Ghi chú"],
            "→ CTK-KH: thành công (thành công 1)",
            "main.can_bo can_bo thành công 2 2 0 id",
        ),
    },
    "en": {
        ("maintain", "-d", "danh_ba_co_quan"): (
            "Maintenance done",
            ["Table", "Files before", "Files after", "Snapshots expired", "Orphans deleted",
             "Retries", "Seconds"],
            "snv_kh.danh_ba_co_quan",
        ),
        ("units", "list", "--province", "01"): (
            "1 unit(s), list 2025-07",
            ["Code", "Name", "Type", "Province", "List"],
            "01 Thành phố Hà Nội Thành phố 01 2025-07",
        ),
        ("units", "history", "02", "--version", "2025-01", "--level", "province"): (
            "Became",
            ["Code", "Name", "Type", "Province", "List"],
            "02 Tỉnh Hà Giang (list 2025-01, province)",
            "08 Tỉnh Tuyên Quang Tỉnh 08 2025-07",
        ),
        ("migrate", "report"): (
            None,
            ["Table", "Dataset", "Status", "Source rows", "Warehouse rows", "Rows rejected", "Key",
             "Notes"],
            "→ CTK-KH: ok (ok 1)",
            "main.can_bo can_bo ok 2 2 0 id",
        ),
    },
}  # fmt: skip
LINES = {  # commands that print lines, not tables
    "vi": {
        ("units", "resolve", "Ha Giang"): [
            "'Ha Giang': xác định được",
            "theo tên đã ghi: 02 Tỉnh Hà Giang (danh mục 2025-01)",
            "hiện nay: 08 Tỉnh Tuyên Quang (danh mục 2025-07)",
        ],
        ("sync", "list"): ["can-bo đối chiếu theo khoá daily 02:00 lần gần nhất: thành công lần tới: "],
        ("sync", "history"): ["#1 can-bo thành công lần thử 1 "],
        ("audit", "verify"): ["mục nhật ký kiểm toán đều nguyên vẹn."],
    },
    "en": {
        ("units", "resolve", "Ha Giang"): [
            "'Ha Giang': ok",
            "as written: 02 Tỉnh Hà Giang (list 2025-01)",
            "today: 08 Tỉnh Tuyên Quang (list 2025-07)",
        ],
        ("sync", "list"): ["can-bo keys daily 02:00 last: ok next: "],
        ("sync", "history"): ["#1 can-bo ok attempt 1 "],
        ("audit", "verify"): ["audit entries verify."],
    },
}  # fmt: skip
AMBIGUOUS = {
    "vi": ("'Xã Tân An': trùng tên, chưa rõ (", " đơn vị cùng tên; hãy ghi rõ tỉnh)", "Có thể là"),
    "en": ("'Xã Tân An': ambiguous (", " units of that name; give the province)", "Candidates"),
}


@LANGS
def test_operations_speak_the_reader_language(kho: Kho, lang: str) -> None:
    for args, (title, headers, *rows) in OPERATIONS[lang].items():
        check(kho(*args), title, headers, *rows)
    for args, expected in LINES[lang].items():
        out = flat(kho(*args))
        for line in expected:
            assert line in out, (line, out)
    status, note, title = AMBIGUOUS[lang]
    out = kho("units", "resolve", "Xã Tân An", code=1)
    assert status in out and note in out and table(out)[0] == title


CONFIRMED = {
    "vi": ["✓ đã mở khoá lan", "✓ đã cập nhật CTK-KH Thống kê tỉnh Khánh Hòa",
           "Loại cơ quan: sở, ban, ngành", "Đang hoạt động: có",
           "Xoá danh_ba_co_quan cùng mọi phiên bản của nó? [y/N]"],
    "en": ["✓ lan unlocked", "✓ updated CTK-KH Thống kê tỉnh Khánh Hòa", "Kind: department",
           "Active: yes", "Delete danh_ba_co_quan and all its versions? [y/N]"],
}  # fmt: skip


@LANGS
def test_confirmations_speak_the_reader_language(kho: Kho, lang: str) -> None:
    said = [
        kho("users", "unlock", "lan"),
        kho("orgs", "update", "CTK-KH", "--kind", "department"),
        kho("orgs", "show", "CTK-KH"),
        kho("datasets", "delete", "danh_ba_co_quan", stdin="n\n", code=1),  # refused: kept
    ]
    text = "\n".join(said)
    for line in CONFIRMED[lang]:
        assert line in text, (line, text)
    assert "danh_ba_co_quan" in kho("datasets", "list")


@LANGS
def test_json_keeps_the_stored_words(kho: Kho, lang: str) -> None:
    listing = json.loads(kho("datasets", "list", "--json"))["items"]
    assert {d["slug"]: (d["access_level"], d["freshness"]) for d in listing}["danh_ba_co_quan"] == (
        "public",
        "fresh",
    )
    grants = json.loads(kho("grants", "list", "--all", "--json"))
    assert sorted(g["state"] for g in grants) == ["active", "active", "revoked"]
    requests = json.loads(kho("requests", "list", "--json"))
    assert [r["status"] for r in requests] == ["pending"]
    entries = json.loads(kho("indicators", "entries", "SO_CUOC_HOP", "--json"))
    assert sorted(e["status"] for e in entries) == ["returned", "submitted"]
