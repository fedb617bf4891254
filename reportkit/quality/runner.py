"""Check libraries and case files from disk: invalid input as Problems, the rest as Findings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from reportkit.cite import UNKNOWN_CITATION_KEY
from reportkit.crossref import case_problems
from reportkit.errors import Problem, ReportkitError
from reportkit.load.library import Library
from reportkit.quality.findings import ERROR, Check, Finding


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    invalid: list[Problem] = field(default_factory=list)  # input that could not be loaded at all
    libraries: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    quality_file: str = ""
    builds: list = field(default_factory=list)  # each case's pipeline outcome (`pipeline.Outcome`)

    def count(self, severity: str) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)

    def failed(self, strict: bool) -> bool:
        return bool(self.invalid) or any(f.severity == ERROR or strict for f in self.findings)


def check_paths(root: Path, cases: list[Path], template_dirs: list[Path], checks: list[Check],
                today: dt.date | None = None, count_pages: bool = False) -> CheckResult:
    """Without cases, every library under `root` as of today; with cases, each case and its
    library, and each case built in memory through the pipeline (with `count_pages`, its pages
    counted by LibreOffice, every case in one run)."""
    from reportkit.crossref import library_problems
    from reportkit.load.case import load_case
    from reportkit.load.library import available_countries, load_library
    from reportkit.quality import run_checks
    from reportkit.quality.config import load_quality_config

    result = CheckResult()
    try:
        config, config_path = load_quality_config(root)
    except ReportkitError as error:
        result.invalid.extend(error.problems)
        return result
    result.quality_file = str(config_path)
    findings: set[Finding] = set()
    reported: set[tuple] = set()  # (path, line, message) already shown, as findings or problems

    def invalid(problems: list[Problem]) -> None:
        for problem in problems:
            key = (str(problem.path), problem.line, problem.message)
            if key not in reported:
                reported.add(key)
                result.invalid.append(problem)

    def add(new: list[Finding]) -> None:
        findings.update(new)
        reported.update((f.path, f.line or None, f.message) for f in new)

    libraries: dict[str, Library | None] = {}

    def library_for(country: str, built: Library | None = None) -> Library | None:
        """The country's library, loaded once (or as a case's build loaded and checked it)."""
        if country in libraries:
            return libraries[country]
        if built is not None:
            library = built
            result.libraries.append(country)
        else:
            try:
                library = load_library(root, country)
            except ReportkitError as error:
                invalid(error.problems)
                library = None
            else:
                # Unknown citation keys are a check (L002); other cross-references are invalid input.
                invalid([problem for problem in library_problems(library)
                         if problem.code != UNKNOWN_CITATION_KEY])
                result.libraries.append(country)
        libraries[country] = library
        return library

    if not cases:
        countries = available_countries(root)
        if not countries:
            invalid([Problem("no country libraries found", root, None, "pass --library DIR")])
        for country in countries:
            library = library_for(country)
            if library is not None:
                add(run_checks(library, config, checks=checks, today=today))
    if cases:  # only a case is built, so the DOCX writer is imported only then
        from reportkit.anonymise import masked, names_masked
        from reportkit.build import LibraryCache
        from reportkit.context import anonymiser_for, anonymiser_of_file
        from reportkit.pipeline import Request, run_cases

        # A full dry run: whatever would stop `build` (a style missing from reference.docx,
        # say) is found here too.
        result.builds = run_cases([Request(case, write=False, exact_pages=count_pages)
                                   for case in cases], LibraryCache(root), template_dirs)
    for case_path, built in zip(cases, result.builds):
        try:  # as the build loaded it, or again when the build stopped before
            loaded = built.inputs.loaded if built.inputs is not None else load_case(case_path)
        except ReportkitError as error:
            invalid(names_masked(error.problems, anonymiser_of_file(case_path)))
            continue
        # What is said about an anonymised case names no protected person, nor its file's name.
        anonymiser = anonymiser_for(loaded)
        # An unknown country is reported by load_inputs, at the case file's `country:` line.
        known = (root / loaded.case.country / "country.yaml").is_file()
        library = library_for(loaded.case.country,
                              built.inputs.library if built.inputs is not None else None) \
            if known else None
        placeholders = tuple(built.report.placeholders) if built.report is not None else ()
        build_problems = built.error.problems if built.error is not None else []
        if library is not None:
            result.cases.append(str(masked(anonymiser, case_path)))
            # The case checks need the case's sections; unknown ids are among build_problems.
            usable = not case_problems(loaded, library)
            add(names_masked(run_checks(library, config, loaded if usable else None, placeholders,
                                   checks=checks), anonymiser))
        invalid(build_problems)  # after the checks, so that what a check found is not repeated
    result.findings = sorted(findings)
    return result
