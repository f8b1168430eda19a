"""Entries an import would add a second time: an id the register has, or an entry of the same risk, unit and
title (riskreg.domain.duplicates, as `add` finds them). One place for both formats, so a JSON Lines file and a
sheet are refused alike."""

from typing import Any

from sqlmodel import Session, select

from riskreg.domain.duplicates import IN_LIMIT, same_content
from riskreg.errors import InvalidInput, Problem
from riskreg.store.models import Entry
from riskreg.messages import N_


def taken_ids(session: Session, ids: list[int]) -> list[int]:
    """Those of `ids` that entries in the register already have."""
    found: list[int] = []
    for start in range(0, len(ids), IN_LIMIT):
        found += session.exec(select(Entry.id).where(Entry.id.in_(ids[start:start + IN_LIMIT]))).all()
    return found


def first_in_file(row: dict[str, Any], events: list[dict[str, Any]], number: int, ids: set[int],
                  seen: dict[tuple[str, ...], int] | None) -> None:
    """Refuse a line repeating an earlier one's id, or (`seen`: under --new-ids) the same entry under another id;
    else remember it. The same entry has the same risk, unit, title and first event: a hazard that recurred
    was added again, later, and is an entry of its own (216 of the benchmark register's 20,000)."""
    if row["id"] in ids:
        raise InvalidInput(N_("id {id} appears twice in the file", id=row['id']))
    ids.add(row["id"])
    if seen is not None:
        key = (row["risk"], row["unit"], row["title"], events[0]["at"], events[0]["actor"])
        if key in seen:
            raise InvalidInput(N_("repeats line {seen} (the same entry: same risk, unit, title and first event)",
                                  seen=seen[key]))
        seen[key] = number


def lines_in_register(session: Session, lines: list[tuple[int, dict[str, Any]]], *, new_ids: bool,
                      before: int) -> list[Problem]:
    """A problem for each line the register has: by id, or under --new-ids by risk, unit and title (only
    entries numbered below `before`: an import's own renumbered entries come after them)."""
    if new_ids:
        titles = {number: row["title"] for number, row in lines}
        return [Problem(number, "title", titles[number],
                        N_("already in the register as entry {entry_id} (same risk, unit and title)",
                           entry_id=entry_id))
                for number, entry_id in same_content(session, lines, before)]
    taken = set(taken_ids(session, [row["id"] for _, row in lines]))
    return [Problem(number, "id", str(row["id"]), N_("entry {id} is already in the register", id=row['id']))
            for number, row in lines if row["id"] in taken]
