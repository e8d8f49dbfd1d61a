"""Fitting incoming Arrow data to a table's schema: add columns, widen safely, refuse the rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kho.errors import SchemaMismatch

if TYPE_CHECKING:
    import pyarrow as pa
    from pyiceberg.schema import Schema
    from pyiceberg.table import Transaction
    from pyiceberg.table.update.schema import UpdateSchema
    from pyiceberg.types import IcebergType


@dataclass
class SchemaPlan:
    """Columns to add and to widen so that the incoming data fits the table.

    An exact plan (a replace that takes the incoming schema) also retypes and drops columns.
    """

    added: dict[str, IcebergType] = field(default_factory=dict)
    widened: dict[str, tuple[IcebergType, IcebergType]] = field(default_factory=dict)
    retyped: dict[str, tuple[IcebergType, IcebergType]] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # the table's columns before the change

    def describe(self) -> list[str]:
        """Human-readable list of changes, e.g. ``added column nguon (string)``."""
        changes = [f"added column {name} ({kind})" for name, kind in self.added.items()]
        changes += [
            f"widened column {n} from {old} to {new}" for n, (old, new) in self.widened.items()
        ]
        changes += [
            f"changed column {n} from {old} to {new}" for n, (old, new) in self.retyped.items()
        ]
        changes += [f"dropped column {name}" for name in self.dropped]
        return changes

    def apply(self, tx: Transaction) -> None:
        """Stage the schema changes inside the load's transaction."""
        if self.retyped or self.dropped:
            with tx.update_schema() as update:  # a name is free again only in a later update
                for name in [*self.retyped, *self.dropped]:
                    update.delete_column(name)
        if not (self.added or self.widened or self.retyped):
            return
        with tx.update_schema() as update:
            for name, (_, wider) in self.widened.items():
                update.update_column(name, field_type=wider)
            for name, (_, kind) in self.retyped.items():
                update.add_column(name, kind)
                self._keep_place(update, name)
            for name, kind in self.added.items():
                update.add_column(name, kind)

    def _keep_place(self, update: UpdateSchema, name: str) -> None:
        """A retyped column stays where it was among the columns that remain."""
        before = [n for n in self.order[: self.order.index(name)] if n not in self.dropped]
        if before:
            update.move_after(name, before[-1])
        else:
            update.move_first(name)


def normalize_schema(schema: pa.Schema) -> pa.Schema:
    """Arrow schema with the types Iceberg stores (us timestamps, plain strings, no dicts)."""
    import pyarrow as pa

    return pa.schema([pa.field(f.name, _storable(f.type), nullable=True) for f in schema])


def _storable(kind: pa.DataType) -> pa.DataType:
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        return _storable(kind.value_type)
    if pa.types.is_timestamp(kind):
        return pa.timestamp("us", tz="UTC" if kind.tz else None)
    if pa.types.is_time(kind):
        return pa.time64("us")
    if pa.types.is_string_view(kind) or pa.types.is_large_string(kind):
        return pa.string()
    if pa.types.is_date64(kind):
        return pa.date32()
    if pa.types.is_uint8(kind) or pa.types.is_uint16(kind):
        return pa.int32()
    if pa.types.is_uint32(kind) or pa.types.is_uint64(kind):
        return pa.int64()
    if pa.types.is_int8(kind) or pa.types.is_int16(kind):
        return pa.int32()
    if pa.types.is_float16(kind):
        return pa.float32()
    return kind


def iceberg_schema_of(schema: pa.Schema) -> Schema:
    """Iceberg schema for a brand-new table (all columns optional, all-null columns as text)."""
    import pyarrow as pa
    from pyiceberg.catalog import Catalog

    fields = [pa.field(f.name, pa.string() if pa.types.is_null(f.type) else f.type) for f in schema]
    _check_names(schema)
    return Catalog._convert_schema_if_needed(pa.schema(fields))


def plan_schema(table_schema: Schema, incoming: pa.Schema, *, exact: bool = False) -> SchemaPlan:
    """Compare incoming columns with the table's and decide what changes, or refuse.

    ``exact``: the incoming types win (retype rather than refuse, drop what is not incoming).
    """
    import pyarrow as pa

    _check_names(incoming)
    existing = {f.name: f.field_type for f in table_schema.fields}
    plan = SchemaPlan(order=list(existing))
    new_types = {f.name: f.field_type for f in iceberg_schema_of(incoming).fields}
    for arrow_field in incoming:
        name, new = arrow_field.name, new_types[arrow_field.name]
        if name not in existing:
            plan.added[name] = new
        elif pa.types.is_null(arrow_field.type) or new == existing[name]:
            continue
        elif _promotes(existing[name], new):
            plan.widened[name] = (existing[name], new)
        elif exact:
            plan.retyped[name] = (existing[name], new)
        elif not _fits(new, existing[name]):
            raise _mismatch(name, existing[name], new)
    if exact:
        plan.dropped = [name for name in existing if name not in new_types]
    return plan


def _fits(new: IcebergType, old: IcebergType) -> bool:
    return new == old or _promotes(new, old) or _fits_double(new, old)


def _promotes(source: IcebergType, target: IcebergType) -> bool:
    from pyiceberg.exceptions import ResolveError
    from pyiceberg.schema import promote

    try:
        return promote(source, target) == target
    except (ResolveError, TypeError, ValueError):
        return False


def _fits_double(source: IcebergType, target: IcebergType) -> bool:
    from pyiceberg.types import DoubleType, IntegerType, LongType

    return isinstance(target, DoubleType) and isinstance(source, (IntegerType, LongType))


def _mismatch(name: str, expected: IcebergType, found: IcebergType) -> SchemaMismatch:
    return SchemaMismatch(
        f"Column {name!r} is {expected} in the table but {found} in the new data.",
        expected={name: str(expected)},
        found={name: str(found)},
        hint="Fix the column in the source file, or reload with `--mode replace` into a new table.",
    )


def _check_names(schema: pa.Schema) -> None:
    from kho.errors import InvalidInput

    seen: set[str] = set()
    for name in schema.names:
        if not name or name in seen:
            raise InvalidInput(
                f"Column name {name!r} is empty or repeated in the data to load.",
                hint="Give every column a distinct, non-empty name.",
            )
        seen.add(name)


def conform(batch: pa.RecordBatch | pa.Table, target: pa.Schema) -> pa.RecordBatch | pa.Table:
    """Reorder, cast and null-fill one batch so that it has exactly the target schema."""
    import pyarrow as pa

    columns = []
    for target_field in target:
        index = batch.schema.get_field_index(target_field.name)
        if index < 0:
            columns.append(pa.nulls(batch.num_rows, type=target_field.type))
            continue
        columns.append(_cast(batch.column(index), target_field))
    extra = set(batch.schema.names) - set(target.names)
    if extra:
        raise SchemaMismatch(
            f"A later batch has columns the first batch did not: {', '.join(sorted(extra))}.",
            expected=target.names,
            found=batch.schema.names,
            hint="All batches of one load must have the same columns.",
        )
    maker = pa.Table if isinstance(batch, pa.Table) else pa.RecordBatch
    return maker.from_arrays(columns, schema=target)


def _cast(column: pa.Array, target_field: pa.Field) -> pa.Array:
    import pyarrow as pa

    if column.type == target_field.type:
        return column
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    safe = not (pa.types.is_timestamp(column.type) or pa.types.is_time(column.type))
    try:
        return column.cast(target_field.type, safe=safe)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise SchemaMismatch(
            f"Column {target_field.name!r} cannot be stored as {target_field.type}: {exc}.",
            expected={target_field.name: str(target_field.type)},
            found={target_field.name: str(column.type)},
            hint="Fix the column in the source file so that all batches have one type.",
        ) from exc


def arrow_target(schema: Schema) -> pa.Schema:
    """Arrow schema (without field-id metadata) that data for this Iceberg schema must have."""
    import pyarrow as pa

    return pa.schema([pa.field(f.name, f.type, nullable=True) for f in schema.as_arrow()])
