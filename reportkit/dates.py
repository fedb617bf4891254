"""Dates and lists as the court's language writes them, from Babel's locale data (no month
names or conjunctions in code).

The template set's `language` (e.g. "en-GB") chooses the locale; its `date_format` is "long"
(the locale's own long form: "1 November 2026", "November 1, 2026") or a CLDR pattern.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.lists import format_list


@lru_cache(maxsize=None)
def locale_of(language: str) -> Locale:
    """"en-GB" or "en_GB" as a Babel locale (raises ValueError for an unknown one), its data read
    now (Babel reads it at first use): when a template set is loaded, not while a template runs."""
    locale = Locale.parse(language.replace("-", "_"))
    locale.date_formats  # noqa: B018
    return locale


def long_date(value: Any, language: str, date_format: str = "long") -> str:
    """A date (or an ISO date string) in full: "1 November 2026"."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise TypeError(f"long_date needs a date, not {type(value).__name__}")
    return format_date(value, date_format, locale=locale_of(language))


def month_year(year: int, month: int, language: str) -> str:
    """"November 2026", in the locale's words and order."""
    return format_skeleton("yMMMM", dt.date(year, month, 1), locale=locale_of(language))


def partial_date(value: str, language: str, date_format: str = "long") -> str:
    """An ISO date that may stop at the month or the year: "2022-12" is "December 2022"."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 3:
        return long_date(dt.date(*parts), language, date_format)
    if len(parts) == 2:
        return month_year(parts[0], parts[1], language)
    return str(parts[0])


def date_parts(parts: tuple[int, ...], language: str, date_format: str = "long") -> str:
    """CSL "date-parts" ([year], [year, month] or [year, month, day]) in words; "" for none."""
    if not parts:
        return ""
    return partial_date("-".join(f"{part:02d}" if index else str(part)
                                 for index, part in enumerate(parts)), language, date_format)


def join_and(items: list, language: str) -> str:
    """["Spanish", "Aymara"] as "Spanish and Aymara" (three or more as the language lists them)."""
    if isinstance(items, str) or not isinstance(items, (list, tuple)):
        raise TypeError(f"join_and needs a list, not {type(items).__name__}")
    return format_list([str(item) for item in items], locale=locale_of(language)) if items else ""
