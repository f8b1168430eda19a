"""Entries recorded twice: the same risk, unit and title. `add` refuses an active one's twin (riskreg.domain.ledger),
`edit` a correction that makes one (riskreg.domain.corrections), and import refuses a row any entry already stands
for (riskreg.exchange.duplicates); all ask here."""

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, select

from riskreg.store.models import ACTIVE, Entry

IN_LIMIT = 500  # values per IN (...): far below every backend's limit on parameters


def active_twin(session: Session, risk: str, unit: str, title: str, other_than: int | None = None) -> int | None:
    """The first active entry with this risk, unit and title, or None (a hazard that recurred after closing is an
    entry of its own); `other_than` the entry being corrected. By the unit's index: one `add` must not scan a
    register of a million entries."""
    query = select(Entry.id).where(Entry.unit == unit, Entry.status.in_(ACTIVE), Entry.risk == risk,
                                   Entry.title == title)
    if other_than is not None:
        query = query.where(Entry.id != other_than)
    return session.exec(query.order_by(Entry.id).limit(1)).first()


def same_content(session: Session, rows: Iterable[tuple[int, dict[str, Any]]],
                 before: int | None = None) -> list[tuple[int, int]]:
    """(row or line number, entry id) for each row whose risk, unit and title an entry already has, in order.

    `before`: only entries numbered below it, those the register held before an import began writing."""
    by_title: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for number, row in rows:
        by_title.setdefault(row["title"], []).append((number, row))
    titles, found = list(by_title), []
    for start in range(0, len(titles), IN_LIMIT):
        query = select(Entry.id, Entry.risk, Entry.unit, Entry.title).where(Entry.title.in_(titles[start:start + IN_LIMIT]))
        if before is not None:
            query = query.where(Entry.id < before)
        for entry_id, risk, unit, title in session.exec(query):
            found += [(number, entry_id) for number, row in by_title[title] if (row["risk"], row["unit"]) == (risk, unit)]
    return sorted(found)
