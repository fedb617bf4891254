"""A BibTeX/BibLaTeX `.bib` file (JabRef, Better BibTeX, Zotero) as CSL-JSON records."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from reportkit.errors import ReportkitError
from reportkit.load.bibliography import MAX_BRACE_DEPTH, ImportedRecord, parse_date

# Entry types as CSL names them (biblatex manual §2.1, CSL 1.0.2 appendix). A type not here is
# imported as the generic "document".
ENTRY_TYPES = {
    "article": "article-journal", "book": "book", "mvbook": "book", "booklet": "pamphlet",
    "inbook": "chapter", "incollection": "chapter", "bookinbook": "chapter",
    "inproceedings": "paper-conference", "conference": "paper-conference",
    "proceedings": "book", "collection": "book", "report": "report", "techreport": "report",
    "manual": "report", "thesis": "thesis", "phdthesis": "thesis", "mastersthesis": "thesis",
    "online": "webpage", "electronic": "webpage", "www": "webpage", "misc": "document",
    "unpublished": "manuscript", "patent": "patent", "dataset": "dataset",
    "software": "software", "legislation": "legislation", "legal": "legislation",
    "jurisdiction": "legal_case", "video": "motion_picture", "movie": "motion_picture",
    "audio": "song", "music": "song", "artwork": "graphic", "image": "graphic",
    "interview": "interview", "letter": "personal_communication",
}
ARTICLE_SUBTYPES = {"newspaper": "article-newspaper", "magazine": "article-magazine"}
# BibTeX field -> CSL field, first found wins (biblatex name before its BibTeX alias).
TEXT_FIELDS = {
    "title": ("title",), "title-short": ("shorttitle",),
    "container-title": ("journaltitle", "journal", "booktitle", "maintitle"),
    "publisher": ("publisher", "institution", "organization", "school"),
    "publisher-place": ("location", "address"), "volume": ("volume",), "issue": ("issue",),
    "number": ("number",), "page": ("pages",), "edition": ("edition",),
    "note": ("note", "annote", "annotation"), "abstract": ("abstract",), "ISBN": ("isbn",),
    "ISSN": ("issn",), "genre": ("type",), "medium": ("howpublished",),
    "collection-title": ("series",), "keyword": ("keywords",),
}
VERBATIM_FIELDS = {"URL": ("url",), "DOI": ("doi",)}  # never read as LaTeX: `%` is no comment
NAME_FIELDS = {"author": "author", "editor": "editor", "translator": "translator"}
LANGUAGES = {  # biblatex `langid` names -> the language tags CSL uses
    "english": "en", "american": "en-US", "british": "en-GB", "ukenglish": "en-GB",
    "usenglish": "en-US", "spanish": "es", "french": "fr", "portuguese": "pt",
    "brazilian": "pt-BR", "german": "de", "ngerman": "de", "italian": "it", "dutch": "nl",
}
# What a reference manager adds for itself, with no place in a citation: read and set aside.
BOOKKEEPING = {"file", "timestamp", "owner", "groups", "ranking", "readstatus", "priority",
               "date-added", "date-modified", "month", "year", "date", "urldate",
               "entrysubtype", "langid", "language", "eprinttype", "eprint", "urlyear"}


def _latex_to_text(value: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text

    text = LatexNodes2Text(math_mode="verbatim", keep_comments=True).latex_to_text(value)
    return re.sub(r"\s+", " ", text).strip()


def _verbatim(value: str) -> str:
    return re.sub(r"\\([_%&#$])", r"\1", value.replace("{", "").replace("}", "")).strip()


def _name(parts) -> dict:
    """One person or, for a name in braces (`{Human Rights Watch}`), an organisation."""
    if not parts.first and not parts.von and not parts.jr and len(parts.last) == 1 \
            and parts.last[0].startswith("{") and parts.last[0].endswith("}"):
        return {"literal": _latex_to_text(parts.last[0][1:-1])}
    name = {"family": _latex_to_text(" ".join(parts.last))}
    if parts.first:
        name["given"] = _latex_to_text(" ".join(parts.first))
    if parts.von:
        name["non-dropping-particle"] = _latex_to_text(" ".join(parts.von))
    if parts.jr:
        name["suffix"] = _latex_to_text(" ".join(parts.jr))
    return name


def _date(fields: dict[str, str], date_field: str, record: ImportedRecord,
          year_field: str | None = None) -> dict | None:
    text = fields.get(date_field)
    if text is None and year_field and fields.get(year_field):
        text = " ".join(filter(None, (fields.get("month"), fields[year_field])))
        if fields.get("month", "").isdigit():
            text = f"{fields[year_field]}-{fields['month']}"
    if not text:
        return None
    parts = parse_date(text)
    if parts is None:
        record.problems.append(f"{date_field}: cannot read the date '{text[:40]}'")
        return None
    return {"date-parts": parts}


def entry_to_csl(entry) -> ImportedRecord:
    fields = {name.lower(): field.value for name, field in entry.fields_dict.items()}
    record = ImportedRecord(None, entry.start_line + 1)
    csl: dict = {"id": entry.key}
    entry_type = entry.entry_type.lower()
    csl["type"] = ARTICLE_SUBTYPES.get(str(fields.get("entrysubtype", "")).lower()) \
        if entry_type == "article" and fields.get("entrysubtype") else None
    csl["type"] = csl["type"] or ENTRY_TYPES.get(entry_type, "document")
    used = set(BOOKKEEPING)
    for csl_name, bib_name in NAME_FIELDS.items():
        if isinstance(fields.get(bib_name), list):
            csl[csl_name] = [_name(parts) for parts in fields[bib_name]]
        used.add(bib_name)
    for table, convert in ((TEXT_FIELDS, _latex_to_text), (VERBATIM_FIELDS, _verbatim)):
        for csl_name, bib_names in table.items():
            found = [name for name in bib_names if isinstance(fields.get(name), str)]
            if found:
                csl[csl_name] = convert(fields[found[0]])
            used.update(bib_names)
    if entry_type in {"article", "periodical"} and "number" in csl and "issue" not in csl:
        csl["issue"] = csl.pop("number")  # biblatex: an article's number is its issue
    if "DOI" in csl:
        csl["DOI"] = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", csl["DOI"], flags=re.I)
    if "page" in csl:
        csl["page"] = csl["page"].replace("--", "–")
    language = str(fields.get("langid") or fields.get("language") or "").strip()
    if language:
        csl["language"] = LANGUAGES.get(language.lower(), language)
    issued = _date(fields, "date", record, year_field="year")
    accessed = _date(fields, "urldate", record)
    csl.update({name: date for name, date in (("issued", issued), ("accessed", accessed)) if date})
    record.ignored = sorted(name for name in fields if name not in used)
    record.value = {name: value for name, value in csl.items() if value not in (None, "", [])}
    return record


def _brace_depth(text: str) -> int:
    """How deeply braces nest, counted before any parser recurses into a crafted file."""
    deepest = depth = 0
    for match in re.finditer(r"[{}]", text):
        depth += 1 if match.group() == "{" else -1
        deepest = max(deepest, depth)
    return deepest


def read_bibtex(text: str, path: Path) -> list[ImportedRecord]:
    """Every entry of a .bib file; a block that cannot be parsed is an invalid record at its line."""
    if _brace_depth(text) > MAX_BRACE_DEPTH:
        raise ReportkitError(f"braces are nested more than {MAX_BRACE_DEPTH} levels deep",
                             path=path, line=1, hint="is this a BibTeX file?")
    import bibtexparser
    from bibtexparser import middlewares
    from bibtexparser.model import DuplicateBlockKeyBlock

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # its failures are reported here
    library = bibtexparser.parse_string(text, append_middleware=[
        middlewares.SeparateCoAuthors(), middlewares.SplitNameParts()])
    records = [entry_to_csl(entry) for entry in library.entries]
    for block in library.failed_blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            message = f"the key '{block.key}' is used twice in this file"
        else:
            error = getattr(block, "error", None)
            detail = getattr(error, "abort_reason", None) or str(error or "").strip()
            message = ("this entry cannot be read as BibTeX"
                       + (f": {detail.splitlines()[0].strip()}" if detail else ""))
        records.append(ImportedRecord(None, (block.start_line or 0) + 1, [message]))
    if not records and text.strip() and "@" not in text:
        raise ReportkitError("no BibTeX entries found", path=path, line=1,
                             hint="a .bib file holds entries such as @report{key, title = {...}}")
    return sorted(records, key=lambda record: record.line)
