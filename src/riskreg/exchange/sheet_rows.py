"""Checking a sheet's rows and importing them as entries.

Every row is checked before anything is written, as `add`, `assign`, `mitigate`, `escalate` and `close` check
the same fields, and every bad row is reported by its row number. Valid rows become entries through the same
bulk path as a JSON Lines import (riskreg.exchange.jsonl.import_entries), each with one `add` history event
carrying every field, so the hash chain and `riskreg check` hold. A spreadsheet carries an entry's current
fields, not its history: for a lossless copy use `export --format jsonl`.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, func, select

from riskreg.dates import EARLIEST, LATEST
from riskreg.domain.catalogue_sync import read_settings
from riskreg.domain.ledger import MAX_ID, MAX_TEXT, MAX_TITLE, Stamp, clean_text, level_forms, watch_until
from riskreg.errors import InvalidInput
from riskreg.exchange.duplicates import same_content, taken_ids
from riskreg.exchange.jsonl import ImportResult, OpenSession, bad_input, import_entries
from riskreg.exchange.sheet_columns import BY_FIELD, REQUIRED, STATUS_NAMES, Column, normalise
from riskreg.exchange.sheet_read import Sheet, blank
from riskreg.masking import refuse_masked
from riskreg.store.models import ACTIVE, REPLAYED, Department, Entry, Level, Risk, RiskDepartment, Unit

_CLOSING = ("verified_by", "resolution", "closed_on")


class _Catalogue:
    """Everything a row may name, loaded once, with the names people write for each code."""

    def __init__(self, session: Session) -> None:
        self.risks = {r.code: r for r in session.exec(select(Risk))}
        self.risk_names = _names(self.risks.values(), ("code", "zh", "en"))
        self.departments = {d.code: d for d in session.exec(select(Department))}
        self.department_names = _names(self.departments.values(), ("code", "zh", "en"))
        self.levels: dict[str, str] = {}
        for level in session.exec(select(Level).order_by(Level.rank)):
            self.levels.update({normalise(form): level.code for form in level_forms(level)})
        self.level_hint = "/".join(f"{lv.zh.removesuffix('风险')}|{lv.code}" for lv in session.exec(select(Level).order_by(Level.rank)))
        self.statuses = {normalise(name): code for code, forms in STATUS_NAMES.items() for name in forms}
        self.units = set(session.exec(select(Unit.name).where(Unit.retired == False)))  # noqa: E712
        self.lead = {}
        for link in session.exec(select(RiskDepartment).order_by(RiskDepartment.position.desc())):
            self.lead[link.risk] = link.department
        self.consolidation_days = read_settings(session).consolidation_days
        session.expunge_all()  # the risks and departments stay readable after the transaction (a dry run's) ends


def _names(rows: Iterable[Any], attributes: tuple[str, ...]) -> dict[str, str]:
    names: dict[str, str] = {}
    for attribute in reversed(attributes):  # codes win over names if they ever collide
        names.update({normalise(getattr(row, attribute)): row.code for row in rows})
    return names


_DATE_PATTERNS = (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"),
                  re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?"))


def sheet_date(value: Any) -> date:
    """A date as spreadsheets hold it: a real date, an Excel serial number, 2026-07-01, 2026/7/1 or 2026年7月1日."""
    day = None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        day = _serial(value)
    elif isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{4,5}(\.0+)?", text):
            day = _serial(float(text))
        for pattern in _DATE_PATTERNS:
            if day is None and (m := pattern.fullmatch(text)):
                try:
                    day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    raise InvalidInput(f"{text!r} is not a real day") from None
    if day is None:
        raise InvalidInput(f"{value!r} is not a date (write 2026-07-01, 2026/7/1 or 2026年7月1日)")
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(f"{day.isoformat()} is out of range ({EARLIEST} to {LATEST})")
    return day


def _serial(number: float) -> date | None:
    if number != int(number) or not 1 <= number <= 400_000:
        return None
    from openpyxl.utils.datetime import from_excel

    return from_excel(int(number)).date()


def _text(value: Any, column: Column) -> str | None:
    if blank(value):
        return None
    if isinstance(value, bool) or isinstance(value, (date, datetime)):
        raise InvalidInput(f"{column.zh} ({column.field}) should be text, not {value!r}")
    if isinstance(value, float) and value == int(value):
        value = int(value)
    short = column.kind == "text"
    try:
        return clean_text(str(value), column.field.replace("_", " "), limit=MAX_TITLE if short else MAX_TEXT,
                          multiline=not short)
    except InvalidInput as err:
        raise InvalidInput(str(err).rstrip(".")) from None


def _whole(value: Any, column: Column) -> int | None:
    if blank(value):
        return None
    number = value.strip() if isinstance(value, str) else value
    if isinstance(number, str) and re.fullmatch(r"\d+(\.0+)?", number):
        number = float(number)
    if isinstance(number, float) and number == int(number):
        number = int(number)
    if not isinstance(number, int) or isinstance(number, bool) or not 0 < number <= MAX_ID:
        raise InvalidInput(f"{column.zh} ({column.field}) must be a positive whole number, not {value!r}")
    return number


def _lookup(value: str | None, names: dict[str, str], what: str, hint: str) -> str:
    code = names.get(normalise(value)) if value else None
    if code is None:
        raise InvalidInput(f"{what} {value!r} is not in the catalogue ({hint})")
    return code


def _row(raw: dict[str, Any], known: _Catalogue, today: date) -> dict[str, Any]:
    """An entry's fields from one row, checked as `add`, `assign`, `mitigate`, `escalate` and `close` check them.

    The steps run in this order, so a row with several faults is refused for the same one every time."""
    values = _typed(raw)
    risk = _identity(values, known)
    row = {name: values.get(name) for name in REPLAYED}
    row.update(risk=risk.code, extensions=0, reopen_count=0, id=values.get("id"), **_catalogue_codes(values, known))
    _four_ones(row, values, risk, known)
    _registered(row, values, today)
    _escalation(row)
    if row["status"] in ACTIVE:
        _still_active(row)
    else:
        _closing(row, risk, known, today)
    return row


def _typed(raw: dict[str, Any]) -> dict[str, Any]:
    """Each cell as its column's type; an error names the column."""
    values: dict[str, Any] = {}
    for name, value in raw.items():
        column = BY_FIELD[name]
        try:
            values[name] = _cell(value, column)
        except InvalidInput as err:
            message = str(err)
            raise InvalidInput(message if message.startswith(column.zh) else f"{column.zh} ({name}): {message}") from None
    return values


def _cell(value: Any, column: Column) -> Any:
    if column.kind == "int":
        return _whole(value, column)
    if column.kind == "date":
        return None if blank(value) else sheet_date(value)
    return _text(value, column)


def _labels(fields: Iterable[str]) -> list[str]:
    """Fields as a message names them: 标题 (title)."""
    return [f"{BY_FIELD[f].zh} ({f})" for f in fields]


def _identity(values: dict[str, Any], known: _Catalogue) -> Risk:
    """The row's risk, unit and title are there, and the risk and unit are the catalogue's; returns the risk."""
    missing = _labels(f for f in REQUIRED if not values.get(f))
    if missing:
        raise InvalidInput(f"{', '.join(missing)} missing")
    risk = known.risks[_lookup(values["risk"], known.risk_names, "risk", "`riskreg catalogue show` lists them")]
    if risk.retired:
        raise InvalidInput(f"risk {risk.code} is retired from the catalogue")
    if known.units and values["unit"] not in known.units:
        raise InvalidInput(f"unit {values['unit']!r} is not in the catalogue's list of units")
    return risk


def _catalogue_codes(values: dict[str, Any], known: _Catalogue) -> dict[str, str]:
    """The level and status codes for the names written (一般 and 待化解 when blank)."""
    level = _lookup(values.get("level"), known.levels, "level", known.level_hint) if values.get("level") else "general"
    status = _lookup(values.get("status"), known.statuses, "status",
                     "/".join(f"{zh}|{en}" for zh, en in STATUS_NAMES.values())) if values.get("status") else "open"
    return {"level": level, "status": status}


def _four_ones(row: dict[str, Any], values: dict[str, Any], risk: Risk, known: _Catalogue) -> None:
    """The responsible department, named or else the risk's lead one; a deadline given is also the first deadline."""
    if values.get("department"):
        department = known.departments[_lookup(values["department"], known.department_names, "department",
                                               "`riskreg catalogue show` lists them")]
        if department.retired:
            raise InvalidInput(f"department {department.code} is retired from the catalogue")
        row["department"] = department.code
    elif risk.code in known.lead:
        row["department"] = known.lead[risk.code]
    else:
        raise InvalidInput(f"risk {risk.code} names no department; fill in 责任部门")
    if row["due"] is not None:
        row["original_due"] = row["due"]


def _registered(row: dict[str, Any], values: dict[str, Any], today: date) -> None:
    """The day the entry was added (today when blank), never in the future."""
    created = values.get("created_on") or today
    if created > today:
        raise InvalidInput(f"登记日期 (created_on) {created} is after today ({today})")
    row["created_on"] = row["updated_on"] = created


def _escalation(row: dict[str, Any]) -> None:
    if bool(row["escalated_to"]) != bool(row["escalation_reason"]):
        raise InvalidInput("提级至 (escalated_to) and 提级原因 (escalation_reason) go together")


def _still_active(row: dict[str, Any]) -> None:
    """An open or mitigated entry has no closing fields, and a mitigated one has its measures."""
    given = _labels(f for f in (*_CLOSING, "watch_until") if row[f] is not None)
    if given:
        raise InvalidInput(f"the entry is {row['status']} but has {', '.join(given)}; those belong to closed entries")
    if row["status"] == "mitigated" and not row["measures"]:
        raise InvalidInput("a mitigated entry needs 管控措施 (measures)")


def _closing(row: dict[str, Any], risk: Risk, known: _Catalogue, today: date) -> None:
    """A closed or consolidated entry's verifier, resolution and closing day; its watch date, computed when blank."""
    lacking = _labels(f for f in _CLOSING if row[f] is None)
    if lacking:
        raise InvalidInput(f"a {row['status']} entry needs {', '.join(lacking)}")
    created = row["created_on"]
    if not created <= row["closed_on"] <= today:
        raise InvalidInput(f"销号日期 (closed_on) {row['closed_on']} is not between 登记日期 {created} and today")
    row["watch_until"] = row["watch_until"] or watch_until(row["closed_on"], risk, known.consolidation_days)
    if row["watch_until"] < row["closed_on"]:
        raise InvalidInput(f"观察期至 (watch_until) {row['watch_until']} is before 销号日期 {row['closed_on']}")


@dataclass
class Parsed:
    """Validated rows, ready to import: each entry with its one history event."""

    source: str
    entries: list[tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # the spreadsheet row of each entry


def parse_rows(use: OpenSession, sheet: Sheet, stamp: Stamp, rows: Iterable[tuple[int, dict[str, Any]]] | None = None,
               *, new_ids: bool = False, accept_masked: bool = False) -> Parsed:
    """Check every row; raise one error naming every bad row, or return them all ready to import.

    `rows` defaults to the sheet's rows (pass them wrapped, e.g. in a progress bar). A row is one
    entry by its 编号; a row without one (or with --new-ids) by its risk, unit and title, so a
    pasted duplicate or a ledger imported twice is refused while a recurring hazard under its own
    编号 is not.

    The register is asked twice, through `use`: for the catalogue before the rows are read and for
    the entries already there after. An import hands in its one writing transaction both times; a
    dry run a fresh read transaction each time, so no lock is held while the rows are read."""
    with use() as session:
        known = _Catalogue(session)
    parsed, bad, seen = Parsed(sheet.source), [], _Seen(new_ids)
    for number, raw in (rows if rows is not None else sheet.rows):
        try:
            if not accept_masked:  # a masked copy must never overwrite the real numbers
                refuse_masked((f"{BY_FIELD[name].zh} ({name})", value) for name, value in raw.items())
            row = _row(raw, known, stamp.today)
        except InvalidInput as err:
            bad.append(f"row {number}: {str(err).rstrip('.')}")
            continue
        repeat = seen.repeat(row, number)
        if repeat:
            bad.append(repeat)
            continue
        parsed.entries.append((row, [_added(row, number, stamp, sheet.source)]))
        parsed.rows.append(number)
    with use() as session:
        bad += _already_in_register(session, parsed, new_ids)
    if bad:
        raise bad_input(bad, "row")
    return parsed


class _Seen:
    """The rows read so far: by 编号, or by risk, unit and title for a row without one (or with --new-ids)."""

    def __init__(self, new_ids: bool) -> None:
        self.new_ids = new_ids
        self.ids: dict[int, int] = {}
        self.content: dict[tuple[str, str, str], int] = {}

    def repeat(self, row: dict[str, Any], number: int) -> str | None:
        """Why the row repeats an earlier one; else None, and the row is remembered."""
        if row["id"] is not None and not self.new_ids:
            if row["id"] in self.ids:
                return f"row {number}: 编号 {row['id']} is also on row {self.ids[row['id']]}"
            self.ids[row["id"]] = number
            return None
        key = (row["risk"], row["unit"], row["title"])
        if key in self.content:
            return f"row {number}: repeats row {self.content[key]} (same risk, unit and title)"
        self.content[key] = number
        return None


def _added(row: dict[str, Any], number: int, stamp: Stamp, source: str) -> dict[str, Any]:
    """The entry's one history event: added, with every field it carries."""
    changes = {name: {"old": None, "new": value.isoformat() if isinstance(value, date) else value}
               for name, value in row.items() if name in REPLAYED and value is not None
               and name not in ("extensions", "reopen_count")}
    return {"at": stamp.wall_clock(), "on": row["created_on"], "actor": stamp.actor, "action": "add",
            "changes": changes, "text": f"imported from {Path(source).name}, row {number}"}


def _already_in_register(session: Session, parsed: Parsed, new_ids: bool) -> list[str]:
    """Rows an entry already has: by 编号, or by risk, unit and title for a row without one (or with --new-ids)."""
    rows = list(zip(parsed.rows, (row for row, _ in parsed.entries)))
    unnumbered = [(number, row) for number, row in rows if row["id"] is None or new_ids]
    taken = set(taken_ids(session, [row["id"] for _, row in rows if row["id"] is not None and not new_ids]))
    found = [(number, f"row {number}: 编号 {row['id']} is already in the register") for number, row in rows
             if row["id"] in taken and not new_ids]
    found += [(number, f"row {number}: already in the register as entry {entry_id}")
              for number, entry_id in same_content(session, unnumbered)]
    return [message for _, message in sorted(found)]


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
