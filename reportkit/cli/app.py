"""The Typer app and what every command shares. Only the CLI prints or chooses an exit code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None,  # plain help: rich formatting alone costs more than the rest of --help
                  help="Draft cited country-expert reports for asylum cases as Word documents.")

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
