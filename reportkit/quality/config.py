"""The editable data behind the evidence-quality checks: country_data/quality.yaml."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from reportkit.errors import ReportkitError
from reportkit.load.yaml_file import load_yaml
from reportkit.models import Identifier, Strict, Text
from reportkit.paths import default_library

FILE_NAME = "quality.yaml"


class Thresholds(Strict):
    source_age_years: int = Field(ge=1)
    access_age_months: int = Field(ge=1)
    review_age_months: int = Field(ge=1)
    statement_age_months: int = Field(default=12, ge=1)


class Figures(Strict):
    max_words_between: int = Field(ge=0, le=10)
    number_words: list[Text] = []
    nouns: list[Text] = Field(min_length=1)


class PhraseList(Strict):
    hint: Text
    phrases: list[Text] = Field(min_length=1)


class ExpertAnswers(Strict):
    credibility: PhraseList
    legal: PhraseList
    intensifiers: PhraseList


class QualityConfig(Strict):
    thresholds: Thresholds
    media_types: list[Text] = []
    offline_locators: list[Text] = []
    advocacy_words: list[Text] = []
    figures: Figures
    expert_answers: ExpertAnswers
    required_topics: dict[Identifier, Text] = {}


def quality_file(library_root: Path) -> Path:
    """The library's own quality.yaml, else the bundled one."""
    own = library_root / FILE_NAME
    return own if own.is_file() else default_library() / FILE_NAME


def load_quality_config(library_root: Path) -> tuple[QualityConfig, Path]:
    from reportkit.validate import validate_document

    path = quality_file(library_root)
    if not path.is_file():
        raise ReportkitError(f"no {FILE_NAME} beside the library and none bundled",
                             path=library_root / FILE_NAME,
                             hint=f"copy country_data/{FILE_NAME} from reportkit into {library_root}")
    return validate_document(QualityConfig, load_yaml(path)), path
