"""Checking a sheet's rows and importing them as entries.

Every row is checked before anything is written (riskreg.exchange.sheet_checks, as `add`, `assign`, `mitigate`,
`escalate` and `close` check the same fields), then checked against the rows before it and the entries already
in the register; one RowsRefused carries every problem of every row. Valid rows become entries through the same
bulk path as a JSON Lines import (riskreg.exchange.jsonl.import_entries), each with one `add` history event
carrying every field, so the hash chain and `riskreg check` hold. A spreadsheet carries an entry's current
fields, not its history: for a lossless copy use `export --format jsonl`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, func, select

from riskreg.domain.ledger import Stamp
from riskreg.errors import Problem, RowsRefused
from riskreg.exchange.duplicates import same_content, taken_ids
from riskreg.exchange.jsonl import ImportResult, OpenSession, import_entries
from riskreg.exchange.sheet_checks import Catalogue, check_row
from riskreg.exchange.sheet_columns import BY_FIELD
from riskreg.exchange.sheet_read import Sheet
from riskreg.masking import masked_reason
from riskreg.store.models import REPLAYED, Entry
from riskreg.messages import N_, NP_


@dataclass
class Parsed:
    """Validated rows, ready to import: each entry with its history, its `add` event and a progress note if
    the row has one (进展情况, 备注), recorded the same day."""

    source: str
    entries: list[tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # the spreadsheet row of each entry


def parse_rows(use: OpenSession, sheet: Sheet, stamp: Stamp, rows: Iterable[tuple[int, dict[str, Any]]] | None = None,
               *, new_ids: bool = False, accept_masked: bool = False) -> Parsed:
    """Check every row; raise RowsRefused with every problem of every row, or return them all ready to import.

    `rows` defaults to the sheet's rows (pass them wrapped, e.g. in a progress bar). A row is one
    entry by its 编号; a row without one (or with --new-ids) by its risk, unit and title, so a
    pasted duplicate or a ledger imported twice is refused while a recurring hazard under its own
    编号 is not.

    The register is asked twice, through `use`: for the catalogue before the rows are read and for
    the entries already there after. An import hands in its one writing transaction both times; a
    dry run a fresh read transaction each time, so no lock is held while the rows are read."""
    with use() as session:
        known = Catalogue(session)
    parsed, problems, seen = Parsed(sheet.source), [], _Seen(new_ids, sheet.headers)
    for number, raw in (rows if rows is not None else sheet.rows):
        row, faults = check_row(number, raw, sheet.headers, known, stamp.today)
        if not accept_masked:  # a masked copy must never overwrite the real numbers
            faults = _masked_cells(number, raw, sheet.headers) + faults
        if row is not None and not faults and (repeat := seen.repeat(row, number)):
            faults = [repeat]
        if faults:
            problems += faults
            continue
        note = row.pop("note")  # the row's progress notes (进展情况, 备注) are events, not a field of the entry
        added = _added(row, number, stamp, sheet.source)
        noted = [{**added, "action": "note", "changes": {}, "text": text}
                 for text in (note if isinstance(note, list) else [note]) if text]
        parsed.entries.append((row, [added, *noted]))
        parsed.rows.append(number)
    with use() as session:
        problems += _already_in_register(session, parsed, new_ids, sheet.headers)
    if problems:
        raise RowsRefused(sheet.source, sorted(problems, key=lambda problem: problem.row))  # stable: a row's own order stays
    return parsed


def _column(headers: dict[str, str], name: str) -> str:
    return headers.get(name) or BY_FIELD[name].zh


class _Seen:
    """The rows read so far: by 编号, or by risk, unit and title for a row without one (or with --new-ids)."""

    def __init__(self, new_ids: bool, headers: dict[str, str]) -> None:
        self.new_ids, self.headers = new_ids, headers
        self.ids: dict[int, int] = {}
        self.content: dict[tuple[str, str, str], int] = {}

    def repeat(self, row: dict[str, Any], number: int) -> Problem | None:
        """Why the row repeats an earlier one; else None, and the row is remembered."""
        if row["id"] is not None and not self.new_ids:
            if row["id"] in self.ids:
                return Problem(number, _column(self.headers, "id"), str(row["id"]), N_("also on row {ids}",
                                                                                       ids=self.ids[row['id']]))
            self.ids[row["id"]] = number
            return None
        key = (row["risk"], row["unit"], row["title"])
        if key in self.content:
            return Problem(number, _column(self.headers, "title"), row["title"],
                           N_("repeats row {content} (same risk, unit and title)", content=self.content[key]))
        self.content[key] = number
        return None


def _added(row: dict[str, Any], number: int, stamp: Stamp, source: str) -> dict[str, Any]:
    """The entry's one history event: added, with every field it carries."""
    changes = {name: {"old": None, "new": value.isoformat() if isinstance(value, date) else value}
               for name, value in row.items() if name in REPLAYED and value is not None
               and name not in ("extensions", "reopen_count")}
    return {"at": stamp.wall_clock(), "on": row["created_on"], "actor": stamp.actor, "action": "add",
            "changes": changes, "text": f"imported from {Path(source).name}, row {number}"}


def _already_in_register(session: Session, parsed: Parsed, new_ids: bool, headers: dict[str, str]) -> list[Problem]:
    """One problem for each row an entry already stands for: by 编号, or (a row without one, or with --new-ids) by
    risk, unit and title. A register may hold a recurring hazard twice, so a row may match several entries."""
    rows = list(zip(parsed.rows, (row for row, _ in parsed.entries)))
    matches: dict[int, list[int]] = {}  # row -> the entries it repeats
    for number, entry_id in same_content(session, [(n, row) for n, row in rows if row["id"] is None or new_ids]):
        matches.setdefault(number, []).append(entry_id)
    titles = dict(rows)
    problems = [Problem(number, _column(headers, "title"), titles[number]["title"],
                        NP_("already in the register as entry {ids}", "already in the register as entries {ids}",
                            len(entries), ids=', '.join(map(str, sorted(entries))))) for number, entries in matches.items()]
    numbered = [(number, row["id"]) for number, row in rows if row["id"] is not None and not new_ids]
    taken = set(taken_ids(session, [entry_id for _, entry_id in numbered]))
    problems += [Problem(number, _column(headers, "id"), str(entry_id), N_("entry {entry_id} is already in the "
                                                                           "register (--new-ids imports the row "
                                                                           "under a new number)", entry_id=entry_id)) for number, entry_id in numbered if entry_id in taken]
    return problems


def _masked_cells(number: int, raw: dict[str, Any], headers: dict[str, str]) -> list[Problem]:
    """A problem for each cell holding a number as riskreg masks it (138****5678)."""
    return [Problem(number, headers.get(name, BY_FIELD[name].zh), value, reason)
            for name, cells in raw.items() for value in (cells if isinstance(cells, list) else [cells])
            if (reason := masked_reason(value))]


def import_parsed(session: Session, parsed: Parsed, *, new_ids: bool = False, write: bool = True) -> ImportResult:
    """Write the checked rows: 编号 kept as the entry number unless --new-ids; rows without one get the next numbers.

    Afterwards `parsed` holds the numbers the entries were given (for the dry-run preview, which passes
    write=False: every check and the numbering, nothing inserted)."""
    entries = parsed.entries
    if new_ids:
        entries = [({**row, "id": position}, events) for position, (row, events) in enumerate(entries, 1)]
    elif any(row["id"] is None for row, _ in entries):
        highest = max([row["id"] or 0 for row, _ in entries] + [session.exec(select(func.max(Entry.id))).one() or 0])
        numbered = []
        for row, events in entries:
            if row["id"] is None:
                highest += 1
                row = {**row, "id": highest}
            numbered.append((row, events))
        entries = numbered
    result = import_entries(session, entries, new_ids=new_ids, write=write)
    parsed.entries = [({**row, "id": result.renumbered.get(row["id"], row["id"])}, events) for row, events in entries]
    return result


def preview_rows(parsed: Parsed) -> list[dict[str, Any]]:
    """The checked rows as `list` shows entries (for the --dry-run table)."""
    return [{**{k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}, "row": number}
            for (row, _), number in zip(parsed.entries, parsed.rows)]
