"""What went into a report: versions and hashes of the library, sections, template set and case."""

from __future__ import annotations

import hashlib
import os
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reportkit.document import Document, Region
from reportkit.errors import ReportkitError

if TYPE_CHECKING:
    from reportkit.anonymise import Anonymiser
    from reportkit.load.case import LoadedCase
    from reportkit.load.library import Library, Section
    from reportkit.load.templates import TemplateSetDir


def hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hash_text(text: str) -> str:
    return hash_bytes(text.encode("utf-8"))


def hash_folder(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def library_revision(folder: Path) -> str:
    """The git commit of the library when it is in a clean git checkout, else a content hash.

    Asking git costs two processes per run, so the answer is kept in the user's cache folder
    under a key made of everything it depends on: each library file's name, size and change
    time, and the checkout's HEAD, branch and index. Any change there asks git again."""
    key = _revision_key(folder)
    from reportkit.cache import cache_folder, write_entry

    kept = cache_folder("revisions") if key else None
    cached = kept / key if kept is not None else None
    if cached is not None:
        try:
            return cached.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            pass
    revision = _ask_git(folder)
    if cached is not None:
        write_entry(cached, revision.encode("utf-8"))
    return revision


def _revision_key(folder: Path) -> str | None:
    """A digest of what the revision depends on, or None when the checkout cannot be read."""
    digest = hashlib.sha256(str(folder.resolve()).encode("utf-8") + b"\0")
    try:
        for path in sorted(folder.rglob("*")):
            state = path.stat()
            digest.update(f"{path.relative_to(folder).as_posix()}\0{state.st_size}\0"
                          f"{state.st_mtime_ns}\0{state.st_ctime_ns}\0".encode("utf-8"))
        git_dir = _git_dir(folder)
        if git_dir is not None:
            head = (git_dir / "HEAD").read_text(encoding="utf-8")
            digest.update(head.encode("utf-8"))
            common = git_dir
            if (git_dir / "commondir").is_file():  # a linked worktree keeps refs in the main .git
                common = (git_dir / (git_dir / "commondir").read_text(encoding="utf-8").strip()).resolve()
            names = [git_dir / "index", common / "packed-refs"]
            if head.startswith("ref: "):
                names += [git_dir / head[5:].strip(), common / head[5:].strip()]
            for name in names:
                if name.exists():
                    state = name.stat()
                    digest.update(f"{name}\0{state.st_size}\0{state.st_mtime_ns}\0".encode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return digest.hexdigest()


def _git_dir(folder: Path) -> Path | None:
    for parent in (folder.resolve(), *folder.resolve().parents):
        dot_git = parent / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # a worktree or submodule: "gitdir: PATH"
            text = dot_git.read_text(encoding="utf-8").strip()
            if text.startswith("gitdir:"):
                return (parent / text[7:].strip()).resolve()
    return None


def _ask_git(folder: Path) -> str:
    try:
        result = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--", "."],
                                capture_output=True, text=True, timeout=10, check=False)
        if result.returncode == 0:
            commit = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"],
                                    capture_output=True, text=True, timeout=10, check=False)
            if commit.returncode == 0:
                state = "" if not result.stdout.strip() else f"+modified sha256:{hash_folder(folder)[:16]}"
                return f"git:{commit.stdout.strip()[:12]}{state}"
    except (OSError, subprocess.SubprocessError):
        pass
    return f"sha256:{hash_folder(folder)[:16]}"


# What a report records about its inputs, stored inside the .docx as a custom XML data part.
# It holds versions and hashes only: never a path or any text of the case, which can name the
# applicant.

NAMESPACE = "urn:reportkit:provenance:1"


@dataclass(frozen=True)
class SectionUsed:
    id: str
    origin: str  # "library", or "case" for a section the case file replaces or adds
    sha256: str  # of the text the section was rendered from


@dataclass(frozen=True)
class RegionWritten:
    """A region of the report: where it came from and a fingerprint of what was written in it."""

    marker: str   # the hidden bookmark that marks it
    kind: str     # "answer", "case_section" or "library_section"
    id: str       # "q1" or the section id
    digest: str   # hash of the Markdown rendered into it
    written: str  # hash of the text written (reportkit.fingerprint)


@dataclass(frozen=True)
class NoteWritten:
    marker: str
    citation: str  # "[@key, p. 3]"
    written: str


@dataclass(frozen=True)
class Record:
    reportkit_version: str
    country: str
    library_version: str
    library_revision: str  # git commit of the library, or a hash of its files outside git
    template_set: str
    template_set_sha256: str
    case_sha256: str  # of the case file's bytes
    report_date: str
    sections: tuple[SectionUsed, ...]
    cited: tuple[str, ...]
    regions: tuple[RegionWritten, ...] = ()
    notes: tuple[NoteWritten, ...] = ()
    template: tuple[str, ...] = ()  # hashes of the paragraphs written outside every region
    case_path: str = ""  # the case file, relative to the report's folder ("" when anonymised)
    # Library text the case confirmed as naming someone else (`anonymity_allow`): the section or
    # source of each confirmation. Not the text, nor a hash of it: a hash of a name can be guessed.
    anonymity_allowed: tuple[str, ...] = ()
    # (source id, SHA-256) of each cited source's archived copy: the text its quotations were
    # checked against.
    archives: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict:
        return {
            "reportkit_version": self.reportkit_version,
            "library": {"country": self.country, "version": self.library_version,
                        "revision": self.library_revision},
            "template_set": {"name": self.template_set, "sha256": self.template_set_sha256},
            "case": {"sha256": self.case_sha256, "report_date": self.report_date},
            "sections": [{"id": section.id, "origin": section.origin, "sha256": section.sha256}
                         for section in self.sections],
            "cited": list(self.cited),
            "regions": [{"marker": region.marker, "kind": region.kind, "id": region.id,
                         "digest": region.digest, "written": region.written}
                        for region in self.regions],
            "anonymity_allowed": list(self.anonymity_allowed),
            "archives": dict(self.archives),
        }


def provenance_record(loaded: LoadedCase, library: Library, revision: str,
                      template_set: TemplateSetDir, sections: list[Section], cited: list[str],
                      anonymiser: Anonymiser | None, document: Document | None = None,
                      output: Path | None = None) -> Record:
    """The record of one build. `revision` is the library's commit or content hash; with the
    `document`, what was written in each region; with the `output` path, where the case is."""
    from reportkit import __version__
    from reportkit.fingerprint import written
    from reportkit.walk import query

    regions, notes, template = (), (), ()
    if document is not None:
        fingerprints = written(document)
        regions = tuple(RegionWritten(region.marker, region.kind, region.id, region.digest,
                                      fingerprints.regions[region.marker])
                        for region in query(document.blocks, Region))
        notes = tuple(NoteWritten(marker, citation, hashed)
                      for marker, (citation, hashed) in fingerprints.notes.items())
        template = tuple(sorted(fingerprints.template))
    case_path = ""
    if output is not None and anonymiser is None:  # a file name can hold the applicant's name
        case_path = Path(os.path.relpath(loaded.path.resolve(), output.resolve().parent)).as_posix()

    def safe(text: str) -> str:  # a case-defined section id could hold a protected name
        return anonymiser.scrub(text) if anonymiser else text

    return Record(
        reportkit_version=__version__,
        country=library.country,
        library_version=library.info.library_version,
        library_revision=revision,
        template_set=template_set.name,
        template_set_sha256=hash_folder(template_set.path),
        case_sha256=hash_bytes(loaded.path.read_bytes()),
        report_date=loaded.case.report_date.isoformat(),
        sections=tuple(SectionUsed(safe(section.id),
                                   "case" if section.path == loaded.path else "library",
                                   hash_text(section.body))
                       for section in sections),
        cited=tuple(cited),
        regions=regions,
        notes=notes,
        template=template,
        case_path=case_path,
        anonymity_allowed=tuple(safe(entry.id) for entry in loaded.case.anonymity_allow)
        if anonymiser else (),
        archives=tuple((key, library.sources[key].archive.sha256) for key in cited
                       if key in library.sources and library.sources[key].archive is not None),
    )


def record_xml(record: Record) -> bytes:
    """The record as the XML document stored in the report."""
    from lxml import etree

    def child(parent, tag: str, **attributes: str):
        return etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}", attributes)

    root = etree.Element(f"{{{NAMESPACE}}}provenance", {"version": "1"}, nsmap={None: NAMESPACE})
    child(root, "reportkit", version=record.reportkit_version)
    child(root, "library", country=record.country, version=record.library_version,
          revision=record.library_revision)
    child(root, "templateSet", name=record.template_set, sha256=record.template_set_sha256)
    case = child(root, "case", sha256=record.case_sha256, reportDate=record.report_date)
    if record.case_path:
        case.set("path", record.case_path)
    sections = child(root, "sections")
    for section in record.sections:
        child(sections, "section", id=section.id, origin=section.origin, sha256=section.sha256)
    sources = child(root, "sources")
    archives = dict(record.archives)
    for source_id in record.cited:
        attributes = {"archiveSha256": archives[source_id]} if source_id in archives else {}
        child(sources, "source", id=source_id, **attributes)
    if record.regions:
        regions = child(root, "regions")
        for region in record.regions:
            child(regions, "region", marker=region.marker, kind=region.kind, id=region.id,
                  digest=region.digest, written=region.written)
        notes = child(root, "notes")
        for note in record.notes:
            child(notes, "note", marker=note.marker, citation=note.citation, written=note.written)
        child(root, "template").text = " ".join(record.template)
    if record.anonymity_allowed:
        allowed = child(root, "anonymityAllowed")
        for source_id in record.anonymity_allowed:
            child(allowed, "confirmed", id=source_id)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def record_from_xml(blob: bytes, path: Path) -> Record:
    from lxml import etree

    def find(tag: str):
        found = root.find(f"{{{NAMESPACE}}}{tag}")
        if found is None:
            raise ReportkitError(f"the provenance record has no <{tag}> element", path=path,
                                 hint="the record was edited or damaged; build the report again")
        return found

    def attribute(node, name: str) -> str:
        value = node.get(name)
        if value is None:
            raise ReportkitError(f"the provenance record's <{etree.QName(node).localname}> has no "
                                 f"'{name}'", path=path,
                                 hint="the record was edited or damaged; build the report again")
        return value

    try:
        root = etree.fromstring(blob, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        raise ReportkitError(f"the provenance record is not well-formed XML: {error}", path=path,
                             hint="build the report again") from None
    library, template_set, case = find("library"), find("templateSet"), find("case")
    return Record(
        reportkit_version=attribute(find("reportkit"), "version"),
        country=attribute(library, "country"),
        library_version=attribute(library, "version"),
        library_revision=attribute(library, "revision"),
        template_set=attribute(template_set, "name"),
        template_set_sha256=attribute(template_set, "sha256"),
        case_sha256=attribute(case, "sha256"),
        report_date=attribute(case, "reportDate"),
        sections=tuple(SectionUsed(attribute(node, "id"), attribute(node, "origin"),
                                   attribute(node, "sha256"))
                       for node in find("sections").iter(f"{{{NAMESPACE}}}section")),
        cited=tuple(attribute(node, "id") for node in find("sources").iter(f"{{{NAMESPACE}}}source")),
        regions=tuple(RegionWritten(*(attribute(node, name) for name in
                                      ("marker", "kind", "id", "digest", "written")))
                      for node in root.iter(f"{{{NAMESPACE}}}region")),
        notes=tuple(NoteWritten(attribute(node, "marker"), attribute(node, "citation"),
                                attribute(node, "written"))
                    for node in root.iter(f"{{{NAMESPACE}}}note")),
        template=tuple((root.findtext(f"{{{NAMESPACE}}}template") or "").split()),
        case_path=case.get("path", ""),
        anonymity_allowed=tuple(attribute(node, "id")
                                for node in root.iter(f"{{{NAMESPACE}}}confirmed")),
        archives=tuple((attribute(node, "id"), node.get("archiveSha256"))
                       for node in find("sources").iter(f"{{{NAMESPACE}}}source")
                       if node.get("archiveSha256")),
    )


def read_record(path: Path) -> Record:
    """The record stored in a report built by reportkit."""
    from reportkit.docx.package import read_custom_xml

    if not path.exists():
        raise ReportkitError("no such file", path=path, hint="check the path")
    if path.is_dir():
        raise ReportkitError("is a folder, not a report", path=path,
                             hint="to search a folder, pass --cites SOURCE_ID FOLDER")
    try:
        with zipfile.ZipFile(path) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ReportkitError("not a Word document (a zip without word/document.xml)",
                                     path=path, hint="give a .docx report built by reportkit")
            blob = read_custom_xml(archive, NAMESPACE)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as error:
        raise ReportkitError(f"not a Word document ({error})", path=path,
                             hint="give a .docx report built by reportkit") from None
    except OSError as error:
        raise ReportkitError(f"cannot read the file: {error.strerror or error}", path=path) from None
    if blob is None:
        raise ReportkitError("this document has no reportkit provenance record", path=path,
                             hint="only reports built by `reportkit build` or `reportkit batch` "
                                  "carry one; build the report again to add it")
    return record_from_xml(blob, path)


def reports_citing(folder: Path, source_id: str) -> tuple[list[Path], list[ReportkitError]]:
    """The reports (*.docx, at any depth) in `folder` whose record cites `source_id`, and the
    .docx files that could not be read or hold no record."""
    if not folder.is_dir():
        raise ReportkitError("no such folder" if not folder.exists() else "not a folder",
                             path=folder, hint="pass the folder that holds the reports")
    citing, unreadable = [], []
    for path in sorted(folder.rglob("*.docx")):
        if not path.is_file() or path.name.startswith("~$"):  # Word's lock files
            continue
        try:
            record = read_record(path)
        except ReportkitError as error:
            unreadable.append(error)
            continue
        if source_id in record.cited:
            citing.append(path)
    return citing, unreadable
