"""Every tabular real-data file opens with the header, rows and skips a person would expect."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from kho.errors import SourceUnreadable
from kho.ingest.readers import open_source

REALDATA = Path(__file__).resolve().parents[3].parent / "shared" / "realdata"

# file -> (rows, header_lines, some headers, {kind: count} of skipped rows, extra checks)
EXPECTED: dict[str, tuple[int, list[int], list[str], dict[str, int]]] = {
    "vn/gso_dvhc_xls/tinh_2017-10.xls": (
        63,
        [1],
        ["Mã", "Tên", "Tên Tiếng Anh", "Cấp"],
        {"footer": 1},
    ),
    "vn/gso_dvhc_xls/huyen_2017-10.xls": (
        713,
        [1],
        ["Mã", "Mã TP", "Tỉnh / Thành Phố"],
        {"footer": 1},
    ),
    "vn/gso_dvhc_xls/xa_2017-10.xls": (11162, [1], ["Mã", "Mã QH", "Quận Huyện"], {}),
    "vn/gso_dvhc_xls/dvhc_full_2021-01.xls": (10618, [1], ["Tỉnh Thành Phố", "Mã PX"], {}),
    "vn/gso_dvhc_xls/dvhc_full_2025-03.xls": (10040, [1], ["Tỉnh Thành Phố", "Mã PX"], {}),
    "vn/gso_dvhc_csv/Xa_2025-01-04.csv": (10056, [1], ["Mã TP", "Phường Xã", "Cấp"], {}),
    "vn/gso_dvhc_csv/BangChuyendoi_DVHC_moi_cu_khong_merge_2025-07.csv": (
        10571,
        [2],
        ["Tỉnh, thành phố", "Tên Xã mới", "Mã Xã mới", "Tỉnh cũ"],
        {"title": 1, "group": 34},
    ),
    "vn/gso_dvhc_csv/Cap-xa_2025-07_du-thao.csv": (
        3321,
        [],
        ["Cột 1", "Cột 2", "Cột 3"],
        {"group": 34},
    ),
    "vn/gso_dvhc_csv/Cap-tinh_2025-07_du-thao.csv": (34, [], ["Cột 1", "Cột 2"], {}),
    "vn/gso_dvhc_csv/Ma_vung_dien_thoai_co_dinh_2017-09-01.csv": (63, [1], ["TT", "Mã vùng"], {}),
    "vn/dvhc_2025_merger/915_CTK-CSCL.csv": (
        34,
        [1],
        ["Stt", "Mã số", "Tên 34 tỉnh sau sáp nhập"],
        {},
    ),
    "vn/elections_na15_2021/candidates_1.1-26.csv": (
        49,
        [1],
        ["Họ và tên", "Ngày tháng năm sinh"],
        {},
    ),
    "vn/elections_na15_2021/candidates_9.345-446.csv": (204, [1], ["Họ và tên", "Quê quán"], {}),
    "vn/elections_na15_2021/cema-district-results.csv": (
        866,
        [1],
        ["votes_raw", "percent_raw"],
        {},
    ),
    "vn/elections_na15_2021/congressional-units-parsed.csv": (184, [1], ["districts"], {}),
    "vn/gso_pxweb_csv/extracted/Area_population_and_population_density_by_province.csv": (
        70,
        [3],
        ["Cities, provincies", "2011 Area (Km2)"],
        {"title": 1, "blank": 1},
    ),
    "vn/gso_pxweb_csv/extracted/Average_population_by_sex.csv": (
        81,
        [1],
        ["Items", "Year", "Male", "Female"],
        {"repeated_header": 1},
    ),
    "vn/gso_pxweb_csv/extracted/Exports_of_goods_by_country_group_country_and_territory.csv": (
        78,
        [3],
        ["Country and territory", "1995", "Prel. 2016"],
        {"title": 1, "blank": 1},
    ),
    "vn/gso_pxweb_csv/extracted/Monthly_average_income_per_capita_at_current_prices_by_income_quintile_and_by_province.csv": (  # noqa: E501
        70,
        [3],
        ["2010 General average"],
        {"title": 1, "blank": 1},
    ),
    "vn/gso_pxweb_csv/extracted/Monthly_consumer_price_index_gold_and_USD_price_index_as_compared_to_base_preriod_2009.csv": (  # noqa: E501
        16,
        [3],
        ["Year", "Commondity group", "Jan."],
        {"title": 1, "blank": 1},
    ),
    "vn/gso_pxweb_csv/extracted/Number_of_administrative_units_as_of_31_December_by_province.csv": (
        70,
        [3],
        ["2009 Wards"],
        {"title": 1, "blank": 1},
    ),
    "vn/gso_pxweb_csv/extracted/Number_of_markets_as_of_annual_December_31st_by_province.csv": (
        70,
        [1],
        ["Cities..provinces", "X2008"],
        {"repeated_header": 1},
    ),
    "vn/mof_budget_xls/Final_2006.xls": (
        73,
        [11, 12],
        ["STT", "BỔ SUNG TỪ NSTW CHO NSĐP - BỔ SUNG CÂN ĐỐI"],
        {"title": 6, "units": 1},
    ),
    "vn/mof_budget_xls/Final_2013.xls": (22, [9], ["STT", "Chỉ tiêu"], {"units": 1}),
    "vn/mof_budget_xls/Plan_2003.xls": (64, [9, 10, 11, 12, 13, 14], [], {"units": 1}),
    "vn/mof_budget_xls/Plan_2004.xls": (70, [1], ["STT\nNO"], {"numbering": 1, "blank": 5}),
    "vn/mof_budget_xls/Plan_2008.xls": (
        72,
        [8, 9, 10, 11],
        ["STT - No"],
        {"numbering": 1, "units": 1},
    ),
    "vn/mof_budget_xls/Plan_2010.xls": (70, [6, 7, 8, 9, 10], [], {"numbering": 1, "units": 1}),
    "vn/mof_budget_xls/Plan_2017.xls": (
        19,
        [8, 9],
        ["STT", "Chỉ tiêu", "Dự toán - năm 2017"],
        {"units": 1},
    ),
    "vn/indicators_pci_papi_xlsx/PAPI_2011-2016.xlsx": (
        64,
        [1, 2],
        ["tinhid", "Civic Knowledge - Tri thức công dân"],
        {},
    ),
    "vn/indicators_pci_papi_xlsx/PCI_2010.xls": (
        65,
        [1],
        ["Thứ tự", "Tỉnh"],
        {"repeated_header": 1},
    ),
    "vn/indicators_pci_papi_xlsx/PCI_2016.xlsx": (66, [1], ["Thứ tự", "Tỉnh"], {}),
    "vn/covid_moh_2020/cases1602235351640.json": (1100, [], ["Cột 1", "Cột 6"], {}),
    "vn/covid_moh_2020/announcements1602235354779.json": (
        415,
        [],
        ["vnTimestamp", "paragraphs"],
        {},
    ),
    "vn/dvhc_2025_merger/merges.json": (34, [], ["level1_id", "name", "merges", "level2s"], {}),
    "intl/br_lai_animais_silvestres/2020-2015_apreensoes_animais_silvestres.csv": (
        403,
        [1],
        ["UF", "Cidade", "Data"],
        {},
    ),
    "intl/br_lai_animais_silvestres/2020-2015_apreensoes_animais_silvestres.xlsx": (
        403,
        [1],
        ["UF", "Cidade", "Data"],
        {},
    ),
    "intl/br_lai_gastos_expresidentes/2016-2015_Dilma_2.xlsx": (418, [1], ["NUM_CNPJ_CPF"], {}),
    "intl/br_lai_gastos_expresidentes/2016-2015_Dilma_alimentacao.csv": (
        451,
        [1],
        ["NUM_CNPJ_CPF"],
        {},
    ),
    "intl/br_lai_gastos_expresidentes/2016-2015_Dilma_hospedagem.csv": (
        418,
        [1],
        ["NUM_CNPJ_CPF"],
        {},
    ),
    "intl/fr_scdl_subventions/csv-detective_a_test_file.csv": (
        404,
        [1],
        ["NUMCOM", "GEO_INFO"],
        {"repeated_header": 2},
    ),
    "intl/fr_scdl_subventions/subventions-commune-de-castelmaurou.csv": (95, [1], ["montant"], {}),
    "intl/fr_ssmsi_delinquance/donnee-dep-data.gouv-2022-geographie2023-produit-le2023-07-17.csv.gz": (  # noqa: E501
        9898,
        [1],
        ["classe", "Code.département", "tauxpourmille"],
        {},
    ),
}
REFUSED = {
    "vn/dvhc_2025_merger/1027_CTK-CSCL.md": "Markdown",
    "vn/dvhc_2025_merger/1656_NQ-UBTVQH15.md": "Markdown",
    "vn/gso_pxweb_csv/gso_21092018.zip": "334 tabular files",
}


def _load(relative: str) -> tuple[pl.DataFrame, Any]:
    source = open_source(REALDATA / relative)
    frame = pl.concat(list(source.batches()), how="vertical_relaxed")
    return frame, source.info


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_real_file_opens_as_a_person_would_read_it(relative: str) -> None:
    rows, header_lines, headers, skipped = EXPECTED[relative]
    frame, info = _load(relative)
    assert frame.height == rows
    assert info.header_lines == header_lines
    assert set(headers) <= set(info.headers), info.headers
    counts = Counter(s.kind for s in info.skipped)
    assert {k: counts[k] for k in skipped} == skipped
    assert frame["_problem"].null_count() == frame.height
    assert frame["_line"].is_sorted() and frame["_line"].min() > max(header_lines, default=0)


@pytest.mark.parametrize("relative", sorted(REFUSED))
def test_non_tabular_real_files_are_refused_clearly(relative: str) -> None:
    with pytest.raises(SourceUnreadable, match=REFUSED[relative]):
        open_source(REALDATA / relative)


def test_the_corpus_has_no_tabular_file_without_an_expectation() -> None:
    suffixes = (".csv", ".xls", ".xlsx", ".json", ".gz", ".zip", ".md")
    skip = ("intl/dcat_catalogs", "intl/ckan_api_responses", "SOURCE_README")
    found = {
        str(p.relative_to(REALDATA))
        for p in [*REALDATA.glob("vn/**/*"), *REALDATA.glob("intl/**/*")]
        if p.is_file() and p.name.endswith(suffixes) and not any(s in str(p) for s in skip)
    }
    assert found == set(EXPECTED) | set(REFUSED)


def test_gso_codes_stay_text_and_the_footer_count_is_not_data() -> None:
    frame, info = _load("vn/gso_dvhc_xls/tinh_2017-10.xls")
    assert frame["c0"].dtype == pl.String and frame["c0"][0] == "01"
    assert [s.text for s in info.skipped if s.kind == "footer"] == ["Số lượng : 63"]


def test_budget_table_reports_units_and_keeps_totals_with_a_warning() -> None:
    frame, info = _load("vn/mof_budget_xls/Final_2006.xls")
    assert "values in triệu đồng" in info.warnings
    assert any("totals" in w for w in info.warnings)
    assert frame["c1"][0] == "TỔNG SỐ" and frame["c2"][0] == 200228896.0


def test_latin1_byte_in_pxweb_file_is_decoded_with_a_warning() -> None:
    frame, info = _load(
        "vn/gso_pxweb_csv/extracted/Number_of_administrative_units_as_of_31_December_by_province.csv"
    )
    assert info.encoding == "cp1252"
    assert "Bình Dinh" in frame["c0"].to_list()
    assert any("Latin-1" in w for w in info.warnings)
    assert frame.filter(pl.col("c0") == "Ha Noi")["c1"].item() == ".."


def test_hidden_sheet_is_skipped_and_all_visible_sheets_listed() -> None:
    source = open_source(REALDATA / "vn/indicators_pci_papi_xlsx/PCI_2016.xlsx")
    assert source.info.sheet == "Summary_VN" and "Summary" not in source.info.sheets
    assert len(source.info.sheets) == 11


def test_draft_commune_list_keeps_multiline_cell_and_line_numbers() -> None:
    frame, _ = _load("vn/gso_dvhc_csv/Cap-xa_2025-07_du-thao.csv")
    assert frame["_line"][-1] == 3358
    assert frame.filter(pl.col("c0") == "00733")["c1"].item().strip() == "Xã Sà Phìn"
