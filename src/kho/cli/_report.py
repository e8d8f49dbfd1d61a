"""Render a load report in the terminal."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from kho.cli._common import console, lang
from kho.errors_i18n import translate
from kho.i18n import num, t
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
            src.legacy_encoding and t("legacy_encoding", L, name=src.legacy_encoding),
            src.delimiter and t("delimiter", L, char=repr(src.delimiter)),
            src.sheet and t("sheet", L, name=repr(src.sheet)),
        )
        if x
    )
    header = t("header_lines", L, lines=", ".join(map(str, src.header_lines)) or "-")
    console.print(f"{t('source', L)}: {src.name} ({where}; {header})")
    console.print(
        f"{t('rows_read', L)}: {num(r.rows_read, L)}   "
        f"{t('rows_loaded', L)}: [green]{num(r.rows_loaded, L)}[/]   "
        f"{t('rows_rejected', L)}: [{'red' if r.rows_rejected else 'green'}]"
        f"{num(r.rows_rejected, L)}[/]   "
        f"{t('version', L)}: {r.version}  ({t('seconds', L, s=num(r.seconds, L, decimals=2))})"
    )
    table = Table(show_lines=False, expand=False)
    for col in ("header", "column", "type", "nulls", "examples", "why"):
        table.add_column(t(col, L), overflow="fold")
    for c in r.columns:
        detail = ", ".join(f"{v}" for v in c.detail.values())
        table.add_row(
            escape(c.header),
            c.name,
            c.type + (f" ({detail})" if detail else ""),
            num(c.null_count, L),
            escape(" | ".join(c.examples)),
            escape(translate(c.reason, L))
            + "".join(f"\n[yellow]⚠ {escape(translate(w, L))}[/]" for w in c.warnings),
        )
    console.print(table)
    if r.schema_changes:
        changes = "; ".join(translate(x, L) for x in r.schema_changes)
        console.print(f"{t('schema', L)}: {escape(changes)}")
    if src.skipped:
        console.print(f"[bold]{t('skipped_rows', L)}:[/]")
        for s in src.skipped[:10]:
            console.print(f"  {t('skipped_line', L, line=s.line, kind=s.kind)}: {escape(s.text)}")
        if len(src.skipped) > 10:
            console.print(f"  {t('more', L, n=num(len(src.skipped) - 10, L))}")
    if r.warnings:
        console.print(f"[bold yellow]{t('warnings', L)}:[/]")
        for w in r.warnings:
            console.print(f"  ⚠ {escape(translate(w, L))}")
    if r.reject_reasons:
        console.print(f"[bold red]{t('reject_reasons', L)}:[/]")
        for reason, n in list(r.reject_reasons.items())[:10]:
            console.print(f"  {num(n, L)} × {escape(translate_reason(reason, L))}")
        console.print(f"  → kho datasets rejects {r.dataset} --load {r.load_id}")
