"""The UK country-information evidence schedule: per disputed issue, the passages and sources relied on."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportkit.build import Draft, Inputs
from reportkit.document import Block, Document, Heading, Inline, Metadata, Paragraph, Table, Text
from reportkit.docx import write_docx
from reportkit.errors import ReportkitError
from reportkit.leaks import refuse_named
from reportkit.load.library import Section
from reportkit.pages import PageCount, estimate
from reportkit.quality.case import question_section_problems
from reportkit.quality.text import Unit, units_in
from reportkit.dates import long_date
from reportkit.walk import body_blocks, plain_text

# Practice Direction (First-tier Tribunal, IAC, 2024) §10.6: a schedule of no more than 12 pages.
PAGE_LIMIT = 12
EXTRACT_WORDS = 45
HEADER = ((Text("Paragraph or extract relied on"),), (Text("Source"),))


@dataclass(frozen=True)
class Schedule:
    docx: bytes
    document: Document
    rows: int
    pages: PageCount  # the estimate


def build_schedule(inputs: Inputs, draft: Draft) -> Schedule:
    """One table per question: each cited passage of the sections that bear on it, and its
    sources, quoted from the report's `draft` as it was rendered (each passage with the number
    Word shows beside it there)."""
    loaded, library, template_set = inputs.loaded, inputs.library, inputs.template_set
    case, config = loaded.case, template_set.config
    problems = question_section_problems(loaded, list(library.sections))
    if problems:
        raise ReportkitError.from_problems(problems)
    anonymiser = inputs.anonymiser
    scrub = anonymiser.scrub if anonymiser else (lambda text: text)
    selected = draft.sections
    by_id = {section.id: section for section in selected}
    passages: dict[str, list[Unit]] = {}
    numbers = paragraph_numbers(draft.document)
    summarised = set(draft.summarised)  # sections the report shortened to their summary

    def passages_of(section: Section) -> list[Unit]:
        if section.id not in passages:
            line = section.body_line
            if section.id in summarised:
                line = section.summary_line or 1
            passages[section.id] = units_in(draft.markdown_of(section), section.path, line,
                                            literals=draft.literals)
        return passages[section.id]

    body_style = config.styles.get("body")
    blocks: list[Block] = [
        Heading(1, (Text("Schedule of country information evidence"),), numbered=False),
        Paragraph((Text(f"Appeal reference {scrub(case.reference)}. Country: {library.info.name}. "
                        f"Expert: {loaded.expert.name}. Report dated "
                        f"{long_date(case.report_date, config.language, config.date_format)}."),), body_style),
    ]
    rows_written = 0
    for number, question in enumerate(case.instructions.questions, 1):
        blocks.append(Heading(2, (Text(f"Issue {number}: {scrub(question.text)}"),), numbered=False))
        sections = ([by_id.get(section_id, library.sections[section_id]) for section_id in question.sections]
                    if question.sections is not None else selected)
        rows = []
        for section in sections:
            units = passages_of(section)
            places = _places(units, numbers if section.id in by_id else None)
            for unit, place in zip(units, places):
                if unit.keys:
                    rows.append((_extract(section, place, unit),
                                 _sources(unit, library.sources, template_set.citation_style)))
        if rows:
            blocks.append(Table(HEADER, tuple(rows)))
            rows_written += len(rows)
        else:
            blocks.append(Paragraph((Text("No cited passage in the sections for this issue."),),
                                    body_style))
    document = Document(tuple(blocks), Metadata(
        title=f"Country information evidence schedule: {library.info.name}",
        author=loaded.expert.name, subject=scrub(case.reference), language=config.language,
        created=case.report_date.isoformat(),
        properties=(("CaseReference", scrub(case.reference)),)))
    if anonymiser is not None:
        used = {section.id: section for question in case.instructions.questions
                for section in ([by_id.get(id, library.sections[id]) for id in question.sections]
                                if question.sections is not None else selected)}
        refuse_named(anonymiser, inputs, list(used.values()), document, "", "", [])
    data = write_docx(document, template_set.reference_docx, config.styles)
    return Schedule(data, document, rows_written,
                    estimate(document, template_set.reference_docx, config.styles))


def counted_how(count) -> str:
    """How a schedule's pages were counted, as its messages say it."""
    return count.how if not count.estimated else "estimate; --pages counts exactly with LibreOffice"


def schedule_limit_warning(count: PageCount, limit: int) -> str:
    """The warning for a schedule over the Practice Direction's limit."""
    return (f"the schedule is {count.pages} pages ({counted_how(count)}); the Practice Direction "
            f"(2024, §10.6) allows at most {limit}: name fewer sections per question "
            f"(questions[].sections) or shorten the passages")


def paragraph_numbers(document: Document) -> dict[str, int]:
    """The number of each numbered paragraph of a report, by its opening words.

    Paragraphs in the template's default paragraph style are the numbered ones, consecutively
    through the report; Word computes the numbers, and this counts them the same way."""
    numbered = [block for block in body_blocks(document.blocks)
                if isinstance(block, Paragraph) and block.style is None]
    numbers: dict[str, int] = {}
    for number, paragraph in enumerate(numbered, 1):
        numbers.setdefault(words_key(plain_text(paragraph)), number)
    return numbers


def words_key(text: str) -> str:
    """The first words of a passage, lower case, without punctuation or note marks."""
    return " ".join(re.findall(r"\w+", text.lower())[:25])


def _places(units: list[Unit], numbers: dict[str, int] | None) -> list[str]:
    """Where each passage stands: "paragraph 52" of the report, "paragraph 52, point 2" for the
    items of a list after it, or its place in the section when the report leaves it out."""
    if numbers is None:
        return [f"{unit.kind} {index} of the section (a library section not in the report)"
                for index, unit in enumerate(units, 1)]
    places, last, point = [], None, 0
    for index, unit in enumerate(units, 1):
        number = numbers.get(words_key(unit.text)) if unit.kind == "paragraph" else None
        if number is not None:
            last, point = number, 0
            places.append(f"paragraph {number}")
        elif last is not None:
            point += 1
            places.append(f"paragraph {last}, point {point}")
        else:
            places.append(f"{unit.kind} {index} of the section")
    return places


def _extract(section: Section, place: str, unit: Unit) -> tuple[Inline, ...]:
    words = unit.text.split()
    text = " ".join(words[:EXTRACT_WORDS]) + (" …" if len(words) > EXTRACT_WORDS else "")
    return (Text(f"{section.meta.title}, {place}: ", bold=True), Text(f"“{text}”"))


def _sources(unit: Unit, sources, style) -> tuple[Inline, ...]:
    """Short enough to repeat on every row: creator, short title, date, and the link itself."""
    content: list[Inline] = []
    for key in dict.fromkeys(unit.keys):
        if key not in sources:
            continue  # reported by `reportkit check` (L002); the build refuses it earlier
        if content:
            content.append(Text("; "))
        content += style.form("schedule", sources[key])
    return tuple(content)
