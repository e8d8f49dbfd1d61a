"""The mechanics of one load: stream batches into data files, then commit them once."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from kho.errors import Conflict
from kho.warehouse._catalog import ROW_GROUP_ROWS
from kho.warehouse._files import delete_files, list_files
from kho.warehouse._schema import conform

if TYPE_CHECKING:
    import pyarrow as pa
    from pyiceberg.manifest import DataFile
    from pyiceberg.table import Transaction
    from pyiceberg.table.update.snapshot import _SnapshotProducer


class FileWriter:
    """Writes the data files of one load, remembering them so a failed load can delete them."""

    def __init__(self, tx: Transaction, target: pa.Schema) -> None:
        self.tx = tx
        self.target = target
        self.write_uuid = uuid.uuid4()
        self.files: list[DataFile] = []
        self.producer: _SnapshotProducer[Any] | None = None

    def write(self, batches: Iterable[pa.RecordBatch | pa.Table]) -> list[DataFile]:
        """Conform and stream the batches into target-sized Parquet files."""
        import pyarrow as pa
        from pyiceberg.io.pyarrow import _dataframe_to_data_files

        reader = pa.RecordBatchReader.from_batches(self.target, self._conformed(batches))
        written = _dataframe_to_data_files(
            table_metadata=self.tx.table_metadata,
            df=reader,
            io=self.tx._table.io,
            write_uuid=self.write_uuid,
        )
        for data_file in written:
            self.files.append(data_file)
        return self.files

    def _conformed(self, batches: Iterable[pa.RecordBatch | pa.Table]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa

        for batch in batches:
            fitted = conform(batch, self.target)
            if isinstance(fitted, pa.Table):
                yield from fitted.to_batches(max_chunksize=ROW_GROUP_ROWS)
            else:
                yield fitted

    @property
    def rows(self) -> int:
        """Rows in the files written so far."""
        return sum(f.record_count for f in self.files)

    def discard(self) -> None:
        """Delete every data file this load wrote (including ones written before a crash)."""
        marker = str(self.write_uuid)
        location = self.tx.table_metadata.location
        delete_files([f.uri for f in list_files(location) if marker in f.uri.rsplit("/", 1)[-1]])


def current_data_files(tx: Transaction) -> list[DataFile]:
    """The live data files of the transaction's current snapshot."""
    snapshot = tx.table_metadata.current_snapshot()
    if snapshot is None:
        return []
    io = tx._table.io
    return [
        entry.data_file
        for manifest in snapshot.manifests(io)
        for entry in manifest.fetch_manifest_entry(io, discard_deleted=True)
    ]


def append_producer(tx: Transaction, files: Sequence[DataFile]) -> _SnapshotProducer[Any]:
    """A merge-append (manifests merged per table properties) adding the given files."""
    producer = tx.update_snapshot().merge_append()
    for data_file in files:
        producer.append_data_file(data_file)
    return producer


def replace_producer(
    tx: Transaction, old: Sequence[DataFile], new: Sequence[DataFile]
) -> _SnapshotProducer[Any]:
    """An overwrite snapshot that removes exactly ``old`` and adds ``new``."""
    producer = tx.update_snapshot().overwrite()
    for data_file in old:
        producer.delete_data_file(data_file)
    for data_file in new:
        producer.append_data_file(data_file)
    return producer


def commit(tx: Transaction, producer: _SnapshotProducer[Any], ident: str) -> int:
    """Stage the producer and commit the transaction; return the new snapshot id."""
    from pyiceberg.exceptions import (
        CommitFailedException,
        TableAlreadyExistsError,
        ValidationException,
    )

    producer.commit()
    try:
        tx.commit_transaction()
    except TableAlreadyExistsError as exc:
        raise Conflict(
            f"Table {ident!r} was created by another load at the same time.",
            hint="Load again with `--mode append`, `replace` or `upsert`.",
        ) from exc
    except (CommitFailedException, ValidationException) as exc:
        raise Conflict(
            f"Another load changed table {ident!r} while this one was writing: {exc}",
            hint="Nothing was changed by this load. Run it again.",
        ) from exc
    return producer.snapshot_id
