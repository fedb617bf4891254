"""`reportkit check`: validate the library and case files, and run the evidence-quality checks."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from reportkit.cli.app import LibraryOption, TemplatesOption, app, library_root
from reportkit.cli.listing import wrapped

JSON_VERSION = 1


class Format(str, Enum):
    text = "text"
    json = "json"


def _codes(value: str | None) -> list[str]:
    codes = [code.strip() for code in (value or "").split(",") if code.strip()]
    from reportkit.quality import unknown_codes

    unknown = unknown_codes(codes)
    if unknown:
        raise typer.BadParameter(f"unknown check id or name: {', '.join(unknown)}")
    return codes


@app.command()
def check(
    cases: Annotated[Optional[list[Path]], typer.Argument(help="Case files to check.")] = None,
    library: LibraryOption = None,
    templates: TemplatesOption = None,
    output_format: Annotated[Format, typer.Option("--format", help="text, or json for tools and CI.")] = Format.text,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    select: Annotated[Optional[str], typer.Option(
        "--select", help="Only these checks: ids or prefixes, comma-separated (e.g. L,S001).")] = None,
    ignore: Annotated[Optional[str], typer.Option(
        "--ignore", help="Skip these checks: ids or prefixes, comma-separated (e.g. L006,S003).")] = None,
    pages: Annotated[bool, typer.Option(
        "--pages", help="Also count each case's report pages exactly with LibreOffice.")] = False,
    library_warnings: Annotated[bool, typer.Option(
        "--library-warnings", help="With case files, also list the library's own warnings "
                                   "(they are counted either way).")] = False,
) -> None:
    """Validate the country library and the given case files, and check the quality of the evidence.

    Without case files, every library in the library folder is checked as of today. With them,
    each case and its library are checked as of the case's report date; the library's own
    warnings are then counted but not listed (--library-warnings lists them)."""
    from reportkit.paths import template_search_path
    from reportkit.quality import selected_checks
    from reportkit.quality.runner import check_paths

    checks = selected_checks(_codes(select), _codes(ignore))
    result = check_paths(library_root(library), cases or [], template_search_path(templates), checks,
                         count_pages=pages)
    if output_format is Format.json:
        typer.echo(json.dumps(as_json(result, strict), indent=2, ensure_ascii=False))
        for problem in result.invalid:
            typer.echo(str(problem), err=True)
    else:
        shown = result.findings if library_warnings or not result.cases \
            else [finding for finding in result.findings if not _library_warning(finding)]
        for line in finding_lines(shown):
            typer.echo(line)
        for problem in result.invalid:  # before the summary, which counts them
            for line in problem_lines(problem):
                typer.echo(line, err=True)
        typer.echo(summary_line(result, _shown(cases or []),
                                hidden=len(result.findings) - len(shown)))
    over_limit = _page_counts(result.builds) if pages and not result.invalid else False
    raise typer.Exit(1 if result.failed(strict) or over_limit else 0)


def _shown(cases: list[Path]) -> list[str]:
    """The case files as printed: an anonymised case's with every protected name masked."""
    if not cases:
        return []
    from reportkit.context import shown_case  # only with cases: a library check renders nothing

    return [shown_case(case) for case in cases]


def _page_counts(builds) -> bool:
    """Print each case's page count, as LibreOffice laid out its report for `check` (all in one
    run); True when one is over its limit without permission."""
    from reportkit.context import shown_case

    for outcome in builds:
        limit = f"; the limit is {outcome.limit}" if outcome.limit else ""
        verdict = " (over the limit, and no permission recorded)" if outcome.over_limit else ""
        typer.echo(f"{shown_case(outcome.request.case)}: {outcome.count.pages} pages "
                   f"({outcome.count.how}){limit}{verdict}")
    return any(outcome.over_limit for outcome in builds)


def _library_warning(finding) -> bool:
    """A warning about the library itself, found again with every case that uses it."""
    from reportkit.quality.rules import CHECKS

    library_checks = {check.id for check in CHECKS if not check.needs_case}
    return finding.severity == "warning" and finding.id in library_checks


def _located(where: str, text: str, hint: str | None) -> list[str]:
    """`where: text` on one line (editors and CI read it whole), the hint wrapped below it."""
    lines = [f"{where}: {text}"]
    if hint:
        lines += wrapped(hint, indent="        ", first_indent="  hint: ")
    return lines


def problem_lines(problem) -> list[str]:
    where = f"{problem.path}:{problem.line}" if problem.path and problem.line else (
        str(problem.path) if problem.path else "error")
    return _located(where, problem.message, problem.hint)


def finding_lines(findings) -> list[str]:
    """Findings grouped by file, in line order: `path:line: ID severity: message`, then the hint."""
    lines: list[str] = []
    current = None
    for finding in findings:
        if finding.path != current:
            if current is not None:
                lines.append("")
            current = finding.path
        where = f"{finding.path}:{finding.line}" if finding.line else finding.path
        lines += _located(where, f"{finding.id} {finding.severity}: {finding.message}", finding.hint)
    if lines:
        lines.append("")
    return lines


def summary_line(result, cases: list[str], hidden: int = 0) -> str:
    """What was checked and what was found: never "no problems" while anything was wrong."""
    checked = [f"library {name}" for name in result.libraries] + cases
    invalid = len(result.invalid)
    counts = [f"{invalid} input problem{'s' * (invalid != 1)}"] if invalid else []
    counts += [f"{count} {name}{'s' * (count != 1)}"
               for count, name in ((result.count("error"), "error"),
                                   (result.count("warning"), "warning"))]
    found = ", ".join(counts)
    summary = found if result.findings or result.invalid else "no problems found"
    if hidden:
        summary += (f" ({hidden} library warning{'s' * (hidden != 1)} not listed; "
                    "--library-warnings lists them)")
    return "\n".join(wrapped(f"checked {', '.join(checked) or 'nothing'}: {summary}", "    ", ""))


def as_json(result, strict: bool) -> dict:
    """The --format json document (version 1); see the README for its fields."""
    return {
        "version": JSON_VERSION,
        "checked": {"libraries": result.libraries, "cases": result.cases,
                    "quality_file": result.quality_file},
        "findings": [finding.as_dict() for finding in result.findings],
        "invalid": [{"message": problem.message, "path": str(problem.path) if problem.path else None,
                     "line": problem.line, "hint": problem.hint} for problem in result.invalid],
        "summary": {"errors": result.count("error"), "warnings": result.count("warning"),
                    "invalid": len(result.invalid), "failed": result.failed(strict)},
    }
