"""The tamper-evident history chain and its recorded head.

Each history row stores sha256(previous row's hash + the row's own content),
so changing, removing or reordering any earlier row breaks every hash after it;
`riskreg check` recomputes the chain and names the first row that disagrees.

Removing the *last* rows breaks no hash, so the chain's head (how many events,
the last one's hash) is recorded where that shows: in the `meta` table, moved
forward in the same transaction as every history write (`record_head`, called
by the store before each commit), and in every report. The head in `meta` only
catches edits that leave it alone: whoever can rewrite the register can rewrite
the history and its head consistently. A report kept elsewhere (the nightly
mail) anchors it: `riskreg check --against REPORT.json`.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from riskreg.store.models import History, Meta

GENESIS = "0" * 64
# The meta rows of the head; chain_head_id lets the next writer count its new rows through the primary key.
HEAD_KEYS = ("chain_events", "chain_head", "chain_head_id")
# One encoder built once: json.dumps with options builds a new one per call, a tenth of a bulk import.
_canonical = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def event_hash(previous: str, *, entry_id: int, at: str, on: date | str, actor: str, action: str,
               changes: dict[str, Any], text: str | None) -> str:
    content = _canonical([entry_id, at, on.isoformat() if isinstance(on, date) else on, actor, action, changes, text])
    return hashlib.sha256((previous + content).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Head:
    """Where the chain ends: how many events it holds and the last one's hash."""

    events: int = 0
    hash: str = GENESIS

    def as_report(self) -> dict[str, Any]:
        return {"head": self.hash, "events": self.events}


@dataclass
class Walk:
    """One pass over the whole chain in id order."""

    head: Head
    broken: int | None  # id of the first row whose hash does not follow from the rows before it
    broken_at: int | None  # and its position (1 for the first event)
    hash_at_mark: str | None  # the hash of the event at the position asked for, if the chain is that long


def walk(rows: Iterable[Any], *, mark: int = 0) -> Walk:
    """Verify the chain, count it, and note the hash of the event at position `mark`."""
    previous, position, broken, broken_at, at_mark = GENESIS, 0, None, None, None
    for row in rows:
        position += 1
        expected = event_hash(previous, entry_id=row.entry_id, at=row.at, on=row.on, actor=row.actor,
                              action=row.action, changes=row.changes, text=row.text)
        if broken is None and row.hash != expected:
            broken, broken_at = row.id, position
        if position == mark:
            at_mark = row.hash
        previous = row.hash
    return Walk(Head(position, previous), broken, broken_at, at_mark)


def recorded_head(conn: Connection) -> tuple[Head, int] | None:
    """The head kept in `meta` and the id of its row; None when it is missing or not numbers."""
    values = dict(conn.execute(select(Meta.key, Meta.value).where(Meta.key.in_(HEAD_KEYS))).all())
    try:
        return Head(int(values["chain_events"]), values["chain_head"]), int(values["chain_head_id"])
    except (KeyError, ValueError):
        return None


def current_head(conn: Connection) -> Head:
    """The head a report states: the one recorded in `meta` (no scan of the history), or, should that record
    be missing, the history's own."""
    recorded = recorded_head(conn)
    return recorded[0] if recorded else _head_after(conn, Head(), 0)[0]


def record_head(conn: Connection) -> None:
    """Move the head in `meta` over the history rows this transaction wrote; the store calls it before every
    commit, so every writer (ledger, undo, import, copy, upgrade) keeps it without knowing.

    Only rows after the recorded head are counted, through the primary key. If the recorded head row is gone
    or changed, the head is left as it was, so `check` keeps reporting it whatever is written later.
    """
    recorded = recorded_head(conn)
    head, last_id = recorded or (Head(), 0)
    if recorded and last_id and conn.execute(select(History.hash).where(History.id == last_id)).scalar() != head.hash:
        return
    head, moved_to = _head_after(conn, head, last_id)
    if recorded and moved_to == last_id:
        return
    conn.execute(delete(Meta).where(Meta.key.in_(HEAD_KEYS)))
    conn.execute(insert(Meta), [{"key": key, "value": str(value)}
                                for key, value in zip(HEAD_KEYS, (head.events, head.hash, moved_to))])


def _head_after(conn: Connection, head: Head, last_id: int) -> tuple[Head, int]:
    """`head` moved over the rows after id `last_id`, and the id of the new last row."""
    added, newest = conn.execute(select(func.count(), func.max(History.id)).where(History.id > last_id)).one()
    if not added:
        return head, last_id
    newest_hash = conn.execute(select(History.hash).where(History.id == newest)).scalar_one()
    return Head(head.events + added, newest_hash), newest
