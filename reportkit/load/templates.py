"""Find a template set by name: user folders first, then the bundled sets."""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportkit.cite import CitationStyle
from reportkit.errors import ReportkitError
from reportkit.load.files import regular_file_size
from reportkit.load.yaml_file import load_yaml
from reportkit.models import TemplateSet
from reportkit.validate import validate_document


@dataclass(frozen=True)
class TemplateSetDir:
    name: str
    path: Path
    config: TemplateSet
    citation_style: CitationStyle

    @property
    def reference_docx(self) -> Path:
        return self.path / "reference.docx"


def template_set_folders(search_path: list[Path]) -> list[tuple[Path, Path]]:
    """Every template set on the search path, in the order a build looks for them, with the
    search folder it is in; a set hidden by an earlier one of its name too. A folder that does
    not exist is an error, never skipped: a misspelt --templates would build with another set."""
    found: list[tuple[Path, Path]] = []
    for folder in search_path:
        if not folder.is_dir():
            raise ReportkitError(
                "template folder not found" if not folder.exists() else "is not a folder",
                path=folder, hint="--templates (or $REPORTKIT_TEMPLATES) names a folder of "
                                  "template sets, e.g. the DIR of `reportkit templates copy uk DIR`")
        if (folder / "template.yaml").is_file():
            # A set's own folder, given instead of the folder that holds it: the set it is.
            found.append((folder, folder))
            continue
        found += [(folder, child) for child in sorted(folder.iterdir())
                  if (child / "template.yaml").is_file()]
    return found


def available_template_sets(search_path: list[Path]) -> dict[str, Path]:
    """The template sets a build can use, by name: the first folder that has a name wins."""
    found: dict[str, Path] = {}
    for _, path in template_set_folders(search_path):
        found.setdefault(path.name, path)
    return found


def load_template_set(name: str, search_path: list[Path]) -> TemplateSetDir:
    found = available_template_sets(search_path)
    if name not in found:
        raise ReportkitError(
            f"no template set '{name}'",
            hint=f"available: {', '.join(sorted(found))}" if found else "pass --templates DIR")
    path = found[name]
    config = validate_document(TemplateSet, load_yaml(path / "template.yaml"))
    if not (path / config.report).is_file():
        raise ReportkitError(f"the report template '{config.report}' is missing",
                             path=path / "template.yaml")
    check_reference_docx(path / "reference.docx")
    style_path = path / config.citation_style
    if not style_path.resolve().is_relative_to(path.resolve()) or not style_path.is_file():
        raise ReportkitError(f"the citation style '{config.citation_style}' is not a file in the "
                             "template set", path=path / "template.yaml",
                             hint="name a style file inside the set's folder, e.g. oscola.yaml")
    style = CitationStyle.load(load_yaml(style_path), style_path, config.language,
                               config.date_format)
    return TemplateSetDir(name, path, config, style)


_WORD_PARTS = ("[Content_Types].xml", "word/document.xml", "word/styles.xml")


@lru_cache(maxsize=32)
def _archive_check(path: Path, _stamp: int, _size: int) -> tuple[frozenset[str], str | None]:
    """The part names of a reference.docx and its first damaged part (reading every part is
    the cost): once per process for each template set, again only when the file changes."""
    with zipfile.ZipFile(path) as archive:
        return frozenset(archive.namelist()), archive.testzip()


def check_reference_docx(path: Path) -> None:
    """The styles document is a Word document, said plainly when it is not (before a build
    gets as far as the writer): missing, empty, not a zip, cut short, or without styles."""
    hint = "save the styles document again from Word or LibreOffice as .docx"
    if not os.path.lexists(path):
        raise ReportkitError("the template set has no reference.docx (its styles document)",
                             path=path, hint="copy one from a bundled set with "
                                             "`reportkit templates copy`")
    if regular_file_size(path) == 0:
        raise ReportkitError("reference.docx is empty", path=path, hint=hint)
    try:
        status = path.stat()
        names, damaged = _archive_check(path.resolve(), status.st_mtime_ns, status.st_size)
    except zipfile.BadZipFile:
        raise ReportkitError("reference.docx is not a Word document (it is not a .docx "
                             "archive, or it was cut short)", path=path, hint=hint) from None
    except OSError as error:
        raise ReportkitError(f"cannot read reference.docx: {error.strerror or error}",
                             path=path) from None
    if damaged is not None:
        raise ReportkitError(f"reference.docx is damaged (its part {damaged} cannot be read)",
                             path=path, hint=hint)
    missing = [name for name in _WORD_PARTS if name not in names]
    if missing:
        raise ReportkitError(f"reference.docx is not a Word document: it has no {missing[0]}",
                             path=path, hint=hint)
