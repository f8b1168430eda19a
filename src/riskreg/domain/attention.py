"""The report's lists of entries needing attention: the first N of each by deadline, and how many more.

A report summarises and a listing enumerates (issue 16): at county scale the lists hold most of the work of a
report, so `riskreg.report/2` keeps the first `limit` of each (200 unless asked) and counts the rest exactly;
`riskreg list --overdue --format json` streams every entry. The lists are read from the partial indexes of
active and closed entries. A report split by department keeps the first `limit` of each department's list, in
one statement per list (a window over the department), not one per department.
"""

from datetime import date
from typing import Any

from sqlalchemy import String, func, type_coerce
from sqlmodel import Session, select

from riskreg.domain.queries import Flags
from riskreg.store.models import Entry

# Active entries escalated for coordination: the last list, added for the HTML report (issue 16); not in report/1.
ESCALATED = "escalated"
LISTS = ("overdue", "due_soon", "unaccountable", "stale", "awaiting_consolidation", ESCALATED)
LIST_LIMIT = 200  # entries per list in riskreg.report/2 unless --limit says otherwise
_LIST_BASE = ("id", "risk", "title", "unit", "level", "status", "department", "leader")
# The lists the report's totals do not count already: closed entries whose watch is over, escalated ones.
COUNTED_HERE = ("awaiting_consolidation", ESCALATED)
_DATED = ("overdue", "due_soon")  # lists of entries that have a deadline by definition


def _condition(flags: Flags, list_name: str):
    """The list's condition, and the extra day column it shows (None when it shows only the deadline)."""
    return {
        "overdue": (flags.overdue, None),
        "due_soon": (flags.due_soon, None),
        "unaccountable": (flags.unaccountable, None),
        "stale": (flags.stale, Entry.updated_on),
        "awaiting_consolidation": (flags.awaiting_consolidation, Entry.watch_until),
        ESCALATED: (flags.escalated, Entry.escalated_to),
    }[list_name]


def list_counts(session: Session, flags: Flags, list_name: str, where: list, keys: list) -> dict[Any, int]:
    """The entries of a list the totals do not count (COUNTED_HERE), per value of `keys` (a department, or None
    for the whole scope): few, counted along the list's partial index."""
    condition = _condition(flags, list_name)[0]
    rows = session.execute(select(*keys, func.count()).where(condition, *where).group_by(*keys))
    return {(row[0] if keys else None): int(row[-1]) for row in rows}


def attention_list(session: Session, flags: Flags, list_name: str, *, limit: int | None = None,
                   where: list = (), per_department: bool = False) -> list[dict[str, Any]]:
    """One of the report's lists, ordered by deadline (none last), then id; the first `limit` entries (all when
    None), or with `per_department` the first `limit` of each department's, in department order."""
    condition, extra = _condition(flags, list_name)
    # Days come back as stored (ISO text on SQLite, dates on PostgreSQL) and are parsed once per distinct
    # day: a county's list repeats a few hundred deadlines over tens of thousands of rows.
    columns = [*(getattr(Entry, key).label(key) for key in _LIST_BASE), type_coerce(Entry.due, String).label("due"),
               *([type_coerce(extra, String).label("extra")] if extra is not None else [])]
    order = (Entry.due.is_(None), Entry.due, Entry.id)
    # Entries awaiting consolidation or escalated are few: sorted in full, but a split keeps each department's first.
    if limit is None or (list_name in COUNTED_HERE and not per_department):
        return _items(session, select(*columns).where(condition, *where).order_by(*order).limit(limit), list_name,
                      flags.today)
    if per_department:
        rank = func.row_number().over(partition_by=Entry.department, order_by=order).label("rank")
        ranked = select(*columns, rank, Entry.due.label("due_key")).where(condition, *where).subquery()
        query = (select(*(ranked.c[column.name] for column in columns)).where(ranked.c.rank <= limit)
                 .order_by(ranked.c.department, ranked.c.due_key.is_(None), ranked.c.due_key, ranked.c.id))
        return _items(session, query, list_name, flags.today)
    # The first by deadline walk an index that leads with it and stop at the limit; `due IS NULL` in the ORDER BY
    # would sort every match first. Entries without a deadline come after, by id.
    dated = _items(session, select(*columns).where(condition, Entry.due.is_not(None), *where)
                   .order_by(Entry.due, Entry.id).limit(limit), list_name, flags.today)
    if len(dated) == limit or list_name in _DATED:
        return dated
    return dated + _items(session, select(*columns).where(condition, Entry.due.is_(None), *where)
                          .order_by(Entry.id).limit(limit - len(dated)), list_name, flags.today)


def _items(session: Session, query, list_name: str, today: date) -> list[dict[str, Any]]:
    shared: dict[Any, Any] = {}  # one copy of each code, unit and name: a long list repeats them
    days: dict[Any, tuple[date, str]] = {}

    def day(value: Any) -> tuple[date, str]:
        known = days.get(value)
        if known is None:
            parsed = value if isinstance(value, date) else date.fromisoformat(value)
            known = days[value] = (parsed, parsed.isoformat())
        return known

    items = []
    base = len(_LIST_BASE)
    for row in session.connection().execute(query):  # Core rows: the ORM's row processing doubled the cost
        item = {key: shared.setdefault(value, value) for key, value in zip(_LIST_BASE, row)}
        due = row[base]
        due_day, item["due"] = day(due) if due is not None else (None, None)
        if list_name == "overdue":
            item["days_overdue"] = (today - due_day).days
        elif list_name == "due_soon":
            item["days_left"] = (due_day - today).days
        elif list_name == "stale":
            item["last_change"] = day(row[-1])[1]
        elif list_name == "awaiting_consolidation":
            item["watch_until"] = day(row[-1])[1]
        elif list_name == ESCALATED:
            item["escalated_to"] = row[-1]
        items.append(item)
    return items
