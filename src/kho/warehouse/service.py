"""The warehouse: typed, versioned Iceberg tables in the metadata DB's catalog, read by DuckDB."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from functools import cached_property
from itertools import chain
from typing import TYPE_CHECKING

from kho.errors import Conflict, InvalidInput, NotFound
from kho.warehouse import _write
from kho.warehouse._catalog import open_catalog, split_ident, table_properties
from kho.warehouse._files import delete_tree
from kho.warehouse._schema import arrow_target, iceberg_schema_of, normalize_schema, plan_schema
from kho.warehouse.models import MaintenanceReport, SnapshotInfo, WriteMode, WriteResult

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa
    from pyiceberg.catalog.sql import SqlCatalog
    from pyiceberg.table import Table, Transaction
    from sqlalchemy import Engine

MODES = ("create", "append", "replace", "upsert")


class Warehouse:
    """Creates, loads, versions, reads and maintains Iceberg tables."""

    def __init__(
        self,
        *,
        catalog_url: str,
        warehouse_uri: str,
        commit_retries: int = 10,
        catalog_name: str = "kho",
        engine: Engine | None = None,
    ) -> None:
        self._catalog_args = {
            "name": catalog_name,
            "catalog_url": catalog_url,
            "warehouse_uri": warehouse_uri,
        }
        self._engine = engine  # the metadata database's, when the catalog lives there
        self.warehouse_uri = warehouse_uri
        self.commit_retries = commit_retries
        self._duck: duckdb.DuckDBPyConnection | None = None
        self._duck_lock = threading.Lock()
        self._read_cache: dict[str, tuple[str, Table]] = {}

    @cached_property
    def catalog(self) -> SqlCatalog:
        """The pyiceberg SQL catalog, opened on first use: importing pyiceberg takes ~0.4 s,
        which commands that never touch a table's files do not pay."""
        return open_catalog(**self._catalog_args)

    # -- names -------------------------------------------------------------------------------

    def ensure_namespace(self, namespace: str) -> None:
        """Create the namespace unless it exists."""
        split_ident(f"{namespace}.t")
        self.catalog.create_namespace_if_not_exists(namespace)

    def exists(self, ident: str) -> bool:
        """Whether the table exists."""
        split_ident(ident)
        if "catalog" not in self.__dict__ and self._engine is not None:
            return self._listed(ident, self._engine)
        return bool(self.catalog.table_exists(ident))

    def _listed(self, ident: str, engine: Engine) -> bool:
        """The catalog's own test (a row in ``iceberg_tables``) without opening pyiceberg."""
        from sqlalchemy import inspect, text

        namespace, name = split_ident(ident)
        with engine.connect() as conn:
            if not inspect(conn).has_table("iceberg_tables"):
                return False
            row = conn.execute(
                text(
                    "SELECT 1 FROM iceberg_tables WHERE catalog_name = :catalog "
                    "AND table_namespace = :namespace AND table_name = :name"
                ),
                {"catalog": self._catalog_args["name"], "namespace": namespace, "name": name},
            ).first()
        return row is not None

    def list_tables(self, namespace: str | None = None) -> list[str]:
        """Tables as ``namespace.table``, sorted; all namespaces when none is given."""
        from pyiceberg.exceptions import NoSuchNamespaceError

        namespaces = (
            [namespace] if namespace else [".".join(n) for n in self.catalog.list_namespaces()]
        )
        found: list[str] = []
        for name in namespaces:
            try:
                found += [".".join(ident) for ident in self.catalog.list_tables(name)]
            except NoSuchNamespaceError:
                continue
        return sorted(found)

    def drop(self, ident: str) -> None:
        """Drop the table and delete all its files."""
        table = self.load(ident)
        self.catalog.purge_table(ident)
        delete_tree(table.metadata.location)

    def load(self, ident: str) -> Table:
        """The pyiceberg table, or NotFound naming the tables that do exist."""
        from pyiceberg.exceptions import NoSuchNamespaceError, NoSuchTableError

        split_ident(ident)
        try:
            return self.catalog.load_table(ident)
        except (NoSuchTableError, NoSuchNamespaceError) as exc:
            raise NotFound(
                f"No table {ident!r} in the warehouse.",
                hint="Run `kho datasets list` to see the tables that exist.",
            ) from exc

    def metadata_location(self, ident: str) -> str:
        """The current metadata file, from the catalog row alone (no file is read)."""
        from pyiceberg.catalog.sql import IcebergTables
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        namespace, name = split_ident(ident)
        with Session(self.catalog.engine) as session:
            location = session.scalar(
                select(IcebergTables.metadata_location).where(
                    IcebergTables.catalog_name == self.catalog.name,
                    IcebergTables.table_namespace == namespace,
                    IcebergTables.table_name == name,
                )
            )
        if not location:
            raise NotFound(
                f"No table {ident!r} in the warehouse.",
                hint="Run `kho datasets list` to see the tables that exist.",
            )
        return str(location)

    def _read(self, ident: str) -> Table:
        """The table for reading: a metadata file never changes once written, so the parsed table
        is kept per location and reused until a commit moves the catalog row on. Writers use
        ``load`` (a fresh object each time): pyiceberg updates a table object in place on commit."""
        location = self.metadata_location(ident)
        cached = self._read_cache.get(ident)
        if cached is not None and cached[0] == location == cached[1].metadata_location:
            return cached[1]
        table = self.load(ident)
        self._read_cache[ident] = (table.metadata_location, table)
        return table

    # -- reading -----------------------------------------------------------------------------

    def schema(self, ident: str) -> pa.Schema:
        """The table's current columns as an Arrow schema."""
        return arrow_target(self._read(ident).schema())

    def row_count(self, ident: str) -> int:
        """Rows in the current snapshot, from its summary (no data is read)."""
        snapshot = self._read(ident).current_snapshot()
        if snapshot is None or snapshot.summary is None:
            return 0
        return int(snapshot.summary.get("total-records", "0"))

    def snapshots(self, ident: str) -> list[SnapshotInfo]:
        """Every retained version of the table, oldest first (metadata only)."""
        table = self._read(ident)
        ordered = sorted(
            table.metadata.snapshots, key=lambda s: (s.timestamp_ms, s.sequence_number)
        )
        return [_snapshot_info(s) for s in ordered]

    def scan_sql(self, ident: str, *, snapshot_id: int | None = None) -> str:
        """A DuckDB table expression reading the table (or one of its snapshots)."""
        if snapshot_id is None:
            location = self.metadata_location(ident).replace("'", "''")
            return f"iceberg_scan('{location}')"
        table = self._read(ident)
        location = table.metadata_location.replace("'", "''")
        if table.metadata.snapshot_by_id(snapshot_id) is None:
            valid = ", ".join(str(s.snapshot_id) for s in table.metadata.snapshots)
            raise NotFound(
                f"Table {ident!r} has no snapshot {snapshot_id}.",
                hint=f"Valid snapshot ids: {valid or 'none'}.",
            )
        return f"iceberg_scan('{location}', snapshot_from_id={int(snapshot_id)})"

    def duck(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the warehouse's shared DuckDB session (extensions loaded once)."""
        from kho.query.duck import connect

        with self._duck_lock:
            if self._duck is None:
                self._duck = connect()
            return self._duck.cursor()

    # -- writing -----------------------------------------------------------------------------

    def write(
        self,
        ident: str,
        batches: Iterable[pa.Table | pa.RecordBatch],
        *,
        mode: WriteMode,
        key: Sequence[str] = (),
        exact_schema: bool = False,
    ) -> WriteResult:
        """Load batches atomically: one commit at the end, nothing left behind if anything fails.

        ``exact_schema`` (replace only): the new version takes the incoming columns and types as
        they are — a column whose type changed is replaced, one not in the data is dropped — while
        older versions keep theirs. Otherwise columns are only added or safely widened.
        """
        namespace, _ = split_ident(ident)
        if mode not in MODES:
            raise InvalidInput(
                f"Unknown write mode {mode!r}.", hint=f"Use one of: {', '.join(MODES)}."
            )
        if exact_schema and mode != "replace":
            raise InvalidInput(f"Only a replace can change column types, not {mode!r}.")
        iterator = iter(batches)
        first = next(iterator, None)
        if first is None:
            raise InvalidInput(f"No data to load into {ident!r}.", hint="Check the source file.")
        stream = chain([first], iterator)
        incoming = normalize_schema(first.schema)
        table = self._load_or_none(ident)
        if table is not None and mode == "create":
            raise Conflict(
                f"Table {ident!r} already exists.",
                hint="Use `--mode append`, `--mode replace` or `--mode upsert`.",
            )
        if mode == "upsert":
            from kho.warehouse._upsert import require_key_columns

            existing = arrow_target(table.schema()) if table is not None else None
            require_key_columns(key, incoming, existing)
        tx, changes = self._begin(ident, namespace, table, incoming, exact=exact_schema)
        if mode == "upsert":
            return self._upsert(ident, tx, changes, stream, key, fresh=table is None)
        return self._load(ident, tx, changes, stream, replace=mode == "replace")

    def _load_or_none(self, ident: str) -> Table | None:
        try:
            return self.load(ident)
        except NotFound:
            return None

    def _begin(
        self, ident: str, namespace: str, table: Table | None, incoming: pa.Schema, *, exact: bool
    ) -> tuple[Transaction, list[str]]:
        if table is None:
            self.ensure_namespace(namespace)
            schema = iceberg_schema_of(incoming)
            props = table_properties(self.commit_retries)
            return self.catalog.create_table_transaction(ident, schema, properties=props), []
        plan = plan_schema(table.schema(), incoming, exact=exact)
        tx = table.transaction()
        plan.apply(tx)
        return tx, plan.describe()

    def _load(
        self,
        ident: str,
        tx: Transaction,
        changes: list[str],
        stream: Iterator[pa.Table | pa.RecordBatch],
        *,
        replace: bool,
    ) -> WriteResult:
        writer = _write.FileWriter(tx, arrow_target(tx.table_metadata.schema()))
        with _discard_on_failure(writer):
            files = writer.write(stream)
            if replace:
                old = _write.current_data_files(tx)
                producer = _write.replace_producer(tx, old, files)
            else:
                producer = _write.append_producer(tx, files)
            writer.producer = producer
            snapshot_id = _write.commit(tx, producer, ident)
        return WriteResult(snapshot_id, writer.rows, self.row_count(ident), changes)

    def _upsert(
        self,
        ident: str,
        tx: Transaction,
        changes: list[str],
        stream: Iterator[pa.Table | pa.RecordBatch],
        key: Sequence[str],
        *,
        fresh: bool,
    ) -> WriteResult:
        from kho.warehouse._upsert import check_keys, merged_rows

        target = arrow_target(tx.table_metadata.schema())
        writer = _write.FileWriter(tx, target)
        incoming = _collect(writer, stream)
        con = self.duck()
        try:
            con.register("kho_incoming", incoming)
            check_keys(con, "kho_incoming", key)
            with _discard_on_failure(writer):
                old = _write.current_data_files(tx)
                if fresh or not old:
                    writer.write(incoming.to_batches())
                else:
                    location = tx._table.metadata_location.replace("'", "''")
                    scan = f"iceberg_scan('{location}')"
                    writer.write(merged_rows(con, scan=scan, view="kho_incoming", key=key))
                producer = _write.replace_producer(tx, old, writer.files)
                writer.producer = producer
                snapshot_id = _write.commit(tx, producer, ident)
        finally:
            con.close()
        return WriteResult(snapshot_id, incoming.num_rows, self.row_count(ident), changes)

    # -- maintenance -------------------------------------------------------------------------

    def maintain(
        self,
        ident: str,
        *,
        keep_snapshots: int = 20,
        keep_days: int = 30,
        target_file_mb: int = 128,
        min_files_to_compact: int = 4,
        orphan_grace_s: float = 3600.0,
    ) -> MaintenanceReport:
        """Compact small files, expire old snapshots and delete unreferenced files."""
        from kho.warehouse.maintenance import maintain

        return maintain(
            self,
            ident,
            keep_snapshots=keep_snapshots,
            keep_days=keep_days,
            target_file_mb=target_file_mb,
            min_files_to_compact=min_files_to_compact,
            orphan_grace_s=orphan_grace_s,
        )


def _collect(writer: _write.FileWriter, stream: Iterator[pa.Table | pa.RecordBatch]) -> pa.Table:
    import pyarrow as pa

    return pa.Table.from_batches(list(writer._conformed(stream)), schema=writer.target)


class _discard_on_failure:  # noqa: N801 - used as a context manager
    """Delete the load's files (data and manifests) unless its snapshot was committed."""

    def __init__(self, writer: _write.FileWriter) -> None:
        self.writer = writer

    def __enter__(self) -> _write.FileWriter:
        return self.writer

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None or _landed(self.writer):
            return
        self.writer.discard()
        producer = getattr(self.writer, "producer", None)
        if producer is not None:
            producer._clean_all_uncommitted()


def _landed(writer: _write.FileWriter) -> bool:
    producer = getattr(writer, "producer", None)
    if producer is None:
        return False
    try:
        table = writer.tx._table.refresh()
    except Exception:  # noqa: BLE001 - a table never created cannot hold the snapshot
        return False
    return table.metadata.snapshot_by_id(producer.snapshot_id) is not None


def _snapshot_info(snapshot: object) -> SnapshotInfo:
    from pyiceberg.table.snapshots import Snapshot

    assert isinstance(snapshot, Snapshot)
    summary = dict(snapshot.summary.additional_properties) if snapshot.summary else {}
    operation = snapshot.summary.operation.value if snapshot.summary else "unknown"
    return SnapshotInfo(
        snapshot_id=snapshot.snapshot_id,
        parent_id=snapshot.parent_snapshot_id,
        committed_at=datetime.fromtimestamp(snapshot.timestamp_ms / 1000, tz=UTC),
        operation=operation,
        added_rows=int(summary.get("added-records", 0)),
        deleted_rows=int(summary.get("deleted-records", 0)),
        total_rows=int(summary.get("total-records", 0)),
        summary=summary,
    )
