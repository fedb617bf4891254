"""From case files to written outputs: the one way every command goes (build, batch, schedule,
check --pages).

Each case is loaded, checked, composed and written as a DOCX once (reportkit.build). The
documents that need LibreOffice (a PDF, `--final`'s exact page count, `--pages`) are laid out
together in one LibreOffice run, which also gives the contents their page numbers; then each
case's page limit is applied and its outputs are written, all of them or none. Nothing here
prints or exits: a `Listener` hears each step, and the command says what happened.
"""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ContextManager

from reportkit import build
from reportkit.anonymise import names_hidden
from reportkit.context import anonymiser_of_file
from reportkit.errors import ReportkitError
from reportkit.output import Output, check_outputs, write_outputs

if TYPE_CHECKING:
    from reportkit.pages import Layout, PageCount
    from reportkit.schedule import Schedule

REPORT, SCHEDULE = "report", "schedule"


@dataclass(frozen=True)
class Request:
    """What a command asks for one case."""

    case: Path
    product: str = REPORT            # or SCHEDULE, the UK evidence schedule
    output: Path | None = None       # the DOCX; None: named after the case, beside it or in `folder`
    folder: Path | None = None       # the folder a DOCX named after its case goes into (batch)
    pdf: bool = False                # also a PDF beside the DOCX (LibreOffice)
    markdown: Path | None = None     # also the rendered report as pandoc Markdown
    final: bool = False              # refuse placeholders, unrecorded sources, pages over the limit
    anonymise: bool = False          # initials, whatever the case says
    exact_pages: bool = False        # count the pages with LibreOffice, not by the estimate
    write: bool = True               # False: built and counted in memory only (check --pages)
    force: bool = False
    discard_edits: bool = False


@dataclass
class Outcome:
    """What became of one request: what was built, counted and written, or the error."""

    request: Request
    inputs: build.Inputs | None = None
    report: build.Report | None = None
    schedule: Schedule | None = None
    target: Path | None = None       # the DOCX this case writes, once its outputs are checked
    docx: bytes | None = None        # as written: with the contents' pages when laid out
    count: PageCount | None = None
    limit: int | None = None         # the page limit that applies, if one does
    permitted: bool = False          # the case records permission to exceed it
    warning: str | None = None       # over the page limit
    written: list[Path] = field(default_factory=list)   # the DOCX first
    error: ReportkitError | None = None

    @property
    def over_limit(self) -> bool:
        """Over the page limit that applies, without permission: the one place this is decided."""
        return (self.limit is not None and self.count is not None
                and self.count.pages > self.limit and not self.permitted)


class Listener:
    """What a command hears while the pipeline runs; by default, nothing."""

    def building(self, case: Path) -> None:
        """A case is about to be built."""

    def laying_out(self, documents: int) -> None:
        """LibreOffice is about to lay out this many documents, in one run."""

    def finished(self, outcome: Outcome) -> None:
        """A case is done: written, counted, or failed."""

    def guard(self, case: Path) -> ContextManager:
        """Around each case's work: a command may turn a fault into a ReportkitError here, so
        that one case's fault does not stop the others."""
        return contextlib.nullcontext()


@dataclass
class _Job:
    """A case built, waiting for its pages to be counted and its files written."""

    outcome: Outcome
    target: Path
    docx: bytes          # once laid out, with the contents' page numbers filled
    estimate: PageCount  # the pages, unless LibreOffice lays the document out
    needs_layout: bool


def run_cases(requests: list[Request], libraries: build.LibraryCache, template_dirs: list[Path],
              listener: Listener | None = None) -> list[Outcome]:
    """Build, count and write each request's outputs; a case that fails does not stop the
    others (its outcome holds the error). Each library and template set is loaded once."""
    listener = listener or Listener()
    template_sets: dict = {}
    targets: dict[Path, Path] = {}  # each DOCX to write -> the case that writes it in this run
    outcomes, waiting = [], []
    for request in requests:
        listener.building(request.case)
        outcome = Outcome(request)
        outcomes.append(outcome)
        with _failing(outcome, listener, targets):
            job = _build(outcome, libraries, template_dirs, template_sets, targets)
            if job.needs_layout:
                waiting.append(job)
                continue
            _finish(job, None)
            listener.finished(outcome)
    if waiting:
        _lay_out_and_finish(waiting, listener, targets)
    return outcomes


@contextlib.contextmanager
def _failing(outcome: Outcome, listener: Listener, targets: dict[Path, Path]):
    """A ReportkitError (or a fault the listener turns into one) fails this case alone."""
    request = outcome.request
    try:
        # No error of an anonymised case shows a protected name, not even its file's name.
        with names_hidden(lambda: anonymiser_of_file(request.case, request.anonymise)), \
                listener.guard(request.case):
            yield
    except ReportkitError as error:
        outcome.error = error
        if outcome.target is not None and not outcome.written:  # the name is free again
            targets.pop(outcome.target, None)
        listener.finished(outcome)


def _lay_out_and_finish(waiting: list[_Job], listener: Listener, targets: dict[Path, Path]) -> None:
    """Every waiting document laid out in one LibreOffice run, then counted and written."""
    from reportkit.libreoffice import convert_many
    from reportkit.pages import layout_of

    listener.laying_out(len(waiting))
    try:
        pdfs = convert_many([job.docx for job in waiting])
    except ReportkitError as error:
        _fail_all(waiting, error, listener, targets)
        return
    layouts: dict[int, Layout] = {}
    for index, (job, pdf) in enumerate(zip(waiting, pdfs)):
        with _failing(job.outcome, listener, targets):
            layouts[index] = layout_of(pdf, job.docx)
            job.docx = layouts[index].with_contents_pages(job.docx)
    # The contents' page numbers are known only after that run: a PDF that shows them, as the
    # DOCX does, is made from the filled DOCX in a second run.
    printed = [index for index in layouts if waiting[index].outcome.request.pdf]
    if printed:
        try:
            second = convert_many([waiting[index].docx for index in printed])
        except ReportkitError as error:
            _fail_all([waiting[index] for index in printed], error, listener, targets)
            for index in printed:
                del layouts[index]
            second = []
        for index, pdf in zip(printed, second):
            layouts[index] = dataclasses.replace(layouts[index], pdf=pdf)
    for index, layout in layouts.items():
        job = waiting[index]
        with _failing(job.outcome, listener, targets):
            _finish(job, layout)
            listener.finished(job.outcome)


def _fail_all(jobs: list[_Job], error: ReportkitError, listener: Listener,
              targets: dict[Path, Path]) -> None:
    """A LibreOffice run failed: so did every case that waited for it."""
    for job in jobs:
        job.outcome.error = error
        targets.pop(job.target, None)
        listener.finished(job.outcome)


def _target(request: Request, inputs: build.Inputs) -> Path:
    if request.output is not None:
        return request.output
    suffix = "-schedule" if request.product == SCHEDULE else ""
    # An anonymised document's name must not come from a named case file.
    named = build.default_output(request.case, inputs.anonymiser, suffix)
    return request.folder / named.name if request.folder is not None else named


def _build(outcome: Outcome, libraries: build.LibraryCache, template_dirs: list[Path],
           template_sets: dict, targets: dict[Path, Path]) -> _Job:
    """Load and check the inputs and the outputs, then compose and write the DOCX in memory."""
    request = outcome.request
    inputs = outcome.inputs = build.load_inputs(request.case, libraries, template_dirs,
                                                template_sets, request.anonymise)
    target = _target(request, inputs)
    if request.write:
        _check_outputs(request, inputs, target, targets)
        targets[target] = request.case
        outcome.target = target
    config = inputs.template_set.config
    if request.product == SCHEDULE:
        from reportkit.schedule import PAGE_LIMIT, build_schedule

        draft = build.compose_report(inputs)
        schedule = outcome.schedule = build_schedule(inputs, draft)
        outcome.limit = PAGE_LIMIT
        return _Job(outcome, target, schedule.docx, schedule.pages, request.exact_pages)
    report = outcome.report = build.build_report(inputs, libraries, output=target)
    if request.final:
        build.refuse_unfinished(report, request.case)
    outcome.limit = config.page_limit or None  # a template set's 0: no limit
    outcome.permitted = bool(inputs.options.get("permission_to_exceed_page_limit"))
    # LibreOffice only when asked: for a PDF, an exact count, or --final (when it is installed:
    # the exact count for the page limit, and the contents' page numbers in the report filed;
    # otherwise the estimate decides, and Word fills the numbers on opening).
    needs_layout = request.pdf or request.exact_pages
    if request.final:
        from reportkit.libreoffice import soffice

        needs_layout = needs_layout or soffice() is not None
    return _Job(outcome, target, report.docx, report.pages, needs_layout)


def _check_outputs(request: Request, inputs: build.Inputs, target: Path,
                   targets: dict[Path, Path]) -> None:
    """Before anything is built: every output can be written as asked, and a report being
    replaced holds nothing the case lacks."""
    if target in targets:
        raise ReportkitError(f"another case in this batch ({targets[target]}) writes {target} too",
                             path=request.case, hint="give the case files different names")
    named = request.output is not None or request.folder is not None
    outputs = [Output(target, "-o" if named else f"the {request.product}", (".docx",))]
    if request.pdf:
        outputs.append(Output(target.with_suffix(".pdf"), "--pdf", (".pdf",)))
    if request.markdown is not None:
        outputs.append(Output(request.markdown, "--emit-markdown", (".md", ".markdown")))
    check_outputs(outputs, inputs.paths, request.force)
    if request.product == REPORT and request.force and not request.discard_edits:
        from reportkit.absorb import refuse_edited

        refuse_edited(target, inputs.loaded, inputs.library)


def _finish(job: _Job, layout: Layout | None) -> None:
    """Count the pages (LibreOffice's `layout`, or the estimate), apply the page limit, and
    write every output or none."""
    outcome, request = job.outcome, job.outcome.request
    count = outcome.count = layout.count if layout is not None else job.estimate
    if outcome.over_limit:
        if request.product == SCHEDULE:
            from reportkit.schedule import schedule_limit_warning

            outcome.warning = schedule_limit_warning(count, outcome.limit)
        else:
            if request.final:
                raise build.over_limit_error(count, outcome.limit, request.case)
            from reportkit.pages import page_limit_warning

            outcome.warning = page_limit_warning(count, outcome.limit)
    outcome.docx = job.docx  # laid out: with the contents' page numbers
    if not request.write:
        return
    files = [(job.target, outcome.docx)]
    if request.markdown is not None:
        from reportkit.render import restore_literals

        markdown = restore_literals(outcome.report.markdown, outcome.report.literals)
        files.append((request.markdown, markdown.encode("utf-8")))
    if request.pdf:
        files.append((job.target.with_suffix(".pdf"), layout.pdf))
    write_outputs(files, request.force)  # all of them, or none
    outcome.written = [path for path, _ in files]
