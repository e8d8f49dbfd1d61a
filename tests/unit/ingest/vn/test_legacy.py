"""TCVN3 (ABC) and VNI legacy font text: detection per column and conversion."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import pytest

from kho.ingest.vn.legacy import convert_legacy, detect_legacy

VNI_NAMES = [
    "Nguyeãn Vaên An",
    "Traàn Thò Bình",
    "Haø Noäi",
    "Tröôøng Ñaïi hoïc Baùch khoa",
    "Thaønh phoá Hoà Chí Minh",
    "Quaän Ñoáng Ña",
]


def _plan_2003(realdata: Path) -> tuple[list[str], list[str]]:
    import xlrd

    book = xlrd.open_workbook(str(realdata / "vn" / "mof_budget_xls" / "Plan_2003.xls"))
    legacy, unicode_ = book.sheet_by_index(0), book.sheet_by_index(1)  # same table, twice
    pairs = [
        (legacy.cell_value(r, c), unicode_.cell_value(r, c))
        for r in range(legacy.nrows)
        for c in range(legacy.ncols)
    ]
    pairs = [(a, b) for a, b in pairs if isinstance(a, str) and a.strip()]
    return [a for a, _ in pairs], [b for _, b in pairs]


def test_examples_convert() -> None:
    assert convert_legacy("Hµ Néi", "tcvn3") == "Hà Nội"
    assert convert_legacy("Haø Noäi", "vni") == "Hà Nội"
    assert convert_legacy("Bé Tµi chÝnh", "tcvn3") == "Bộ Tài chính"
    assert convert_legacy("dù to¸n thu, chi ng©n s¸ch", "tcvn3") == "dự toán thu, chi ngân sách"
    assert convert_legacy("Tröôøng Ñaïi hoïc", "vni") == "Trường Đại học"
    assert convert_legacy("TP. HOÀ CHÍ MINH", "vni") == "TP. HỒ CHÍ MINH"


def test_every_tcvn3_cell_of_plan_2003_matches_its_unicode_copy(realdata: Path) -> None:
    legacy, expected = _plan_2003(realdata)
    assert len(legacy) > 100
    converted = [convert_legacy(v, "tcvn3").upper() for v in legacy]
    assert converted == [unicodedata.normalize("NFC", v).upper() for v in expected]


def test_plan_2003_sheets_are_detected_as_tcvn3_and_unicode(realdata: Path) -> None:
    legacy, unicode_ = _plan_2003(realdata)
    assert detect_legacy(legacy) == "tcvn3"
    assert detect_legacy(unicode_) is None


def test_vni_column_is_detected() -> None:
    assert detect_legacy(VNI_NAMES) == "vni"
    assert [convert_legacy(v, "vni") for v in VNI_NAMES[:3]] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Hà Nội",
    ]


def test_unicode_cells_are_left_alone_by_conversion() -> None:
    assert convert_legacy("Thành phố Hồ Chí Minh", "tcvn3") == "Thành phố Hồ Chí Minh"
    assert convert_legacy("Thành phố Hồ Chí Minh", "vni") == "Thành phố Hồ Chí Minh"


@pytest.mark.parametrize(
    "values",
    [
        ["Hà Nội", "Thành phố Hồ Chí Minh", "Chí", "Thái Bình"],
        ["Ministry of Finance", "Total", "Budget 2003"],
        [
            "Délégation générale",
            "Île-de-France",
            "Né à Paris",
            "Café crème",
            "Hôtel de Ville",
            "Noël",
        ],
        [
            "São Paulo",
            "informações",
            "João",
            "não",
            "Ministério da Saúde",
            "alimentação",
            "apreensões",
        ],
        ["Søren Kierkegaard", "København", "Müller", "Straße"],
        [],
    ],
)
def test_normal_text_is_not_taken_for_legacy(values: list[str]) -> None:
    assert detect_legacy(values) is None


@pytest.mark.parametrize(
    "relative",
    [
        "intl/br_lai_gastos_expresidentes/2016-2015_Dilma_alimentacao.csv",
        "intl/br_lai_animais_silvestres/2020-2015_apreensoes_animais_silvestres.csv",
        "intl/fr_scdl_subventions/subventions-commune-de-castelmaurou.csv",
        "vn/elections_na15_2021/candidates_1.1-26.csv",
    ],
)
def test_real_portuguese_french_and_vietnamese_files_are_not_legacy(
    realdata: Path, relative: str
) -> None:
    raw = (realdata / relative).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    dialect = ";" if text[:2000].count(";") > text[:2000].count(",") else ","
    cells = [c for row in csv.reader(io.StringIO(text), delimiter=dialect) for c in row]
    assert len(cells) > 100
    assert detect_legacy(cells) is None


def test_unknown_encoding_is_refused() -> None:
    with pytest.raises(ValueError, match="tcvn3"):
        convert_legacy("abc", "viqr")  # type: ignore[arg-type]
