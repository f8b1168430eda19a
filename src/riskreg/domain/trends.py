"""Open, overdue and closed counts per day, replayed from the history in SQL.

Only events that change an entry's status or deadline matter. One query turns
them into segments — from one such event to the entry's next, the entry had one
status and one deadline — using window functions, clips the segments to the
window and groups them, so what comes back is a few rows per distinct
(start, deadline, end) within the window, however large the register. Python
then sweeps the days of the window over those groups.

Only entries with an event after the window's first day are replayed. An entry
whose every event is on that day or before kept its present status and
deadline through the whole window (its last segment covers it, every earlier
one ended by then), so such entries are counted from the entry table's
indexes instead: at a million entries a 30-day trend replays a few percent of
the history, not all of it (docs/PERFORMANCE.md).

Counts are as at the end of each day, by effective date (`on`): open counts
active entries (open + mitigated), overdue the active ones past their deadline
that day, closed the closed and consolidated ones. A voided entry counts on no day at all, as if it had
never been added (it was a mistake or a duplicate); one voided for a while and brought back counts on every
day but those it spent voided.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import String, case, cast, func, literal, or_, true
from sqlmodel import Session, select

from riskreg.domain.catalogue_sync import read_settings
from riskreg.errors import InvalidInput
from riskreg.store.models import ACTIVE, IS_ACTIVE, NOT_VOIDED, VOIDED, Entry, History
from riskreg.messages import N_

DEFAULT_DAYS = 30
MAX_DAYS = 3660
SERIES = ("open", "overdue", "closed")
_BEFORE = "0000-00-00"  # a deadline before the window: overdue on every day of it


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


def window(session: Session, today: date, *, days: int | None = None, since: date | None = None) -> Window:
    """The last `days` days up to today, or from `since`; by default the campaign's run so far when one
    has started, else the last 30 days."""
    if since is not None:
        start = since
    elif days is not None:
        start = today - timedelta(days=days - 1)
    else:
        campaign = read_settings(session).campaign_start
        start = campaign if campaign is not None and campaign <= today else today - timedelta(days=DEFAULT_DAYS - 1)
    if start > today:
        raise InvalidInput(N_("The trend would start on {start}, after today ({today}).", start=start, today=today))
    if (today - start).days >= MAX_DAYS:
        raise InvalidInput(N_("A trend covers at most {max_days} days; {start} to {today} is longer.",
                              max_days=MAX_DAYS, start=start, today=today))
    return Window(start, today)


def _changed_after(start: date):
    """Ids of entries with an event after `start`, voided ones left out: the history's ids found along
    ix_history_action_on, which holds each event's date and is a tenth the size of the history table."""
    recent = select(History.id).where(History.on > start)
    return select(History.entry_id).join(Entry, Entry.id == History.entry_id).where(History.id.in_(recent), NOT_VOIDED)


def _segments(changed):
    """One row per status or deadline change of the `changed` entries: the entry's status and deadline from
    then until its next change."""
    # Paths, not chained indexes: SQLite would JSON-quote the inner value, and a quoted NULL is the text 'null'.
    status_new = History.changes[("status", "new")].as_string()
    due_changed = History.changes[("due",)].as_string().is_not(None)  # the key is there, even if set to null
    due_new = History.changes[("due", "new")].as_string()
    on = cast(History.on, String)  # ISO text on both backends, so dates compare with JSON-held deadlines
    changes = (select(History.entry_id, History.id, on.label("on"), status_new.label("status_new"),
                      case((due_changed, 1), else_=0).label("due_changed"), due_new.label("due_new"))
               .where(History.entry_id.in_(changed), or_(status_new.is_not(None), due_changed)).subquery("changes"))
    entry_order = {"partition_by": changes.c.entry_id, "order_by": changes.c.id}
    # Carry the last status and deadline forward: each change starts a group; the group's one value is its max.
    grouped = select(
        changes.c.entry_id, changes.c.on, changes.c.status_new, changes.c.due_new,
        func.count(changes.c.status_new).over(**entry_order).label("status_group"),
        func.sum(changes.c.due_changed).over(**entry_order).label("due_group"),
        func.lead(changes.c.on).over(**entry_order).label("until"),
    ).subquery("grouped")
    return select(
        grouped.c.on.label("start"), grouped.c.until,
        func.max(grouped.c.status_new).over(partition_by=(grouped.c.entry_id, grouped.c.status_group)).label("status"),
        func.max(grouped.c.due_new).over(partition_by=(grouped.c.entry_id, grouped.c.due_group)).label("due"),
    ).subquery("segments")


def _clipped_due(due, start: str, end: str):
    """An active entry's deadline as the sweep needs it: None if never overdue within the window,
    _BEFORE if overdue on every day of it."""
    return case((or_(due.is_(None), due >= end), None), (due < start, literal(_BEFORE)), else_=due)


def daily_counts(session: Session, span: Window) -> dict[str, Any]:
    start, end = span.start.isoformat(), span.end.isoformat()
    changed = _changed_after(span.start)
    seg = _segments(changed)
    active = seg.c.status.in_(ACTIVE)
    kind = case((active, "open"), else_="closed")
    begins = case((seg.c.start < start, literal(start)), else_=seg.c.start)
    due = case((~active, None), else_=_clipped_due(seg.c.due, start, end))
    until = case((seg.c.until > end, None), else_=seg.c.until)
    groups = session.execute(
        select(kind.label("kind"), begins.label("begins"), due.label("due"), until.label("until"), func.count().label("n"))
        .where(seg.c.status.is_not(None), seg.c.status != VOIDED, seg.c.start <= end, or_(seg.c.until.is_(None), seg.c.until > start),
               # a change and its undo on the same day leave an empty segment
               or_(seg.c.until.is_(None), seg.c.until > seg.c.start))
        .group_by(kind, begins, due, until)).all()
    groups += _unchanged(session, changed, start, end)
    days = []
    for day in span.days:
        text = day.isoformat()
        counts = dict.fromkeys(SERIES, 0)
        for group in groups:
            if group.begins <= text and (group.until is None or group.until > text):
                counts[group.kind] += group.n
                if group.kind == "open" and group.due is not None and group.due < text:
                    counts["overdue"] += group.n
        days.append({"day": text, **counts})
    return {"from": start, "to": end, "days": days}


def _unchanged(session: Session, changed, start: str, end: str) -> list[Any]:
    """Entries with no event in the window, as groups of the replay's shape: each kept its present status
    and deadline from before the window's first day to its last.

    Counted as every entry less the changed ones (a semi-join, which both backends plan well, where NOT IN
    can turn quadratic on PostgreSQL): closed ones along an index, active ones by deadline along the
    partial index of active entries.
    """
    due = _clipped_due(cast(Entry.due, String), start, end)
    counts: Counter = Counter()
    for sign, which in ((1, true()), (-1, Entry.id.in_(changed))):
        counts["closed", None] += sign * session.execute(
            select(func.count()).where(Entry.status.not_in(ACTIVE), NOT_VOIDED, which)).scalar_one()
        for row in session.execute(select(due, func.count()).where(IS_ACTIVE, which).group_by(due)):
            counts["open", row[0]] += sign * row[1]
    return [_Group(kind, start, day, None, n) for (kind, day), n in counts.items() if n]


class _Group(NamedTuple):
    kind: str
    begins: str
    due: str | None
    until: str | None
    n: int


def changed_after(session: Session, day: date, where: list = ()) -> bool:
    """Whether an entry in scope, not voided, has an event dated after `day`: then a report as of that day counts
    the register as it is now, which is not what it was that day (issue 16). One seek per action along
    ix_history_action_on, stopping at the first such event."""
    from riskreg.domain.ledger import ACTIONS

    later = (select(History.id).join(Entry, Entry.id == History.entry_id)
             .where(History.action.in_(ACTIONS), History.on > day, NOT_VOIDED, *where).limit(1))
    return session.execute(later).first() is not None


def trend(session: Session, today: date, *, days: int | None = None, since: date | None = None) -> dict[str, Any]:
    return daily_counts(session, window(session, today, days=days, since=since))

