"""Data files written by DuckDB's Parquet writer, described for Iceberg as pyiceberg would.

DuckDB reads the Parquet files it writes itself faster than the ones PyArrow writes (the
1M-row dashboard query: 20.9 vs 22.9 ms, whatever PyArrow writer options), and every read of a
Kho table goes through DuckDB. So for a warehouse on local disk, a load's files are written with
``COPY … TO … (FORMAT parquet, FIELD_IDS …)`` — Iceberg's field ids in the file, the table's
codec and row-group size — and described (sizes, counts, bounds) from the file's own footer with
pyiceberg's functions. Object storage keeps pyiceberg's writer (its FileIO knows the credentials).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from itertools import count
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa
    from pyiceberg.manifest import DataFile
    from pyiceberg.table.metadata import TableMetadata

CODECS = {"snappy", "zstd", "gzip", "lz4", "uncompressed", "brotli"}


def local_path(location: str) -> str | None:
    """The file-system path of a ``file://`` (or bare) location; None for object storage."""
    parsed = urlparse(location)
    if parsed.scheme == "file":
        return unquote(parsed.path)
    return location if parsed.scheme == "" else None


def write_files(
    metadata: TableMetadata, reader: pa.RecordBatchReader, write_uuid: uuid.UUID, tasks: count[int]
) -> Iterator[DataFile]:
    """Bin-pack the batches into target-sized files (as pyiceberg does) and write each one."""
    import duckdb
    import pyarrow as pa
    from pyiceberg.io.pyarrow import bin_pack_record_batches
    from pyiceberg.table import TableProperties
    from pyiceberg.utils.properties import property_as_int

    target = property_as_int(
        metadata.properties,
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT,
    )
    con = duckdb.connect()
    try:
        for batches in bin_pack_record_batches(reader, target or 0):
            table = pa.Table.from_batches(batches, schema=reader.schema)
            yield _write_one(con, metadata, table, f"00000-{next(tasks)}-{write_uuid}.parquet")
    finally:
        con.close()


def _write_one(
    con: duckdb.DuckDBPyConnection, metadata: TableMetadata, table: pa.Table, name: str
) -> DataFile:
    import pyarrow.parquet as pq
    from pyiceberg.io.pyarrow import (
        compute_statistics_plan,
        data_file_statistics_from_parquet_metadata,
        parquet_path_to_id_mapping,
    )
    from pyiceberg.manifest import DataFile, DataFileContent, FileFormat
    from pyiceberg.table.locations import load_location_provider
    from pyiceberg.typedef import Record

    schema = metadata.schema()
    location = load_location_provider(metadata.location, metadata.properties).new_data_location(
        name
    )
    path = local_path(location)
    assert path is not None  # callers only come here for a local warehouse
    os.makedirs(os.path.dirname(path), exist_ok=True)
    ids = {f.name: f.field_id for f in schema.fields}
    field_ids = ", ".join(f"'{_quote(n)}': {ids[n]}" for n in table.column_names)
    codec = metadata.properties.get("write.parquet.compression-codec", "zstd").lower()
    rows = int(metadata.properties.get("write.parquet.row-group-limit", "122880"))
    con.register("kho_data_file", table)
    try:
        con.execute(
            f"COPY kho_data_file TO '{_quote(path)}' (FORMAT parquet, "
            f"COMPRESSION {codec if codec in CODECS else 'zstd'}, ROW_GROUP_SIZE {rows}, "
            f"FIELD_IDS {{{field_ids}}})"
        )
    finally:
        con.unregister("kho_data_file")
    statistics = data_file_statistics_from_parquet_metadata(
        parquet_metadata=pq.read_metadata(path),
        stats_columns=compute_statistics_plan(schema, metadata.properties),
        parquet_column_mapping=parquet_path_to_id_mapping(schema),
    )
    return DataFile.from_args(
        content=DataFileContent.DATA,
        file_path=location,
        file_format=FileFormat.PARQUET,
        partition=Record(),
        file_size_in_bytes=os.path.getsize(path),
        sort_order_id=None,
        spec_id=metadata.default_spec_id,
        equality_ids=None,
        key_metadata=None,
        **statistics.to_serialized_dict(),
    )


def _quote(text: str) -> str:
    return text.replace("'", "''")
