"""Ledger lifecycle: plain functions over a Session that change entries.

Each function validates everything first, then changes the entry and appends
one history event; the caller's transaction makes the command all-or-nothing.
Which action is allowed in which status is the table `ALLOWED` below (the
rules are written out in the README).
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlmodel import Session, func, select

from riskreg.domain import words
from riskreg.domain.catalogue_sync import read_settings
from riskreg.domain.duplicates import active_twin
from riskreg.store.chain import GENESIS, event_hash
from riskreg.dates import parse_date
from riskreg.errors import InvalidInput, InvalidTransition, NotFound
from riskreg.escaping import CONTROL, INVISIBLE
from riskreg.fields import DATES
from riskreg.store.models import COUNTED, REPLAYED, VOIDED, Department, Entry, History, Risk, RiskDepartment, Unit
from riskreg.messages import Both, Message, N_
from riskreg.vocabulary import word

MAX_TITLE = 200
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL
MAX_TEXT = 10_000

ALLOWED: dict[str, tuple[str, ...]] = {
    "assign": ("open", "mitigated"),
    "note": ("open", "mitigated", "closed", "consolidated"),
    "mitigate": ("open", "mitigated"),
    "close": ("open", "mitigated"),
    "escalate": ("open", "mitigated"),
    "consolidate": ("closed",),
    "reopen": ("closed", "consolidated"),
    # Corrections (riskreg.domain.corrections): what was recorded wrong, and a level that changed
    "edit": ("open", "mitigated", "closed", "consolidated"),
    "regrade": ("open", "mitigated"),
    # Voiding (riskreg.domain.voiding): a mistaken or duplicate entry leaves the ledger without being deleted
    "void": COUNTED,
    "unvoid": (VOIDED,),
    "duplicate": COUNTED,  # the surviving entry's record that another was voided as its duplicate
}
ACTIONS = ("add", *ALLOWED, "undo")  # every action a history event may record


@dataclass(frozen=True)
class Stamp:
    """Who acts, and when: the effective date (business rules) and the wall clock (audit)."""

    actor: str
    today: date
    now: datetime | None = None
    # What was done but deserves a second look (a deadline already past): sentences the CLI shows on stderr
    warnings: list[Message] = field(default_factory=list, compare=False)

    def __post_init__(self) -> None:  # the actor is text like any field: history shows it to everyone
        object.__setattr__(self, "actor", clean_text(self.actor, ACTOR, limit=MAX_TITLE, multiline=False, required=True))

    def wall_clock(self) -> str:
        now = self.now or datetime.now(timezone.utc)
        return now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_CONTROL = re.compile(f"[{CONTROL}]")
_CONTROL_OR_BREAK = re.compile(f"[\n\t{CONTROL}]")
ACTOR = N_("actor (--actor or RISKREG_ACTOR)")


def clean_text(value: str | None, what: str, *, limit: int = MAX_TEXT, multiline: bool = True,
               required: bool = False) -> str | None:
    """Trimmed text within its limit, or None; control characters other than newline and tab refused."""
    if value is None:
        if required:
            raise InvalidInput(N_("The {what} is required.", what=what))
        return None
    text = value.strip()
    if not text.strip(INVISIBLE):
        if required:
            raise InvalidInput(N_("The {what} must not be empty.", what=what))
        return None
    if (_CONTROL if multiline else _CONTROL_OR_BREAK).search(text):
        raise InvalidInput(N_("The {what} contains control characters.", what=what) if multiline else
                           N_("The {what} contains control characters or line breaks.", what=what))
    if len(text) > limit:
        raise InvalidInput(N_("The {what} is {n_text:,} characters long; the limit is {limit:,}.", what=what,
                              n_text=len(text), limit=limit))
    return text


def quoting(prefix: str, text: str) -> str:
    """`prefix`, then `text` quoted from another event, cut short (…) to keep within the limit every stored text
    keeps: an event whose text is over it fails `check` and `import`."""
    room = MAX_TEXT - len(prefix)
    return prefix + (text if len(text) <= room else text[:room - 1] + "…")


def get_entry(session: Session, entry_id: int) -> Entry:
    entry = session.get(Entry, entry_id) if 0 < entry_id <= MAX_ID else None
    if entry is None:
        raise NotFound(N_("There is no entry {entry_id} in the register.", entry_id=entry_id))
    return entry


def require_status(entry: Entry, action: str) -> None:
    allowed = ALLOWED[action]
    if entry.status not in allowed:
        raise InvalidTransition(
            N_("Entry {id} is {status}; `{action}` applies only to {allowed} entries.", id=entry.id,
               status=words.said("status", entry.status), action=action,
               allowed=Both("或".join(word(f"status.{s}", "zh") for s in allowed),
                            " or ".join(word(f"status.{s}", "en") for s in allowed)))
        )


def catalogue_row(session: Session, model: type, typed: str) -> Any:
    """The risk, department or category the user typed by its code or either name (riskreg.domain.words);
    NotFound, listing the words accepted, when it names none."""
    return session.get(model, words.code(session, model.__tablename__, typed))


def _department(session: Session, typed: str) -> str:
    dept = catalogue_row(session, Department, typed)
    if dept.retired:
        raise InvalidInput(N_("Department {code} is retired from the catalogue; choose a current one.",
                              code=dept.code))
    return dept.code


def parse_level(session: Session, text: str) -> str:
    return words.code(session, "level", text)


def catalogue_unit(session: Session, name: str) -> str:
    """The unit as the catalogue spells it (any unit when the catalogue lists none)."""
    unit = clean_text(name, N_("unit"), limit=MAX_TITLE, multiline=False, required=True)
    listed = session.exec(select(func.count()).select_from(Unit).where(Unit.retired == False)).one()  # noqa: E712
    if not listed:
        return unit
    row = session.get(Unit, words.kind(session, "unit").code(unit))
    if row.retired:
        raise InvalidInput(N_("Unit {name!r} is retired from the catalogue; choose a current one.", name=row.name))
    return row.name


def user_date(session: Session, today: date, text: str, what: str) -> date:
    """A date as the user typed it, T-N counting back from the register's campaign."""
    return parse_date(text, today=today, campaign_start=read_settings(session).campaign_start, what=what)


def _deadline(session: Session, stamp: Stamp, typed: str) -> date:
    """A deadline as typed; one already past is kept (a ledger is often filled in afterwards) with a warning."""
    due = user_date(session, stamp.today, typed, "deadline")
    if due < stamp.today:
        stamp.warnings.append(N_("the deadline {due} is already past (today is {today}); it is recorded as given.",
                                 due=due, today=stamp.today))
    return due


def record_event(session: Session, stamp: Stamp, entry: Entry, action: str, changes: dict[str, Any],
            text: str | None = None, on: date | None = None) -> None:
    effective = on or stamp.today
    # An entry's history runs forward in time: a change dated before the last one would rewrite what the
    # register has already said about those days (the trend and every later report replay them).
    if entry.updated_on is not None and effective < entry.updated_on:
        raise InvalidInput(N_("Entry {id} last changed on {updated_on}; a change to it cannot be dated {effective}, "
                              "before that (check {options}).", id=entry.id, updated_on=entry.updated_on,
                              effective=effective, options="--on and --as-of" if on else "--as-of"))
    entry.updated_on = effective
    session.add(entry)
    session.flush()  # gives a new entry its id
    # Writers hold the register's write lock (BEGIN IMMEDIATE), so the last hash cannot move under us.
    previous = session.exec(select(History.hash).order_by(History.id.desc()).limit(1)).first() or GENESIS
    event = {"entry_id": entry.id, "at": stamp.wall_clock(), "on": effective, "actor": stamp.actor,
             "action": action, "changes": changes, "text": text}
    session.add(History(**event, hash=event_hash(previous, **event)))


def note_change(entry: Entry, changes: dict[str, Any], field: str, value: Any) -> None:
    old = getattr(entry, field)
    if old != value:
        changes[field] = {"old": _plain(old), "new": _plain(value)}
        setattr(entry, field, value)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def add_entry(session: Session, stamp: Stamp, *, risk: str, title: str, unit: str, level: str | None = None,
              detail: str | None = None, due: str | None = None, department: str | None = None,
              force: bool = False) -> int:
    """A new open entry; refused when an active entry has its risk, unit and title, unless `force`."""
    risk_row = catalogue_row(session, Risk, risk)
    if risk_row.retired:
        raise InvalidInput(N_("Risk {code} is retired from the catalogue; new entries cannot use it.",
                              code=risk_row.code))
    if department is None:
        lead = session.exec(
            select(RiskDepartment.department).where(RiskDepartment.risk == risk_row.code).order_by(RiskDepartment.position)
        ).first()
        department = lead
    entry = Entry(
        risk=risk_row.code,
        title=clean_text(title, N_("title"), limit=MAX_TITLE, multiline=False, required=True),
        unit=catalogue_unit(session, unit),
        level=parse_level(session, level) if level is not None else "general",
        detail=clean_text(detail, N_("detail")),
        department=_department(session, department),
        created_on=stamp.today,
        updated_on=stamp.today,
    )
    if due is not None:
        entry.due = entry.original_due = _deadline(session, stamp, due)
    twin = None if force else active_twin(session, entry.risk, entry.unit, entry.title)
    if twin is not None:
        raise InvalidInput(N_("Entry {twin} already has this risk, unit and title ({risk}, {unit}, {title}) and "
                              "is still active; give --force to add it anyway.", twin=twin, risk=entry.risk,
                              unit=entry.unit, title=entry.title))
    changes = {name: {"old": None, "new": _plain(value)} for name, value in entry.model_dump(exclude={"id"}).items()
               if value is not None and name not in ("created_on", "updated_on", "extensions", "reopen_count")}
    record_event(session, stamp, entry, "add", changes)
    return entry.id


def assign(session: Session, stamp: Stamp, entry_id: int, *, leader: str | None = None, department: str | None = None,
           task_force: str | None = None, plan: str | None = None, due: str | None = None,
           contingency: str | None = None, text: str | None = None) -> dict[str, Any]:
    """Set the four ones; `text`, like the other changes' (mitigate, close, escalate, consolidate), says where the
    change came from in the history (import --update: the sheet and its row)."""
    entry = get_entry(session, entry_id)
    require_status(entry, "assign")
    wanted: dict[str, Any] = {}
    if leader is not None:
        wanted["leader"] = clean_text(leader, N_("leader"), limit=MAX_TITLE, multiline=False, required=True)
    if department is not None:
        wanted["department"] = _department(session, department)
    for name, value in (("task_force", task_force), ("plan", plan), ("contingency", contingency)):
        if value is not None:
            wanted[name] = clean_text(value, name.replace("_", " "), required=True)
    if due is not None:
        wanted["due"] = _deadline(session, stamp, due)
    if not wanted:
        raise InvalidInput(N_("Nothing to assign: give at least one of --leader, --dept, --task-force, --plan, "
                              "--due, --contingency."))
    changes: dict[str, Any] = {}
    old_due = entry.due
    for name, value in wanted.items():
        note_change(entry, changes, name, value)
    if "due" in changes:
        if old_due is None:
            note_change(entry, changes, "original_due", entry.due)
        elif entry.due is not None and entry.due > old_due:  # bringing a deadline forward is no extension
            note_change(entry, changes, "extensions", entry.extensions + 1)
    if not changes:
        raise InvalidInput(N_("Entry {id} already has those values; nothing changed.", id=entry.id))
    record_event(session, stamp, entry, "assign", changes, text)
    return changes


def add_note(session: Session, stamp: Stamp, entry_id: int, text: str) -> None:
    entry = get_entry(session, entry_id)
    require_status(entry, "note")
    record_event(session, stamp, entry, "note", {}, clean_text(text, N_("note"), required=True))


def mitigate(session: Session, stamp: Stamp, entry_id: int, *, measures: str, text: str | None = None) -> None:
    entry = get_entry(session, entry_id)
    require_status(entry, "mitigate")
    changes: dict[str, Any] = {}
    note_change(entry, changes, "measures", clean_text(measures, N_("measures"), required=True))
    note_change(entry, changes, "status", "mitigated")
    if not changes:
        raise InvalidInput(N_("Entry {id} already has exactly those measures; nothing changed.", id=entry.id))
    record_event(session, stamp, entry, "mitigate", changes, text)


def watch_until(closed_on: date, risk: Risk, default_days: int) -> date:
    """The last day of the watch for relapse after closing: the risk's own consolidation days, else the register's."""
    days = risk.consolidation_days if risk.consolidation_days is not None else default_days
    return closed_on + timedelta(days=days)


def close(session: Session, stamp: Stamp, entry_id: int, *, verified_by: str, resolution: str,
          on: str | None = None, text: str | None = None) -> date:
    """Verified check-off; returns the day the watch for relapse ends."""
    entry = get_entry(session, entry_id)
    require_status(entry, "close")
    verifier = clean_text(verified_by, N_("verifier"), limit=MAX_TITLE, multiline=False, required=True)
    resolution_text = clean_text(resolution, N_("resolution"), required=True)
    closed_on = user_date(session, stamp.today, on, "closing date") if on is not None else stamp.today
    if closed_on < entry.created_on:
        raise InvalidInput(N_("Entry {id} was added on {created_on}; it cannot be closed on {closed_on}.",
                              id=entry.id, created_on=entry.created_on, closed_on=closed_on))
    if closed_on > stamp.today:
        raise InvalidInput(N_("The closing date {closed_on} is in the future (today is {today}).",
                              closed_on=closed_on, today=stamp.today))
    watch = watch_until(closed_on, session.get(Risk, entry.risk), read_settings(session).consolidation_days)
    changes: dict[str, Any] = {}
    for name, value in (("status", "closed"), ("verified_by", verifier), ("resolution", resolution_text),
                        ("closed_on", closed_on), ("watch_until", watch)):
        note_change(entry, changes, name, value)
    record_event(session, stamp, entry, "close", changes, text, on=closed_on)
    return entry.watch_until


def consolidate(session: Session, stamp: Stamp, entry_id: int, *, text: str | None = None) -> None:
    entry = get_entry(session, entry_id)
    require_status(entry, "consolidate")
    if stamp.today < entry.watch_until:
        raise InvalidTransition(
            N_("Entry {id} is under watch until {watch_until}; it can be consolidated from that day.", id=entry.id,
               watch_until=entry.watch_until)
        )
    changes: dict[str, Any] = {}
    note_change(entry, changes, "status", "consolidated")
    record_event(session, stamp, entry, "consolidate", changes, text)


def reopen(session: Session, stamp: Stamp, entry_id: int, *, reason: str) -> None:
    entry = get_entry(session, entry_id)
    require_status(entry, "reopen")
    reason_text = clean_text(reason, N_("reason"), required=True)
    changes: dict[str, Any] = {}
    for name, value in (("status", "open"), ("verified_by", None), ("resolution", None), ("closed_on", None),
                        ("watch_until", None), ("reopen_count", entry.reopen_count + 1)):
        note_change(entry, changes, name, value)
    record_event(session, stamp, entry, "reopen", changes, reason_text)


def escalate(session: Session, stamp: Stamp, entry_id: int, *, to: str, reason: str, text: str | None = None) -> None:
    entry = get_entry(session, entry_id)
    require_status(entry, "escalate")
    changes: dict[str, Any] = {}
    note_change(entry, changes, "escalated_to", clean_text(to, N_("escalation target"), limit=MAX_TITLE, multiline=False, required=True))
    note_change(entry, changes, "escalation_reason", clean_text(reason, N_("reason"), required=True))
    if not changes:
        raise InvalidInput(N_("Entry {id} is already escalated to that body for that reason; nothing changed.",
                              id=entry.id))
    record_event(session, stamp, entry, "escalate", changes, text)


def _stored(field: str, value: Any) -> Any:
    return date.fromisoformat(value) if field in DATES and value is not None else value


def undo(session: Session, stamp: Stamp) -> tuple[int, str]:
    """Revert the latest change not yet undone; returns (entry id, the action undone).

    Undo events pair off with the newest changes before them, so repeated undos
    walk back through the history. Nothing is erased: the undo is an event with
    its own old and new values.
    """
    pending, target = 0, None
    for event in session.exec(select(History).order_by(History.id.desc()).execution_options(yield_per=100)):
        if event.action == "undo":
            pending += 1
        elif pending:
            pending -= 1
        else:
            target = event
            break
    if target is None:
        raise InvalidTransition(N_("There is nothing to undo."))
    entry = get_entry(session, target.entry_id)
    changes: dict[str, Any] = {}
    if target.action == "add":  # entries are never deleted: a mistaken add is voided, and undo goes on past it
        note_change(entry, changes, "status", VOIDED)  # an entry imported voided stays so; the undo still pairs off
        record_event(session, stamp, entry, "undo", changes, f"undoes add of {target.on.isoformat()}: voided")
        return entry.id, target.action
    unknown = sorted(set(target.changes) - set(REPLAYED))  # an import once let any field name in
    if unknown:
        raise InvalidTransition(N_("The last change ({action} of entry {id}) names a field riskreg does not know "
                                   "({repr}); undo cannot revert it.", action=target.action, id=entry.id,
                                   repr=', '.join(map(repr, unknown))))
    for field, change in target.changes.items():
        if _plain(getattr(entry, field)) != change["new"]:
            raise InvalidTransition(N_("Entry {id}'s {field} changed again after that {action}; undo refuses to "
                                       "overwrite the later change.", id=entry.id, field=field, action=target.action))
        note_change(entry, changes, field, _stored(field, change["old"]))
    said = f"undoes {target.action} of {target.on.isoformat()}"
    record_event(session, stamp, entry, "undo", changes, quoting(f"{said}: ", target.text) if target.text else said)
    return entry.id, target.action
