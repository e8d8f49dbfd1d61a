"""Values as drivers deliver them → Arrow (misfits cast or rejected), and checksums per batch."""

from __future__ import annotations

import json
import uuid
from datetime import date, time, timedelta
from decimal import Decimal

import duckdb
import pyarrow as pa
import pytest

from kho.migrate.misfits import fit_column
from kho.migrate.received import ReceivedRows, RejectLog, RunningChecksums, trim_padding
from kho.migrate.transfer import ColumnPlan, checksums


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def arrow(values: list[object], duck: str, con: duckdb.DuckDBPyConnection) -> list[object]:
    fitted = fit_column(values, duck, con)
    assert fitted.reasons is None
    return fitted.array.to_pylist()


def test_driver_values_are_converted_to_the_column_type(con: duckdb.DuckDBPyConnection) -> None:
    assert arrow([Decimal("1.5"), None, 2], "DOUBLE", con) == [1.5, None, 2.0]
    # SQLite NUMERIC(10,2) arrives as REAL: rounded half away from zero to the scale
    assert arrow([0.125, 19.99, 3, "12.5"], "DECIMAL(10,2)", con) == [
        Decimal("0.13"),
        Decimal("19.99"),
        Decimal("3.00"),
        Decimal("12.50"),
    ]
    assert arrow([timedelta(hours=8, minutes=30), None], "TIME", con) == [time(8, 30), None]
    code = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert arrow([code], "VARCHAR", con) == ["12345678-1234-5678-1234-567812345678"]
    assert arrow([{"tỉnh": "Hà Nội", "n": 1}], "JSON", con) == ['{"tỉnh": "Hà Nội", "n": 1}']
    blobs = [bytearray(b"\x00\x01"), memoryview(b"\x02"), "văn bản"]
    assert arrow(blobs, "BLOB", con) == [b"\x00\x01", b"\x02", "văn bản".encode()]
    assert arrow([1, 0, 2, -1, None], "BOOLEAN", con) == [True, False, True, True, None]


@pytest.mark.parametrize(
    ("values", "duck", "typed", "reasons"),
    [
        (  # SQLite INTEGER holding Vietnamese numbers and words
            [5, "1.234.000", "2.500", "năm mươi nghìn", 7.0, 1.5],
            "BIGINT",
            [5, 1234000, 2500, None, 7, None],
            {
                3: "'năm mươi nghìn' is not a whole number written like 1.234.567",
                5: "'1.5' is not a integer value",
            },
        ),
        (  # REAL with a decimal comma, text that is no number
            [2.25, "1,5", "abc"],
            "DOUBLE",
            [2.25, 1.5, None],
            {2: "'abc' is not a number written like 1.234.567,89"},
        ),
        (  # DATE: ISO as DuckDB reads it, dd/mm/yyyy by Kho's rule, Unix time as the scanner
            ["2024-01-05", "05/01/2024", "31/12/2023 08:00", "hôm qua", 86_400],
            "DATE",
            [date(2024, 1, 5), date(2024, 1, 5), date(2023, 12, 31), None, date(1970, 1, 2)],
            {3: "'hôm qua' is not a dd/mm/yyyy date"},
        ),
        (
            ["Có", "không", "x", "có lẽ"],
            "BOOLEAN",
            [True, False, True, None],
            {3: "'có lẽ' is not a yes/no value (Có/Không, Đúng/Sai, x)"},
        ),
        ([Decimal("NaN")], "DECIMAL(10,2)", [None], {0: "'NaN' is not a decimal value"}),
        (
            [Decimal("123456789.5")],
            "DECIMAL(4,2)",
            [None],
            {0: "'123456789.5' is not a decimal value"},
        ),
        ([timedelta(hours=-2)], "TIME", [None], {0: "'-1 day, 22:00:00' is not a time value"}),
        (
            ["0000-00-00 00:00:00"],
            "TIMESTAMP",
            [None],
            {0: "'0000-00-00 00:00:00' is not a yyyy-mm-dd date and time"},
        ),
    ],
)
def test_misfits_are_cast_by_ingest_rules_or_kept_with_a_reason(
    con: duckdb.DuckDBPyConnection,
    values: list[object],
    duck: str,
    typed: list[object],
    reasons: dict[int, str],
) -> None:
    fitted = fit_column(values, duck, con)
    assert fitted.array.to_pylist() == typed
    assert fitted.reasons == [reasons.get(i) for i in range(len(values))]


def test_rows_with_a_misfit_are_left_out_logged_whole_and_not_summed(
    con: duckdb.DuckDBPyConnection,
) -> None:
    plans = [
        ColumnPlan("ma", "ma", "integer", '"ma"', "BIGINT"),
        ColumnPlan("Số tiền", "so_tien", "integer", '"Số tiền"', "BIGINT"),
    ]
    log = RejectLog(["ma", "Số tiền"], key=["ma"])
    rows = ReceivedRows(con, ["BIGINT", "BIGINT"], plans, log, key=["ma"])
    batch = rows.batch([(1, 50_000), (2, "năm mươi"), (3, "1.234.000")], lines=[11, 12, 13])
    assert batch.to_pylist() == [{"ma": 1, "so_tien": 50_000}, {"ma": 3, "so_tien": 1_234_000}]
    (record,) = log.records
    assert (record["line"], record["column"], record["value"]) == (12, "Số tiền", "năm mươi")
    assert json.loads(record["row"]) == {"ma": "2", "Số tiền": "năm mươi"}
    assert json.loads(record["key"]) == {"ma": "2"} and log.rows == 1
    assert log.kept_keys[0].to_pylist() == [{"ma": 2}]
    assert log.cast["Số tiền"] == 1  # 1.234.000, read as a Vietnamese number
    kept = pa.table({"ma": [1, 3], "Số tiền": [50_000, 1_234_000]})
    con.register("kept", kept)
    assert rows.sums.result() == checksums(con, "kept", ['"ma"', '"Số tiền"'])
    frame = log.frame()
    assert frame.columns == ["line", "column", "value", "reason", "row", "key"]


def test_char_padding_is_trimmed_only_at_the_end() -> None:
    padded = pa.array(["English             ", "  Việt  ", None])
    assert trim_padding(padded).to_pylist() == ["English", "  Việt", None]


def test_checksums_summed_over_batches_equal_one_query_over_all_rows() -> None:
    con = duckdb.connect()
    rows = pa.table(
        {
            "ma": pa.array(range(1, 1001), pa.int64()),
            "ten": pa.array([None if i % 7 == 0 else f"xã {i}" for i in range(1000)]),
        }
    )
    exprs = ['"ma"', '"ten"']
    con.register("all_rows", rows)
    whole = checksums(con, "all_rows", exprs)
    running = RunningChecksums(len(exprs))
    for batch in rows.to_batches(max_chunksize=300):
        con.register("part", pa.Table.from_batches([batch]))
        running.add(checksums(con, "part", exprs))
    assert running.result() == whole
    assert whole[0] == 1000 and whole[1][1][0] == 1000 - 143  # 143 multiples of 7 below 1000


def test_checksums_of_an_all_null_column_stay_null() -> None:
    running = RunningChecksums(1)
    running.add((2, [(0, None)]))
    running.add((3, [(0, None)]))
    assert running.result() == (5, [(0, None)])
