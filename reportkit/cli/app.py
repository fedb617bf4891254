"""The Typer app and what every command shares. Only the CLI prints or chooses an exit code."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

_KINDS = {"path": "PATH", "str": "TEXT", "int": "INTEGER", "float": "NUMBER", "datetime": "DATE"}


def _kind(label: str) -> str | None:
    """`<list[Path]>` -> PATH, `<str>` -> TEXT, `<text|json>` -> [text|json], `<bool>` -> none."""
    label = label.strip("<>").removeprefix("list[").removesuffix("]").removesuffix("...")
    if label.lower() == "bool":
        return None
    if label.lower() in _KINDS:
        return _KINDS[label.lower()]
    return f"[{label}]"  # the choices of an option, e.g. text|json


def readable_metavars(command, ctx) -> None:
    """Show each parameter's kind as command-line users know it (PATH, TEXT, INTEGER, [a|b]; a
    flag shows none), where Typer would show Python types (`<list[Path]>`, `<bool>`). Typer
    versions that show click's own names (PATH, TEXT) are left as they are."""
    for param in command.params:
        if not hasattr(param, "display_type") or getattr(param, "is_flag", False):
            continue
        kind = _kind(param.display_type(ctx))
        if param.param_type_name == "argument":
            param.display_type_rich = lambda ctx, kind=kind: kind  # typer prints NAME <type>
            if param.metavar is None:
                param.metavar = (param.name or "").upper()
        elif param.metavar is None:
            param.metavar = kind
    for subcommand in getattr(command, "commands", {}).values():
        readable_metavars(subcommand, ctx)


class ReportkitGroup(TyperGroup):
    """`reportkit`: its help and every command's, with option kinds users know."""

    def get_command(self, ctx, name: str):
        command = super().get_command(ctx, name)
        if command is not None:
            readable_metavars(command, ctx)
        return command

    def format_help(self, ctx, formatter) -> None:
        readable_metavars(self, ctx)
        super().format_help(ctx, formatter)

    def format_commands(self, ctx, formatter) -> None:
        """Each command with the first sentence of its help, wrapped, never cut off with `...`."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                text = " ".join((command.short_help or command.help or "").split("\n\n")[0].split())
                rows.append((name, re.split(r"(?<=\.)\s", text, maxsplit=1)[0]))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


# Plain help, not rich's: click wraps each paragraph of a docstring as one text, at most 80
# columns wide, where rich keeps the docstring's own line breaks inside its boxes (and rich
# formatting alone costs more than the rest of --help).
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None, cls=ReportkitGroup,
                  help="Draft cited country-expert reports for asylum cases as Word documents.")


def _print_version(value: bool) -> None:
    if value:
        from reportkit import __version__

        typer.echo(f"reportkit {__version__}")
        raise typer.Exit()


@app.callback()
def _options(version: Annotated[bool, typer.Option(
        "--version", is_eager=True, callback=_print_version,
        help="Print the version of reportkit and exit.")] = False) -> None:
    """Draft cited country-expert reports for asylum cases as Word documents."""


LibraryOption = Annotated[Optional[Path], typer.Option(
    "--library", help="Country library folder (default: the bundled country_data).")]
TemplatesOption = Annotated[Optional[list[Path]], typer.Option(
    "--templates", help="Folder of template sets, searched before the bundled ones (repeatable).")]


def fail(error) -> None:
    typer.echo(f"error: {error}" if not getattr(error, "path", None) else str(error), err=True)
    raise typer.Exit(1)


def library_root(library: Path | None) -> Path:
    from reportkit.paths import default_library

    return library or default_library()


def main(argv: list[str] | None = None) -> None:
    """Entry point; `main([...])` can be called from tests."""
    import reportkit.cli.commands  # noqa: F401  (registers the commands)

    try:
        app(args=argv, prog_name="reportkit", standalone_mode=True)
    except KeyboardInterrupt:
        typer.echo("interrupted; nothing was written", err=True)
        sys.exit(130)
