"""Dates as users type them: YYYY-MM-DD, +Nd / -Nd (from today), T-N (before the campaign)."""

import re
from datetime import date, timedelta

from riskreg.errors import InvalidInput

_RELATIVE = re.compile(r"([+-])(\d{1,5})d")
COUNTDOWN = re.compile(r"T-(\d{1,5})")
# A register's dates are this century's business; the bounds also keep date arithmetic
# (today + 7 for "due soon") far from Python's year-9999 limit.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def parse_date(text: str, *, today: date, campaign_start: date | None = None, what: str = "date") -> date:
    try:
        day = _parse(text, today, campaign_start, what)
    except OverflowError:
        day = None
    if day is None or not EARLIEST <= day <= LATEST:
        raise InvalidInput(f"The {what} {text!r} is out of range ({EARLIEST} to {LATEST}).")
    return day


def _parse(text: str, today: date, campaign_start: date | None, what: str) -> date:
    value = text.strip()
    if m := _RELATIVE.fullmatch(value):
        days = int(m.group(2))
        return today + timedelta(days=days if m.group(1) == "+" else -days)
    if m := COUNTDOWN.fullmatch(value):
        if campaign_start is None:
            raise InvalidInput(f"The {what} {text!r} counts back from the campaign, but the catalogue names no campaign.")
        return campaign_start - timedelta(days=int(m.group(1)))
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    hint = "YYYY-MM-DD, +Nd or -Nd" + (" or T-N" if campaign_start else "")
    raise InvalidInput(f"The {what} {text!r} is not a date; write it as {hint}.")
