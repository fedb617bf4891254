"""What the listing commands share: a table for people or for pipes, and did-you-mean errors."""

from __future__ import annotations

import sys

import typer


_WHOLE = {"id", "name", "country"}


def print_table(headers: list[str], rows: list[list[str]], title: str | None = None) -> None:
    """A rich table on a terminal; plain columns separated by two spaces otherwise (for grep, cut)."""
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(title=title, title_justify="left")
        for header in headers:  # ids are copied into case files: never wrap or shorten them
            table.add_column(header, no_wrap=header in _WHOLE)
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))  # "[Facebook post]" is a title, not markup
        Console().print(table)
        return
    widths = [max([len(header)] + [len(row[index]) for row in rows])
              for index, header in enumerate(headers)]
    for row in [headers] + rows:
        typer.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
