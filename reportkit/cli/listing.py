"""What the commands' output shares: 80-column text, tables for people or for pipes."""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from typing import Annotated, Any, Callable, Optional

import typer

MAX_WIDTH = 80  # what every command's output fits, so that it reads in any terminal or e-mail
# Ids are copied into case files, paths into commands: never wrapped or shortened.
_WHOLE = {"id", "name", "country", "path"}
_GAP = "  "


def output_width() -> int:
    """80 columns, or fewer on a narrower terminal."""
    return max(40, min(MAX_WIDTH, shutil.get_terminal_size((MAX_WIDTH, 24)).columns))


def wrapped(text: str, indent: str = "", first_indent: str | None = None) -> list[str]:
    """`text` wrapped at word boundaries to the output width; a word longer than a line (a path,
    a URL) stays whole on a line of its own rather than being cut."""
    return textwrap.wrap(text, output_width(), initial_indent=indent if first_indent is None
                         else first_indent, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False) or [first_indent or ""]


def echo_wrapped(text: str, indent: str = "", first_indent: str | None = None,
                 err: bool = False) -> None:
    for line in wrapped(text, indent, first_indent):
        typer.echo(line, err=err)


def markdown_lines(text: str) -> list[str]:
    """Markdown for reading in a terminal: each long paragraph or list item wrapped, a list
    item's continuation under its text (still the same Markdown); headings, tables, code and
    indented blocks as they are."""
    lines = []
    fenced = False
    for line in text.splitlines():
        fenced ^= line.lstrip().startswith(("```", "~~~"))
        marker = re.match(r"(\s*(?:[-*+]|\d+[.)])\s+|>\s?)", line)
        if fenced or len(line) <= output_width() or line.startswith(("#", "|", "    ", "\t")) \
                or line.lstrip().startswith(("```", "~~~")):
            lines.append(line)
            continue
        indent = ("> " if marker.group(1).startswith(">") else " " * len(marker.group(1))) \
            if marker else ""
        lines += wrapped(line[len(marker.group(1)):] if marker else line, indent,
                         marker.group(1) if marker else "")
    return lines


def _fit(widths: list[int], headers: list[str], width: int) -> list[int]:
    """Narrow the widest column that may be shortened, in turn, until the row fits `width`."""
    widths = list(widths)
    while sum(widths) + len(_GAP) * (len(widths) - 1) > width:
        candidates = [index for index, header in enumerate(headers)
                      if header not in _WHOLE and widths[index] > max(6, len(header))]
        if not candidates:
            break
        widths[max(candidates, key=lambda index: widths[index])] -= 1
    return widths


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def _row(cells: list[str], widths: list[int]) -> str:
    return _GAP.join(_cut(cell, column).ljust(column) for cell, column in zip(cells, widths)).rstrip()


def table_lines(headers: list[str], rows: list[list[str]], width: int) -> list[str]:
    """Plain columns two spaces apart, within `width`. The widest-text column (`title`, or the
    last) wraps within its column; when the others leave it under 30 characters it goes, whole
    and wrapped, on indented lines below its row; other cells still too long are shortened with
    `…` (`show` gives them in full). Ids and headers never are."""
    natural = [max([len(header)] + [len(row[index]) for row in rows])
               for index, header in enumerate(headers)]
    if sum(natural) + len(_GAP) * (len(natural) - 1) <= width:
        return [_row(row, natural) for row in [headers] + rows]
    wide = headers.index("title") if "title" in headers else len(headers) - 1
    if headers[wide] in _WHOLE:  # a path longer than a line stays whole, as a URL does
        return [_row(row, natural) for row in [headers] + rows]
    others = [index for index in range(len(headers)) if index != wide]
    other_widths = [natural[index] for index in others]
    room = width - sum(other_widths) - len(_GAP) * len(others)
    lines = []
    if room >= 30:
        widths = list(other_widths)
        widths.insert(wide, room)
        for row in [headers] + rows:
            wrapped_cell = textwrap.wrap(row[wide], room) or [""]
            lines.append(_row(row[:wide] + [wrapped_cell[0]] + row[wide + 1:], widths))
            lead = sum(widths[:wide]) + len(_GAP) * wide
            lines.extend(" " * lead + part for part in wrapped_cell[1:])
        return lines
    other_widths = _fit([natural[index] for index in others], [headers[i] for i in others], width)
    for row in [headers] + rows:
        lines.append(_row([row[index] for index in others], other_widths))
        lines.extend(textwrap.wrap(row[wide], width, initial_indent="    ",
                                   subsequent_indent="    ", break_on_hyphens=False))
    return lines


def print_table(headers: list[str], rows: list[list[str]], title: str | None = None) -> None:
    """A rich table on a terminal; plain columns otherwise (for grep, cut). Both fit 80 columns."""
    width = output_width()
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(title=title, title_justify="left")
        for header in headers:
            table.add_column(header, no_wrap=header in _WHOLE, overflow="fold")
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))  # "[Facebook post]" is a title, not markup
        Console(width=width).print(table)
        return
    if title:
        typer.echo(title)
    for line in table_lines(headers, rows, width):
        typer.echo(line)


CountryOption = Annotated[Optional[str], typer.Option(
    "--country", help="Country library, e.g. peru (default: every country).")]


def register_show(command_group: typer.Typer, kind: str, id_help: str,
                  show: Callable[[Any, str], None]) -> None:
    """`reportkit KIND show ID [--country C] [--library DIR]`: `show(library, ID)` with the one
    country library whose `kind` ("sections" or "sources") has ID; the help is `show`'s."""
    from reportkit.cli.app import LibraryOption, fail, library_root

    def command(item_id, country=None, library=None) -> None:
        from reportkit.errors import ReportkitError
        from reportkit.library_view import library_holding, load_libraries

        try:
            chosen = library_holding(load_libraries(library_root(library), country), kind, item_id)
        except ReportkitError as error:
            fail(error)
        show(chosen, item_id)

    command.__doc__ = show.__doc__
    command.__annotations__ = {
        "item_id": Annotated[str, typer.Argument(metavar="ID", help=id_help)],
        "country": CountryOption, "library": LibraryOption, "return": None}
    command_group.command("show")(command)
