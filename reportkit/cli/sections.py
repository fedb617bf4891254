"""`reportkit sections list|show`: what the country libraries say, and on what authority."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from reportkit.cli.app import LibraryOption, ReportkitGroup, app, fail, library_root
from reportkit.cli.listing import CountryOption, register_show

sections_app = typer.Typer(no_args_is_help=True, cls=ReportkitGroup, help="List and read the sections of a country library.")
app.add_typer(sections_app, name="sections")

@sections_app.command("list")
def list_sections(
    country: CountryOption = None,
    profile: Annotated[Optional[str], typer.Option(
        "--profile", help="Only the sections used for this applicant profile.")] = None,
    library: LibraryOption = None,
) -> None:
    """Each section's id, title, profiles, review date and number of citations."""
    from reportkit.cli.listing import print_table
    from reportkit.errors import ReportkitError
    from reportkit.library_view import citation_count, load_libraries
    from reportkit.select import serves

    try:
        libraries = load_libraries(library_root(library), country)
        if profile is not None:
            known = sorted({name for item in libraries for name in item.info.profiles})
            if profile not in known:
                raise ReportkitError(f"unknown profile '{profile}'",
                                     hint=f"available: {', '.join(known)}")
    except ReportkitError as error:
        fail(error)
    several = len(libraries) > 1
    headers = (["country"] if several else []) + ["id", "title", "profiles", "last reviewed",
                                                  "citations"]
    rows = []
    for item in libraries:
        chosen = sorted(item.sections.values(), key=lambda section: (section.meta.order, section.id))
        for section in chosen:
            if profile is not None and not serves(section.meta.profiles, {profile}):
                continue
            meta = section.meta
            rows.append(([item.country] if several else []) + [
                meta.id, meta.title, ", ".join(meta.profiles), meta.last_reviewed.isoformat(),
                str(citation_count(section.body))])
    print_table(headers, rows)


def show_section(chosen, section_id: str) -> None:
    """A section's Markdown with each citation written out, then the full sources."""
    from reportkit.cli.listing import echo_wrapped, markdown_lines
    from reportkit.library_view import full_reference_text, resolve_citation_text

    section = chosen.sections[section_id]
    resolved = resolve_citation_text(section.body, chosen.sources)
    meta = section.meta
    typer.echo(f"# {meta.title}\n")
    echo_wrapped(f"<!-- {section.path}: id {meta.id}, profiles {', '.join(meta.profiles)}, "
                 f"last reviewed {meta.last_reviewed.isoformat()} -->", "     ", "")
    typer.echo("")
    for line in markdown_lines(resolved.text.strip("\n")):
        typer.echo(line)
    if resolved.cited:
        typer.echo("\n## Sources\n")
        for key in resolved.cited:
            echo_wrapped(f"[{key}] {full_reference_text(chosen.sources[key])}.", "  ", "- ")
    for key in resolved.unknown:
        typer.echo(f"{section.path}: warning: unknown citation key '@{key}'", err=True)


register_show(sections_app, "sections", "The section id.", show_section)
