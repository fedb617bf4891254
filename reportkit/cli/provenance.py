"""`reportkit provenance`: what went into a report, and which reports cite a source."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from reportkit.cli.app import app, fail


class Format(str, Enum):
    text = "text"
    json = "json"


@app.command()
def provenance(
    path: Annotated[Path, typer.Argument(
        help="A report (.docx); with --cites, a folder searched for reports at any depth.")],
    cites: Annotated[Optional[str], typer.Option(
        "--cites", metavar="SOURCE_ID",
        help="List the reports in the folder that cite this source.")] = None,
    output_format: Annotated[Format, typer.Option(
        "--format", help="Readable text, or JSON for other programs.")] = Format.text,
) -> None:
    """Show the provenance record stored in a report, or find the reports that cite a source."""
    from reportkit.errors import ReportkitError
    from reportkit.provenance import read_record, reports_citing

    try:
        if cites is None:
            record = read_record(path)
        else:
            citing, unreadable = reports_citing(path, cites)
    except ReportkitError as error:
        fail(error)
    if cites is None:
        _show_record(path, record, output_format)
        return
    for error in unreadable:
        typer.echo(f"note: skipped {error}", err=True)
    if output_format is Format.json:
        import json

        typer.echo(json.dumps({"source": cites, "reports": [str(item) for item in citing]}, indent=2))
    elif not citing:
        typer.echo(f"no report in {path} cites {cites}")
    else:
        for item in citing:
            typer.echo(str(item))


def _show_record(path: Path, record, output_format: Format) -> None:
    if output_format is Format.json:
        import json

        typer.echo(json.dumps(record.as_dict(), indent=2, ensure_ascii=False))
        return
    lines = [
        f"{path}",
        f"  reportkit      {record.reportkit_version}",
        f"  library        {record.country} {record.library_version} ({record.library_revision})",
        f"  template set   {record.template_set} (sha256 {record.template_set_sha256})",
        f"  case file      sha256 {record.case_sha256}",
        f"  report date    {record.report_date}",
        f"  sections ({len(record.sections)}):",
    ]
    width = max((len(section.id) for section in record.sections), default=0)
    lines += [f"    {section.id:<{width}}  {section.origin:<7}  sha256 {section.sha256}"
              for section in record.sections]
    lines.append(f"  sources cited ({len(record.cited)}):")
    archives = dict(record.archives)
    lines += [f"    {source_id}" + (f"  archived copy sha256 {archives[source_id]}"
                                    if source_id in archives else "")
              for source_id in record.cited]
    typer.echo("\n".join(lines))
