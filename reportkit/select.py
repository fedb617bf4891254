"""Select stage: which library sections a report uses, for this applicant and these overrides."""

from __future__ import annotations

from dataclasses import replace as dataclass_replace

from reportkit.load.case import LoadedCase
from reportkit.load.library import Library, Section
from reportkit.models import SectionMeta

ALL_PROFILES = "all"


def serves(profiles: list[str], wanted: set[str]) -> bool:
    return ALL_PROFILES in profiles or bool(wanted & set(profiles))


def select_sections(library: Library, loaded: LoadedCase) -> list[Section]:
    """Sections for the applicant's profiles, plus includes, minus excludes, with case overrides.

    Pure: the same library and case always give the same list, sorted by (order, id); the
    template groups the sections by part.
    Unknown ids in the overrides are reported by validation before this runs.
    """
    case = loaded.case
    overrides = case.sections
    wanted = set(case.applicant.profiles)
    chosen = {section_id: section for section_id, section in library.sections.items()
              if serves(section.meta.profiles, wanted)}
    for section_id in overrides.include:
        chosen[section_id] = library.sections[section_id]
    for section_id in overrides.exclude:
        chosen.pop(section_id, None)
    for index, replacement in enumerate(overrides.replace):
        original = library.sections[replacement.id]
        meta = original.meta.model_copy(update={"title": replacement.title or original.meta.title})
        chosen[replacement.id] = dataclass_replace(
            original, meta=meta, body=replacement.body, path=loaded.path,
            body_line=loaded.text_line("sections", "replace", index, "body"))
    for index, extra in enumerate(overrides.extra):
        meta = SectionMeta(id=extra.id, title=extra.title, part=extra.part, order=extra.order,
                           profiles=[ALL_PROFILES], last_reviewed=case.report_date)
        chosen[extra.id] = Section(meta, extra.body, loaded.path,
                                   loaded.text_line("sections", "extra", index, "body"))
    return sorted(chosen.values(), key=lambda section: (section.meta.order, section.id))
