"""Reading the ledger: the flag definitions in SQL, listings and one entry with its history.

The flags (accountable, overdue, due soon, stale) are SQL expressions defined
once here, so listings, filters and reports count exactly the same things, and
the database does the filtering.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal, or_
from sqlmodel import Session, select

from riskreg.fields import FIELDS, LISTED
from riskreg.domain import words
from riskreg.domain.ledger import MAX_TITLE, catalogue_row, clean_text, get_entry, parse_level, user_date
from riskreg.domain.scope import known_unit
from riskreg.errors import InvalidInput
from riskreg.store.models import ACTIVE, NOT_VOIDED, Category, Department, Entry, History, Level, Risk
from riskreg.store.search import search_join
from riskreg.messages import N_

DUE_SOON_DAYS = 7
STALE_DAYS = 7

_FLAG_FIELDS = tuple(name for name, field in FIELDS.items() if field.kind == "flag")  # true or false when listed


@dataclass(frozen=True)
class Flags:
    """SQL expressions for the derived flags, as of one day (the windows come from the config file)."""

    today: date
    due_soon_days: int = DUE_SOON_DAYS
    stale_days: int = STALE_DAYS

    @property
    def windows(self) -> dict[str, int]:
        return {"due_soon_days": self.due_soon_days, "stale_days": self.stale_days}

    @property
    def active(self):
        # Written out as literals, not bound parameters: SQLite uses a partial index (models.Entry) only
        # when the query states the index's own condition.
        return Entry.status.in_([_literal(status) for status in ACTIVE])

    @property
    def closed(self):
        return Entry.status == _literal("closed")

    @property
    def accountable(self):
        return and_(*(column.is_not(None) for column in _FOUR_ONES))

    @property
    def missing_one(self):
        # Spelled as the partial index ix_entry_unaccountable's condition (store.models), for SQLite to use it.
        return or_(*(column.is_(None) for column in _FOUR_ONES))

    @property
    def unaccountable(self):
        return and_(self.active, self.missing_one)

    # The flags' conditions on an entry already known to be active: the report counts them over every entry in
    # one scan of ix_entry_groups, where the status is a column of the group.
    @property
    def past_due(self):
        return Entry.due < self.today

    @property
    def due_in_window(self):
        return and_(Entry.due >= self.today, Entry.due <= self.today + timedelta(days=self.due_soon_days))

    @property
    def untouched(self):
        return Entry.updated_on <= self.today - timedelta(days=self.stale_days)

    @property
    def overdue(self):
        return and_(self.active, self.past_due)

    @property
    def due_soon(self):
        return and_(self.active, self.due_in_window)

    @property
    def stale(self):
        return and_(self.active, self.untouched)

    @property
    def escalated(self):
        # Spelled as the partial index ix_entry_escalated's condition (store.models), for SQLite to use it.
        return and_(self.active, Entry.escalated_to.is_not(None))

    @property
    def awaiting_consolidation(self):
        return and_(self.closed, Entry.watch_until <= self.today)


_FOUR_ONES = (Entry.leader, Entry.department, Entry.task_force, Entry.plan, Entry.due)  # and the deadline


def _literal(value: str):
    return literal(value, literal_execute=True)


def count_where(condition):
    """SUM of a condition as 0/1: counts matching rows inside an aggregate query."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _as_bool(condition):
    return case((condition, True), else_=False)


def entry_columns(flags: Flags) -> list:
    """The SELECT list for one ledger row (join Risk for the category)."""
    computed = {
        "category": Risk.category,
        "accountable": _as_bool(flags.accountable),
        "overdue": _as_bool(flags.overdue),
        "due_soon": _as_bool(flags.due_soon),
        "stale": _as_bool(flags.stale),
        "escalated": _as_bool(and_(NOT_VOIDED, Entry.escalated_to.is_not(None))),
    }
    return [computed[name].label(name) if name in computed else getattr(Entry, name) for name in LISTED]


def row_dict(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    for name in _FLAG_FIELDS:
        data[name] = bool(data[name])
    for name, value in data.items():
        if isinstance(value, date):
            data[name] = value.isoformat()
    return data


@dataclass(frozen=True)
class EntryFilter:
    status: str | None = None
    risk: str | None = None
    category: str | None = None
    department: str | None = None
    unit: str | None = None
    level: str | None = None
    overdue: bool = False
    due_soon: bool = False
    unaccountable: bool = False
    with_voided: bool = False  # without a status, voided entries too (the lossless jsonl export)
    leader: str | None = None
    due_before: str | None = None  # dates as the user typed them, read by _day
    due_after: str | None = None
    added_since: str | None = None
    changed_since: str | None = None
    escalated: bool = False
    stale: bool = False
    search: str | None = None
    sort: str | None = None  # and the order they come in, one of SORTS; by default id, or deadline with `overdue`
    after: int | None = None  # in id order only: the entries after this id (the next page of a screen, keyset-paged)


SORTS = ("id", "due", "level", "updated", "unit")
_BY_DUE = (Entry.due.is_(None), Entry.due, Entry.id)  # as summary lists the overdue: the longest overdue first


def _order(wanted: EntryFilter, by_id: Any) -> tuple:
    sort = wanted.sort or ("due" if wanted.overdue else "id")
    orders = {"id": (by_id,), "due": _BY_DUE, "level": (Level.rank, Entry.id),
              "updated": (Entry.updated_on.desc(), Entry.id), "unit": (Entry.unit, Entry.id)}
    if sort not in orders:
        raise InvalidInput(N_("There is no sort order {sort!r}; use one of {sorts}.", sort=wanted.sort,
                              sorts=', '.join(SORTS)))
    return orders[sort]


def _day(session: Session, flags: Flags, typed: str, what: str) -> date:
    """A date given to a filter, read as every command reads the dates users type."""
    return user_date(session, flags.today, typed, what)


def _conditions(session: Session, flags: Flags, wanted: EntryFilter) -> list:
    conditions = []
    if wanted.status is None:
        if not wanted.with_voided:
            conditions.append(NOT_VOIDED)  # a voided entry is listed only when asked for by its status
    else:
        status = words.kind(session, "status", active=True).code(wanted.status)
        if status == "active":
            conditions.append(flags.active)
        else:
            conditions.append(Entry.status == status)
            if status in ACTIVE:  # implied, but stated so SQLite may read the small index of active entries
                conditions.append(flags.active)
            elif status == "closed":
                conditions.append(flags.closed)
    for column, value, model in ((Entry.risk, wanted.risk, Risk), (Risk.category, wanted.category, Category),
                                 (Entry.department, wanted.department, Department)):
        if value is not None:
            conditions.append(column == catalogue_row(session, model, value).code)
    if wanted.unit is not None:
        conditions.append(Entry.unit == known_unit(session, wanted.unit))
    if wanted.level is not None:
        conditions.append(Entry.level == parse_level(session, wanted.level))
    if wanted.overdue:
        conditions.append(flags.overdue)
    if wanted.due_soon:
        conditions.append(flags.due_soon)
    if wanted.unaccountable:
        conditions.append(flags.unaccountable)
    if wanted.leader is not None:
        # required: an empty name would read as `leader IS NULL` and list the entries nobody leads
        conditions.append(Entry.leader == clean_text(wanted.leader, N_("leader"), limit=MAX_TITLE, multiline=False,
                                                     required=True))
    days: dict[str, date] = {}
    for column, typed, on_or_after, what in ((Entry.due, wanted.due_before, False, N_("--due-before date")),
                                             (Entry.due, wanted.due_after, True, N_("--due-after date")),
                                             (Entry.created_on, wanted.added_since, True, N_("--added-since date")),
                                             (Entry.updated_on, wanted.changed_since, True, N_("--changed-since date"))):
        if typed is not None:
            days[str(what)] = day = _day(session, flags, typed, what)
            conditions.append(column >= day if on_or_after else column <= day)
    after, before = days.get("--due-after date"), days.get("--due-before date")
    if after and before and after > before:  # swapped, surely: an empty list would read as "nothing due"
        raise InvalidInput(N_("--due-after {after} is later than --due-before {before}; no deadline can be both.",
                              after=after, before=before))
    if wanted.escalated:
        conditions.append(Entry.escalated_to.is_not(None))
    if wanted.stale:
        conditions.append(flags.stale)
    return conditions


def list_entries(session: Session, flags: Flags, wanted: EntryFilter = EntryFilter(),
                 limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Matching entries in the filter's order (by id unless it says otherwise), streamed from the database."""
    return _listed(session, flags, wanted, limit, entry_columns(flags))


def sheet_entries(session: Session, flags: Flags, wanted: EntryFilter = EntryFilter(),
                  limit: int | None = None) -> Iterator[dict[str, Any]]:
    """`list_entries` with what a spreadsheet adds: each entry's `version`, the id of its latest history event
    (`import --update` tells by it an entry changed since the export), and `note`, its latest note's text.

    Both are subqueries per entry over the history's entry_id index: no history is loaded."""
    version = select(func.max(History.id)).where(History.entry_id == Entry.id).scalar_subquery()
    note = _latest_note(Entry.id).scalar_subquery()
    return _listed(session, flags, wanted, limit, [*entry_columns(flags), note.label("note"), version.label("version")])


def _latest_note(entry_id: Any):
    return (select(History.text).where(History.entry_id == entry_id, History.action == "note")
            .order_by(History.id.desc()).limit(1))


def _listed(session: Session, flags: Flags, wanted: EntryFilter, limit: int | None, columns: list) -> Iterator[dict[str, Any]]:
    query, by_id = select(*columns).join(Risk, Risk.code == Entry.risk), Entry.id
    if wanted.sort == "level":
        query = query.join(Level, Level.code == Entry.level)
    if wanted.search is not None:  # a join, not a condition: the index may yield the matches in id order
        # Checked as stored text is: no text holds a control character or a line break to be found, and
        # PostgreSQL refuses a NUL in any query.
        searched = clean_text(wanted.search, N_("search text"), multiline=False) or ""
        query, by_id = search_join(session.connection(), searched, query, Entry.id)
    if wanted.after is not None:  # the id column the order follows: FTS5 reads its rowid range, not every match
        query = query.where(by_id > wanted.after)
    query = query.where(*_conditions(session, flags, wanted)).order_by(*_order(wanted, by_id))
    if limit:
        query = query.limit(limit)
    for row in session.execute(query.execution_options(yield_per=1000)):
        yield row_dict(row)


def show_entry(session: Session, flags: Flags, entry_id: int) -> dict[str, Any]:
    get_entry(session, entry_id)
    row = session.execute(select(*entry_columns(flags)).join(Risk, Risk.code == Entry.risk)
                          .where(Entry.id == entry_id)).one()
    data = row_dict(row)
    data["history"] = [
        {"at": h.at, "on": h.on.isoformat(), "actor": h.actor, "action": h.action, "changes": h.changes, "text": h.text}
        for h in session.exec(select(History).where(History.entry_id == entry_id).order_by(History.id))
    ]
    return data



def entry_version(session: Session, entry_id: int) -> int | None:
    """The entry's version: the id of its latest history event (the 版本 a sheet exported now would carry)."""
    return session.exec(select(func.max(History.id)).where(History.entry_id == entry_id)).one()


def latest_note(session: Session, entry_id: int) -> str | None:
    """The text of the entry's latest note (what a sheet exported now shows as 进展情况)."""
    return session.exec(_latest_note(entry_id)).first()


def entry_as_of(session: Session, entry_id: int, version: int) -> dict[str, Any] | None:
    """The entry as it stood after its history event `version`, as a sheet exported then showed it: its replayed
    fields (dates as text), `created_on` and `note`, its latest note's text. None when that event is not the
    entry's. Reads the one entry's history up to that event."""
    events = session.exec(select(History).where(History.entry_id == entry_id, History.id <= version)
                          .order_by(History.id)).all()
    if not events or events[-1].id != version:
        return None
    state: dict[str, Any] = {"created_on": events[0].on.isoformat(), "note": None}
    for event in events:
        state.update({name: change["new"] for name, change in event.changes.items()})
        if event.action == "note":
            state["note"] = event.text
    return state
