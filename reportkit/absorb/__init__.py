"""Absorb: read a report edited in Word or LibreOffice back into its case file.

Edited answers become the answers (Markdown); an edited library section becomes a
`sections.replace` entry of this case, so the library itself is never changed; a case section
takes its edited body; text typed outside every region becomes a `sections.extra` entry placed
where it was typed; a deleted region is left out of the case. Nothing is written until every
change is worked out, and then the case file is replaced atomically."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from reportkit.absorb.edits import Edits, Typed, find_edits
from reportkit.absorb.markdown import NoteOrigins, to_markdown
from reportkit.document import Heading
from reportkit.errors import ReportkitError
from reportkit.fingerprint import inline_text
from reportkit.load.case import LoadedCase, case_file_path, load_case, ANSWER_SUFFIXES
from reportkit.load.library import Library, Section
from reportkit.provenance import RegionWritten
from reportkit.render import digest_of


@dataclass
class Change:
    message: str            # what the summary says
    location: tuple         # where in the case file, e.g. ("instructions", "questions", 0, "answer")
    value: object           # the new value (None: remove the entry at location)


@dataclass
class Plan:
    report: Path
    case: Path
    changes: list[Change] = field(default_factory=list)
    files: dict[Path, str] = field(default_factory=dict)   # answer files to write
    notes: list[str] = field(default_factory=list)        # said, but nothing to change

    @property
    def empty(self) -> bool:
        return not self.changes and not self.files


def locate_case(report: Path, given: Path | None, record_case_path: str) -> Path:
    if given is not None:
        if not given.is_file():
            raise ReportkitError("no such case file", path=given)
        return given
    if not record_case_path:
        raise ReportkitError(
            "the report does not say where its case file is (an anonymised report never does)",
            path=report, hint="name the case file: reportkit absorb REPORT CASE")
    candidate = report.parent / record_case_path
    if not candidate.is_file():
        raise ReportkitError(f"the case file it was built from, {candidate}, is not there",
                             path=report, hint="name the case file: reportkit absorb REPORT CASE")
    return candidate


def plan_absorb(report: Path, case: Path | None, library: Library, accept_changes: bool) -> Plan:
    edits = find_edits(report, accept_changes)
    case_path = locate_case(report, case, edits.record.case_path)
    loaded = load_case(case_path)
    if loaded.case.country != edits.record.country:
        raise ReportkitError(f"the report is about {edits.record.country}, the case file about "
                             f"{loaded.case.country}", path=case_path,
                             hint="name the case file the report was built from")
    plan = plan_edits(report, edits, loaded, library)
    if edits.comments:
        plan.notes.append(f"{edits.comments} comment(s) in the report are not carried over; "
                          "they stay in the report")
    return plan


def plan_edits(report: Path, edits: Edits, loaded: LoadedCase, library: Library) -> Plan:
    """The changes to the case that carry `edits` over; none for an edit already absorbed."""
    plan = Plan(report, loaded.path)
    _Planner(plan, edits, loaded, library).run()
    return plan


def refuse_edited(path: Path, loaded: LoadedCase, library: Library) -> None:
    """`build --force` refuses to replace a report holding edits the case does not have yet.

    A file that is not a report built with region markers is not ours to judge (--force
    replaces it as before); a report whose edits were absorbed into this case is replaced."""
    from reportkit.docx.package import unchanged_since_written

    if not path.is_file() or unchanged_since_written(path):  # as written: nothing to absorb
        return
    try:
        edits = find_edits(path, accept=True)
    except ReportkitError:
        return
    try:
        places = len(plan_edits(path, edits, loaded, library).changes)
    except ReportkitError:  # edits that the case cannot take as it stands: edits all the same
        places = max(edits.count, 1)
    if places:
        raise ReportkitError(
            f"{path} was edited after it was built ({places} region{'s' if places != 1 else ''} "
            f"changed); run `reportkit absorb {path}` first, or pass `--discard-edits`",
            hint="nothing was written; the edited report is as it was")


class _Planner:
    def __init__(self, plan: Plan, edits: Edits, loaded: LoadedCase, library: Library):
        self.plan, self.edits, self.loaded, self.library = plan, edits, loaded, library
        self.notes = NoteOrigins(edits.record.notes)
        self.case_changed = hashlib.sha256(loaded.path.read_bytes()).hexdigest() \
            != edits.record.case_sha256
        overrides = loaded.case.sections
        self.replaced = {entry.id: index for index, entry in enumerate(overrides.replace)}
        self.extra = {entry.id: index for index, entry in enumerate(overrides.extra)}
        self.recorded = {section.id: section for section in edits.record.sections}
        self.new_extra: list[dict] = []

    def run(self) -> None:
        conflicts = []
        for region, units in self.edits.changed:
            before = len(self.plan.changes) + len(self.plan.files)
            self.changed(region, [unit.block for unit in units])
            if len(self.plan.changes) + len(self.plan.files) > before and self.conflict(region):
                conflicts.append(self.conflict(region))
        if conflicts:
            raise ReportkitError(
                "the case file changed after the report was built, in the same place the "
                "report was edited:\n" + "\n".join(f"  {line}" for line in conflicts),
                path=self.loaded.path,
                hint="build the report again, copy your edits into it, and absorb that one")
        for region in self.edits.deleted:
            self.deleted(region)
        for typed in self.edits.typed:
            self.typed(typed)
        self.finish()
        if self.notes.typed:
            self.plan.notes.append(f"{self.notes.typed} footnote(s) typed in the report are "
                                   "kept as ^[...] notes")
        if self.notes.edited:
            self.plan.notes.append(f"{self.notes.edited} generated footnote(s) were changed in "
                                   "the report and are kept as written, as ^[...] notes")

    # ------------------------------------------------------------ one region

    def conflict(self, region: RegionWritten) -> str | None:
        if not self.case_changed:
            return None
        if region.kind == "answer":
            index = int(region.id[1:]) - 1
            questions = self.loaded.case.instructions.questions
            current = questions[index].answer if index < len(questions) else ""
            if digest_of(current.strip("\n")) != region.digest:
                return f"the answer to question {index + 1}"
        if region.kind == "case_section":
            body = self.case_section_body(region.id)
            if body is not None and digest_of(body.strip("\n")) != region.digest:
                return f"section '{region.id}'"
        return None

    def case_section_body(self, section_id: str) -> str | None:
        overrides = self.loaded.case.sections
        if section_id in self.replaced:
            return overrides.replace[self.replaced[section_id]].body
        if section_id in self.extra:
            return overrides.extra[self.extra[section_id]].body
        return None

    def changed(self, region: RegionWritten, blocks: list) -> None:
        if region.kind == "answer":
            self.answer(region, to_markdown(blocks, self.notes))
            return
        title = None
        if blocks and isinstance(blocks[0], Heading) and blocks[0].level <= 2:
            title, blocks = inline_text(blocks[0].content, formatting=False), blocks[1:]
        body = to_markdown(blocks, self.notes)
        own = (("replace", self.replaced, "the case's replacement text takes your edits"),
               ("extra", self.extra, "(the case's own) takes your edits"))
        for kind, entries, said in own:
            if region.id in entries:
                location = ("sections", kind, entries[region.id])
                self.change(f"section '{region.id}': {said}", (*location, "body"), body)
                if title:
                    self.change(f"section '{region.id}': new title '{title}'",
                                (*location, "title"), title)
                return
        if region.kind == "library_section":
            entry = {"id": region.id, "body": body}
            if title:
                entry["title"] = title
            message = (f"library section '{region.id}' was edited: added to this case's "
                       "sections.replace with the whole edited text; the library is unchanged")
            section = self.library.sections.get(region.id)
            recorded = self.recorded.get(region.id)
            if section is not None and recorded is not None and \
                    hashlib.sha256(section.body.encode("utf-8")).hexdigest() != recorded.sha256:
                message += ("; note: the library's own text of this section changed since the "
                            "report was built, and your edited text replaces it (compare with "
                            f"`reportkit sections show {region.id}`)")
            self.append(message, ("sections", "replace"), entry)
        else:
            self.plan.notes.append(f"section '{region.id}' was edited, but the case no longer "
                                   "has it; its edits are not carried over")

    def answer(self, region: RegionWritten, markdown: str) -> None:
        index = int(region.id[1:]) - 1
        questions = self.loaded.case.instructions.questions
        if index >= len(questions):
            self.plan.notes.append(f"answer {region.id} was edited, but the case has no "
                                   f"question {index + 1} now; its edits are not carried over")
            return
        question = questions[index]
        if question.answer_file:
            location = ("instructions", "questions", index, "answer_file")
            path = case_file_path(self.loaded.document, question.answer_file,
                                  self.loaded.line_of(*location), ANSWER_SUFFIXES)
            if _same(question.answer, markdown):
                return
            self.plan.files[path] = markdown
            self.plan.changes.append(Change(
                f"answer to question {index + 1}: written to {question.answer_file}", (), None))
            return
        self.change(f"answer to question {index + 1}: takes the text of the report "
                    f"({markdown.count(chr(10) + chr(10)) + 1 if markdown else 0} paragraph(s))",
                    ("instructions", "questions", index, "answer"), markdown)

    def deleted(self, region: RegionWritten) -> None:
        if region.kind == "answer":
            index = int(region.id[1:]) - 1
            if index < len(self.loaded.case.instructions.questions) and \
                    self.loaded.case.instructions.questions[index].answer.strip():
                if self.loaded.case.instructions.questions[index].answer_file:
                    self.plan.notes.append(f"the answer to question {index + 1} was deleted "
                                           "in the report; its answer_file is left as it is")
                    return
                self.change(f"answer to question {index + 1}: deleted in the report, emptied",
                            ("instructions", "questions", index, "answer"), "")
            return
        if region.id in self.extra:
            self.change(f"section '{region.id}' (the case's own): deleted in the report, "
                        "removed from the case", ("sections", "extra", self.extra[region.id]),
                        None)
            return
        if region.id in self.replaced:
            self.change(f"section '{region.id}': deleted in the report, its replacement "
                        "removed", ("sections", "replace", self.replaced[region.id]), None)
        self.append(f"section '{region.id}': deleted in the report, added to "
                    "sections.exclude", ("sections", "exclude"), region.id)

    def typed(self, typed: Typed) -> None:
        blocks = [unit.block for unit in typed.units]
        title = "Added in the report"
        if blocks and isinstance(blocks[0], Heading):
            title, blocks = inline_text(blocks[0].content, formatting=False) or title, blocks[1:]
        part, order, where = self.place(typed)
        taken = set(self.library.sections) | set(self.extra) | {e["id"] for e in self.new_extra}
        number = 1
        while f"added-in-report-{number}" in taken:
            number += 1
        entry = {"id": f"added-in-report-{number}", "title": title, "part": part,
                 "order": order, "body": to_markdown(blocks, self.notes)}
        existing = self.current(("sections", "extra")) or []
        if any(_same(item.get("body"), entry["body"]) for item in existing
               if isinstance(item, dict)):
            return  # absorbed before
        self.new_extra.append(entry)
        first = typed.units[0]
        self.append(f"text typed outside every section (paragraph {first.number}, "
                    f"“{first.preview()}”): added as sections.extra '{entry['id']}', titled "
                    f"'{title}', {where}", ("sections", "extra"), entry)

    def place(self, typed: Typed) -> tuple[str, int, str]:
        """The part and order that put a new section where the text was typed."""
        sections = self.sections_by_id()
        below = sections.get(typed.after.id) if typed.after and typed.after.kind != "answer" else None
        above = sections.get(typed.before.id) if typed.before and typed.before.kind != "answer" else None
        if below is not None:
            return below.meta.part, below.meta.order - 1, f"before section '{below.id}'"
        if above is not None:
            return above.meta.part, above.meta.order + 1, f"after section '{above.id}'"
        ordered = sorted(sections.values(), key=lambda section: (section.meta.order, section.id))
        if ordered:
            first = ordered[0]
            return (first.meta.part, first.meta.order - 1,
                    f"at the start of part '{first.meta.part}' (the nearest place a section "
                    "can go; move it in the case file if you wish)")
        return "profile", 1000, "in part 'profile'"

    def sections_by_id(self) -> dict[str, Section]:
        from reportkit.select import select_sections

        return {section.id: section for section in select_sections(self.library, self.loaded)}

    # ------------------------------------------------------------ collected changes

    def current(self, location: tuple):
        """The case file's value at `location` now (None if there is none)."""
        node = self.loaded.document.data
        for key in location:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def change(self, message: str, location: tuple, value) -> None:
        """A change, unless the case already says so (the edit was absorbed before)."""
        if value is not None and _same(self.current(location), value):
            return
        self.plan.changes.append(Change(message, location, value))

    def append(self, message: str, location: tuple, value) -> None:
        existing = self.current(location) or []
        if any(_same_entry(item, value) for item in existing):
            return
        self.plan.changes.append(Change(message, (*location, None), value))

    def finish(self) -> None:
        """Keep the order of the summary, and apply list removals from the last index."""
        removals = [change for change in self.plan.changes
                    if change.value is None and change.location and
                    isinstance(change.location[-1], int)]
        for change in removals:
            self.plan.changes.remove(change)
        removals.sort(key=lambda change: change.location[-1], reverse=True)
        self.plan.changes.extend(removals)


def _same(current, value) -> bool:
    if isinstance(current, str) and isinstance(value, str):
        return current.strip() == value.strip()
    return current == value


def _same_entry(current, value) -> bool:
    if isinstance(value, dict) and isinstance(current, dict):
        return current.get("id") == value.get("id")
    return _same(current, value)
