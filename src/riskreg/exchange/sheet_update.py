"""Taking back a returned sheet (`import --update`): each changed cell becomes the event the command would record.

A row with a 编号 is that entry as a village or department sends it back. Its cells are compared with the entry
as the sheet showed it when exported (its 版本: the entry replayed up to that history event), so what the sheet
changed is told apart from what the register changed since. Each change goes through the domain function the
command calls, so every lifecycle rule is checked exactly as there (closing a closed entry is refused):

    状态 待化解 or 管控中 on a closed entry         reopen
    风险等级                                       regrade
    责任部门 牵头领导 工作专班 工作方案 完成时限 应急预案   assign (a later deadline counts as an extension)
    管控措施, or 状态 管控中                         mitigate
    提级至 提级原因                                 escalate
    核验人 化解情况 销号日期, or 状态 已销号           close, dated by 销号日期 (all three needed, as a plain import needs them)
    风险编码 村(社区) 标题 详情                       edit
    进展情况 (each note column's cell)               note
    状态 已巩固                                     consolidate

A blank cell leaves the field as it is (a village clearing a cell does not delete the plan), and a cell that holds
the stored text as a masked export shows it (139****5678) is unchanged, so a masked copy never overwrites real
data. A row the sheet changed whose entry changed in the register since the export is a conflict, refused with
both values unless `force`, which takes the sheet's changes over the register's (the fields the sheet left as
exported keep the register's values). Rows without a 编号 are new entries, as a plain import makes them. All or
nothing: every problem of every row is raised together as RowsRefused.
"""

import contextlib
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from riskreg.domain import corrections, ledger
from riskreg.domain.queries import entry_as_of, entry_version, latest_note
from riskreg.errors import Problem, RiskregError, RowsRefused
from riskreg.exchange.sheet_cells import lost, nfkc, sheet_date, shown
from riskreg.exchange.sheet_checks import ESCALATION, Catalogue, missing
from riskreg.exchange.sheet_columns import BY_FIELD, normalise
from riskreg.exchange.sheet_read import Sheet, blank
from riskreg.exchange.sheet_rows import import_parsed, parse_rows
from riskreg.masking import masked_reason
from riskreg.store.models import ACTIVE, REPLAYED, VOIDED, Entry, History
from riskreg.domain.words import said
from riskreg.messages import N_, clause

FOUR_ONES = ("department", "leader", "task_force", "plan", "due", "contingency")
EDITED = ("risk", "unit", "title", "detail")
CLOSING = ("verified_by", "resolution", "closed_on")
FIXED = ("created_on", "watch_until")  # riskreg's own record: a sheet may show them, not change them
_PASSED_OVER = ("id", "version", "category")  # the row's identity, and the risk's category (derived)
_SEPARATORS = " \t\r\n　；;，,。.、"  # between the note shown and the progress typed after it


@dataclass(frozen=True)
class Change:
    """One field of one entry: the register's value, the sheet's, and the action that records it."""

    field: str
    old: Any
    new: Any
    action: str


@dataclass
class Updated:
    entry_id: int
    title: str
    row: int
    changes: list[Change]


@dataclass
class Taken:
    """What a returned sheet did: the entries it updated, the events that recorded it, the entries it added."""

    updated: list[Updated] = field(default_factory=list)
    events: int = 0
    added: int = 0


def take_back(session: Session, stamp: ledger.Stamp, sheet: Sheet, *, force: bool = False,
              masked: Callable[[str], str], accept_masked: bool = False) -> Taken:
    """Apply a returned sheet in the caller's transaction; raise RowsRefused naming every problem of every row.

    `masked` shows text as a masked export wrote it; `force` takes rows whose entry changed since the export;
    `accept_masked` takes a changed cell holding a masked number as it is."""
    known = Catalogue(session)
    taken, problems, new_rows, seen = Taken(), [], [], {}
    source = Path(sheet.source).name
    for number, raw in sheet.rows:
        if blank(raw.get("id")):
            if blank(raw.get("version")):
                new_rows.append((number, raw))
            else:  # an exported entry whose 编号 was lost: taken as new, it would be a second copy of it
                problems.append(Problem(number, sheet.headers.get("version", BY_FIELD["version"].zh),
                                        shown(raw["version"]), N_("the row has a 版本 but no 编号, so it is an entry "
                                                                  "sent out, not a new one; put its 编号 back (a "
                                                                  "new entry leaves both blank)")))
            continue
        row = _Row(session, known, number, raw, masked, sheet.headers)
        if row.entry is not None and row.entry.id in seen:
            row.problem("id", N_("编号 {id} is also on row {seen}", id=row.entry.id, seen=seen[row.entry.id]))
        elif row.entry is not None:
            seen[row.entry.id] = number
            row.compare(force, accept_masked)
        if not row.problems and row.edits:
            updated = Updated(row.entry.id, row.entry.title, number, row.changes)  # its title before the row edits it
            taken.events += row.apply(session, stamp, f"updated from {source} row {number}")
            if row.changes:
                taken.updated.append(updated)
        problems += row.problems
    if new_rows:
        try:
            parsed = parse_rows(lambda: contextlib.nullcontext(session), sheet, stamp, new_rows,
                                accept_masked=accept_masked)
        except RowsRefused as refused:
            problems += refused.problems
        else:
            if not problems:
                taken.added = import_parsed(session, parsed).entries
    if problems:
        raise RowsRefused(source, sorted(problems, key=lambda p: p.row))
    return taken


class _Row:
    """One numbered row: its cells typed, the entry it names, what it changes, and its problems."""

    def __init__(self, session: Session, known: Catalogue, number: int, raw: dict[str, Any],
                 masked: Callable[[str], str], headers: dict[str, str]) -> None:
        self.session, self.number, self.raw, self.masked, self.headers = session, number, raw, masked, headers
        self.problems: list[Problem] = []
        self.edits: dict[str, Any] = {}
        self.changes: list[Change] = []
        self.values: dict[str, Any] = {}  # the filled cells, as the register stores their fields
        for name, value in raw.items():
            unread = next(filter(None, map(lost, value if isinstance(value, list) else [value])), None)
            if unread is not None:  # its last digits, or its value, are not in the file
                self.problem(name, clause(unread))
                continue
            if name == "note":  # every note column's cell, in column order (see sheet_header.columns)
                notes = [_text(cell) for cell in (value if isinstance(value, list) else [value]) if not blank(cell)]
                self.values.update({"note": notes} if notes else {})
                continue
            typed = None if name in _PASSED_OVER or blank(value) else self._typed(name, value, known)
            if typed is not None:
                self.values[name] = typed
        self.entry = self._entry()

    def problem(self, name: str, reason: str, value: Any = None) -> None:
        value = self.raw.get(name) if value is None else value
        self.problems.append(Problem(self.number, self.headers.get(name) or BY_FIELD[name].zh, shown(value), reason))

    def _typed(self, name: str, value: Any, known: Catalogue) -> Any:
        """The cell as the register stores the field (codes, dates as text); None, with a problem, if it is not one."""
        try:
            if BY_FIELD[name].kind == "date":
                return sheet_date(value).isoformat()
            if name in known.words:
                return known.words[name].code(_text(value))
        except RiskregError as err:
            self.problem(name, clause(err))
            return None
        return _text(value)

    def _entry(self) -> Entry | None:
        number = _whole(self.raw["id"])
        if number is None:
            self.problem("id", N_("编号 is not an entry's number"))
            return None
        entry = self.session.get(Entry, number)
        if entry is None:
            self.problem("id", N_("there is no entry {number} in the register; a new entry's row leaves 编号 blank",
                                  number=number))
        return entry

    def compare(self, force: bool, accept_masked: bool) -> None:
        """What the sheet changed: its cells against the entry as exported (its 版本), else as it is now."""
        now = entry_version(self.session, self.entry.id)
        current = {name: _plain(getattr(self.entry, name)) for name in (*REPLAYED, "created_on")}
        current["note"] = latest_note(self.session, self.entry.id)
        if blank(self.raw.get("version")):
            if not force:
                self.problem("version", N_("编号 {id} has no 版本: a new item's row leaves 编号 blank; only a sheet "
                                           "exported without a 版本 column needs --force", id=self.entry.id))
                return
            if all(name in self.values and self.values[name] != current[name] for name in ("title", "risk")):
                # another item's title and risk under this 编号: a new item numbered by hand, not an update
                self.problem("id", N_("编号 {id} is {title!r} in the register, not this row's {row_title!r}",
                                      id=self.entry.id, title=current['title'], row_title=self.values['title']))
                return
            exported, base = now, current
        else:
            exported = _whole(self.raw["version"])
            base = current if exported == now else entry_as_of(self.session, self.entry.id, exported or 0)
            if base is None:
                self.problem("version", N_("版本 {version} is not a version of entry {id} (its latest is {now})",
                                           version=_text(self.raw['version']), id=self.entry.id, now=now))
                return
        edits = {name: value for name, value in self.values.items()
                 if name != "note" and not self._same(value, base.get(name))}
        # A cell that already says what the register says is no change, and no conflict: the same sheet taken
        # back twice changes nothing.
        self.edits = {name: value for name, value in edits.items() if not self._same(value, current.get(name))}
        if notes := self._new_notes(base.get("note"), exported or now):
            self.edits["note"] = notes
        cells = [(name, value) for name, value in self.edits.items() if name != "note"]
        cells += [("note", text) for text in notes]
        if exported != now and self.edits and not force:
            for name, value in cells:
                self.problem(name, N_("entry {id} changed in the register since this sheet was exported (版本 "
                                      "{exported}, now {now}): the sheet has {value!r}, the register "
                                      "{current!r}; export a fresh sheet, or take the sheet's with --force",
                                      id=self.entry.id, exported=exported, now=now, value=value,
                                      current=current.get(name)),
                             value)
            self.edits = {}
            return
        for name, value in cells:
            if not accept_masked and (reason := masked_reason(value)):  # never store the stars over a real number
                self.problem(name, reason, value)
        self.changes = [Change(name, current.get(name), value, _action(name, value, current))
                        for name, value in cells if name not in FIXED]

    def _new_notes(self, shown_note: str | None, exported: int) -> list[str]:
        """The row's notes the entry has not had since the export: what follows the note the sheet showed, for a
        cell that starts with it; a note already recorded from this sheet (taken back twice) is not noted again."""
        texts = [self._appended(text, shown_note) if shown_note else text for text in self.values.get("note", [])]
        had = set(self.session.exec(select(History.text).where(
            History.entry_id == self.entry.id, History.action == "note", History.id > exported)))
        had.add(shown_note)
        return [text for text in texts if not any(self._same(text, note) for note in had)]

    def _same(self, cell: Any, stored: Any) -> bool:
        return cell == stored or (isinstance(stored, str) and cell == self.masked(stored))

    def _appended(self, cell: str, shown_note: str) -> str:
        """The progress a clerk typed after the note the sheet showed (masked, or not): only what follows it,
        so the shown note is not recorded again and its masked number is no reason to refuse the row."""
        for before in (shown_note, self.masked(shown_note)):
            rest = cell[len(before):].lstrip(_SEPARATORS) if cell.startswith(before) else ""
            if rest:
                return rest
        return cell

    def _complete(self, status: str | None, closes: bool) -> bool:
        """Every cell the row's change needs and neither the row nor the entry holds, a problem each, worded as
        a plain import words them (the commands would stop at the first, in their own words)."""
        needed = [*(CLOSING if closes else ()), *(("measures",) if status == "mitigated" else ())]
        if any(name in self.edits for name in ESCALATION):
            needed += ESCALATION
        empty = [name for name in needed if self.edits.get(name) is None and getattr(self.entry, name) is None]
        for name in empty:
            self.problem(name, missing(name, status, lambda f: self.headers.get(f) or BY_FIELD[f].zh))
        return not empty

    def apply(self, session: Session, stamp: ledger.Stamp, why: str) -> int:
        """Record the row's changes in the order the commands would take them; returns the events recorded."""
        entry, edits = self.entry, self.edits
        status, closing = edits.get("status"), {name: edits[name] for name in CLOSING if name in edits}
        closes = bool(closing) or (status in ("closed", "consolidated") and entry.status in ACTIVE)
        if status == VOIDED:  # voiding needs the coordinator's reason, and perhaps the entry it duplicates
            self.problem("status", N_("a returned sheet cannot void an entry; `riskreg void ID --reason TEXT` does"))
            return 0
        if closing and status in ACTIVE:
            self.problem("status", N_("the row says {status} but fills in the closing columns; those belong to a "
                                      "closed entry", status=said("status", status)))
            return 0
        if status == "open" and entry.status == "mitigated" or status == "closed" and entry.status == "consolidated":
            self.problem("status", N_("no command takes a {status} entry back to {target}",
                                      status=said("status", entry.status), target=said("status", status)))
            return 0
        if not self._complete(status or ("closed" if closes else None), closes):
            return 0
        closed_on = date.fromisoformat(closing["closed_on"]) if "closed_on" in closing else stamp.today
        # Changes made before the check-off are dated by it, so the history runs forward in time.
        before = ledger.Stamp(stamp.actor, min(closed_on, stamp.today), stamp.now) if closes else stamp
        wanted = {name: edits[name] for name in FOUR_ONES if name in edits}
        steps: list[tuple[str, Callable[[], Any]]] = []
        if status in ACTIVE and entry.status not in ACTIVE:
            steps.append(("status", lambda: ledger.reopen(session, stamp, entry.id, reason=why)))
        if "level" in edits:
            steps.append(("level", lambda: corrections.regrade(session, before, entry.id, level=edits["level"],
                                                               reason=why)))
        if wanted:
            steps.append((next(iter(wanted)), lambda: ledger.assign(session, before, entry.id, text=why, **wanted)))
        if "measures" in edits or status == "mitigated":
            steps.append(("measures" if "measures" in edits else "status", lambda: ledger.mitigate(
                session, before, entry.id, measures=edits.get("measures", entry.measures), text=why)))
        if "escalated_to" in edits or "escalation_reason" in edits:
            steps.append(("escalated_to", lambda: ledger.escalate(
                session, before, entry.id, to=edits.get("escalated_to", entry.escalated_to),
                reason=edits.get("escalation_reason", entry.escalation_reason), text=why)))
        if closes:
            # A refused check-off is most often its date (in the future, before the entry's last change).
            where = "closed_on" if "closed_on" in closing else next(iter(closing), "status")
            steps.append((where, lambda: ledger.close(
                session, stamp, entry.id, verified_by=edits.get("verified_by", entry.verified_by),
                resolution=edits.get("resolution", entry.resolution), on=closing.get("closed_on"), text=why)))
        corrected = {name: edits[name] for name in EDITED if name in edits}
        if corrected:
            steps.append((next(iter(corrected)), lambda: corrections.edit(session, stamp, entry.id, reason=why,
                                                                          **corrected)))
        # A note's text is exactly the sheet's (the next export shows it); its source stands by the actor.
        noted = ledger.Stamp(f"{stamp.actor} ({why})"[:ledger.MAX_TITLE], stamp.today, stamp.now)  # an actor is short
        for text in edits.get("note", []):
            steps.append(("note", functools.partial(ledger.add_note, session, noted, entry.id, text)))
        if status == "consolidated":
            steps.append(("status", lambda: ledger.consolidate(session, stamp, entry.id, text=why)))
        recorded = 0
        for name, step in steps:
            try:
                step()
                recorded += 1
            except RiskregError as err:
                self.problem(name, err.message)
        for name in FIXED:  # left as exported, or as the changes above set it (观察期至 after a check-off)
            if name in edits and edits[name] != _plain(getattr(entry, name)):
                self.problem(name, N_("{zh} is riskreg's own record; a sheet cannot change it", zh=BY_FIELD[name].zh))
        return recorded


def _action(name: str, value: Any, current: dict[str, Any]) -> str:
    """The action a changed field becomes, as the dry run names it."""
    if name == "status":
        return {"open": "reopen", "mitigated": "mitigate", "closed": "close", "consolidated": "consolidate",
                VOIDED: "void"}[value]
    if name == "due" and current["due"] is not None and value > current["due"]:
        return "assign (extension)"
    for action, names in (("edit", EDITED), ("assign", FOUR_ONES), ("close", CLOSING),
                          ("escalate", ("escalated_to", "escalation_reason"))):
        if name in names:
            return action
    return {"level": "regrade", "measures": "mitigate", "note": "note"}[name]


def _text(value: Any) -> str:
    """A cell as text: 12 for a number a spreadsheet stored as 12.0, 2026-07-01 for a date."""
    return shown(value).strip()


def _whole(value: Any) -> int | None:
    text = nfkc(_text(value))  # a full-width １２ is 12
    # Past MAX_ID no id or history event exists, and the database could not even compare the number.
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= ledger.MAX_ID else None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
