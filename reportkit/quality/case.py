"""Checks on a case file: instructions, answers in the expert's own voice, event dates, placeholders."""

from __future__ import annotations

import re
from typing import Iterator

from reportkit.anonymise import fold
from reportkit.load.yaml_file import load_yaml
from reportkit.quality.config import PhraseList
from reportkit.quality.findings import CheckContext, Hit
from reportkit.validate import unknown_name_problem


def missing_qualifications(context: CheckContext) -> Iterator[Hit]:
    loaded = context.case
    if any(item.strip() for item in loaded.expert.qualifications):
        return
    if loaded.expert_path == loaded.path:
        path, line = loaded.path, loaded.line_of("expert")
    else:
        path, line = loaded.expert_path, load_yaml(loaded.expert_path).line_of(("qualifications",))
    yield Hit("the expert's qualifications are missing", path, line,
              "list degrees, posts and field research under `qualifications:`; the tribunal "
              "weighs the report by the expertise shown")


def incomplete_instructions(context: CheckContext) -> Iterator[Hit]:
    loaded = context.case
    instructions = loaded.case.instructions
    where = ("instructions",)
    if not instructions.instructed_by.strip():
        yield Hit("the instructing party is blank", loaded.path, loaded.line_of(*where, "instructed_by"))
    if not any(document.strip() for document in instructions.documents):
        yield Hit("no documents received are listed", loaded.path, loaded.line_of(*where, "documents"),
                  "list every document you were sent under `instructions.documents:`")
    if not instructions.questions:
        yield Hit("no questions are listed", loaded.path, loaded.line_of(*where, "questions"),
                  "copy the questions from the letter of instruction under `instructions.questions:`")


def _unanswered(context: CheckContext) -> dict[int, str | None]:
    """Each unanswered question's index, with the placeholder that stands for its answer in the
    built report (the bundled templates word it "answer to question N"), if there is one."""
    texts = {placeholder.text.strip("[]").partition(": ")[2]: placeholder.text
             for placeholder in context.placeholders}
    return {index: texts.get(f"answer to question {index + 1}")
            for index, question in enumerate(context.case.case.instructions.questions)
            if not question.answer.strip()}


def unanswered_questions(context: CheckContext) -> Iterator[Hit]:
    loaded = context.case
    for index, placeholder in _unanswered(context).items():
        shown = f"; the report shows {placeholder} in its place" if placeholder else ""
        yield Hit(f"question {index + 1} has no answer yet{shown}; `reportkit build --final` "
                  f"refuses to write the report until it has one", loaded.path,
                  loaded.line_of("instructions", "questions", index, "answer"),
                  "write the answer under `answer:`")


def _phrase_hits(context: CheckContext, phrases: PhraseList, label: str) -> Iterator[Hit]:
    loaded = context.case
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(
        r"\s+".join(re.escape(word) for word in fold(phrase).split()) for phrase in phrases.phrases)
        + r")(?!\w)")
    for index, question in enumerate(loaded.case.instructions.questions):
        location = ("instructions", "questions", index, "answer")
        for match in pattern.finditer(fold(question.answer)):
            line = loaded.text_line(*location)
            if (location in loaded.document.block_scalars):
                line += question.answer.count("\n", 0, match.start())
            found = question.answer[match.start():match.end()]
            yield Hit(f"{label} in the answer to question {index + 1}: '{found}'",
                      loaded.path, line, phrases.hint)


def credibility_verdicts(context: CheckContext) -> Iterator[Hit]:
    yield from _phrase_hits(context, context.config.expert_answers.credibility, "credibility verdict")


def legal_conclusions(context: CheckContext) -> Iterator[Hit]:
    yield from _phrase_hits(context, context.config.expert_answers.legal, "legal conclusion")


def intensifiers(context: CheckContext) -> Iterator[Hit]:
    yield from _phrase_hits(context, context.config.expert_answers.intensifiers,
                            "unsupported intensifier")


def impossible_event_dates(context: CheckContext) -> Iterator[Hit]:
    loaded = context.case
    case = loaded.case
    birth = case.applicant.date_of_birth
    for index, event in enumerate(case.applicant.events):
        line = loaded.line_of("applicant", "events", index, "date")
        if event.date > case.report_date:
            yield Hit(f"event {index + 1} is dated {event.date.isoformat()}, after the report date "
                      f"({case.report_date.isoformat()})", loaded.path, line,
                      "correct the date; an event cannot postdate the report")
        if birth is not None and event.date < birth:
            yield Hit(f"event {index + 1} is dated {event.date.isoformat()}, before the applicant's "
                      f"birth ({birth.isoformat()})", loaded.path, line,
                      "correct the event date or applicant.date_of_birth")


def remaining_placeholders(context: CheckContext) -> Iterator[Hit]:
    # The placeholder of an unanswered question is named by that question's finding (C003).
    reported_by_c003 = set(_unanswered(context).values())
    for placeholder in context.placeholders:
        if placeholder.text in reported_by_c003:
            continue
        # The origin is a line of the rendered report, not of a file the user edits: name the case.
        yield Hit(f"the built report still has the placeholder {placeholder.text}", context.case.path,
                  None, "`reportkit build --final` refuses to write the report while any remain")


def unknown_question_sections(context: CheckContext) -> Iterator[Hit]:
    for problem in question_section_problems(context.case, list(context.library.sections)):
        yield Hit(problem.message, problem.path, problem.line, problem.hint)


def question_section_problems(loaded, known: list[str]):
    """`questions[].sections` ids that the library does not have."""
    problems = []
    for index, question in enumerate(loaded.case.instructions.questions):
        for position, section_id in enumerate(question.sections or []):
            if section_id not in known:
                problems.append(unknown_name_problem(
                    "section", section_id, known, loaded.document,
                    ("instructions", "questions", index, "sections", position)))
    return problems
