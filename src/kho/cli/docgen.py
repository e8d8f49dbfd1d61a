"""Reference pages generated from the code itself (run by cog; checked in CI so docs stay true)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kho.errors import KhoError


def _commands(group: Any, prefix: str) -> Iterator[str]:
    """Walk typer's (vendored click) command tree without importing click itself."""
    ctx = type(group).context_class(group) if hasattr(type(group), "context_class") else None
    for name in sorted(group.list_commands(ctx)):
        cmd = group.get_command(ctx, name)
        if cmd is None:
            continue
        path = f"{prefix} {name}"
        yield path
        if hasattr(cmd, "list_commands"):
            yield from _commands(cmd, path)


def command_paths() -> list[str]:
    """Every `kho …` command path, groups included."""
    import typer

    from kho.cli.main import app

    return list(_commands(typer.main.get_command(app), "kho"))


def cli_reference() -> str:
    """Markdown: the `--help` text of every command."""
    import os

    from typer.testing import CliRunner

    from kho.cli.main import app

    os.environ["COLUMNS"] = "100"
    os.environ["TERM"] = "dumb"
    runner = CliRunner()
    out = []
    for path in ["kho", *command_paths()]:
        args = path.split()[1:]
        text = runner.invoke(app, [*args, "--help"], terminal_width=100, color=False).stdout
        out.append(f"## `{path}`\n\n```text\n{text.rstrip()}\n```\n")
    return "\n".join(out)


def settings_reference() -> str:
    """Markdown table of every setting with its environment variable, default and meaning."""
    from kho.settings import Settings

    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = "" if field.default is None else f"`{field.default}`"
        rows.append(f"| `KHO_{name.upper()}` | {default} | {field.description or ''} |")
    return "\n".join(rows) + "\n"


def error_reference() -> str:
    """Markdown table of the error family: HTTP status and CLI exit code of each class."""
    from kho import errors

    _openapi()  # building the app imports every module, so every error class is registered

    rows = ["| error | type | HTTP status | exit code | meaning |", "|---|---|---|---|---|"]
    for cls in _error_classes(errors.KhoError):
        doc = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
        rows.append(
            f"| `{cls.__name__}` | `{cls.type_name}` | {cls.status} | {cls.exit_code} | {doc} |"
        )
    return "\n".join(rows) + "\n"


def _error_classes(base: type[KhoError]) -> list[type[KhoError]]:
    out: list[type[KhoError]] = [base]
    for sub in base.__subclasses__():
        out.extend(_error_classes(sub))
    return out


def _openapi() -> dict[str, Any]:
    from kho.web.app import create_app

    schema: dict[str, Any] = create_app().openapi()
    return schema


def api_routes() -> list[tuple[str, str]]:
    """(method, path) of every HTTP route in the OpenAPI schema (pages excluded)."""
    paths = _openapi()["paths"]
    return sorted(
        ((method.upper(), path) for path, ops in paths.items() for method in ops),
        key=lambda r: (r[1], r[0]),
    )


def api_reference() -> str:
    """Markdown table of the HTTP routes with their summaries, from the OpenAPI schema."""
    rows = ["| method | path | what |", "|---|---|---|"]
    for path, ops in sorted(_openapi()["paths"].items()):
        for method, op in sorted(ops.items()):
            what = (op.get("summary") or op.get("description") or "").split("\n")[0]
            rows.append(f"| {method.upper()} | `{path}` | {what} |")
    return "\n".join(rows) + "\n"
