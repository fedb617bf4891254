"""The registry: every evidence-quality check, declared as data (id, name, severity, scope)."""

from __future__ import annotations

from reportkit.quality import case, evidence, library, sources
from reportkit.quality.findings import ERROR, WARNING, Check

# L: library text; S: sources.json; C: the case file and the report built from it.
CHECKS: tuple[Check, ...] = (
    Check("L001", "uncited-paragraph", ERROR, False,
          "A paragraph, list item, table row or chronology entry of library text (or of the "
          "case's own sections) cites no source.",
          library.uncited_paragraphs),
    Check("L002", "unknown-citation", ERROR, False,
          "A citation key that sources.json does not define.", library.unknown_citations),
    Check("L003", "stale-review", WARNING, False,
          "A section's last_reviewed is older than review_age_months.", library.stale_review),
    Check("L004", "single-source-figure", WARNING, False,
          "A paragraph states a figure (people, deaths, cases ...) backed by only one publisher.",
          library.single_source_figures),
    Check("L005", "media-only-claim", WARNING, False,
          "A claim rests only on media sources (media_types).", library.media_only_claims),
    Check("L006", "advocacy-wording", WARNING, False,
          "Advocacy or emotive wording in the expert's voice (outside quotation marks).",
          library.advocacy_wording),
    Check("L007", "identifying-data", ERROR, True,
          "Library text in this report holds what build --anonymise refuses (a protected person's "
          "full name or two name parts in sequence), the date of birth or the case reference.",
          library.identifying_data),
    Check("L008", "missing-topic", WARNING, False,
          "A profile's sections cover none of a required topic (situation, risk from the state, "
          "risk from non-state actors, state protection, internal relocation).",
          library.missing_topics),
    Check("L009", "unverified-quotation", ERROR, False,
          "A quotation that is not found, word for word, in the archived copy of a source it "
          "cites (directly, or through cited_in).", evidence.unverified_quotations),
    Check("L010", "stale-statement", WARNING, False,
          "A section or chronology entry marked as_of more than statement_age_months before the "
          "report date.", evidence.stale_statements),
    Check("S001", "incomplete-source", WARNING, False,
          "A source lacks a publisher or author, title, issued date, URL or offline locator, "
          "or (with a URL) an access date; one finding per missing field.", sources.missing_fields),
    Check("S002", "date-order", ERROR, False,
          "A source issued after it was accessed, or accessed (or issued) after the report date.",
          sources.date_order),
    Check("S003", "old-source", WARNING, False,
          "A source issued more than source_age_years before the report date.", sources.old_sources),
    Check("S004", "stale-access", WARNING, False,
          "A source last accessed more than access_age_months before the report date.",
          sources.stale_access),
    Check("S005", "unused-source", WARNING, False,
          "A source that no section or chronology entry cites.", sources.unused_sources),
    Check("S006", "duplicate-source", WARNING, False,
          "Two sources with the same URL or DOI.", sources.duplicate_sources),
    Check("S007", "unrecorded-access", WARNING, False,
          "A source with neither an access date nor cited_in (the source it is known through); "
          "build --final refuses to cite it.", sources.unrecorded_access),
    Check("S008", "changed-archive", ERROR, False,
          "An archived copy whose content does not match its recorded SHA-256.",
          evidence.archive_integrity),
    Check("S009", "archive-not-here", WARNING, False,
          "A recorded archived copy that is not on this machine (its quotations are not verified "
          "here).", evidence.archive_absent),
    Check("C001", "missing-qualifications", ERROR, True,
          "The expert's qualifications are missing.", case.missing_qualifications),
    Check("C002", "incomplete-instructions", ERROR, True,
          "The instructing party is blank, or no documents received or questions are listed.",
          case.incomplete_instructions),
    Check("C003", "unanswered-question", WARNING, True,
          "A question has no answer (build --final refuses to write the report).",
          case.unanswered_questions),
    Check("C004", "credibility-verdict", WARNING, True,
          "An answer gives a verdict on credibility ('I believe the appellant').",
          case.credibility_verdicts),
    Check("C005", "legal-conclusion", WARNING, True,
          "An answer states a legal conclusion ('is a refugee').", case.legal_conclusions),
    Check("C006", "intensifier", WARNING, True,
          "An answer leans on an unsupported intensifier ('clearly', 'undoubtedly').",
          case.intensifiers),
    Check("C007", "impossible-event-date", ERROR, True,
          "An applicant event dated after the report date or before the applicant's birth.",
          case.impossible_event_dates),
    Check("C008", "placeholder", WARNING, True,
          "A placeholder ([EXPERT TO COMPLETE: ...]) remains in the built report.",
          case.remaining_placeholders),
    Check("C009", "unknown-question-section", ERROR, True,
          "A question's `sections:` names a section the library does not have.",
          case.unknown_question_sections),
)


def selected_checks(select: list[str] | None = None, ignore: list[str] | None = None) -> list[Check]:
    """Checks whose id starts with (or whose name is) a selected code, minus the ignored ones."""
    chosen = [check for check in CHECKS
              if not select or any(check.matches(code) for code in select)]
    return [check for check in chosen if not any(check.matches(code) for code in ignore or [])]


def unknown_codes(codes: list[str]) -> list[str]:
    return [code for code in codes if not any(check.matches(code) for check in CHECKS)]
