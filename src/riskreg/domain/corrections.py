"""Dynamic management: correcting what an entry says (`edit`), grading it again (`regrade`) and clearing an
escalation once coordination is done.

Kept beside riskreg.domain.ledger, whose rules they follow: the status table `ALLOWED`, one history event with
old and new values, replayed by `check` and reverted by `undo` like any other. Each needs a reason, which the
event records as its text.
"""

from typing import Any

from sqlmodel import Session

from riskreg.domain.duplicates import active_twin
from riskreg.domain.ledger import (MAX_TITLE, Stamp, catalogue_row, catalogue_unit, clean_text, get_entry,
                                   note_change, parse_level, record_event, require_status)
from riskreg.errors import InvalidInput, InvalidTransition
from riskreg.store.models import ACTIVE, Entry, Level, Risk
from riskreg.messages import Both, N_


def edit(session: Session, stamp: Stamp, entry_id: int, *, reason: str, title: str | None = None,
         detail: str | None = None, unit: str | None = None, risk: str | None = None) -> dict[str, Any]:
    """Correct the title, detail, unit or risk; returns the changes. Closed entries may be corrected too."""
    entry = get_entry(session, entry_id)
    require_status(entry, "edit")
    reason_text = clean_text(reason, N_("reason"), required=True)
    wanted: dict[str, Any] = {}
    if title is not None:
        wanted["title"] = clean_text(title, N_("title"), limit=MAX_TITLE, multiline=False, required=True)
    if detail is not None:
        wanted["detail"] = clean_text(detail, N_("detail"))  # blank clears it: details are optional
    if unit is not None:
        wanted["unit"] = catalogue_unit(session, unit)
    if risk is not None:
        wanted["risk"] = _risk(session, risk, entry.risk)
    if not wanted:
        raise InvalidInput(N_("Nothing to edit: give at least one of the title, detail, unit or risk."))
    changes: dict[str, Any] = {}
    for name, value in wanted.items():
        note_change(entry, changes, name, value)
    if not changes:
        raise InvalidInput(N_("Entry {id} already has those values; nothing changed.", id=entry.id))
    record_event(session, stamp, entry, "edit", changes, reason_text)
    return changes


def _risk(session: Session, typed: str, current: str) -> str:
    row = catalogue_row(session, Risk, typed)
    if row.retired and row.code != current:
        raise InvalidInput(N_("Risk {code} is retired from the catalogue; choose a current one.", code=row.code))
    return row.code


def regrade(session: Session, stamp: Stamp, entry_id: int, *, level: str, reason: str) -> str:
    """Grade an active entry again; returns the new level's code."""
    entry = get_entry(session, entry_id)
    require_status(entry, "regrade")
    reason_text = clean_text(reason, N_("reason"), required=True)
    changes: dict[str, Any] = {}
    note_change(entry, changes, "level", parse_level(session, level))
    if not changes:
        known = session.get(Level, entry.level)
        raise InvalidInput(N_("Entry {id} is already graded {level}; nothing changed.", id=entry.id,
                              level=Both(known.zh, known.en) if known else entry.level))
    record_event(session, stamp, entry, "regrade", changes, reason_text)
    return entry.level


def correct(session: Session, stamp: Stamp, entry_id: int, *, reason: str, title: str | None = None,
            detail: str | None = None, unit: str | None = None, risk: str | None = None,
            level: str | None = None, force: bool = False) -> tuple[dict[str, Any], str | None]:
    """`riskreg edit`: the corrections, then the new grading, as two events (edit, then regrade), so that a
    grading decided on the corrected risk follows the correction; returns (the edit's changes, the new level).

    A correction that makes an active entry the twin of another (risk, unit and title) is refused as `add`
    refuses one, unless `force`: the two are one hazard, and `void --duplicate-of` says so."""
    if title is None and detail is None and unit is None and risk is None and level is None:
        raise InvalidInput(N_("Nothing to edit: give at least one of --title, --detail, --unit, --risk or --level."))
    changes: dict[str, Any] = {}
    if title is not None or detail is not None or unit is not None or risk is not None:
        changes = edit(session, stamp, entry_id, reason=reason, title=title, detail=detail, unit=unit, risk=risk)
        if not force and {"risk", "unit", "title"} & changes.keys():
            _refuse_twin(session, get_entry(session, entry_id))
    new_level = regrade(session, stamp, entry_id, level=level, reason=reason) if level is not None else None
    return changes, new_level


def _refuse_twin(session: Session, entry: Entry) -> None:
    twin = entry.status in ACTIVE and active_twin(session, entry.risk, entry.unit, entry.title, other_than=entry.id)
    if twin:
        raise InvalidInput(f"Entry {twin} already has this risk, unit and title and is still active: void one as "
                           f"the other's duplicate (riskreg void {entry.id} --duplicate-of {twin}), or give --force "
                           "to correct it anyway.")


def clear_escalation(session: Session, stamp: Stamp, entry_id: int, *, reason: str) -> str:
    """Take the escalation off once coordination is done; returns whom it was escalated to.

    An `escalate` event whose new values are empty: `check` replays it and `undo` restores the escalation
    like any other change, and no new action joins the history's vocabulary."""
    entry = get_entry(session, entry_id)
    require_status(entry, "escalate")
    reason_text = clean_text(reason, N_("reason"), required=True)
    if entry.escalated_to is None:
        raise InvalidTransition(N_("Entry {id} is not escalated; there is no escalation to clear.", id=entry.id))
    escalated_to = entry.escalated_to
    changes: dict[str, Any] = {}
    note_change(entry, changes, "escalated_to", None)
    note_change(entry, changes, "escalation_reason", None)
    record_event(session, stamp, entry, "escalate", changes, reason_text)
    return escalated_to
