"""Table maintenance: compact small files, expire old snapshots, delete orphan files."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, TypeVar

from kho.errors import Conflict, KhoError
from kho.warehouse import _write
from kho.warehouse._files import delete_files, list_files
from kho.warehouse._schema import arrow_target
from kho.warehouse.models import MaintenanceReport

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa
    from pyiceberg.manifest import DataFile
    from pyiceberg.table import Table, Transaction
    from pyiceberg.table.update.snapshot import _OverwriteFiles

    from kho.warehouse.service import Warehouse

T = TypeVar("T")


def maintain(
    warehouse: Warehouse,
    ident: str,
    *,
    keep_snapshots: int,
    keep_days: int,
    target_file_mb: int,
    min_files_to_compact: int,
    orphan_grace_s: float,
) -> MaintenanceReport:
    """Run the three maintenance steps on one table, retrying when a writer races them."""
    started = time.monotonic()
    report = MaintenanceReport(table=ident)
    report.files_before = len(_write.current_data_files(warehouse.load(ident).transaction()))
    with _RetryCounter() as counter:
        small_bytes = target_file_mb * 1024 * 1024 * 3 // 4

        def compact() -> None:
            _compact(warehouse, ident, small_bytes=small_bytes, min_files=min_files_to_compact)

        def expire() -> int:
            return _expire(warehouse.load(ident), keep_snapshots, keep_days)

        _with_retries(compact, warehouse.commit_retries, report)
        report.snapshots_expired = _with_retries(expire, warehouse.commit_retries, report)
    report.retries += counter.count
    report.orphans_deleted = delete_orphans(warehouse.load(ident), grace_s=orphan_grace_s)
    report.files_after = len(_write.current_data_files(warehouse.load(ident).transaction()))
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _with_retries(step: Callable[[], T], retries: int, report: MaintenanceReport) -> T:
    for attempt in range(retries + 1):
        try:
            return step()
        except Conflict:
            if attempt == retries:
                raise
            report.retries += 1
            time.sleep(min(0.05 * 2**attempt, 2.0) * (1 + random.random() / 10))
    raise AssertionError("unreachable")


# -- compaction ------------------------------------------------------------------------------


def _compact(warehouse: Warehouse, ident: str, *, small_bytes: int, min_files: int) -> None:
    from pyiceberg.exceptions import CommitFailedException, ValidationException
    from pyiceberg.expressions import AlwaysTrue
    from pyiceberg.io.pyarrow import ArrowScan

    table = warehouse.load(ident)
    tasks = [
        task
        for task in table.scan().plan_files()
        if task.file.file_size_in_bytes < small_bytes and not task.delete_files
    ]
    if len(tasks) < min_files:
        return
    tx = table.transaction()
    writer = _write.FileWriter(tx, arrow_target(table.schema()))
    con = warehouse.duck()
    expected = [0, 0]
    try:
        scan = ArrowScan(table.metadata, table.io, table.schema(), AlwaysTrue())
        writer.write(_checksummed(con, scan.to_record_batches(tasks), writer.target, expected))
        if len(writer.files) >= len(tasks):
            # Already target-sized files (small on disk because Parquet compresses them) would be
            # rewritten into as many files again on every run: keep the table as it is.
            writer.discard()
            return
        _verify(con, writer, expected, ident)
        producer = _rewrite_producer(tx, [t.file for t in tasks], writer.files)
        writer.producer = producer
        producer.commit()
        tx.commit_transaction()
    except (CommitFailedException, ValidationException) as exc:
        writer.discard()
        raise Conflict(f"A writer changed {ident!r} during compaction: {exc}") from exc
    except BaseException:
        writer.discard()
        raise
    finally:
        con.close()


def _row_hash_sql(source: str, schema: pa.Schema) -> str:
    cols = ", ".join('"' + n.replace('"', '""') + '"' for n in schema.names)
    return f"SELECT count(*), coalesce(sum(hash({cols})), 0)::HUGEINT FROM {source}"


def _checksummed(
    con: duckdb.DuckDBPyConnection,
    batches: Iterator[pa.RecordBatch],
    schema: pa.Schema,
    totals: list[int],
) -> Iterator[pa.RecordBatch]:
    from kho.warehouse._schema import conform

    for batch in batches:
        fitted = conform(batch, schema)
        con.register("kho_batch", fitted)
        count, digest = con.execute(_row_hash_sql("kho_batch", schema)).fetchone() or (0, 0)
        con.unregister("kho_batch")
        totals[0] += count
        totals[1] += int(digest)
        yield fitted


def _verify(
    con: duckdb.DuckDBPyConnection, writer: _write.FileWriter, expected: list[int], ident: str
) -> None:
    """Refuse to commit a compaction whose new files do not hold exactly the rows read."""
    paths = [f.file_path for f in writer.files]
    listing = ", ".join("'" + p.replace("'", "''") + "'" for p in paths)
    row = con.execute(_row_hash_sql(f"read_parquet([{listing}])", writer.target)).fetchone()
    count, digest = (row[0], int(row[1])) if row else (0, 0)
    if [count, digest] != expected:
        raise KhoError(
            f"Compaction of {ident!r} produced {count} rows (checksum {digest}) "
            f"instead of {expected[0]} (checksum {expected[1]}); nothing was changed.",
            hint="Report this as a bug; the table is untouched.",
        )


def _rewrite_producer(
    tx: Transaction, old: Sequence[DataFile], new: Sequence[DataFile]
) -> _OverwriteFiles:
    from pyiceberg.table.snapshots import Operation
    from pyiceberg.table.update.snapshot import _OverwriteFiles
    from pyiceberg.table.update.validate import _validate_data_files_exist

    class _RewriteFiles(_OverwriteFiles):
        """Compaction: concurrent appends do not conflict; the rewritten files must remain."""

        def _validate_concurrency(self) -> None:
            window = self._commit_window
            if window is None or window.is_empty() or window.head is None:
                return
            table = self._transaction._table
            _validate_data_files_exist(table, window.head, self._deleted_data_files, window.base)

    producer = _RewriteFiles(
        operation=Operation.OVERWRITE,
        transaction=tx,
        io=tx._table.io,
        snapshot_properties={"kho.maintenance": "compaction"},
    )
    for data_file in old:
        producer.delete_data_file(data_file)
    for data_file in new:
        producer.append_data_file(data_file)
    return producer


# -- snapshot expiry -------------------------------------------------------------------------


def _expire(table: Table, keep_snapshots: int, keep_days: int) -> int:
    from pyiceberg.exceptions import CommitFailedException

    cutoff = (datetime.now(UTC) - timedelta(days=keep_days)).timestamp() * 1000
    ordered = sorted(table.metadata.snapshots, key=lambda s: (s.timestamp_ms, s.sequence_number))
    newest = {s.snapshot_id for s in ordered[-max(keep_snapshots, 1) :]}
    protected = {ref.snapshot_id for ref in table.metadata.refs.values()}
    doomed = [
        s.snapshot_id
        for s in ordered
        if s.timestamp_ms < cutoff and s.snapshot_id not in newest | protected
    ]
    if not doomed:
        return 0
    try:
        table.maintenance.expire_snapshots().by_ids(doomed).commit()
    except CommitFailedException as exc:
        raise Conflict(f"A writer changed the table while snapshots were expiring: {exc}") from exc
    return len(doomed)


# -- orphan files ----------------------------------------------------------------------------


def referenced_files(table: Table) -> set[str]:
    """Every file the table's current metadata can reach (metadata, manifests, data)."""
    from kho.warehouse._files import _plain

    io, metadata = table.io, table.metadata
    found = {table.metadata_location, *(log.metadata_file for log in metadata.metadata_log)}
    found |= {s.statistics_path for s in metadata.statistics}
    seen_manifests: set[str] = set()
    for snapshot in metadata.snapshots:
        found.add(snapshot.manifest_list)
        for manifest in snapshot.manifests(io):
            if manifest.manifest_path in seen_manifests:
                continue
            seen_manifests.add(manifest.manifest_path)
            for entry in manifest.fetch_manifest_entry(io, discard_deleted=True):
                found.add(entry.data_file.file_path)
    found |= seen_manifests
    return {_plain(uri) for uri in found}


def delete_orphans(table: Table, *, grace_s: float) -> int:
    """Delete files under the table no metadata references and older than the grace period."""
    from kho.warehouse._files import _plain

    keep = referenced_files(table)
    cutoff = datetime.now(UTC) - timedelta(seconds=grace_s)
    doomed = [
        f.uri
        for f in list_files(table.metadata.location)
        if _plain(f.uri) not in keep and (f.modified is None or f.modified <= cutoff)
    ]
    return delete_files(doomed)


class _RetryCounter(logging.Handler):
    """Counts pyiceberg's own commit retries made by this thread."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.thread = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread and "retrying" in record.getMessage():
            self.count += 1

    def __enter__(self) -> _RetryCounter:
        logging.getLogger("pyiceberg.table").addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("pyiceberg.table").removeHandler(self)
