"""Reporting periods as NHS papers name them: months ('June 2021') and quarters of
the April–March financial year ('Q2 2021/22' = July–September 2021).

Pure functions, no database: the model and the fixtures loader both use them.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

MONTHLY = "monthly"
QUARTERLY = "quarterly"

# ASCII digits only: Python's \d also matches '２' and '²'.
_QUARTER_LABEL = re.compile(r"^Q([1-4]) (\d{4})/(\d{2})$", re.ASCII)
_MONTH_NAMES = {name: number for number, name in enumerate(calendar.month_name) if name}


@dataclass(frozen=True)
class PeriodSpan:
    frequency: str
    starts_on: datetime.date
    ends_on: datetime.date


def financial_year_start(day: datetime.date) -> int:
    """The calendar year in which the financial year containing `day` starts."""
    return day.year if day.month >= 4 else day.year - 1


def month_span(year: int, month: int) -> PeriodSpan:
    last_day = calendar.monthrange(year, month)[1]
    return PeriodSpan(MONTHLY, datetime.date(year, month, 1), datetime.date(year, month, last_day))


def quarter_span(financial_year: int, quarter: int) -> PeriodSpan:
    """Quarter 1 is April–June of `financial_year`; quarter 4 is January–March after it."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"A quarter is 1 to 4, not {quarter}.")
    first_month = 4 + 3 * (quarter - 1)
    year = financial_year + (first_month - 1) // 12
    month = (first_month - 1) % 12 + 1
    start = datetime.date(year, month, 1)
    end_month = month + 2
    end = datetime.date(year, end_month, calendar.monthrange(year, end_month)[1])
    return PeriodSpan(QUARTERLY, start, end)


def span_containing(frequency: str, day: datetime.date) -> PeriodSpan:
    if frequency == MONTHLY:
        return month_span(day.year, day.month)
    if frequency == QUARTERLY:
        financial_year = financial_year_start(day)
        quarter = ((day.month - 4) % 12) // 3 + 1
        return quarter_span(financial_year, quarter)
    raise ValueError(f"Unknown frequency {frequency!r}.")


def _day_after(day: datetime.date) -> datetime.date:
    if day == datetime.date.max:
        raise ValueError("There is no period after December 9999: the calendar ends there.")
    return day + datetime.timedelta(days=1)


def _day_before(day: datetime.date) -> datetime.date:
    if day == datetime.date.min:
        raise ValueError("There is no period before January 0001: the calendar starts there.")
    return day - datetime.timedelta(days=1)


def next_span(span: PeriodSpan) -> PeriodSpan:
    return span_containing(span.frequency, _day_after(span.ends_on))


def previous_span(span: PeriodSpan) -> PeriodSpan:
    return span_containing(span.frequency, _day_before(span.starts_on))


def period_label(frequency: str, starts_on: datetime.date) -> str:
    if frequency == MONTHLY:
        return f"{calendar.month_name[starts_on.month]} {starts_on.year}"
    financial_year = financial_year_start(starts_on)
    quarter = ((starts_on.month - 4) % 12) // 3 + 1
    return f"Q{quarter} {financial_year}/{(financial_year + 1) % 100:02d}"


def parse_period_label(label: str) -> PeriodSpan:
    """'Q2 2020/21' or 'September 2020' (also '2020-09') to the span it names."""
    text = label.strip()
    quarter = _QUARTER_LABEL.match(text)
    if quarter:
        number, first_year, second_year = (int(part) for part in quarter.groups())
        if (first_year + 1) % 100 != second_year:
            raise ValueError(f"{label!r}: a financial year runs into the next year, e.g. 2020/21.")
        return quarter_span(first_year, number)
    iso_month = re.match(r"^(\d{4})-(\d{2})$", text, re.ASCII)
    if iso_month:
        return month_span(int(iso_month.group(1)), int(iso_month.group(2)))
    parts = text.split()
    if len(parts) == 2 and parts[0] in _MONTH_NAMES and parts[1].isascii() and parts[1].isdigit():
        return month_span(int(parts[1]), _MONTH_NAMES[parts[0]])
    raise ValueError(f"{label!r} is not a period: write 'Q2 2020/21' or 'September 2020'.")


_ADDRESS_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$", re.ASCII)


def parse_month(text: str) -> datetime.date:
    """A month as web addresses write it, '2020-09', to its first day. Strict: four
    digits, a dash, 01 to 12; anything else is a ValueError."""
    match = _ADDRESS_MONTH.fullmatch(text)
    if match is None or match.group(1) == "0000":
        raise ValueError("Choose a month such as 2020-09.")
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


@dataclass(frozen=True)
class MonthRange:
    """The months a report can be about: `first` and `last` are first days of months."""

    first: datetime.date
    last: datetime.date

    def __contains__(self, day: datetime.date) -> bool:
        return self.first <= day.replace(day=1) <= self.last

    def __str__(self) -> str:
        return f"{period_label(MONTHLY, self.first)} to {period_label(MONTHLY, self.last)}"

    def refusal(self, day: datetime.date) -> str:
        """Why no report can be about the month of `day` ('' when one can)."""
        if day in self:
            return ""
        month = period_label(MONTHLY, day)
        return f"{month} is outside the months the portal reports on ({self})."


def reportable_months(
    *, earliest_start: datetime.date | None, latest_end: datetime.date | None, today: datetime.date
) -> MonthRange:
    """From the month the earliest strategy starts to the end of the next financial
    year (the Board agrees next year's targets during this one), or to the latest
    strategy's end if that is later. With no dated strategy, from this financial
    year's start."""
    first = earliest_start or datetime.date(financial_year_start(today), 4, 1)
    last = datetime.date(financial_year_start(today) + 2, 3, 1)
    if latest_end is not None:
        last = max(last, latest_end.replace(day=1))
    return MonthRange(first=first.replace(day=1), last=last)


@dataclass(frozen=True)
class EntryWindow:
    """When results for a period may be entered: from `opens_on`, expected by
    `due_on`; after `closes_on` only a board secretary or administrator may change
    them, with a reason."""

    opens_on: datetime.date
    due_on: datetime.date
    closes_on: datetime.date


# Days after the period ends. Quarterly figures take longer to validate.
_DUE_AFTER_DAYS = {MONTHLY: 15, QUARTERLY: 20}


def default_entry_window(span: PeriodSpan) -> EntryWindow:
    """The usual window: opens the day after the period ends, due 15 days after it
    ends (20 for a quarter), closes at the end of the following month (two months
    for a quarter). Each period's window can be changed by an administrator."""
    opens_on = _day_after(span.ends_on)  # periods end at a month's end: the rest fit
    due_on = span.ends_on + datetime.timedelta(days=_DUE_AFTER_DAYS[span.frequency])
    closing_month = month_span(opens_on.year, opens_on.month)
    if span.frequency == QUARTERLY:
        closing_month = next_span(closing_month)
    return EntryWindow(opens_on=opens_on, due_on=due_on, closes_on=closing_month.ends_on)


def month_just_ended(today: datetime.date) -> datetime.date:
    """The first day of the month before `today`'s: the month a monthly report is about."""
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
