"""Checking one sheet row as `add`, `assign`, `mitigate`, `escalate` and `close` check the same fields.

Every problem of a row is found, not its first: each cell is read on its own (its type, a catalogue
lookup, its length), then the rules across fields (a mitigated entry has measures, a closed one a
verifier, resolution and day, escalation's two fields go together, dates in order) wherever the cells
they need could be read. So a village gets back every fault of a row at once, each naming the column as
its sheet heads it.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlmodel import Session, select

from riskreg.domain.catalogue_sync import read_settings
from riskreg.domain import words
from riskreg.domain.ledger import watch_until
from riskreg.errors import InvalidInput, Problem
from riskreg.exchange.sheet_cells import cell, nfkc, shown
from riskreg.exchange.sheet_columns import BY_FIELD, REQUIRED
from riskreg.store.models import ACTIVE, REPLAYED, VOIDED, Department, Risk, RiskDepartment, Unit
from riskreg.messages import Message, N_

_CLOSING = ("verified_by", "resolution", "closed_on")
ESCALATION = ("escalated_to", "escalation_reason")


class Catalogue:
    """Everything a row may name, loaded once, with the names people write for each code."""

    def __init__(self, session: Session) -> None:
        self.risks = {r.code: r for r in session.exec(select(Risk))}
        self.departments = {d.code: d for d in session.exec(select(Department))}
        # the words the command line takes (riskreg.domain.words), so a cell and an option read alike
        self.words = {noun: words.kind(session, noun) for noun in ("risk", "department", "level", "status")}
        # as the catalogue spells each unit, by its NFKC form: a full-width 东村１组 is the catalogue's 东村1组
        self.units = {nfkc(name): name for name in session.exec(select(Unit.name).where(Unit.retired == False))}  # noqa: E712
        self.lead = {}
        for link in session.exec(select(RiskDepartment).order_by(RiskDepartment.position.desc())):
            self.lead[link.risk] = link.department
        self.consolidation_days = read_settings(session).consolidation_days
        session.expunge_all()  # the risks and departments stay readable after the transaction (a dry run's) ends


class _Row:
    """One row under check: its cells read so far, and its problems, each naming the column as the sheet heads it."""

    def __init__(self, number: int, raw: dict[str, Any], headers: dict[str, str]) -> None:
        self.number, self.raw, self.headers = number, raw, headers
        self.values: dict[str, Any] = {}  # field -> the cell read as its type (None: empty); unreadable cells absent
        self.faults: list[tuple[int, Problem]] = []  # with the column's place in the sheet, to list them left to right
        self.places = {name: place for place, name in enumerate(headers)}

    def column(self, name: str) -> str:
        """The field's header in this sheet; the standard one for a column the sheet lacks."""
        return self.headers.get(name) or BY_FIELD[name].zh

    def fault(self, name: str, reason: str, value: Any = None) -> None:
        """A problem of the field's cell (`value`: the one of its notes at fault)."""
        place = self.places.get(name, len(self.places))  # a column the sheet lacks comes after those it has
        value = self.raw.get(name) if value is None else value
        self.faults.append((place, Problem(self.number, self.column(name), shown(value), reason)))

    def given(self, name: str) -> bool:
        """The cell holds a readable value."""
        return self.values.get(name) is not None

    def empty(self, name: str) -> bool:
        """The cell is empty, or the sheet has no such column (an unreadable cell is neither: it has its problem)."""
        return name in self.values and self.values[name] is None or name not in self.raw


def check_row(number: int, raw: dict[str, Any], headers: dict[str, str], known: Catalogue,
              today: date) -> tuple[dict[str, Any] | None, list[Problem]]:
    """An entry's fields from one row and its progress `note` (None if it has none), or None and every problem
    the row has."""
    row = _Row(number, raw, headers)
    for name, value in raw.items():
        items = value if isinstance(value, list) else [value]  # notes: each cell and comment one (data_rows)
        read = []
        for item in items:
            try:
                read.append(cell(item, BY_FIELD[name]))
            except InvalidInput as err:
                row.fault(name, err.message, item)
        if len(read) == len(items):
            row.values[name] = [text for text in read if text is not None] if isinstance(value, list) else read[0]
    for name in REQUIRED:
        if row.empty(name):
            row.fault(name, N_("empty; every row needs {value}", value=', '.join(row.column(f) for f in REQUIRED)))
    risk = _risk(row, known)
    codes = _codes(row, risk, known)
    created = _created(row, today)
    _escalation(row)
    status = codes.get("status")
    if status in ACTIVE:
        _still_active(row, status)
    elif status not in (None, VOIDED):  # a voided entry is taken as it was when voided
        codes["watch_until"] = _closing(row, status, risk, created, known, today)
    if row.faults:
        return None, [problem for _, problem in sorted(row.faults, key=lambda fault: fault[0])]
    fields = {name: row.values.get(name) for name in REPLAYED}
    fields.update(codes, risk=risk.code, extensions=0, reopen_count=0, id=row.values.get("id"),
                  created_on=created, updated_on=created, note=row.values.get("note"))
    if fields["due"] is not None:  # a deadline given is also the first deadline
        fields["original_due"] = fields["due"]
    return fields, []


def _risk(row: _Row, known: Catalogue) -> Risk | None:
    if not row.given("risk"):
        return None
    code = known.words["risk"].find(row.values["risk"])
    if code is None:
        row.fault("risk", N_("not in the catalogue (`riskreg catalogue show` lists them)"))
        return None
    if known.risks[code].retired:
        row.fault("risk", N_("risk {code} is retired from the catalogue", code=code))
    return known.risks[code]


def _codes(row: _Row, risk: Risk | None, known: Catalogue) -> dict[str, Any]:
    """The unit as the catalogue spells it, and the level, status and department codes for the names written
    (when empty: 一般; 待化解, or 管控中 with measures; the risk's lead department). A field whose cell has a
    problem is left out."""
    codes: dict[str, Any] = {}
    if row.given("unit"):
        codes["unit"] = known.units.get(nfkc(row.values["unit"]), row.values["unit"]) if known.units else row.values["unit"]
        if known.units and nfkc(row.values["unit"]) not in known.units:
            row.fault("unit", N_("not in the catalogue's list of units"))
    # A row with interim measures (防控措施) and no status is 管控中, as `mitigate` would make it.
    for name, default in (("level", "general"), ("status", "mitigated" if row.given("measures") else "open")):
        if row.given(name):
            code = known.words[name].find(row.values[name])
            if code is None:
                row.fault(name, N_("not a {name}; use one of: {accepted}", name=words.said("field", name),
                                   accepted=known.words[name].accepted))
            else:
                codes[name] = code
        elif row.empty(name):
            codes[name] = default
    if row.given("department"):
        code = known.words["department"].find(row.values["department"])
        if code is None:
            row.fault("department", N_("not in the catalogue; use one of: {accepted}",
                                       accepted=known.words['department'].accepted))
        elif known.departments[code].retired:
            row.fault("department", N_("department {code} is retired from the catalogue", code=code))
        codes["department"] = code
    elif row.empty("department") and risk is not None:
        if risk.code not in known.lead:
            row.fault("department", N_("empty, and risk {code} names no lead department", code=risk.code))
        codes["department"] = known.lead.get(risk.code)
    return codes


def _created(row: _Row, today: date) -> date | None:
    """The day the entry was added (today when empty), never in the future; None when unreadable."""
    if not (row.given("created_on") or row.empty("created_on")):
        return None
    created = row.values.get("created_on") or today
    if created > today:
        row.fault("created_on", N_("after today ({today})", today=today))
    return created


def missing(name: str, status: str | None, column: Callable[[str], str]) -> Message:
    """Why a cell the row's other cells need is refused empty, as every import says it; `column` heads a field
    as the sheet does, `status` is the row's (for the closing cells and the measures)."""
    if name in _CLOSING:
        return N_("empty; a {status} entry needs {columns}", status=words.said("status", status),
                  columns=", ".join(column(f) for f in _CLOSING))
    if name == "measures":
        return N_("empty; a mitigated entry needs its measures")
    other = ESCALATION[1 - ESCALATION.index(name)]
    return N_("empty, but {column} is filled; the two go together", column=column(other))


def _escalation(row: _Row) -> None:
    for name, other in (ESCALATION, ESCALATION[::-1]):
        if row.empty(name) and row.given(other):
            row.fault(name, missing(name, None, row.column))


def _still_active(row: _Row, status: str) -> None:
    """An open or mitigated entry has no closing fields, and a mitigated one has its measures."""
    for name in (*_CLOSING, "watch_until"):
        if row.given(name):
            row.fault(name, N_("only a closed entry has one, and this row's status is {status}", status=words.said("status", status)))
    if status == "mitigated" and row.empty("measures"):
        row.fault("measures", missing("measures", status, row.column))


def _closing(row: _Row, status: str, risk: Risk | None, created: date | None, known: Catalogue,
             today: date) -> date | None:
    """A closed or consolidated entry's verifier, resolution and closing day; its watch date, computed when empty."""
    for name in _CLOSING:
        if row.empty(name):
            row.fault(name, missing(name, status, row.column))
    if not row.given("closed_on"):
        return None
    closed = row.values["closed_on"]
    if created is not None and closed < created:
        added = row.column("created_on")
        row.fault("closed_on", N_("before {added} ({created})", added=added, created=created) if row.given("created_on")
                  else N_("before {added} ({created}, today: the row gives none)", added=added, created=created))
    if closed > today:
        row.fault("closed_on", N_("after today ({today})", today=today))
    watch = row.values.get("watch_until")
    if watch is None and row.empty("watch_until") and risk is not None:
        watch = watch_until(closed, risk, known.consolidation_days)
    elif watch is not None and watch < closed:
        row.fault("watch_until", N_("before {column} ({closed})", column=row.column("closed_on"), closed=closed))
    return watch
