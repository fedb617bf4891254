"""Which regions of a report were edited after it was built, and what was typed outside them,
found by comparing the report as saved with the fingerprints its provenance record keeps."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportkit.document import Heading
from reportkit.docx.reader import (ReportXml, Unit, accept_changes, pending_changes,
                                   read_report_xml, read_units)
from reportkit.errors import ReportkitError
from reportkit.fingerprint import region_text, short_hash, unit_text
from reportkit.provenance import Record, RegionWritten, read_record


@dataclass
class Typed:
    """Paragraphs typed outside every region, and the regions on either side of them."""

    units: list[Unit]
    before: RegionWritten | None  # the nearest region above
    after: RegionWritten | None   # the nearest region below


@dataclass
class Edits:
    record: Record
    changed: list[tuple[RegionWritten, list[Unit]]] = field(default_factory=list)
    deleted: list[RegionWritten] = field(default_factory=list)
    typed: list[Typed] = field(default_factory=list)
    comments: int = 0

    @property
    def count(self) -> int:
        """How many places were edited: regions changed or deleted, and runs of typed text."""
        return len(self.changed) + len(self.deleted) + len(self.typed)


def read_record_with_regions(path: Path) -> Record:
    record = read_record(path)
    if not record.regions:
        raise ReportkitError(
            "this report carries no region markers, so its edits cannot be read back", path=path,
            hint="it was built by an earlier reportkit; build it again, copy your edits into "
                 "the new report, and absorb that one")
    return record


def find_edits(path: Path, accept: bool = False) -> Edits:
    """The edits in the report at `path`. Pending tracked changes are refused (naming where they
    are) unless `accept`, which accepts them all first."""
    record = read_record_with_regions(path)
    report = read_report_xml(path)
    pending = pending_changes(report)
    if pending and not accept:
        raise ReportkitError(
            f"the report has {len(pending)} tracked change(s) not yet accepted or rejected, "
            f"{_where_changes_are(report)}", path=path,
            hint="accept or reject them in Word or LibreOffice and save, or pass "
                 "--accept-changes to accept them all")
    if pending:
        accept_changes(report)
    return compare(record, read_units(report), report.comments)


def _where_changes_are(report: ReportXml) -> str:
    tags = {"ins", "del", "moveFrom", "moveTo"}
    places = []
    body_units = [child for child in report.body.iter()
                  if child.tag.endswith("}p") and child.getparent() is not None]
    for number, paragraph in enumerate(body_units, 1):
        if any(node.tag.rsplit("}", 1)[-1] in tags for node in paragraph.iter()):
            text = "".join(paragraph.itertext()).strip()
            places.append(f"paragraph {number} (“{text[:50]}{'…' if len(text) > 50 else ''}”)")
    if report.footnotes is not None and any(
            node.tag.rsplit("}", 1)[-1] in tags for node in report.footnotes.iter()):
        places.append("the footnotes")
    shown = places[:5] + ([f"and {len(places) - 5} more"] if len(places) > 5 else [])
    return "in " + "; ".join(shown) if shown else "in the document's formatting"


def compare(record: Record, units: list[Unit], comments: int = 0) -> Edits:
    """Assign each unit to a region or to typed text, then compare with what was written.

    A unit belongs to the region whose start marker it holds, and so do the units after it,
    until a unit reportkit wrote outside every region (known by its fingerprint) or the next
    region's start: a paragraph added at the end of an answer belongs to the answer, and one
    typed just above a region (below reportkit's text) belongs to that region. A region whose
    start marker was lost (its first paragraph deleted) starts after the last unit reportkit
    wrote before its end marker. What is left, typed between two of reportkit's own
    paragraphs, is typed text outside every region."""
    regions = {region.marker: region for region in record.regions}
    template = set(record.template)
    assigned: dict[str, list[Unit]] = {}
    owner: list[str | None] = []
    state: str | None = None
    ended = False
    loose: list[int] = []  # indexes of typed units not yet given to a region
    for index, unit in enumerate(units):
        text = unit_text(unit.block)
        starts = [marker for marker in unit.starts if marker in regions]
        if starts:
            for marker in starts:
                assigned.setdefault(marker, [])
            state, ended = starts[-1], False
            for earlier in loose:  # typed just above the region, below reportkit's text
                owner[earlier] = state
                assigned[state].append(units[earlier])
            loose = []
        elif not text:
            owner.append(None)
            continue
        elif short_hash(text) in template and (state is None or ended):
            state, loose = None, []
            owner.append(None)
            continue
        elif state is not None and ended and isinstance(unit.block, Heading):
            state = None  # a heading after a region's end starts what follows, not the region
            loose.append(index)
            owner.append("")
            continue
        elif state is None:
            lost = [marker for marker in unit.ends if marker in regions and marker not in assigned]
            if not lost:
                loose.append(index)
                owner.append("")
                continue
            state, ended = lost[0], False
            assigned[state] = []
            for earlier in loose:
                owner[earlier] = state
                assigned[state].append(units[earlier])
            loose = []
        assigned[state].append(unit)
        owner.append(state)
        if state in unit.ends:
            ended = True
    edits = Edits(record, comments=comments)
    for region in record.regions:
        if region.marker not in assigned or not assigned[region.marker]:
            edits.deleted.append(region)
        elif short_hash(region_text([unit.block for unit in assigned[region.marker]])) \
                != region.written:
            edits.changed.append((region, assigned[region.marker]))
    edits.typed = _typed_runs(units, owner, regions)
    return edits


def _typed_runs(units: list[Unit], owner: list[str | None], regions) -> list[Typed]:
    """Consecutive typed units (owner ""), each run with the regions above and below it."""
    runs: list[Typed] = []
    current: Typed | None = None
    last: str | None = None
    for position, (unit, holder) in enumerate(zip(units, owner)):
        if holder == "":
            if current is None:
                below = next((later for later in owner[position + 1:] if later), None)
                current = Typed([], regions.get(last), regions.get(below))
                runs.append(current)
            current.units.append(unit)
        else:
            current = None
            last = holder or last
    return runs

