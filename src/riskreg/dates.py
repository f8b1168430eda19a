"""Dates as people write them, on the command line and in a sheet's cells: 2026-07-31, 2026/7/31, 2026.7.31,
2026年7月31日, in full-width digits too (NFKC); on the command line also +Nd / -Nd (from today) and T-N (before
the campaign). `written_date` reads the calendar forms for both; `parse_date` adds the relative ones."""

import re
import unicodedata
from datetime import date, timedelta

from riskreg.errors import InvalidInput
from riskreg.messages import N_, Joined

_RELATIVE = re.compile(r"([+-])(\d{1,5})d")
COUNTDOWN = re.compile(r"T-(\d{1,5})")
# A time after the day is read past: a spreadsheet writes a date cell as 2026-07-01 00:00:00 when saved as text
_WRITTEN = (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"),
            re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"))  # 号: as 5号 is said
FORMS = "2026-07-31, 2026/7/31, 2026.7.31 or 2026年7月31日"
# A register's dates are this century's business; the bounds also keep date arithmetic
# (today + 7 for "due soon") far from Python's year-9999 limit.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


class NotARealDay(InvalidInput):
    """Written as a date, but no such day: 2026-02-30."""


def written_date(text: str) -> date | None:
    """The calendar day the text writes, None when it writes none; NotARealDay for a day no calendar has."""
    value = unicodedata.normalize("NFKC", text).strip()
    for pattern in _WRITTEN:
        if m := pattern.fullmatch(value):
            try:
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise NotARealDay("not a real day") from None
    return None


def parse_date(text: str, *, today: date, campaign_start: date | None = None, what: str = "date") -> date:
    try:
        day = _parse(text, today, campaign_start, what)
    except OverflowError:
        day = None
    if day is None or not EARLIEST <= day <= LATEST:
        raise InvalidInput(N_("The {what} {text!r} is out of range ({earliest} to {latest}).", what=what, text=text,
                              earliest=EARLIEST, latest=LATEST))
    return day


def _parse(text: str, today: date, campaign_start: date | None, what: str) -> date:
    value = unicodedata.normalize("NFKC", text).strip()
    if m := _RELATIVE.fullmatch(value):
        days = int(m.group(2))
        return today + timedelta(days=days if m.group(1) == "+" else -days)
    if m := COUNTDOWN.fullmatch(value):
        if campaign_start is None:
            raise InvalidInput(N_("The {what} {text!r} counts back from the campaign, but the catalogue names no "
                                  "campaign.", what=what, text=text))
        return campaign_start - timedelta(days=int(m.group(1)))
    try:
        day = written_date(value)
    except NotARealDay:
        raise InvalidInput(N_("The {what} {text!r} is not a date: no calendar has that day.", what=what, text=text)) from None
    if day is not None:
        return day
    hint = N_("{items} or {last}", items=Joined([*FORMS.replace(" or ", ", ").split(", "), "+Nd"], "、", ", "),
              last="-Nd")
    if campaign_start:
        hint = N_("{items} or {last}", items=hint, last="T-N")
    raise InvalidInput(N_("The {what} {text!r} is not a date; write it as {hint}.", what=what, text=text, hint=hint))
