"""`reportkit check`: validate the library and case files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from reportkit.cli.app import LibraryOption, TemplatesOption, app, fail, library_root

@app.command()
def check(
    cases: Annotated[Optional[list[Path]], typer.Argument(help="Case files to check.")] = None,
    library: LibraryOption = None,
    templates: TemplatesOption = None,
) -> None:
    """Validate the country library and the given case files."""
    from reportkit.build import LibraryCache, build_report, load_inputs
    from reportkit.errors import ReportkitError
    from reportkit.load.library import available_countries
    from reportkit.paths import template_search_path

    root = library_root(library)
    libraries = LibraryCache(root)
    failed = False
    countries = available_countries(root)
    if not countries:
        fail(ReportkitError("no country libraries found", path=root, hint="pass --library DIR"))
    for country in countries:
        try:
            found = libraries.get(country)
            typer.echo(f"ok: library {country} ({len(found.sections)} sections, "
                       f"{len(found.sources)} sources)")
        except ReportkitError as error:
            failed = True
            typer.echo(str(error), err=True)
    for case in cases or []:
        try:
            inputs = load_inputs(case, libraries, template_search_path(templates))
            report = build_report(inputs, libraries)
        except ReportkitError as error:
            failed = True
            typer.echo(str(error), err=True)
            continue
        typer.echo(f"ok: {case}")
        for item in report.placeholders:
            typer.echo(f"{item.origin}: placeholder: {item.text}")
    if failed:
        raise typer.Exit(1)


