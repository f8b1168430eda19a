"""Entries an import would add a second time: an id the register has, or an entry of the same risk, unit and
title. One place for both formats, so a JSON Lines file and a sheet are refused alike."""

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, select

from riskreg.errors import InvalidInput, Problem
from riskreg.store.models import Entry

_IN_LIMIT = 500  # values per IN (...): far below every backend's limit on parameters


def taken_ids(session: Session, ids: list[int]) -> list[int]:
    """Those of `ids` that entries in the register already have."""
    found: list[int] = []
    for start in range(0, len(ids), _IN_LIMIT):
        found += session.exec(select(Entry.id).where(Entry.id.in_(ids[start:start + _IN_LIMIT]))).all()
    return found


def same_content(session: Session, rows: Iterable[tuple[int, dict[str, Any]]],
                 before: int | None = None) -> list[tuple[int, int]]:
    """(row or line number, entry id) for each row whose risk, unit and title an entry already has, in order.

    `before`: only entries numbered below it, those the register held before an import began writing."""
    by_title: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for number, row in rows:
        by_title.setdefault(row["title"], []).append((number, row))
    titles, found = list(by_title), []
    for start in range(0, len(titles), _IN_LIMIT):
        query = select(Entry.id, Entry.risk, Entry.unit, Entry.title).where(Entry.title.in_(titles[start:start + _IN_LIMIT]))
        if before is not None:
            query = query.where(Entry.id < before)
        for entry_id, risk, unit, title in session.exec(query):
            found += [(number, entry_id) for number, row in by_title[title] if (row["risk"], row["unit"]) == (risk, unit)]
    return sorted(found)


def first_in_file(row: dict[str, Any], events: list[dict[str, Any]], number: int, ids: set[int],
                  seen: dict[tuple[str, ...], int] | None) -> None:
    """Refuse a line repeating an earlier one's id, or (`seen`: under --new-ids) the same entry under another id;
    else remember it. The same entry has the same risk, unit, title and first event: a hazard that recurred
    was added again, later, and is an entry of its own (216 of the benchmark register's 20,000)."""
    if row["id"] in ids:
        raise InvalidInput(f"id {row['id']} appears twice in the file")
    ids.add(row["id"])
    if seen is not None:
        key = (row["risk"], row["unit"], row["title"], events[0]["at"], events[0]["actor"])
        if key in seen:
            raise InvalidInput(f"repeats line {seen[key]} (the same entry: same risk, unit, title and first event)")
        seen[key] = number


def lines_in_register(session: Session, lines: list[tuple[int, dict[str, Any]]], *, new_ids: bool,
                      before: int) -> list[Problem]:
    """A problem for each line the register has: by id, or under --new-ids by risk, unit and title (only
    entries numbered below `before`: an import's own renumbered entries come after them)."""
    if new_ids:
        titles = {number: row["title"] for number, row in lines}
        return [Problem(number, "title", titles[number],
                        f"already in the register as entry {entry_id} (same risk, unit and title)")
                for number, entry_id in same_content(session, lines, before)]
    taken = set(taken_ids(session, [row["id"] for _, row in lines]))
    return [Problem(number, "id", str(row["id"]), f"entry {row['id']} is already in the register")
            for number, row in lines if row["id"] in taken]
