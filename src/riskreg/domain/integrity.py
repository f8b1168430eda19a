"""`riskreg check`: the database's own checks, the domain invariants and the history chain.

Everything streams in id order, so a check of a large register holds one
entry's history in memory at a time.
"""

import json
import re
from datetime import date, datetime
from itertools import groupby
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from riskreg.store.backends import integrity_findings
from riskreg.store.chain import Head, Walk, recorded_head, walk
from riskreg.store.search import search_findings
from riskreg.errors import InvalidInput, RiskregError
from riskreg.fields import FIELDS
from riskreg.domain.ledger import ACTIONS, MAX_TITLE, clean_text
from riskreg.store.models import ACTIVE, REPLAYED, Entry, History
from riskreg.messages import N_, Both, Message, clause

_DEFAULTS = {name: 0 for name, field in FIELDS.items() if field.kind == "count"}  # a count starts at 0
_HASH = re.compile(r"[0-9a-f]{64}")


def run_checks(session: Session, *, against: Head | None = None) -> list[Message]:
    """Every problem found, one sentence each; `against`: the chain head an earlier report saw."""
    findings = list(integrity_findings(session.connection()))
    findings += search_findings(session.connection())
    findings += _closed_invariants(session)
    findings += _replay(session)
    findings += _chain(session, against)
    return findings


def _chain(session: Session, against: Head | None) -> list[Message]:
    """The hash chain, the head `meta` recorded, and the head an earlier report saw, in one pass."""
    chain = walk(session.exec(select(History).order_by(History.id).execution_options(yield_per=1000)),
                 mark=against.events if against else 0)
    findings = []
    if chain.broken is not None:
        findings.append(N_("history record {record} does not match the hash chain: it or an earlier record was altered.",
                              record=chain.broken))
    recorded = recorded_head(session.connection())
    if recorded is None:
        findings.append(N_("the register's record of its history chain head is missing or unreadable."))
    elif recorded[0] != chain.head:
        findings.append(N_("the history holds {events} events ending in {head}…, but the register recorded "
                           "{recorded} ending in {recorded_head}…: history records were removed or added outside "
                           "riskreg.", events=chain.head.events, head=chain.head.hash[:12],
                           recorded=recorded[0].events, recorded_head=recorded[0].hash[:12]))
    if against is not None:
        findings += _against(chain, against)
    return findings


def _against(chain: Walk, seen: Head) -> list[Message]:
    """Whether the register still holds the history a report saw: its event `seen.events` has hash `seen.hash`
    and the chain up to it verifies."""
    if chain.head.events < seen.events:
        return [N_("The register holds {events} history events, fewer than the {seen} the report saw: its last "
                   "events were removed.", events=chain.head.events, seen=seen.events)]
    replaced = seen.events > 0 and chain.hash_at_mark != seen.hash
    if replaced or (chain.broken_at is not None and chain.broken_at <= seen.events):
        return [N_("History event {seen} is not the one the report saw: the history it covers was rewritten.",
                   seen=seen.events)]
    return []


def head_seen_by(path: Path) -> Head:
    """The chain head a JSON report (`riskreg report --format json`) saw."""
    try:
        data = json.loads(path.read_bytes())
    except OSError as err:
        raise RiskregError(N_("Cannot read the report {path}: {strerror}.", path=path, strerror=err.strerror)) from None
    except ValueError:  # not JSON, or not UTF-8
        data = None
    if not isinstance(data, dict):
        raise RiskregError(N_("{path} is not a JSON report of riskreg (riskreg report --format json).", path=path))
    chain = data.get("chain")
    events = chain.get("events") if isinstance(chain, dict) else None
    head = chain.get("head") if isinstance(chain, dict) else None
    if type(events) is not int or events < 0 or not isinstance(head, str) or not _HASH.fullmatch(head):
        raise RiskregError(N_("The report {path} has no history chain to check against (it was made by an older "
                              "riskreg, or edited).", path=path))
    return Head(events, head)


def _closed_invariants(session: Session) -> list[Message]:
    findings = []
    closed_without = select(Entry.id).where(
        Entry.status.in_(("closed", "consolidated")),
        (Entry.verified_by.is_(None)) | (Entry.resolution.is_(None)) | (Entry.closed_on.is_(None)))
    for entry_id in session.exec(closed_without):
        findings.append(N_("entry {id} is closed without a verifier, resolution or closing date.", id=entry_id))
    for entry_id in session.exec(select(Entry.id).where(Entry.status.in_(ACTIVE), Entry.closed_on.is_not(None))):
        findings.append(N_("entry {id} is active but has a closing date.", id=entry_id))
    return findings


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def replay_mismatches(entry: dict[str, Any], events: list[dict[str, Any]]) -> list[Message]:
    """How an entry's stored fields differ from what its events say (empty when they agree)."""
    if not events:
        return [N_("entry {id} has no history.", id=entry["id"])]
    state: dict[str, Any] = {}
    for event in events:
        for name, change in event["changes"].items():
            state[name] = change["new"]
    problems = []
    for name in REPLAYED:
        expected, stored = state.get(name, _DEFAULTS.get(name)), _plain(entry.get(name, _DEFAULTS.get(name)))
        if stored != expected:
            problems.append(N_("entry {id}: {name} is {stored} but its history says {expected}.", id=entry["id"],
                               name=name, stored=_value(stored), expected=_value(expected)))
    if (_plain(entry["created_on"]), _plain(entry["updated_on"])) != (_plain(events[0]["on"]), _plain(events[-1]["on"])):
        problems.append(N_("entry {id}: its dates do not match its first and last history events.", id=entry["id"]))
    return problems


def _value(value: Any) -> object:
    """A stored or replayed value as a finding quotes it: as Python writes it, and nothing as a word."""
    return Both("（空）", "None") if value is None else repr(value)


def _replay(session: Session) -> list[Message]:
    findings = []
    events = session.exec(select(History).order_by(History.entry_id, History.id).execution_options(yield_per=1000))
    grouped = ((entry_id, [_flag_refused(e.model_dump(), findings) for e in group])
               for entry_id, group in groupby(events, lambda e: e.entry_id))
    pending = next(grouped, None)
    for entry in session.exec(select(Entry).order_by(Entry.id).execution_options(yield_per=1000)):
        while pending is not None and pending[0] < entry.id:
            findings.append(_orphan(pending[0]))
            pending = next(grouped, None)
        own = pending[1] if pending is not None and pending[0] == entry.id else []
        if own:
            pending = next(grouped, None)
        findings += replay_mismatches(entry.model_dump(), own)
    while pending is not None:
        findings.append(_orphan(pending[0]))
        pending = next(grouped, None)
    return findings


def _orphan(entry_id: int) -> Message:
    return N_("history refers to entry {id}, which does not exist.", id=entry_id)


# The wall clock as riskreg records it (ledger.Stamp.wall_clock): UTC, microseconds optional.
_UTC_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?Z")


def _utc_time(value: Any) -> None:
    clean_text(value, N_("time"), limit=MAX_TITLE, multiline=False)
    try:
        valid = bool(_UTC_TIME.fullmatch(value)) and datetime.fromisoformat(value) is not None
    except ValueError:  # 2026-13-45T…: the right shape, no such moment
        valid = False
    if not valid:
        raise InvalidInput(N_("the time {value!r} is not a UTC time as riskreg records it "
                              "(2026-07-01T08:00:00.000000Z)", value=value))


def validate_history_event(event: dict[str, Any]) -> None:
    """Refuse, with InvalidInput, an event riskreg would never write: an unknown action, a change to a field
    entries do not have, or text a command would refuse (control characters, over its limit). One rule for
    what `import` accepts and what `check` flags in a register."""
    if event["action"] not in ACTIONS:
        raise InvalidInput(N_("unknown action {action!r}", action=event['action']))
    changes = event["changes"]
    if not isinstance(changes, dict) or not all(isinstance(c, dict) and c.keys() == {"old", "new"}
                                                for c in changes.values()):
        raise InvalidInput(N_("changes must map fields to {old, new}"))
    unknown = sorted(set(changes) - set(REPLAYED))
    if unknown:
        raise InvalidInput(N_("changes unknown field(s) {repr}", repr=', '.join(map(repr, unknown))))
    clean_text(event["actor"], N_("actor"), limit=MAX_TITLE, multiline=False)
    _utc_time(event["at"])
    clean_text(event["text"], N_("text"))
    for name, change in changes.items():
        for value in change.values():
            if isinstance(value, str):
                clean_text(value, N_("{name} value", name=name))
            elif value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise InvalidInput(N_("the {name} value must be text, a whole number or null", name=name))


def _flag_refused(event: dict[str, Any], findings: list[Message]) -> dict[str, Any]:
    try:
        validate_history_event(event)
    except InvalidInput as err:
        findings.append(N_("history record {record}: {reason}; `import` would refuse it.", record=event["id"],
                           reason=clause(err)))
    return event
