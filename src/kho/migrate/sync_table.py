"""One table of one sync run: the initial copy, an upsert past the watermark, or a full key diff
with deletes detected. Rows whose values do not fit their columns go to the run's rejects; a
rejected row keeps the warehouse's previous version instead of counting as deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kho.errors import InvalidInput

if TYPE_CHECKING:
    import pyarrow as pa

    from kho.migrate.sources import Source, SourceTable
    from kho.migrate.transfer import ColumnPlan
    from kho.platform import Platform


class TableSync:
    """One table of one run: initial copy, watermark upsert or full key diff."""

    def __init__(
        self,
        platform: Platform,
        source: Source,
        table: SourceTable,
        spec: dict[str, Any],
        ident: str,
    ) -> None:
        from kho.migrate.received import RejectLog
        from kho.migrate.transfer import plan_columns

        self.wh = platform.warehouse
        self.source, self.table, self.spec, self.ident = source, table, spec, ident
        self.plans = plan_columns(table)
        self.key = [p.name for p in self.plans if p.source in table.key]
        self.rejects = RejectLog([c.name for c in table.columns], table.key)
        self.kept = 0  # rejected rows whose previous version the warehouse keeps

    def run(self) -> dict[str, Any]:
        counts = {"inserted": 0, "updated": 0, "deleted": 0}
        if self.spec["mode"] == "watermark":
            return counts | self._watermark()
        return counts | self._keys()

    def _rows(self, where: str = "") -> pa.Table:
        """The rows to sync; those with a value their column cannot hold go to the rejects."""
        import pyarrow as pa

        from kho.migrate.sources import read_into

        return read_into(
            self.source, self.table, self.plans, self.rejects, pa.concat_tables, where=where
        )

    def _watermark(self) -> dict[str, Any]:
        import pyarrow.compute as pc

        plan = _plan_of(self.plans, self.spec["watermark_column"])
        last = self.spec["watermarks"].get(self.table.qualified)
        fresh = not self.wh.exists(self.ident)
        where = (
            "" if fresh or not last else f"{plan.expr} > CAST('{_lit(last)}' AS {plan.duck_type})"
        )
        rows = self._rows(where)
        out: dict[str, Any] = {"watermark": last}
        if rows.num_rows == 0:
            return out
        top = pc.max(rows.column(plan.name)).as_py()
        out["watermark"] = str(top) if top is not None else last
        existing = 0 if fresh or not self.key else self._count_existing(rows)
        mode = "replace" if fresh else "upsert" if self.key else "append"
        written = self.wh.write(self.ident, [rows], mode=mode, key=self.key)  # type: ignore[arg-type]
        return out | {
            "inserted": rows.num_rows - existing,
            "updated": existing,
            "snapshot_id": written.snapshot_id,
        }

    def _keys(self) -> dict[str, Any]:
        rows = self._rows()
        if not self.wh.exists(self.ident):
            written = self.wh.write(self.ident, [rows], mode="replace")
            return {"inserted": rows.num_rows, "snapshot_id": written.snapshot_id}
        rows = self._with_previous_versions(rows)
        diff = self._diff(rows)
        if any(diff.values()):
            diff["snapshot_id"] = self.wh.write(self.ident, [rows], mode="replace").snapshot_id
        return diff

    def _with_previous_versions(self, rows: pa.Table) -> pa.Table:
        """A rejected row is not a deleted one: the warehouse's version of its key stays."""
        import pyarrow as pa

        keys = [k for k in self.rejects.kept_keys if k.num_rows]
        if not keys or not self.key:
            return rows
        con = self.source.con
        con.register("kho_sync_rejected", pa.concat_tables(keys))
        try:
            on = " AND ".join(f'r."{k}" = w."{k}"' for k in self.key)
            scan = self.wh.scan_sql(self.ident)
            names = ", ".join(f'w."{p.name}"' for p in self.plans)
            sql = f"SELECT {names} FROM {scan} w SEMI JOIN kho_sync_rejected r ON {on}"
            kept = con.execute(sql).to_arrow_table().cast(rows.schema)
        finally:
            con.unregister("kho_sync_rejected")
        self.kept = kept.num_rows
        return pa.concat_tables([rows, kept])

    def _diff(self, rows: pa.Table) -> dict[str, Any]:
        con = self.source.con
        con.register("kho_sync_incoming", rows)
        try:
            scan = self.wh.scan_sql(self.ident)
            on = " AND ".join(f'i."{k}" = w."{k}"' for k in self.key)
            changed = " OR ".join(f'i."{p.name}" IS DISTINCT FROM w."{p.name}"' for p in self.plans)
            q = {
                "inserted": f"SELECT count(*) FROM kho_sync_incoming i ANTI JOIN {scan} w ON {on}",
                "deleted": f"SELECT count(*) FROM {scan} w ANTI JOIN kho_sync_incoming i ON {on}",
                "updated": f"SELECT count(*) FROM kho_sync_incoming i JOIN {scan} w ON {on} "
                f"WHERE {changed}",
            }
            return {k: int(con.execute(sql).fetchone()[0]) for k, sql in q.items()}  # type: ignore[index]
        finally:
            con.unregister("kho_sync_incoming")

    def _count_existing(self, rows: pa.Table) -> int:
        con = self.source.con
        con.register("kho_sync_incoming", rows)
        try:
            on = " AND ".join(f'i."{k}" = w."{k}"' for k in self.key)
            scan = self.wh.scan_sql(self.ident)
            sql = f"SELECT count(*) FROM kho_sync_incoming i SEMI JOIN {scan} w ON {on}"
            return int(con.execute(sql).fetchone()[0])  # type: ignore[index]
        finally:
            con.unregister("kho_sync_incoming")


def _plan_of(plans: list[ColumnPlan], source_name: str) -> ColumnPlan:
    for p in plans:
        if source_name in (p.source, p.name):
            return p
    raise InvalidInput(f"No watermark column {source_name!r} in the table.")


def _lit(value: str) -> str:
    return value.replace("'", "''")
