"""Partial CSL dates as date ranges, and months counted back from a report date."""

from __future__ import annotations

import calendar
import datetime as dt

from reportkit.models import CslDate


def earliest(date: CslDate | None) -> dt.date | None:
    parts = date.parts() if date is not None else ()
    if not parts:
        return None
    year, month, day = (*parts, 1, 1)[:3]
    return dt.date(year, month, day)


def latest(date: CslDate | None) -> dt.date | None:
    """The last day a partial date could mean: 2023 is up to 31 December 2023."""
    parts = date.parts() if date is not None else ()
    if not parts:
        return None
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else calendar.monthrange(year, month)[1]
    return dt.date(year, month, day)


def months_before(date: dt.date, months: int) -> dt.date:
    index = date.year * 12 + date.month - 1 - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(date.day, calendar.monthrange(year, month + 1)[1]))


def shown(date: CslDate | None) -> str:
    parts = date.parts() if date is not None else ()
    return "-".join(f"{part:02d}" if index else str(part) for index, part in enumerate(parts))
