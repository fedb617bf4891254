"""What templates and sections see: the case (anonymised if asked), library facts, sections."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

from reportkit.anonymise import Anonymiser, initials, masked
from reportkit.errors import ReportkitError
from reportkit.load.case import LoadedCase
from reportkit.load.yaml_file import load_yaml
from reportkit.load.library import Library
from reportkit.load.templates import TemplateSetDir
from reportkit.render import CaseText, Markdown
from reportkit.select import serves

PRONOUNS = {"she": {"subject": "she", "object": "her", "possessive": "her"},
            "he": {"subject": "he", "object": "him", "possessive": "his"},
            "they": {"subject": "they", "object": "them", "possessive": "their"}}
_GENDER_PRONOUN = {"female": "she", "woman": "she", "f": "she", "male": "he", "man": "he", "m": "he"}


def anonymiser_for(loaded: LoadedCase, force: bool = False) -> Anonymiser | None:
    case = loaded.case
    if not (case.anonymise or force):
        return None
    return Anonymiser([case.applicant.name, *case.protected_names],
                      [entry.text for entry in case.anonymity_allow], case.applicant.surname)


def anonymiser_of_file(path: Path, force: bool = False) -> Anonymiser | None:
    """For an error found while loading a case, which may name the case file (itself named after
    the applicant): the protected names as the file writes them, read without validating it.
    None when the file is not YAML or asks for no anonymity (a YAML error quotes no text)."""
    try:
        data = load_yaml(path).data
    except ReportkitError:
        return None
    if not isinstance(data, dict) or not (force or data.get("anonymise") is True):
        return None
    applicant = data.get("applicant")
    protected = data.get("protected_names")
    names = [applicant.get("name")] if isinstance(applicant, dict) else []
    names += protected if isinstance(protected, list) else []
    names = [name for name in names if isinstance(name, str)]
    return Anonymiser(names) if names else None


@functools.lru_cache(maxsize=1024)
def shown_case(case: Path, anonymise: bool = False) -> str:
    """A case file's path as a command prints it: with every protected name masked when the
    case is anonymised (its file is often named after the applicant). Read once per run."""
    return str(masked(anonymiser_of_file(case, anonymise), case))


def case_context(loaded: LoadedCase, anonymiser: Anonymiser | None) -> dict[str, Any]:
    """The case as plain data for templates and sections."""
    case = loaded.case.model_dump(exclude={"expert"})
    applicant = case["applicant"]
    pronoun = applicant["pronoun"] or _GENDER_PRONOUN.get((applicant["gender"] or "").lower(), "they")
    applicant["pronoun"] = PRONOUNS[pronoun]
    name_initials = initials(applicant["name"])
    case = _case_text(case, anonymiser)
    if anonymiser is not None:
        case["applicant"]["name"] = name_initials
        case["protected_names"] = []
    case["applicant"]["initials"] = name_initials
    case["anonymised"] = anonymiser is not None
    return case


def _case_text(value: Any, anonymiser: Anonymiser | None) -> Any:
    """Every string of the case data as case text (see `CaseText`), with every protected name
    scrubbed when anonymising (searched as Markdown too: answers are Markdown, and in plain
    text that finds only more)."""
    if isinstance(value, str):
        return CaseText(anonymiser.scrub(value, markdown=True) if anonymiser else value)
    if isinstance(value, dict):
        return {key: _case_text(item, anonymiser) for key, item in value.items()}
    if isinstance(value, list):
        return [_case_text(item, anonymiser) for item in value]
    return value


def chronology_rows(library: Library, case: dict[str, Any], profiles: set[str]) -> list[dict]:
    """Country events from the library and the applicant's events, merged and sorted by date."""
    rows = []
    for item in library.chronology:
        if serves(item.entry.profiles, profiles):
            rows.append({"date": item.entry.date, "sort": item.entry.date, "source": "country",
                         "place": "", "text": Markdown(item.entry.text)})
    for event in case["applicant"]["events"]:
        rows.append({"date": event["date"].isoformat(), "sort": event["date"].isoformat(),
                     "source": "applicant", "place": event["place"], "text": event["description"]})
    return sorted(rows, key=lambda row: (row["sort"], row["source"] != "country"))


def library_context(library: Library) -> dict[str, Any]:
    """What the report says about the library: its title and version, never a commit hash (that
    stays in the provenance record)."""
    info = library.info
    return {"name": info.name, "country": library.country, "iso_code": info.iso_code,
            "title": info.title or f"{info.name}: country information",
            "version": info.library_version}


def with_sections(context: dict[str, Any], sections: list[dict[str, Any]]) -> dict[str, Any]:
    """`context` with these rendered sections, in order and grouped by their part."""
    return {**context, "sections": sections,
            "parts": {part: [item for item in sections if item["part"] == part]
                      for part in dict.fromkeys(item["part"] for item in sections)}}


def report_context(loaded: LoadedCase, library: Library, sections: list[dict[str, Any]],
                   anonymiser: Anonymiser | None, template_set: TemplateSetDir,
                   options: dict[str, Any]) -> dict[str, Any]:
    case = case_context(loaded, anonymiser)
    profiles = loaded.case.applicant.profiles
    cutoff = loaded.case.information_cutoff or loaded.case.report_date
    return with_sections({
        "case": case,
        "applicant": case["applicant"],
        "instructions": case["instructions"],
        "expert": loaded.expert.model_dump(),
        "library": library_context(library),
        "profiles": [{"id": profile, **library.profiles[profile].model_dump()} for profile in profiles],
        "chronology": chronology_rows(library, case, set(profiles)),
        "information_cutoff": cutoff,
        "template_set": template_set.name,
        "terms": dict(template_set.config.terms),
        "options": options,
        "generated_on": dt.date.isoformat(loaded.case.report_date),
    }, sections)
