"""`reportkit compare`: a redline of two versions of a report, with Word's tracked changes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from reportkit.cli.app import app, fail


@app.command()
def compare(
    older: Annotated[Path, typer.Argument(help="The earlier version (.docx).")],
    newer: Annotated[Path, typer.Argument(help="The later version (.docx).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The redline to write (.docx).")],
    author: Annotated[Optional[str], typer.Option(
        "--author", help="Who made the changes (default: the newer report's author).")] = None,
    date: Annotated[Optional[str], typer.Option(
        "--date", help="Date of the changes, YYYY-MM-DD (default: the newer report's date).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output file.")] = False,
) -> None:
    """Write a redline showing what changed between two versions of a report."""
    from reportkit.compare import compare_reports
    from reportkit.errors import ReportkitError
    from reportkit.output import write_outputs

    try:
        for source in (older, newer):
            if source.exists() and output.exists() and source.resolve() == output.resolve():
                raise ReportkitError("the redline would replace one of the reports compared",
                                     path=output, hint="write it to another file with -o")
        redline = compare_reports(older, newer, author, date)
        write_outputs([(output, redline.docx)], force)
    except ReportkitError as error:
        fail(error)
    typer.echo(f"wrote {output}: changes from {older} to {newer}, by {redline.author}, "
               f"dated {redline.date}")
