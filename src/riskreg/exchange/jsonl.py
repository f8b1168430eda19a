"""Export and import of whole entries with their history (JSON Lines).

Export streams entries in id order, fetching their history a batch of entries
at a time. Import validates line by line, reports every bad line by number and
inserts with executemany a batch at a time as lines pass, all in one
transaction, so a bad line anywhere leaves nothing written and a large file is
never held in memory; the history chain is extended in import order, so the
imported register passes `riskreg check`.
"""

import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import islice
from typing import Any, TextIO

from sqlalchemy import func
from sqlmodel import Session, select

from riskreg.store.backends import after_explicit_ids, insert_stored, stored_json
from riskreg.store.chain import GENESIS, event_hash
from riskreg.errors import InvalidInput, Problem, RowsRefused
from riskreg.exchange.duplicates import first_in_file, lines_in_register, taken_ids
from riskreg.fields import FIELDS, REQUIRED, Field
from riskreg.masking import masked_reason
from riskreg.domain.integrity import replay_mismatches, validate_history_event
from riskreg.domain.ledger import MAX_ID, MAX_TEXT, MAX_TITLE, clean_text
from riskreg.store.models import REPLAYED, STATUSES, Department, Entry, History, Level, Risk
from riskreg.domain.queries import EntryFilter, Flags, list_entries
from riskreg.messages import N_, clause

BATCH = 500
IMPORT_BATCH = 1_000  # entries per executemany: memory stays flat however long the file (5,000 peaked at 217 MB)
MAX_LINE_CHARS = 10_000_000  # one entry with its history; the longest real one is far shorter
_REQUIRED = (*REQUIRED, "history")
_OWN_DATES = tuple(name for name, f in FIELDS.items() if f.kind == "date" and f.stored and not f.replayed)
_EVENT_KEYS = {"at", "on", "actor", "action", "changes", "text"}
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def export_entries(session: Session, flags: Flags, wanted: EntryFilter = EntryFilter(),
                   limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Each entry as `list --format json` shows it, plus its `history`; voided entries too, unless a status is
    asked for: the transfer is lossless, and an entry's number is never reused."""
    rows = list_entries(session, flags, replace(wanted, with_voided=True), limit=limit)
    while batch := list(islice(rows, BATCH)):
        ids = [row["id"] for row in batch]
        history: dict[int, list[dict[str, Any]]] = {entry_id: [] for entry_id in ids}
        for event in session.exec(select(History).where(History.entry_id.in_(ids)).order_by(History.id)):
            history[event.entry_id].append({"at": event.at, "on": event.on.isoformat(), "actor": event.actor,
                                            "action": event.action, "changes": event.changes, "text": event.text})
        for row in batch:
            yield {**row, "history": history[row["id"]]}


@dataclass
class ImportResult:
    entries: int = 0
    events: int = 0
    renumbered: dict[int, int] = field(default_factory=dict)


# Opens a transaction on the register: the caller's own one again, or a new read transaction (dry runs).
OpenSession = Callable[[], AbstractContextManager[Session]]


class Codes:
    """The codes an imported line may use, loaded once instead of once per line, and where new numbers begin."""

    def __init__(self, session: Session) -> None:
        self.risks = set(session.exec(select(Risk.code)))
        self.departments = set(session.exec(select(Department.code)))
        self.levels = set(session.exec(select(Level.code)))
        self.next_id = _next_id(session)  # the first number after the entries there before the import


def _day(value: Any, what: str, *, required: bool = False) -> str | None:
    """The date as given, once checked: imported dates stay ISO text, which is how they are stored."""
    if value is None and not required:
        return None
    if isinstance(value, str) and _is_iso_day(value):
        return value
    raise InvalidInput(N_("{what} {value!r} is not a YYYY-MM-DD date", what=what, value=value))


@functools.lru_cache(maxsize=8192)  # a county's history repeats a few thousand days
def _is_iso_day(text: str) -> bool:
    try:
        return _ISO_DAY.fullmatch(text) is not None and bool(date.fromisoformat(text))
    except ValueError:
        return False


class _AtKey(InvalidInput):
    """A fault in one key's value, so the problem report names the key."""

    def __init__(self, key: str, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.key, self.value = key, value


def _at_key(key: str, value: Any, check: Callable[[], Any]) -> Any:
    try:
        return check()
    except InvalidInput as err:
        raise _AtKey(key, value, err.message) from None


def _entry(data: Any, known: Codes) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One line's entry checked step by step, each step reporting the first fault it finds."""
    entry_id = _entry_id(data)
    _require_keys(data, entry_id)
    row = {"id": entry_id, **_replayed_fields(data), **_own_dates(data)}
    _check_codes(row, known)
    events = _at_key("history", None, lambda: _history(data.get("history")))
    problems = replay_mismatches(row, events)
    if problems:
        raise InvalidInput(clause(problems[0]))
    return row, events


def _entry_id(data: Any) -> int:
    if not isinstance(data, dict):
        raise InvalidInput(N_("not a JSON object"))
    entry_id = data.get("id")
    if not _is_whole(entry_id) or not 0 < entry_id <= MAX_ID:
        raise _AtKey("id", entry_id, N_("id must be a positive whole number"))
    return entry_id


def _require_keys(data: dict[str, Any], entry_id: int) -> None:
    missing = [name for name in _REQUIRED if data.get(name) is None]
    if missing:
        raise InvalidInput(N_("entry {entry_id} lacks {missing}", entry_id=entry_id, missing=', '.join(missing)))


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # JSON's true is no number


def _replayed_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Each replayed field checked as its kind asks, in the entry table's order (the first bad one is reported)."""
    return {name: _at_key(name, data.get(name), lambda: _CHECK_BY_KIND[FIELDS[name].kind](data.get(name), FIELDS[name]))
            for name in REPLAYED}


def _count(value: Any, field: Field) -> int:
    if not _is_whole(value) or value < 0:
        raise InvalidInput(N_("{name} must be a whole number", name=field.name))
    return value


def _optional_day(value: Any, field: Field) -> str | None:
    return _day(value, field.name)


def _text(value: Any, field: Field) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(N_("{name} must be text", name=field.name))
    return clean_text(value, field.name, limit=MAX_TITLE if field.one_line else MAX_TEXT, multiline=not field.one_line)


_CHECK_BY_KIND: dict[str, Callable[[Any, Field], Any]] = {
    "count": _count, "date": _optional_day, "code": _text, "short": _text, "long": _text}


def _own_dates(data: dict[str, Any]) -> dict[str, str | None]:
    """The entry's dates that no event sets (its first and last events' days), each required."""
    return {name: _at_key(name, data.get(name), lambda: _day(data.get(name), name, required=True)) for name in _OWN_DATES}


def _check_codes(row: dict[str, Any], known: Codes) -> None:
    """Codes the catalogue knows, a status riskreg has, and a unit and title that are more than blanks."""
    for name, codes in (("risk", known.risks), ("department", known.departments), ("level", known.levels)):
        if row[name] not in codes:
            raise _AtKey(name, row[name], N_("{name} {row!r} is not in this register's catalogue", name=name,
                                             row=row[name]))
    if row["status"] not in STATUSES or not row["unit"] or not row["title"]:
        raise InvalidInput(N_("status, unit and title are required (status one of {statuses})",
                              statuses=", ".join(STATUSES)))


def _history(history: Any) -> list[dict[str, Any]]:
    if not isinstance(history, list) or not history:
        raise InvalidInput(N_("history must be a non-empty list of events"))
    return [_event(number, event) for number, event in enumerate(history, 1)]


def _event(number: int, event: Any) -> dict[str, Any]:
    """One history event, its day checked (the other fields are kept as given)."""
    if not isinstance(event, dict) or event.keys() != _EVENT_KEYS:
        raise InvalidInput(N_("history event {number} must have exactly the keys {event_keys}", number=number,
                              event_keys=', '.join(sorted(_EVENT_KEYS))))
    if not all(isinstance(event[k], str) and event[k] for k in ("at", "actor", "action")):
        raise InvalidInput(N_("history event {number} needs at, actor and action as text", number=number))
    if event["text"] is not None and not isinstance(event["text"], str):
        raise InvalidInput(N_("history event {number}: text must be text or null", number=number))
    _validate_event(number, event)
    return {**event, "on": _day(event["on"], N_("history event {number} date", number=number), required=True)}


def _validate_event(number: int, event: dict[str, Any]) -> None:
    """Known action, known fields, clean text: what `check` asks of every event in a register."""
    try:
        validate_history_event(event)
    except InvalidInput as err:
        raise InvalidInput(N_("history event {number}: {reason}", number=number, reason=clause(err))) from None


def lines_of(handle: TextIO) -> Iterator[str]:
    """The file's lines, refusing one longer than MAX_LINE_CHARS before it is read whole (a file of no newlines,
    /dev/zero under a .jsonl name, would otherwise fill memory)."""
    number = 0
    while line := handle.readline(MAX_LINE_CHARS + 1):
        number += 1
        if len(line) > MAX_LINE_CHARS:
            raise InvalidInput(N_("Line {number} of {name} is longer than {max_line_chars:,} characters; riskreg "
                                  "writes no line that long, so this is not its export.", number=number,
                                  name=handle.name, max_line_chars=MAX_LINE_CHARS))
        yield line


# Only these JSON escapes put into text what no register can store: NUL (PostgreSQL refuses it) and half of a
# UTF-16 pair (not a character at all). A raw NUL is not valid JSON, and a raw surrogate is not valid UTF-8.
_UNSTORABLE_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


def _decoded(line: str) -> Any:
    data = json.loads(line)
    if _UNSTORABLE_ESCAPE.search(line):
        for text in _texts(data):
            if "\x00" in text:
                raise InvalidInput(N_("a text holds a NUL character (\\u0000), which the register cannot store"))
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                raise InvalidInput(N_("a text holds half of a UTF-16 pair (a lone \\ud800-\\udfff escape), which "
                                      "is not a character")) from None
    return data


def _texts(value: Any) -> Iterator[str]:
    """Every string in decoded JSON, keys included (iteratively: the JSON may nest as deep as json allows)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item


def read_jsonl(use: OpenSession, lines: Iterable[str], source: str, *, new_ids: bool = False,
               accept_masked: bool = False) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Parse and validate line by line, yielding good entries; at the end raise RowsRefused with every bad line.

    A generator, so a large file is never held in memory: import_entries writes what
    it yields a batch at a time, and the error raised at the end rolls the whole
    import back with the caller's transaction. Each batch is checked against the
    register (through `use`) before it is yielded: a line is refused whose id an entry
    has (a second import of the file), or with new_ids whose risk, unit and title an
    entry has, since renumbering must not import the same entries twice; and, unless
    accept_masked, a line holding a number riskreg masked, which would overwrite the
    real one for good.
    """
    with use() as session:
        known = Codes(session)
    bad: list[tuple[int, str]] = []
    ids: set[int] = set()
    seen: dict[tuple[str, ...], int] = {}
    pending: list[tuple[int, dict[str, Any], list[dict[str, Any]]]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = _decoded(line)
            row, events = _entry(data, known)
            if not accept_masked and ("*" in line or "\\u002" in line):  # a * may be escaped as \u002a
                _refuse_masked(data)
            first_in_file(row, events, number, ids, seen if new_ids else None)
        except json.JSONDecodeError as err:
            bad.append(Problem(number, "", "", N_("not JSON ({msg} at column {colno})",
                                                  msg=err.msg.removesuffix(' at'), colno=err.colno)))
        except RecursionError:
            bad.append(Problem(number, "", "", N_("nested too deeply to be an entry")))
        except _AtKey as err:
            bad.append(Problem(number, err.key, _quoted(err.value), clause(err)))
        except (InvalidInput, TypeError, AttributeError) as err:
            bad.append(Problem(number, "", "", clause(err)))
        else:
            pending.append((number, row, events))
        if len(pending) == IMPORT_BATCH:
            yield from _unless_in_register(use, pending, bad, new_ids=new_ids, before=known.next_id)
            pending = []
    yield from _unless_in_register(use, pending, bad, new_ids=new_ids, before=known.next_id)
    if bad:
        raise RowsRefused(source, sorted(bad, key=lambda problem: problem.row), "line")


def _refuse_masked(data: dict[str, Any]) -> None:
    """Refuse the first text holding a number riskreg masked, naming its field or history event."""
    for name, text in _labelled_texts(data):
        if reason := masked_reason(text):
            raise _AtKey(name, text, reason)


def _labelled_texts(data: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every text of a checked entry, named as a message names it: the field, or the history event."""
    for name, value in data.items():
        if name != "history" and isinstance(value, str):
            yield name, value
    for number, event in enumerate(data["history"], 1):
        yield from ((f"history event {number}", text) for text in _texts(event))


def _unless_in_register(use: OpenSession, pending: list[tuple[int, dict[str, Any], list[dict[str, Any]]]],
                        bad: list[Problem], *, new_ids: bool, before: int,
                        ) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The pending lines, once none is in the register (bad lines are added to `bad`, and then nothing is)."""
    if not pending:
        return
    with use() as session:
        bad += lines_in_register(session, [(number, row) for number, row, _ in pending], new_ids=new_ids, before=before)
    if not bad:  # once a line is bad nothing will be written; keep reading only to report every bad line
        yield from ((row, events) for _, row, events in pending)


def _stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _quoted(value: Any) -> str:
    """A key's value as a problem report quotes it: text as it is, anything else as JSON, "" when absent."""
    return "" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def import_entries(session: Session, parsed: Iterable[tuple[dict[str, Any], list[dict[str, Any]]]],
                   *, new_ids: bool = False, write: bool = True) -> ImportResult:
    """Insert entries and their history (extending the hash chain) with executemany, a batch at a time.

    Everything happens in the caller's transaction: an error raised while `parsed`
    is read (read_jsonl reports bad lines at the end) or a clash found in any batch
    leaves nothing written. Clashing ids are reported after the whole input was
    read, so bad lines are named first. write=False makes every check and the
    numbering and inserts nothing (a dry run).
    """
    result = ImportResult()
    next_id = _next_id(session)
    previous = session.exec(select(History.hash).order_by(History.id.desc()).limit(1)).first() or GENESIS
    clashes: list[int] = []
    entries = iter(parsed)
    while batch := list(islice(entries, IMPORT_BATCH)):
        if not new_ids:
            clashes += taken_ids(session, [row["id"] for row, _ in batch])
        if clashes:
            continue
        entry_rows, event_rows = [], []
        for row, events in batch:
            if new_ids:
                result.renumbered[row["id"]] = next_id
                row = {**row, "id": next_id}
                next_id += 1
            entry_rows.append({name: _stored(value) for name, value in row.items()})
            for event in events:
                stored = {"entry_id": row["id"], **event}
                previous = event_hash(previous, **stored)
                event_rows.append({**stored, "on": _stored(stored["on"]), "changes": stored_json(stored["changes"]),
                                   "hash": previous})
        if write:
            connection = session.connection()
            insert_stored(connection, Entry.__table__, entry_rows)
            insert_stored(connection, History.__table__, event_rows)
        result.entries += len(entry_rows)
        result.events += len(event_rows)
    if clashes:
        raise _clash_error(clashes)
    if write:
        after_explicit_ids(session.connection(), "entry")
    return result


def check_jsonl(use: OpenSession, lines: Iterable[str], source: str, *, new_ids: bool = False,
                accept_masked: bool = False) -> ImportResult:
    """What importing the lines would do, without writing or holding the register while they are read.

    For a dry run: the register is asked in short read transactions (read_jsonl's), and the lines are
    checked in between with no transaction open (under SQLite's rollback journal an open read transaction
    stops every writer's commit). Only the ids are kept, so memory stays small.
    """
    result, ids = ImportResult(), []
    for row, events in read_jsonl(use, lines, source, new_ids=new_ids, accept_masked=accept_masked):
        ids.append(row["id"])
        result.entries += 1
        result.events += len(events)
    if new_ids:
        with use() as session:
            first = _next_id(session)
        result.renumbered = {old: first + position for position, old in enumerate(ids)}
    return result


def _next_id(session: Session) -> int:
    return (session.exec(select(func.max(Entry.id))).one() or 0) + 1


def _clash_error(clashes: list[int]) -> InvalidInput:
    listed = ", ".join(str(i) for i in sorted(clashes)[:10]) + ("…" if len(clashes) > 10 else "")
    return InvalidInput(N_("{n_clashes} entries already exist (ids {listed}); use --new-ids to import them "
                           "under new numbers.", n_clashes=len(clashes), listed=listed))
