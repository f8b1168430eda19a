"""The zone people read times in: the config file's `timezone` (an IANA name, e.g. Asia/Shanghai, through the
standard library's zoneinfo and the system's time zone database), else the system's own zone.

Only wall-clock times (a history event's `at`, stored in UTC) are shown in it; effective dates (`on`, deadlines)
are calendar days and never shift.
"""

from datetime import datetime, timezone, tzinfo

from riskreg.errors import InvalidInput
from riskreg.messages import N_

Zone = tuple[tzinfo | None, str]  # the zone (None: the system's, DST included) and its name for a heading
UTC: Zone = (timezone.utc, "UTC")


def named_zone(name: str) -> tzinfo:
    """The zone an IANA name names; InvalidInput when the time zone database has none by that name."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(N_("There is no time zone {name!r}; give an IANA name such as Asia/Shanghai.",
                              name=name)) from None


def reader_zone(name: str | None) -> Zone:
    """The configured zone by its name, else the system's, named by its abbreviation and offset (CST, UTC+08:00)."""
    if name:
        return named_zone(name), name
    now = datetime.now().astimezone()
    offset = now.strftime("%z")
    utc = f"UTC{offset[:3]}:{offset[3:]}" if offset.strip("+-0") else "UTC"
    abbreviation = now.tzname() or ""
    return None, utc if not abbreviation.isalpha() or abbreviation == utc else f"{abbreviation}, {utc}"


def local_time(at: str, zone: tzinfo | None) -> str:
    """A stored UTC time (2026-07-01T02:03:04.000005Z) to the second, in `zone` (None: the system's)."""
    try:
        moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    except ValueError:  # a register edited by hand: show what it holds
        return at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
