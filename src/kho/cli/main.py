"""Entry point of the `kho` command."""

from __future__ import annotations

import sys

import typer
from pydantic import ValidationError

from kho.cli import datasets, ingest, maintain, orgs, serve, sql
from kho.cli import init as init_cmd
from kho.cli import units as units_cmd
from kho.errors import InvalidInput, KhoError

app = typer.Typer(
    name="kho",
    help="Kho — kho dữ liệu dùng chung và cổng dữ liệu mở. Shared data warehouse and open data portal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("init")(init_cmd.init)
app.command("demo")(init_cmd.demo)
app.command("ingest")(ingest.ingest)
app.command("sql")(sql.sql)
app.command("maintain")(maintain.maintain)
app.command("serve")(serve.serve)
from kho.cli import migrate as migrate_cmd  # noqa: E402 - legacy database migration

app.command("migrate")(migrate_cmd.migrate)
from kho.cli import sync as sync_cmd  # noqa: E402 - scheduled sync

app.add_typer(sync_cmd.app, name="sync")
app.command("scheduler")(sync_cmd.scheduler)
app.add_typer(datasets.app, name="datasets")
app.add_typer(orgs.app, name="orgs")
app.add_typer(datasets.inventory_app, name="inventory")
app.add_typer(units_cmd.app, name="units")
from kho.cli import audit, grants, requests, tokens, users  # noqa: E402 - access commands

for _mod in (users, tokens, grants, requests, audit):
    app.add_typer(_mod.app, name=_mod.__name__.rsplit(".", 1)[1])
from kho.cli import indicators, targets  # noqa: E402 - indicator commands

app.add_typer(indicators.app, name="indicators")
app.add_typer(targets.app, name="targets")


def main() -> None:
    """Run the CLI; errors from the KhoError family become a clear message and their exit code."""
    from kho.cli._common import err_console, lang
    from kho.i18n import t

    try:
        # Without standalone mode, typer.Exit(n) comes back as the return value: honour it.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except KhoError as exc:
        from rich.markup import escape

        from kho.errors_i18n import translate

        L = lang()
        err_console.print(f"[bold red]{t('error', L)}:[/] {escape(translate(exc.message, L))}")
        if exc.hint:
            err_console.print(f"[yellow]{t('hint', L)}:[/] {escape(translate(exc.hint, L))}")
        sys.exit(exc.exit_code)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(x) for x in error.get("loc", ()))
            err_console.print(f"[bold red]{t('error', lang())}:[/] {where}: {error.get('msg', '')}")
        sys.exit(InvalidInput.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print(t("aborted", lang()))
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # usage errors (typer's vendored click) carry their own exit code
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":
    main()
