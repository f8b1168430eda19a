"""The report's counts: every entry counted in two scans of narrow indexes, whatever the state of the register.

ix_entry_groups (risk, department, level, status, due, updated_on) is read in key order, a few hundred groups,
and each group counts its overdue, due-soon and stale entries as it goes, so a register where nearly everything
is active and overdue costs what a tidy one costs (issue 16; before, the flags were counted over the index of
active entries, grouped four ways, each a sort of every active entry). ix_entry_unit_status does the same by
unit, and the few entries missing one of the four ones come from their own partial index. With `split`, every
count is keyed by department too (the part of a `report --split dept`); else under None.
"""

from collections import Counter
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from riskreg.domain.queries import Flags
from riskreg.store.models import ACTIVE, COUNTED, NOT_VOIDED, Entry

FLAGS = ("overdue", "unaccountable", "stale", "due_soon")
GROUP_COUNTS = ("open", "overdue", "unaccountable")  # what each category, department and unit row shows of its active


def empty_part(levels: list[str]) -> dict[str, Any]:
    """A part's counts before any entry (what a department with no entries in scope is given)."""
    return {"matrix": {level: dict.fromkeys(COUNTED, 0) for level in levels}, "flags": Counter(),
            "used": {"category": Counter(), "department": Counter()},
            "closed": {"category": Counter(), "department": Counter()},
            "active": {"category": {}, "department": {}, "unit": {}},
            "unit_closed": {}}


def _add(counters: dict[str, Counter], key: Any, **counts: int) -> None:
    counters.setdefault(key, Counter()).update(counts)


def tally(session: Session, flags: Flags, levels: list[str], category_of: dict[str, str], where: list,
          split: bool, one_department: bool = False) -> dict[Any, dict[str, Any]]:
    """Per part (a department when split, else None): the level × status matrix, the flags' totals, and for
    categories, departments and units the entries used, closed and active (with overdue, unaccountable)."""
    parts: dict[Any, dict[str, Any]] = {}

    def part_of(department: str) -> dict[str, Any]:
        key = department if split else None
        if key not in parts:
            parts[key] = empty_part(levels)
        return parts[key]

    # One department's entries are counted along ix_entry_department_unit_status, grouped by unit too (rows added
    # up here) so they come in its key order: else SQLite sorts them all or looks each up in the table.
    by_unit_too = [Entry.unit] if one_department else []
    for risk, department, level, status, count, overdue, due_soon, stale in session.execute(
            select(Entry.risk, Entry.department, Entry.level, Entry.status, func.count(),
                   func.count().filter(flags.past_due), func.count().filter(flags.due_in_window),
                   func.count().filter(flags.untouched))
            .where(NOT_VOIDED, *where).group_by(Entry.risk, Entry.department, Entry.level, Entry.status, *by_unit_too)):
        part = part_of(department)
        part["matrix"][level][status] += count
        for kind, code in (("category", category_of[risk]), ("department", department)):
            part["used"][kind][code] += count
            if status in ACTIVE:
                _add(part["active"][kind], code, open=count, overdue=overdue)
            else:
                part["closed"][kind][code] += count
        if status in ACTIVE:
            part["flags"].update(overdue=overdue, due_soon=due_soon, stale=stale)

    keys = [Entry.department] if split else []
    for *department, unit, status, count, overdue in session.execute(
            select(*keys, Entry.unit, Entry.status, func.count(), func.count().filter(flags.past_due))
            .where(NOT_VOIDED, *where).group_by(*keys, Entry.unit, Entry.status).order_by(*keys, Entry.unit)):
        part = part_of(department[0] if split else None)
        closed = part["unit_closed"]
        closed[unit] = closed.get(unit, 0) + (0 if status in ACTIVE else count)
        if status in ACTIVE:
            _add(part["active"]["unit"], unit, open=count, overdue=overdue)

    # Rows, not groups: the planner reads them from ix_entry_unaccountable only while no GROUP BY asks for order.
    missing = Counter(session.execute(select(Entry.risk, Entry.department, Entry.unit)
                                      .where(flags.unaccountable, *where)).all())
    for (risk, department, unit), count in missing.items():
        part = part_of(department)
        part["flags"]["unaccountable"] += count
        for kind, code in (("category", category_of[risk]), ("department", department), ("unit", unit)):
            _add(part["active"][kind], code, unaccountable=count)
    return parts

