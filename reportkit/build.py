"""One case, phase by phase: load → validate → select → render → parse → cite → write the DOCX
(reportkit.pipeline takes every command from case files to written outputs through these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from reportkit import __version__
from reportkit.anonymise import Anonymiser
from reportkit.case_options import case_options
from reportkit.cite import resolve_citations
from reportkit.collector import keep_for_run
from reportkit.context import anonymiser_for, report_context, with_sections
from reportkit.crossref import (case_problems, library_problems, part_problems,
                                template_citation_problems)
from reportkit.document import Document, Metadata, Placeholder
from reportkit.docx.append import append_documents
from reportkit.errors import Problem, ReportkitError
from reportkit.evidence import evidence_summary, unrecorded_access_problems
from reportkit.leaks import refuse_named
from reportkit.load.case import LoadedCase, load_case
from reportkit.load.library import NO_COUNTRY_LIBRARY, Library, Section, load_library
from reportkit.load.templates import TemplateSetDir, load_template_set
from reportkit.parse import cited_keys, parse_markdown
from reportkit.provenance import library_revision, provenance_record, record_xml
from reportkit.render import Renderer, region, restore_literals
from reportkit.select import select_sections
from reportkit.walk import query

if TYPE_CHECKING:
    from reportkit.pages import PageCount


@dataclass(frozen=True)
class Inputs:
    """Everything a build reads, loaded and cross-checked."""

    loaded: LoadedCase
    library: Library
    template_set: TemplateSetDir
    # The case's options for this template set, with the set's defaults; worked out from the
    # case when not given, so that the same case can be built under another set.
    options: dict | None = None
    anonymise: bool = False  # initials, whatever the case says
    # Who finds and scrubs the protected names, when the case or `anonymise` asks for it.
    anonymiser: Anonymiser | None = field(init=False, default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.options is None:
            object.__setattr__(self, "options", case_options(self.loaded, self.template_set.config))
        object.__setattr__(self, "anonymiser", anonymiser_for(self.loaded, force=self.anonymise))

    @property
    def paths(self) -> list[Path]:
        """Every file and folder a build reads: no output may be one of them."""
        return [self.loaded.path, self.loaded.expert_path, self.library.country_dir,
                self.library.root / "profiles.yaml", self.template_set.path]


@dataclass
class Report:
    docx: bytes
    document: Document
    markdown: str
    cited: list[str]
    section_ids: list[str]
    pages: PageCount  # the estimate
    placeholders: list[Placeholder] = field(default_factory=list)
    literals: list[str] = field(default_factory=list)  # case text behind the markers in `markdown`
    summarised: list[str] = field(default_factory=list)  # sections shortened to their summary
    # Cited sources with neither an access date nor `cited_in` (`--final` refuses them).
    unrecorded: list[Problem] = field(default_factory=list)


class LibraryCache:
    """Loads each country library once, for batch builds and checks."""

    def __init__(self, root: Path):
        self.root = root
        self._libraries: dict[str, Library] = {}
        self._revisions: dict[str, str] = {}
        self._template_problems: dict[tuple[str, Path], list] = {}

    def get(self, country: str) -> Library:
        """The country's library, loaded and checked at first use; kept for the whole run (and
        out of the cycle collector's scans in a command's run)."""
        if country not in self._libraries:
            library = load_library(self.root, country)
            problems = library_problems(library)
            if problems:
                raise ReportkitError.from_problems(problems)
            self._libraries[country] = library
            keep_for_run()
        return self._libraries[country]

    def template_problems(self, country: str, template_folder: Path) -> list:
        """Citation keys in a template set's own files that the library does not know: read
        once for each library and template set."""
        key = (country, template_folder)
        if key not in self._template_problems:
            self._template_problems[key] = template_citation_problems(self.get(country),
                                                                      template_folder)
        return self._template_problems[key]

    def commit(self, country: str) -> str:
        """The library's git commit, or a hash of its files outside git."""
        if country not in self._revisions:
            self._revisions[country] = library_revision(self.get(country).country_dir)
        return self._revisions[country]


def load_inputs(case_path: Path, libraries: LibraryCache, template_dirs: list[Path],
                template_sets: dict[str, TemplateSetDir] | None = None,
                anonymise: bool = False) -> Inputs:
    """`template_sets`, when given, keeps each template set loaded for the next case (a batch).
    (The pipeline masks protected names in every error of an anonymised case.)"""
    loaded = load_case(case_path)
    return _load_rest(case_path, loaded, libraries, template_dirs, template_sets, anonymise)


def _load_rest(case_path: Path, loaded: LoadedCase, libraries: LibraryCache,
               template_dirs: list[Path], template_sets: dict[str, TemplateSetDir] | None,
               anonymise: bool) -> Inputs:
    try:
        library = libraries.get(loaded.case.country)
    except ReportkitError as error:
        if error.code == NO_COUNTRY_LIBRARY:
            raise ReportkitError(error.problems[0].message, path=case_path,
                                 line=loaded.line_of("country"), hint=error.problems[0].hint) from None
        raise
    try:
        template_set = (template_sets or {}).get(loaded.case.jurisdiction)
        if template_set is None:
            template_set = load_template_set(loaded.case.jurisdiction, template_dirs)
        if template_sets is not None:
            template_sets[loaded.case.jurisdiction] = template_set
    except ReportkitError as error:
        if error.path is None:
            raise ReportkitError(f"unknown jurisdiction: {error.problems[0].message}", path=case_path,
                                 line=loaded.line_of("jurisdiction"), hint=error.problems[0].hint) from None
        raise
    problems = case_problems(loaded, library) + part_problems(
        loaded, library, template_set.config.parts, str(template_set.path / "template.yaml"))
    problems += libraries.template_problems(loaded.case.country, template_set.path)
    if problems:
        raise ReportkitError.from_problems(problems)
    return Inputs(loaded, library, template_set, case_options(loaded, template_set.config),
                  anonymise)


@dataclass
class Draft:
    """A report as a document model, before any DOCX is written."""

    document: Document
    markdown: str
    cited: list[str]
    sections: list[Section]
    literals: list[str]
    pages: PageCount  # the estimate, weighed once
    summarised: list[str] = field(default_factory=list)  # sections shortened to their summary
    case_literals: list[str] = field(default_factory=list)  # the literals printed from case data
    # Each section's Markdown as rendered into the report (literal markers into `literals`),
    # by id: what the evidence schedule quotes, without rendering a section again.
    rendered: dict[str, str] = field(default_factory=dict)
    composer: _Composer | None = field(default=None, repr=False, compare=False)

    def markdown_of(self, section: Section) -> str:
        """A section's Markdown as the report has it; one the report leaves out (a question may
        name it) is rendered in full by the same renderer, its literal markers into `literals`."""
        if section.id in self.rendered:
            return self.rendered[section.id]
        return self.composer.body(section, summarised=False)


def compose_report(inputs: Inputs) -> Draft:
    """Select, render, parse and cite: everything but writing (what `schedule` needs;
    `build_report` goes on to write the DOCX).

    A report over its template set's page limit (by the estimate), without permission to
    exceed it, is made concise: sections that have a `summary:` are shortened to it, the longest
    first, as many as the estimate needs to fit with a page to spare for its error (predicted
    from the text each summary saves, then checked), or every one when that is not enough.
    Each section is rendered once, in full or as its summary; only the report around them is
    put together again for each choice of summaries."""
    composer = _Composer(inputs)
    draft = composer.compose(frozenset())
    limit = inputs.template_set.config.page_limit
    if not limit or inputs.options.get("permission_to_exceed_page_limit"):
        return draft
    shortenable = sorted((section for section in draft.sections
                          if section.meta.summary and section.path != inputs.loaded.path),
                         key=lambda section: -len(section.body))
    target = max(1, limit - ESTIMATE_TOLERANCE)
    most_pages = draft.pages.pages
    if not shortenable or most_pages <= target:
        return draft
    # The number of summaries needed is predicted from the text each one saves, between the
    # full report and the one with every summary.
    everything = composer.compose(frozenset(section.id for section in shortenable))
    fewest_pages = everything.pages.pages
    savings = [max(0, len(section.body) - len(section.meta.summary)) for section in shortenable]
    if fewest_pages > target or not sum(savings):
        return everything
    pages_per_character = (most_pages - fewest_pages) / sum(savings)
    over = most_pages - target
    count, saved = 0, 0
    while count < len(shortenable) and saved * pages_per_character < over:
        saved += savings[count]
        count += 1
    while count < len(shortenable):  # the prediction is checked, and one more added if short
        trial = composer.compose(frozenset(section.id for section in shortenable[:count]))
        if trial.pages.pages <= target:
            return trial
        count += 1
    return everything


# The page estimate is within this many pages of LibreOffice's count (tests/test_page_estimate.py).
ESTIMATE_TOLERANCE = 1


class _Composer:
    """Puts a report together for one case, as often as the page limit asks, rendering each
    section (in full, or as its summary) at most once."""

    def __init__(self, inputs: Inputs):
        loaded, library, template_set = inputs.loaded, inputs.library, inputs.template_set
        config = template_set.config
        self.inputs = inputs
        self.anonymiser = inputs.anonymiser
        self.sections = select_sections(library, loaded)
        self.renderer = Renderer(template_set.path, config.language, config.date_format)
        self.context = report_context(loaded, library, [], self.anonymiser, template_set,
                                      inputs.options)
        self._bodies: dict[tuple[str, bool], str] = {}
        # A library section given back as its file has it (no template syntax): its text in
        # the report, and the blocks parsed from the file, which the report's parse uses.
        self.known: dict[str, tuple] = {}

    def body(self, section: Section, summarised: bool) -> str:
        """A section's Markdown as the report shows it: a library section rendered with the
        case's variables, a case's own section as written (never a template)."""
        key = (section.id, summarised)
        if key not in self._bodies:
            renderer, anonymiser = self.renderer, self.anonymiser
            if section.path == self.inputs.loaded.path:  # a case's own section is case text
                text = anonymiser.scrub(section.body, markdown=True) if anonymiser else section.body
                self._bodies[key] = renderer.case_markdown(text, section.path)
            else:
                name, text, line = ((f"summary:{section.id}", section.meta.summary,
                                     section.summary_line or 1) if summarised else
                                    (f"section:{section.id}", section.body, section.body_line))
                rendered = self._bodies[key] = renderer.render_section(
                    name, text, section.path, line, self.context)
                if rendered.strip("\n") == text.strip("\n"):
                    self.known[text.strip("\n")] = parse_markdown(text, str(section.path),
                                                                   line - 1)
        return self._bodies[key]

    def compose(self, summarised: frozenset[str]) -> Draft:
        from reportkit.pages import estimate  # the page geometry, read only when composing

        inputs, renderer, anonymiser = self.inputs, self.renderer, self.anonymiser
        loaded, library, template_set = inputs.loaded, inputs.library, inputs.template_set
        config = template_set.config
        rendered, bodies = [], {}
        for section in self.sections:
            from_library = section.path != loaded.path
            meta = section.meta.model_dump()
            if anonymiser is not None and not from_library:
                meta["title"] = anonymiser.scrub(meta["title"])
            body = bodies[section.id] = self.body(section, section.id in summarised)
            kind = "library_section" if from_library else "case_section"
            identifier = anonymiser.scrub(section.id) if anonymiser else section.id
            source = None if from_library else section.body  # a case's own text: hashed as written
            rendered.append({**meta, "body": region(kind, identifier, body, source)})
        # The context the sections were rendered with, with the sections and the answers.
        questions = []
        for index, question in enumerate(self.context["instructions"]["questions"], 1):
            # Markdown with citations, no Jinja; an unanswered question's placeholder is the
            # answer's region too, so that an answer written over it in Word is read back.
            answer = question["answer"]
            questions.append({**question, "answer": region(
                "answer", f"q{index}", renderer.case_markdown(answer, loaded.path), answer)
                if answer.strip() else region(
                "answer", f"q{index}", renderer.placeholder(f"answer to question {index}"), "")})
        instructions = {**self.context["instructions"], "questions": questions}
        context = {**with_sections(self.context, rendered),
                   "case": {**self.context["case"], "instructions": instructions},
                   "instructions": instructions}
        # What the methodology paragraph says about how the cited sources were consulted.
        context["evidence"] = evidence_summary(
            _cited_keys(rendered, context, self.known), library.sources)
        markdown = renderer.render_report(config.report, context)
        # Parse, then turn citations into footnotes.
        template_path = str(template_set.path / config.report)
        blocks = parse_markdown(markdown, template_path, 0, renderer.literals.values,
                                self.known)
        document = Document(blocks, _metadata(loaded, library, config.language, anonymiser))
        document, cited = resolve_citations(document, library.sources,
                                            template_set.citation_style)
        pages = estimate(document, template_set.reference_docx, config.styles)
        return Draft(document, markdown, cited, self.sections, renderer.literals.values, pages,
                     [section.id for section in self.sections if section.id in summarised],
                     renderer.literals.case_values(), bodies, self)


def build_report(inputs: Inputs, libraries: LibraryCache, output: Path | None = None) -> Report:
    """A case's report (the step of reportkit.pipeline that makes one): the draft, written as a
    DOCX with its provenance record (which, given the `output` path, says where the case file is
    from there)."""
    from reportkit.docx import write_docx  # imported only by the commands that write a DOCX
    loaded, library, template_set = inputs.loaded, inputs.library, inputs.template_set
    anonymiser = inputs.anonymiser
    draft = compose_report(inputs)
    record = provenance_record(loaded, library, libraries.commit(library.country), template_set,
                               draft.sections, draft.cited, anonymiser, draft.document, output)
    data = write_docx(draft.document, template_set.reference_docx, template_set.config.styles,
                      record_xml(record))
    # The expert's CV as a Word document, when the expert file names one, is the last annex.
    data = append_documents(data, [loaded.cv_docx] if loaded.cv_docx else [])
    if anonymiser is not None:
        refuse_named(anonymiser, inputs, draft.sections, draft.document,
                     restore_literals(draft.markdown, draft.literals), record_xml(record).decode(),
                     draft.case_literals)
    return Report(data, draft.document, draft.markdown, draft.cited,
                  [section.id for section in draft.sections], draft.pages,
                  placeholders_in(draft.document),
                  draft.literals, draft.summarised,
                  unrecorded_access_problems(draft.cited, library.sources, library.sources_path,
                                             library.source_lines))


def _cited_keys(sections: list[dict], context: dict, known: dict[str, tuple]) -> list[str]:
    """The source ids cited by the rendered sections, the answers and the chronology, in order.
    A key is never case text, so each text is read as it stands, with its literals' markers."""
    keys: dict[str, None] = {}
    texts = ([section["body"] for section in sections]
             + [question["answer"] for question in context["instructions"]["questions"]]
             + [row["text"] for row in context["chronology"] if row["source"] == "country"])
    for text in texts:
        keys.update(dict.fromkeys(cited_keys(str(text), known)))
    return list(keys)


def refuse_unfinished(report: Report, case_path: Path) -> None:
    """`--final`: a report with placeholders left, or citing a source whose consultation is not
    recorded, is not written."""
    if report.unrecorded:
        raise ReportkitError.from_problems(report.unrecorded)
    if report.placeholders:
        lines = "\n".join(f"  {item.origin}: {item.text}" for item in report.placeholders)
        raise ReportkitError(f"{len(report.placeholders)} placeholder(s) remain; --final "
                             f"writes only a finished report:\n{lines}", path=case_path,
                             hint="answer each question in the case file, then build again")


def over_limit_error(count: PageCount, limit: int, case_path: Path) -> ReportkitError:
    """Why `--final` does not write a report over its template set's page limit (without
    permission to exceed it)."""
    return ReportkitError(
        f"the report is {count.pages} pages ({count.how}) and the template set's limit is "
        f"{limit}; --final writes a report over the limit only with the tribunal's permission",
        path=case_path,
        hint="shorten it (sections with a `summary:` are shortened first), or, once permission "
             "is given, set options: {permission_to_exceed_page_limit: true}")


def _metadata(loaded: LoadedCase, library: Library, language: str,
              anonymiser: Anonymiser | None) -> Metadata:
    case = loaded.case
    # A reference can hold the applicant's name; the properties get the scrubbed one.
    reference = anonymiser.scrub(case.reference) if anonymiser else case.reference
    return Metadata(
        title=f"Country expert report: {library.info.name}",
        author=loaded.expert.name,
        subject=reference,
        keywords=f"{library.info.name}; country expert report",
        language=language,
        created=case.report_date.isoformat(),
        properties=(("CaseReference", reference), ("ReportkitVersion", __version__)),
    )


def default_output(case_path: Path, anonymiser: Anonymiser | None, suffix: str = "") -> Path:
    """The case file's name (+ `suffix`) with .docx; for an anonymised report (`anonymiser`),
    without any protected name (initials instead)."""
    stem = case_path.stem
    if anonymiser is not None:
        stem = anonymiser.scrub(stem, dotted=False)
    return case_path.with_name(f"{stem}{suffix}.docx")


def placeholders_in(document: Document) -> list[Placeholder]:
    """Every placeholder in the body, a region's too, in reading order."""
    return query(document.blocks, Placeholder)
