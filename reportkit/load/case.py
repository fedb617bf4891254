"""Load a case file and the expert profile it refers to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Protocol

from reportkit.errors import Problem, ReportkitError
from reportkit.load.files import regular_file_size
from reportkit.load.yaml_file import YamlDocument, load_yaml, read_text
from reportkit.models import XML_ILLEGAL, Case, Expert, unwritable_character
from reportkit.validate import validate_document

EXPERT_SUFFIXES = (".yaml", ".yml")
# `~/x`, `C:\x`, `\\host\share`: absolute however they are spelled.
_ABSOLUTE = re.compile(r"^(?:~|[A-Za-z]:|[\\/])")


class _HasPath(Protocol):
    @property
    def path(self) -> Path: ...


@dataclass(frozen=True)
class LoadedCase:
    case: Case
    document: YamlDocument
    expert: Expert
    expert_path: Path
    cv_docx: Path | None = None  # the expert's CV as a Word document, appended as Annex C

    @property
    def path(self) -> Path:
        return self.document.path

    def line_of(self, *location) -> int:
        return self.document.line_of(tuple(location))

    def text_line(self, *location) -> int:
        return self.document.text_line(tuple(location))


def case_file_path(loaded: _HasPath, value: str, line: int | None,
                   suffixes: tuple[str, ...]) -> Path:
    """The file that a path written in a case file names, or an error at `case:line`.

    The one way to follow a path in a case file. It is relative to the case's folder (so a case
    folder can be moved or sent as it is), stays inside that folder whatever `..` or symbolic
    links it goes through, ends in one of `suffixes`, and is an ordinary file."""
    case_path = loaded.path
    allowed = " or ".join(f"'{suffix}'" for suffix in suffixes)

    def refuse(message: str, hint: str | None = None) -> ReportkitError:
        return ReportkitError(message, path=case_path, line=line, hint=hint)

    shown = value if len(value) <= 80 else value[:77] + "…"
    if not value.strip():
        raise refuse("the file name is empty", f"name a {allowed} file in the case's folder")
    if _ABSOLUTE.match(value) or PureWindowsPath(value).is_absolute() or Path(value).is_absolute():
        raise refuse(f"'{shown}' is an absolute path; paths in a case file are relative to "
                     f"the case's folder", "put the file in the case's folder (or a folder "
                     "inside it) and write e.g. experts/me.yaml")
    if "\x00" in value:
        raise refuse("the file name contains a NUL character")
    folder = case_path.parent.resolve()
    target = (folder / value).resolve()
    if not target.is_relative_to(folder):
        raise refuse(f"'{shown}' is outside the case's folder",
                     "paths in a case file stay inside the case's folder; copy the file there")
    if Path(value).suffix.lower() not in suffixes or target.suffix.lower() not in suffixes:
        raise refuse(f"'{shown}' is not a {allowed} file")
    try:
        regular_file_size(target)
    except ReportkitError as error:
        raise refuse(f"'{shown}': {error.problems[0].message}",
                     f"looked for {target}") from None
    return target


ANSWER_SUFFIXES = (".md", ".markdown", ".txt")


def _with_answer_files(case: Case, document: YamlDocument) -> Case:
    """Each `answer_file` read into its question's `answer`."""
    questions = list(case.instructions.questions)
    changed = False
    for index, question in enumerate(questions):
        if question.answer_file is None:
            continue
        line = document.line_of(("instructions", "questions", index, "answer_file"))
        if question.answer.strip():
            raise ReportkitError("a question has both `answer` and `answer_file`", path=document.path,
                                 line=line, hint="keep one of them")
        path = case_file_path(document, question.answer_file, line, ANSWER_SUFFIXES)
        text = read_text(path)
        bad = XML_ILLEGAL.search(text)
        if bad:
            raise ReportkitError(unwritable_character(bad.group()).replace(" at position 1", ""),
                                 path=path, line=text.count("\n", 0, bad.start()) + 1)
        questions[index] = question.model_copy(update={"answer": text})
        changed = True
    if not changed:
        return case
    instructions = case.instructions.model_copy(update={"questions": questions})
    return case.model_copy(update={"instructions": instructions})


def load_case(path: Path) -> LoadedCase:
    document = load_yaml(path)
    case = _with_answer_files(validate_document(Case, document), document)
    if isinstance(case.expert, Expert):
        return LoadedCase(case, document, case.expert, path,
                          _cv_docx(document, case.expert, ("expert", "cv_docx")))
    expert_path = case_file_path(document, case.expert, document.line_of(("expert",)),
                                 EXPERT_SUFFIXES)
    try:
        expert_document = load_yaml(expert_path)
        expert = validate_document(Expert, expert_document)
    except ReportkitError as error:
        raise _shortened(error) from None
    return LoadedCase(case, document, expert, expert_path,
                      _cv_docx(expert_document, expert, ("cv_docx",)))


def _cv_docx(document: YamlDocument, expert: Expert, location: tuple) -> Path | None:
    """`cv_docx`, relative to the file that names it (the expert file, or the case file)."""
    if expert.cv_docx is None:
        return None
    return case_file_path(document, expert.cv_docx, document.line_of(location), (".docx",))


def _shortened(error: ReportkitError, keep: int = 5) -> ReportkitError:
    """The first problems of a file that may not be an expert file at all, not all of them."""
    problems = error.problems
    if len(problems) <= keep:
        return error
    rest = Problem(f"and {len(problems) - keep} more problems; is this an expert file?",
                   problems[keep].path, None, "an expert file has: name, title, "
                   "qualifications, posts, publications, languages, expertise, cv_docx")
    return ReportkitError.from_problems([*problems[:keep], rest])
