"""Values as drivers deliver them → Arrow, and checksums summed batch by batch."""

from __future__ import annotations

import uuid
from datetime import time, timedelta
from decimal import Decimal

import duckdb
import pyarrow as pa
import pytest

from kho.errors import InvalidInput
from kho.migrate.received import RunningChecksums, to_arrow, trim_padding
from kho.migrate.sqltypes import arrow_type
from kho.migrate.transfer import checksums


def arrow(values: list[object], duck: str) -> list[object]:
    return to_arrow(values, arrow_type(duck), column="cot", duck_type=duck).to_pylist()


def test_driver_values_are_converted_to_the_column_type() -> None:
    assert arrow([Decimal("1.5"), None, 2], "DOUBLE") == [1.5, None, 2.0]
    # SQLite NUMERIC(10,2) arrives as REAL: rounded half away from zero to the scale
    assert arrow([0.125, 19.99, 3, "12.5"], "DECIMAL(10,2)") == [
        Decimal("0.13"),
        Decimal("19.99"),
        Decimal("3.00"),
        Decimal("12.50"),
    ]
    assert arrow([timedelta(hours=8, minutes=30), None], "TIME") == [time(8, 30), None]
    code = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert arrow([code], "VARCHAR") == ["12345678-1234-5678-1234-567812345678"]
    assert arrow([{"tỉnh": "Hà Nội", "n": 1}], "JSON") == ['{"tỉnh": "Hà Nội", "n": 1}']
    assert arrow([bytearray(b"\x00\x01"), memoryview(b"\x02")], "BLOB") == [b"\x00\x01", b"\x02"]


@pytest.mark.parametrize(
    ("values", "duck", "shown"),
    [
        ([5, "năm"], "BIGINT", "'năm'"),
        ([Decimal("NaN")], "DECIMAL(10,2)", "'NaN'"),
        ([Decimal("123456789.5")], "DECIMAL(4,2)", "'123456789.5'"),
        ([timedelta(hours=-2)], "TIME", "'-1 day, 22:00:00'"),
        (["0000-00-00 00:00:00"], "TIMESTAMP", "'0000-00-00 00:00:00'"),
    ],
)
def test_a_value_the_column_cannot_hold_names_the_column_and_the_value(
    values: list[object], duck: str, shown: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        arrow(values, duck)
    assert err.value.message == f"Column 'cot' has a value Kho cannot read as {duck}: {shown}."


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
