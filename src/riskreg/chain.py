"""The tamper-evident history chain.

Each history row stores sha256(previous row's hash + the row's own content),
so changing, removing or reordering any earlier row breaks every hash after it;
`riskreg check` recomputes the chain and names the first row that disagrees.
"""

import hashlib
import json
from collections.abc import Iterable
from datetime import date
from typing import Any

GENESIS = "0" * 64
# One encoder built once: json.dumps with options builds a new one per call, a tenth of a bulk import.
_canonical = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def event_hash(previous: str, *, entry_id: int, at: str, on: date | str, actor: str, action: str,
               changes: dict[str, Any], text: str | None) -> str:
    content = _canonical([entry_id, at, on.isoformat() if isinstance(on, date) else on, actor, action, changes, text])
    return hashlib.sha256((previous + content).encode("utf-8")).hexdigest()


def first_broken(rows: Iterable[Any]) -> int | None:
    """Id of the first history row whose stored hash does not follow from the rows before it."""
    previous = GENESIS
    for row in rows:
        expected = event_hash(previous, entry_id=row.entry_id, at=row.at, on=row.on, actor=row.actor,
                              action=row.action, changes=row.changes, text=row.text)
        if row.hash != expected:
            return row.id
        previous = row.hash
    return None
