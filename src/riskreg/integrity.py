"""`riskreg check`: the database's own checks, the domain invariants and the history chain.

Everything streams in id order, so a check of a large register holds one
entry's history in memory at a time.
"""

from itertools import groupby
from datetime import date
from typing import Any

from sqlmodel import Session, select

from riskreg.backends import integrity_findings
from riskreg.chain import first_broken
from riskreg.errors import InvalidInput
from riskreg.ledger import ACTIONS, MAX_TITLE, clean_text
from riskreg.models import ACTIVE, Entry, History

# Fields an entry's history fully determines: replaying the events must give the stored values.
REPLAYED = ("risk", "unit", "title", "detail", "level", "status", "department", "leader", "task_force", "plan",
            "contingency", "due", "original_due", "extensions", "measures", "escalated_to", "escalation_reason",
            "verified_by", "resolution", "closed_on", "watch_until", "reopen_count")
_DEFAULTS = {"extensions": 0, "reopen_count": 0}


def run_checks(session: Session) -> list[str]:
    findings = list(integrity_findings(session.connection()))
    findings += _closed_invariants(session)
    findings += _replay(session)
    broken = first_broken(session.exec(select(History).order_by(History.id).execution_options(yield_per=1000)))
    if broken is not None:
        findings.append(f"history record {broken} does not match the hash chain: it or an earlier record was altered.")
    return findings


def _closed_invariants(session: Session) -> list[str]:
    findings = []
    closed_without = select(Entry.id).where(
        Entry.status.in_(("closed", "consolidated")),
        (Entry.verified_by.is_(None)) | (Entry.resolution.is_(None)) | (Entry.closed_on.is_(None)))
    for entry_id in session.exec(closed_without):
        findings.append(f"entry {entry_id} is closed without a verifier, resolution or closing date.")
    for entry_id in session.exec(select(Entry.id).where(Entry.status.in_(ACTIVE), Entry.closed_on.is_not(None))):
        findings.append(f"entry {entry_id} is active but has a closing date.")
    return findings


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def replay_mismatches(entry: dict[str, Any], events: list[dict[str, Any]]) -> list[str]:
    """How an entry's stored fields differ from what its events say (empty when they agree)."""
    if not events:
        return [f"entry {entry['id']} has no history."]
    state: dict[str, Any] = {}
    for event in events:
        for name, change in event["changes"].items():
            state[name] = change["new"]
    problems = []
    for name in REPLAYED:
        expected, stored = state.get(name, _DEFAULTS.get(name)), _plain(entry.get(name, _DEFAULTS.get(name)))
        if stored != expected:
            problems.append(f"entry {entry['id']}: {name} is {stored!r} but its history says {expected!r}.")
    if (_plain(entry["created_on"]), _plain(entry["updated_on"])) != (_plain(events[0]["on"]), _plain(events[-1]["on"])):
        problems.append(f"entry {entry['id']}: its dates do not match its first and last history events.")
    return problems


def _replay(session: Session) -> list[str]:
    findings = []
    events = session.exec(select(History).order_by(History.entry_id, History.id).execution_options(yield_per=1000))
    grouped = ((entry_id, [_flag_refused(e.model_dump(), findings) for e in group])
               for entry_id, group in groupby(events, lambda e: e.entry_id))
    pending = next(grouped, None)
    for entry in session.exec(select(Entry).order_by(Entry.id).execution_options(yield_per=1000)):
        while pending is not None and pending[0] < entry.id:
            findings.append(f"history refers to entry {pending[0]}, which does not exist.")
            pending = next(grouped, None)
        own = pending[1] if pending is not None and pending[0] == entry.id else []
        if own:
            pending = next(grouped, None)
        findings += replay_mismatches(entry.model_dump(), own)
    while pending is not None:
        findings.append(f"history refers to entry {pending[0]}, which does not exist.")
        pending = next(grouped, None)
    return findings


def validate_history_event(event: dict[str, Any]) -> None:
    """Refuse, with InvalidInput, an event riskreg would never write: an unknown action, a change to a field
    entries do not have, or text a command would refuse (control characters, over its limit). One rule for
    what `import` accepts and what `check` flags in a register."""
    if event["action"] not in ACTIONS:
        raise InvalidInput(f"unknown action {event['action']!r}")
    changes = event["changes"]
    if not isinstance(changes, dict) or not all(isinstance(c, dict) and c.keys() == {"old", "new"}
                                                for c in changes.values()):
        raise InvalidInput("changes must map fields to {old, new}")
    unknown = sorted(set(changes) - set(REPLAYED))
    if unknown:
        raise InvalidInput(f"changes unknown field(s) {', '.join(map(repr, unknown))}")
    clean_text(event["actor"], "actor", limit=MAX_TITLE, multiline=False)
    clean_text(event["at"], "time", limit=MAX_TITLE, multiline=False)
    clean_text(event["text"], "text")
    for name, change in changes.items():
        for value in change.values():
            if isinstance(value, str):
                clean_text(value, f"{name} value")
            elif value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise InvalidInput(f"the {name} value must be text, a whole number or null")


def _flag_refused(event: dict[str, Any], findings: list[str]) -> dict[str, Any]:
    try:
        validate_history_event(event)
    except InvalidInput as err:
        findings.append(f"history record {event['id']}: {str(err).rstrip('.')}; `import` would refuse it.")
    return event
