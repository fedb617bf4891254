"""Validated shapes of case files, experts and country libraries (pydantic)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

# Characters an XML 1.0 document (and so a DOCX) cannot hold. The one rule: they are rejected
# with a message that names the field, never silently dropped.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def unwritable_character(value: str) -> str | None:
    """What is wrong with the first character of `value` that a Word document cannot hold."""
    match = XML_ILLEGAL.search(value)
    if match is None:
        return None
    code = ord(match.group())
    kind = ("a lone surrogate" if 0xD800 <= code <= 0xDFFF else
            "a noncharacter" if code >= 0xFFFE else "the control character")
    return (f"contains {kind} U+{code:04X} at position {match.start() + 1}, which a Word "
            f"document cannot hold")


def _xml_safe(value: str) -> str:
    problem = unwritable_character(value)
    if problem:
        raise ValueError(problem)
    return value


Text = Annotated[str, AfterValidator(_xml_safe)]
# The addresses a report may link to (the DOCX writer links nothing else).
LINK_SCHEMES = re.compile(r"^(?:https?://[^\s/?#\\]|mailto:[^\s])", re.IGNORECASE)
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=100)]
PartialDate = Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


# ---------------------------------------------------------------- case file


class Question(Strict):
    text: Text = Field(min_length=1)
    answer: Text = ""  # Markdown, citations allowed; or the file named by answer_file
    answer_file: Text | None = None  # e.g. answers/q1.md, inside the case's folder
    # The library sections that bear on this question (the evidence schedule); None: all selected.
    sections: list[Identifier] | None = None


class Instructions(Strict):
    instructed_by: Text = Field(min_length=1)
    date: dt.date
    documents: list[Text] = []
    questions: list[Question] = []


class Event(Strict):
    date: dt.date
    place: Text = ""
    description: Text = Field(min_length=1)


class Applicant(Strict):
    name: Text = Field(min_length=1)
    # The family name(s) as `name` writes them ("Quispe Mamani"): anonymity searches them alone
    # in library text too (which part of a name is the surname differs between traditions).
    surname: Text | None = None
    gender: Text | None = None
    pronoun: Literal["she", "he", "they"] | None = None
    date_of_birth: dt.date | None = None
    ethnicity: Text | None = None
    nationality: Text | None = None
    home_region: Text | None = None
    languages: list[Text] = []
    profiles: list[Identifier] = Field(min_length=1)
    account: Text = ""
    events: list[Event] = []


class Expert(Strict):
    name: Text = Field(min_length=1, max_length=255)  # also the document's author (255 at most)
    title: Text = ""
    qualifications: list[Text] = []
    languages: list[Text] = []
    expertise: Text = ""
    publications: list[Text] = []
    posts: list[Text] = []                  # posts held, for the CV annex
    previous_instructions: list[Text] = []  # e.g. "Upper Tribunal, country guidance case, 2024"
    # A CV as a Word document, appended as the CV annex; relative to the expert's file.
    cv_docx: Text | None = None
    cv_annex: Any = None  # earlier versions named the CV's annex here; refused (see below)
    address: Text | None = None
    fictional: bool = False


    @field_validator("cv_annex")
    @classmethod
    def _cv_is_annex_c(cls, value: Any) -> Any:
        if value is not None:
            raise ValueError("no longer used: the CV is always the report's Annex C, made from "
                             "qualifications, posts, publications and previous_instructions, or "
                             "from the Word document named by cv_docx; delete this line")
        return value


class SectionReplacement(Strict):
    id: Identifier
    body: Text
    title: Text | None = None


class ExtraSection(Strict):
    id: Identifier
    title: Text = Field(min_length=1)
    body: Text
    part: Identifier = "profile"
    order: int = 1000


class SectionOverrides(Strict):
    include: list[Identifier] = []
    exclude: list[Identifier] = []
    replace: list[SectionReplacement] = []
    extra: list[ExtraSection] = []


class AnonymityAllow(Strict):
    """Library text that names someone who shares names with a protected person (a journalist,
    an official), confirmed by the expert so that an anonymised build may keep it."""

    id: Annotated[str, Field(min_length=1, description="the library section or source (or "
                                                       "`chronology`) that holds the text")]
    text: Text = Field(min_length=1, description="the library text, as the library writes it")


class Case(Strict):
    reference: Text = Field(min_length=1, max_length=255)  # also the document's subject
    jurisdiction: Identifier
    country: Identifier
    report_date: dt.date
    information_cutoff: dt.date | None = None
    anonymise: bool = False
    protected_names: list[Text] = []
    anonymity_allow: list[AnonymityAllow] = []
    # Fields of the case's template set (its template.yaml `options:`), e.g. `hearing_centre`
    # for uk, `a_number` for us; checked against the set when the case is built.
    options: dict[Identifier, Any] = {}
    # Spellings of earlier versions, refused with the new one (see _moved_to_options).
    permission_to_exceed_page_limit: Any = None
    signed_within_united_states: Any = None
    instructions: Instructions
    expert: Expert | Text
    applicant: Applicant
    sections: SectionOverrides = SectionOverrides()
    fictional: bool = False

    @field_validator("permission_to_exceed_page_limit", "signed_within_united_states")
    @classmethod
    def _moved_to_options(cls, value: Any, info) -> Any:
        if value is not None:
            raise ValueError(f"this field is now a template-set option: write it as "
                             f"`options: {{{info.field_name}: {str(value).lower()}}}`")
        return value

    @field_validator("report_date", "information_cutoff")
    @classmethod
    def _plausible_year(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not 1900 <= value.year <= 2200:
            raise ValueError(f"year {value.year} is not a plausible report date")
        return value

    @field_validator("information_cutoff")
    @classmethod
    def _cutoff_not_after_the_report(cls, value: dt.date | None,
                                     info: ValidationInfo) -> dt.date | None:
        report_date = info.data.get("report_date")
        if value is not None and report_date is not None and value > report_date:
            raise ValueError(f"the cut-off {value.isoformat()} is after the report date "
                             f"{report_date.isoformat()}; a report cannot consider later events")
        return value


# ---------------------------------------------------------------- country library


class Profile(Strict):
    title: Text
    description: Text = ""


class CountryInfo(Strict):
    name: Text
    title: Text | None = None   # the library's title as the report names it; default "{name}: country information"
    iso_code: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    library_version: Text = "unversioned"
    profiles: list[Identifier] = Field(min_length=1)


class CslName(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    family: Text | None = None
    given: Text | None = None
    literal: Text | None = None

    def display(self) -> str:
        if self.literal:
            return self.literal
        return " ".join(part for part in (self.given, self.family) if part)


class CslDate(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)
    date_parts: list[list[int | str]] | None = Field(default=None, alias="date-parts")
    literal: Text | None = None
    raw: Text | None = None

    def parts(self) -> tuple[int, ...]:
        if not self.date_parts or not self.date_parts[0]:
            return ()
        return tuple(int(part) for part in self.date_parts[0][:3])

    @field_validator("date_parts")
    @classmethod
    def _real_date(cls, value):
        """The one rule for a CSL date, for the library and for every import: a real calendar
        date with a four-digit year, given as numbers."""
        for date in value or []:
            for part in date[:3]:
                if isinstance(part, str) and not part.strip().isdigit():
                    raise ValueError(f"'{part[:20]}' is not a number")
                if not isinstance(part, (int, str)):
                    raise ValueError(f"'{str(part)[:20]}' is not a number")
            parts = [int(part) for part in date[:3]]
            if parts and not 1000 <= parts[0] <= 9999:  # year 0, or 30 digits: a typo
                raise ValueError(f"year {str(parts[0])[:12]} is not a four-digit year")
            if len(parts) >= 2 and not 1 <= parts[1] <= 12:
                raise ValueError(f"month {parts[1]} is not between 1 and 12")
            if len(parts) == 3:
                try:
                    dt.date(*parts)
                except ValueError:
                    raise ValueError(f"{parts[0]}-{parts[1]:02d}-{parts[2]} is not a real "
                                     f"date") from None
        return value


class CitedIn(Strict):
    """A source the expert knows only through another: where that source cites it."""

    key: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")]
    locator: Text = ""   # e.g. "n 9"


class ArchivedCopy(Strict):
    """The expert's own copy of what they read, under the library's `archive/` folder."""

    path: Text           # relative to the library's archive/ folder
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    media_type: Text     # "text/html", "application/pdf" or "text/plain"


class Source(BaseModel):
    """A CSL-JSON record, as Zotero exports it. Unknown CSL fields are kept."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")]
    type: Text = "document"
    title: Text | None = None
    title_short: Text | None = Field(default=None, alias="title-short")
    author: list[CslName] = []
    publisher: Text | None = None
    container_title: Text | None = Field(default=None, alias="container-title")
    issued: CslDate | None = None
    accessed: CslDate | None = None
    URL: Text | None = None
    DOI: Text | None = None
    language: Text | None = None
    number: Text | None = None
    note: Text | None = None
    # reportkit's own fields, beside CSL's. `accessed` is set only when the expert consulted
    # the source; a source known at second hand records `cited_in` instead.
    cited_in: CitedIn | None = None
    caveat: Text | None = None       # printed with the source's annex entry
    archive: ArchivedCopy | None = None

    @field_validator("URL")
    @classmethod
    def _linkable(cls, value: str | None) -> str | None:
        """Only web and mail addresses become links in a report: never `javascript:`,
        `file:` or a network share."""
        if value is not None and not LINK_SCHEMES.match(value):
            raise ValueError("only http://, https:// and mailto: addresses can be a source's "
                             "URL; put other locators in \"note\"")
        return value


class SectionMeta(Strict):
    id: Identifier
    title: Text = Field(min_length=1)
    part: Identifier = "profile"
    order: int = 100
    profiles: list[Identifier] = Field(min_length=1)
    topics: list[Identifier] = []
    last_reviewed: dt.date
    # A shorter text with the same citations, used instead of the body when the full report
    # would be over its template set's page limit (longest sections first).
    summary: Text | None = Field(default=None, min_length=1)
    # The date to which the section's statements are current (e.g. a bill's status as its
    # source gave it); `check` warns when the report date is much later.
    as_of: dt.date | None = None


class ChronologyEntry(Strict):
    date: PartialDate
    text: Text = Field(min_length=1)
    profiles: list[Identifier] = ["all"]
    as_of: dt.date | None = None  # the date to which the entry is current, as in SectionMeta


class TemplateOption(Strict):
    """A field a case may give under `options:` for this template set."""

    type: Literal["text", "date", "bool", "number"]
    default: Any = None
    description: Text = ""


class NumberLevel(Strict):
    """One level of Word numbering: its format and its text, e.g. "%1." or "%1.%2"."""

    # Word's number formats (ST_NumberFormat) a report's numbering uses.
    format: Literal["decimal", "decimalZero", "upperLetter", "lowerLetter", "upperRoman",
                    "lowerRoman", "ordinal", "cardinalText", "ordinalText", "bullet", "none"]
    text: Text
    indent_cm: float = Field(default=1.27, ge=0, le=10)


class Numbering(Strict):
    headings: list[NumberLevel] = Field(
        default=[NumberLevel(format="upperLetter", text="%1."),
                 NumberLevel(format="decimal", text="%1.%2"),
                 NumberLevel(format="decimal", text="%1.%2.%3")], min_length=1, max_length=3)
    paragraphs: NumberLevel = NumberLevel(format="decimal", text="%1.")


class Minimums(Strict):
    """What no style may go below (a court's rule, e.g. the UK Practice Direction §1.6)."""

    font_size: float | None = Field(default=None, gt=0, le=72)
    line_spacing: float | None = Field(default=None, gt=0, le=5)


class PageSetup(Strict):
    """`template.yaml`'s `page:`: the starting values of a new reference.docx."""

    size: Literal["A4", "Letter"] = "A4"
    margin_cm: float = Field(default=2.54, gt=0, le=10)
    font: Text = "Arial"
    font_size: float = Field(default=11, gt=0, le=72)
    line_spacing: float = Field(default=1.15, gt=0, le=5)
    space_after_pt: float = Field(default=8, ge=0, le=72)
    heading_space_before_pt: list[float] = Field(default=[18, 12, 12], min_length=3, max_length=3)
    minimums: Minimums = Minimums()
    page_words: list[Text] = Field(default=["Page", "of"], min_length=2, max_length=2)
    numbering: Numbering = Numbering()


class TemplateSet(Strict):
    """`template.yaml` of a template set."""

    name: Text
    description: Text = ""
    report: Text = "report.md.j2"
    language: Text = "en-GB"
    # "long" (the language's own long date: "1 November 2026" in en-GB, "November 1, 2026" in
    # en-US) or a CLDR date pattern such as "d MMMM y".
    date_format: Text = "long"
    citation_style: Text    # the style file in the set folder, e.g. oscola.yaml
    # The parts the report template prints, in order; a section's `part:` must be one of them.
    parts: list[Identifier] = Field(min_length=1)
    terms: dict[Identifier, Text] = {}               # the court's words, for the shared report
    options: dict[Identifier, TemplateOption] = {}   # fields a case may give for this set
    styles: dict[Identifier, Text]
    page_limit: int | None = None
    page: PageSetup = PageSetup()

    @field_validator("date_format")
    @classmethod
    def _cldr_pattern(cls, value: str) -> str:
        if "{" in value:
            raise ValueError("date_format is a CLDR pattern such as 'd MMMM y', or 'long' for the "
                             "language's own long date; '{day} {month} {year}' is no longer used")
        return value

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        from reportkit.dates import locale_of
        try:
            locale_of(value)
        except (ValueError, LookupError):
            raise ValueError(f"'{value}' is not a language Babel knows (e.g. en-GB, en-US)") from None
        return value
