"""`reportkit sources list|show|import`: the sources a country library cites."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from reportkit.cli.app import LibraryOption, ReportkitGroup, app, fail, library_root
from reportkit.cli.listing import CountryOption, register_show

sources_app = typer.Typer(no_args_is_help=True, cls=ReportkitGroup,
                          help="List, read and import the sources of a country library (CSL JSON).")
app.add_typer(sources_app, name="sources")

def _iso(date) -> str:
    if date is None:
        return ""
    if date.literal or date.raw:
        return date.literal or date.raw
    return "-".join(f"{part:02d}" if index else str(part) for index, part in enumerate(date.parts()))


@sources_app.command("list")
def list_sources(country: CountryOption = None, library: LibraryOption = None) -> None:
    """Each source's id, type, author or publisher, date of issue and title."""
    from reportkit.cite import creator
    from reportkit.cli.listing import print_table
    from reportkit.errors import ReportkitError
    from reportkit.library_view import load_libraries

    try:
        libraries = load_libraries(library_root(library), country)
    except ReportkitError as error:
        fail(error)
    several = len(libraries) > 1
    headers = (["country"] if several else []) + ["id", "type", "author/publisher", "issued", "title"]
    rows = [([item.country] if several else [])
            + [source.id, source.type, creator(source), _iso(source.issued), source.title or ""]
            for item in libraries for source in sorted(item.sources.values(), key=lambda s: s.id)]
    print_table(headers, rows)


def _field_text(value) -> str:
    if isinstance(value, dict) and "date-parts" in value:
        parts = value["date-parts"][0] if value["date-parts"] else []
        return "-".join(f"{int(part):02d}" if index else str(part) for index, part in enumerate(parts))
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return "; ".join(item.get("literal") or " ".join(
            str(item[key]) for key in ("given", "family") if item.get(key)) for item in value)
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)


def show_source(chosen, source_id: str) -> None:
    """Every field of one source, and the full reference as a footnote gives it."""
    from reportkit.cli.listing import echo_wrapped
    from reportkit.library_view import full_reference_text

    source = chosen.sources[source_id]
    fields = source.model_dump(mode="json", by_alias=True, exclude_none=True)
    width = max(len(name) for name in fields)
    typer.echo(f"{chosen.sources_path}:{chosen.source_lines[source_id]}")
    for name, value in fields.items():
        if value in ([], ""):
            continue
        echo_wrapped(_field_text(value), " " * (width + 2), f"{name.ljust(width)}  ")
    typer.echo("")
    echo_wrapped(f"{full_reference_text(source)}.", "  ", "reference: ")


register_show(sources_app, "sources", "The source id (citation key).", show_source)


@sources_app.command("import")
def import_sources(
    file: Annotated[Path, typer.Argument(
        metavar="FILE", help="A CSL JSON export (Zotero: Export Collection… > CSL JSON, or "
                             "Better CSL JSON) or a BibTeX/BibLaTeX .bib file.")],
    country: Annotated[str, typer.Option("--country", help="The country library to add them to.")],
    update: Annotated[bool, typer.Option(
        "--update", help="Replace a library record whose id is imported with other content.")] = False,
    keep_duplicates: Annotated[bool, typer.Option(
        "--keep-duplicates", help="Import a record even if its URL or DOI is already in the "
                                  "library under another id.")] = False,
    library: LibraryOption = None,
) -> None:
    """Merge a Zotero or Better BibTeX export into COUNTRY/sources.json, in id order.

    A record's id is its citation key (Better BibTeX, or Citation Key in Zotero). A record
    without one gets a key made from its author or publisher, year and first title word, and the
    command says which keys it made. Identical records are left alone. A record whose id is in
    the library with other content is a conflict, kept as the library has it unless --update. A
    new id with a URL or DOI already in the library is a likely duplicate, not imported unless
    --keep-duplicates. A record without a title, or with a field that cannot be read, is
    invalid: then nothing is written and the command exits 1. Otherwise the file is written
    once, atomically, only if it changes."""
    from reportkit.errors import ReportkitError
    from reportkit.library_sources import import_sources as run_import

    try:
        result = run_import(library_root(library), country, file, update, keep_duplicates)
    except ReportkitError as error:
        fail(error)
    _report_import(file, result)
    if result.problems:
        raise typer.Exit(1)


def _report_import(file: Path, result) -> None:
    from reportkit.library_sources import (ADDED, CONFLICT, DUPLICATE, INVALID, UNCHANGED, UPDATED)

    for problem in result.problems:
        typer.echo(str(problem), err=True)
    ignored: dict[str, int] = {}
    for outcome in result.outcomes:
        made = " (key made: the export gave none)" if outcome.made_key else ""
        if outcome.status in (CONFLICT, DUPLICATE):
            typer.echo(f"{file}:{outcome.line}: {outcome.status} '{outcome.source_id}'{made}: "
                       f"{outcome.detail}", err=True)
        elif outcome.status in (ADDED, UPDATED):
            note = f" ({outcome.detail})" if outcome.detail else ""
            verb = f"would have {outcome.status}" if result.problems else outcome.status
            typer.echo(f"{verb} {outcome.source_id}{made}{note}")
        for name in outcome.ignored:
            ignored[name] = ignored.get(name, 0) + 1
    if ignored:
        typer.echo("left out (no CSL field for them): "
                   + ", ".join(f"{name} ({count})" for name, count in sorted(ignored.items())))
    made = sum(1 for outcome in result.outcomes if outcome.made_key)
    typer.echo(f"{result.count(ADDED)} added, {result.count(UPDATED)} updated, "
               f"{result.count(UNCHANGED)} unchanged, {result.count(CONFLICT)} conflicts skipped, "
               f"{result.count(DUPLICATE)} duplicates, {result.count(INVALID)} invalid"
               + (f"; {made} key{'s' * (made != 1)} made" if made else ""))
    if result.problems:
        typer.echo(f"nothing was written: {result.count(INVALID)} invalid record"
                   f"{'s' * (result.count(INVALID) != 1)}; fix them in the export and import "
                   "it again", err=True)
    else:
        typer.echo(f"wrote {result.sources_path}" if result.written
                   else f"{result.sources_path} is unchanged")


@sources_app.command("archive")
def archive_source(
    source_id: Annotated[str, typer.Argument(metavar="KEY", help="The source id (citation key).")],
    file: Annotated[Path, typer.Argument(metavar="FILE", help="What you read: a saved web page "
                                         "(.html), a PDF or a text file.")],
    accessed: Annotated[Optional[str], typer.Option(
        "--accessed", metavar="YYYY-MM-DD", help="When you read it (default: today).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace an archived copy that has other content.")] = False,
    country: CountryOption = None,
    library: LibraryOption = None,
) -> None:
    """Keep your own copy of a source under COUNTRY/archive/ and record its SHA-256, media type
    and access date in sources.json; `reportkit check` then verifies quotations against it."""
    import datetime as dt

    from reportkit.archive import archive_source as run_archive
    from reportkit.errors import ReportkitError
    from reportkit.library_view import library_holding, load_libraries

    try:
        try:
            date = dt.date.fromisoformat(accessed) if accessed else dt.date.today()
        except ValueError:
            raise ReportkitError(f"--accessed {accessed!r} is not a date",
                                 hint="write it as YYYY-MM-DD") from None
        chosen = library_holding(load_libraries(library_root(library), country), "sources", source_id)
        result = run_archive(chosen, source_id, file, date, force)
    except ReportkitError as error:
        fail(error)
    typer.echo(f"archived {result.stored} (sha256 {result.copy.sha256[:16]}…, "
               f"{result.copy.media_type}, accessed {result.accessed.isoformat()})")
    typer.echo(f"recorded in {chosen.sources_path}" if result.changed
               else f"{chosen.sources_path} already records this copy")
