"""`kho sync add|run|list|history` and `kho scheduler`: keep migrated tables up to date."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from kho.cli._common import actor, console, count, lang, moment, platform, print_json, word
from kho.i18n import t

app = typer.Typer(
    help="Scheduled sync of a source database (watermark or key diff); history of runs.",
    no_args_is_help=True,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def _syncer() -> Any:
    from kho.migrate.sync import Syncer

    return Syncer(platform())


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="Name of the sync, e.g. ktxh-daily.")],
    source: Annotated[str, typer.Argument(help="Source URL; ${VAR} is read from the environment.")],
    table: Annotated[list[str], typer.Option("--table", "-t", help="Table to sync (repeat).")],
    mode: Annotated[
        str, typer.Option(help="watermark (by a column) | keys (diff, deletes)")
    ] = "keys",
    watermark: Annotated[
        str | None, typer.Option(help="Column that grows on every change, e.g. updated_at.")
    ] = None,
    schedule: Annotated[
        str, typer.Option(help="daily HH:MM | hourly | every 30m / 6h / 1d")
    ] = "daily 02:00",
    org: Annotated[str | None, typer.Option(help="Owning organisation code.")] = None,
    prefix: Annotated[
        str | None, typer.Option(help="Dataset slug prefix (as kho migrate).")
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Store a sync definition; `kho sync run NAME` or `kho scheduler` runs it."""
    info = _syncer().add(
        name,
        source,
        tables=table,
        mode=mode,
        schedule=schedule,
        watermark_column=watermark,
        org_code=org,
        prefix=prefix,
        actor=actor(),
    )
    if json_out:
        print_json(info)
    else:
        mode, schedule = word("syncmode", info["mode"]), escape(info["schedule"])
        added = t(
            "sync_added", lang(), name=f"[bold]{escape(name)}[/]", mode=mode, schedule=schedule
        )
        console.print(added)


@app.command("run")
def run(
    name: str,
    retries: Annotated[int, typer.Option(help="Retries after a failure.")] = 0,
    backoff: Annotated[float, typer.Option(help="Seconds before the first retry (doubles).")] = 30,
    json_out: JsonOpt = False,
) -> None:
    """Run one sync now (exit 1 if it failed)."""
    result = _syncer().run_with_retries(name, actor=actor(), retries=retries, backoff=backoff)
    if json_out:
        print_json(result)
    else:
        _print_run(result)
    if result["status"] != "ok":
        raise SystemExit(1)  # typer.Exit is swallowed by main(standalone_mode=False)


@app.command("list")
def list_(json_out: JsonOpt = False) -> None:
    """Stored syncs with schedule, last status and next run."""
    rows = _syncer().list_syncs()
    if json_out:
        print_json(rows)
        return
    L = lang()
    for r in rows:
        last = word("run", r["last_status"]) if r["last_status"] else "-"
        when = t("last_next", L, last=last, next=moment(r["next_run_at"]) or "-")
        console.print(
            f"{r['name']:<20} {word('syncmode', r['mode']):<12} {r['schedule']:<12} {when}  "
            f"{r['source']}  {', '.join(r['tables'])}",
            markup=False,
        )


@app.command("history")
def history(
    name: Annotated[str | None, typer.Argument(help="Only this sync.")] = None,
    limit: int = 20,
    json_out: JsonOpt = False,
) -> None:
    """Recent runs, newest first; failed runs with their error."""
    rows = _syncer().history(name, limit=limit)
    if json_out:
        print_json(rows)
        return
    for r in rows:
        _print_run(r)


def _print_run(r: dict[str, Any]) -> None:
    from kho.errors_i18n import translate

    L = lang()
    colour = "green" if r["status"] == "ok" else "red"
    status, attempt = word("run", r["status"]), t("attempt", L, n=r["attempt"])
    console.print(
        f"#{r['id']} {escape(r['sync'])} [{colour}]{status}[/] {attempt} {moment(r['started_at'])}"
    )
    for x in r["tables"]:
        error = escape(translate(x.get("error") or "", L))
        console.print(
            f"   {x['table']} → {x['dataset']}: +{count(x.get('inserted', 0))} "
            f"~{count(x.get('updated', 0))} -{count(x.get('deleted', 0))} {error}"
        )
        if x.get("warning"):
            console.print(f"   [yellow]{escape(translate(x['warning'], L))}[/]")
    if r["error"]:
        console.print(f"   [red]{escape(translate(r['error'], L))}[/]")


def scheduler(
    tick: Annotated[float, typer.Option(help="Seconds between checks for due syncs.")] = 30,
    retries: Annotated[int, typer.Option(help="Retries of a failed run.")] = 3,
    backoff: Annotated[float, typer.Option(help="Seconds before the first retry (doubles).")] = 60,
    once: Annotated[
        bool, typer.Option("--once", help="Run what is due, then exit (cron).")
    ] = False,
) -> None:
    """Run due syncs until stopped (SIGTERM/Ctrl-C stop it cleanly between steps)."""
    import logging

    from kho.migrate.scheduler import run_scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    runs = run_scheduler(
        platform(), actor=actor(), tick=tick, retries=retries, backoff=backoff, once=once
    )
    console.print(t("scheduler_stopped", lang(), n=count(len(runs))))
