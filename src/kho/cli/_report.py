"""Render a load report in the terminal."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from kho.cli._common import console, lang
from kho.errors_i18n import translate
from kho.i18n import t
from kho.ingest.models import LoadReport
from kho.ingest.reasons import translate_reason


def render_report(r: LoadReport) -> None:
    L = lang()
    src = r.source
    console.print(f"\n[bold]{t('load_report', L)} #{r.load_id}[/] — {r.dataset} ({r.mode})")
    where = ", ".join(
        x
        for x in (
            src.format,
            src.encoding,
            src.legacy_encoding and f"legacy {src.legacy_encoding}",
            src.delimiter and f"delimiter {src.delimiter!r}",
            src.sheet and f"sheet {src.sheet!r}",
        )
        if x
    )
    console.print(
        f"{t('source', L)}: {src.name} ({where}; header line(s) {src.header_lines or '-'})"
    )
    console.print(
        f"{t('rows_read', L)}: {r.rows_read:,}   {t('rows_loaded', L)}: [green]{r.rows_loaded:,}[/]   "
        f"{t('rows_rejected', L)}: [{'red' if r.rows_rejected else 'green'}]{r.rows_rejected:,}[/]   "
        f"{t('version', L)}: {r.version}  ({r.seconds:.2f} s)"
    )
    table = Table(show_lines=False, expand=False)
    for col in ("header", "column", "type", "nulls", "examples", "why"):
        table.add_column(t(col, L), overflow="fold")
    for c in r.columns:
        detail = ", ".join(f"{v}" for v in c.detail.values())
        table.add_row(
            c.header,
            c.name,
            c.type + (f" ({detail})" if detail else ""),
            f"{c.null_count:,}",
            " | ".join(c.examples),
            escape(translate(c.reason, L))
            + "".join(f"\n[yellow]⚠ {escape(translate(w, L))}[/]" for w in c.warnings),
        )
    console.print(table)
    if r.schema_changes:
        console.print("Schema: " + escape("; ".join(translate(x, L) for x in r.schema_changes)))
    if src.skipped:
        console.print(f"[bold]{t('skipped_rows', L)}:[/]")
        for s in src.skipped[:10]:
            console.print(f"  line {s.line} ({s.kind}): {s.text}")
        if len(src.skipped) > 10:
            console.print(f"  … {len(src.skipped) - 10} more")
    if r.warnings:
        console.print(f"[bold yellow]{t('warnings', L)}:[/]")
        for w in r.warnings:
            console.print(f"  ⚠ {escape(translate(w, L))}")
    if r.reject_reasons:
        console.print(f"[bold red]{t('reject_reasons', L)}:[/]")
        for reason, n in list(r.reject_reasons.items())[:10]:
            console.print(f"  {n:,} × {translate_reason(reason, L)}")
        console.print(f"  → kho datasets rejects {r.dataset} --load {r.load_id}")
