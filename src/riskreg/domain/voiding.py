"""Voiding: taking a mistaken or duplicate entry off the ledger without deleting it.

A voided entry keeps its number and its whole history and counts nowhere (riskreg.store.models.NOT_VOIDED).
`void` changes only the status, so `unvoid` (or `undo`) puts back the status the void event recorded as old.
A duplicate's survivor records the fact in its own history as a `duplicate` event that changes nothing, so
replay (`check`) and the trend pass over it; it is written before the void, so an `undo` right after a void
brings the voided entry back first.
"""

from typing import Any

from sqlmodel import Session, select

from riskreg.domain.ledger import (MAX_TEXT, Stamp, clean_text, get_entry, note_change, quoting, record_event,
                                   require_status)
from riskreg.errors import InvalidInput, InvalidTransition
from riskreg.store.models import VOIDED, History
from riskreg.messages import N_


def void(session: Session, stamp: Stamp, entry_id: int, *, reason: str, duplicate_of: int | None = None) -> None:
    entry = get_entry(session, entry_id)
    require_status(entry, "void")
    # The void's text names the survivor before the reason, within the limit every stored text keeps.
    named = f"duplicate of entry {duplicate_of}: " if duplicate_of is not None else ""
    reason_text = clean_text(reason, N_("reason"), required=True, limit=MAX_TEXT - len(named))
    if duplicate_of is not None:
        if duplicate_of == entry.id:
            raise InvalidInput(N_("Entry {id} cannot be a duplicate of itself.", id=entry.id))
        survivor = get_entry(session, duplicate_of)
        if survivor.status == VOIDED:
            raise InvalidTransition(N_("Entry {id} is voided itself; name the entry that stays on the ledger.",
                                       id=survivor.id))
        require_status(survivor, "duplicate")
        record_event(session, stamp, survivor, "duplicate", {},
                quoting(f"entry {entry.id} voided as a duplicate of this one: ", reason_text))
        reason_text = named + reason_text
    changes: dict[str, Any] = {}
    note_change(entry, changes, "status", VOIDED)
    record_event(session, stamp, entry, "void", changes, reason_text)


def unvoid(session: Session, stamp: Stamp, entry_id: int, *, reason: str) -> str:
    """Put a voided entry back with the status it had before; returns that status."""
    entry = get_entry(session, entry_id)
    require_status(entry, "unvoid")
    reason_text = clean_text(reason, N_("reason"), required=True)
    restored = None
    # The latest event that voided it: a void, or the undo of its add (which voids too).
    for recorded in session.exec(select(History.changes).where(History.entry_id == entry.id)
                                 .order_by(History.id.desc())):
        if recorded.get("status", {}).get("new") == VOIDED:
            restored = recorded["status"]["old"]
            break
    if restored is None:  # imported voided: nothing says what it was
        raise InvalidTransition(N_("Entry {id}'s history does not say what status it had before it was voided.",
                                   id=entry.id))
    changes: dict[str, Any] = {}
    note_change(entry, changes, "status", restored)
    record_event(session, stamp, entry, "unvoid", changes, reason_text)
    return restored
