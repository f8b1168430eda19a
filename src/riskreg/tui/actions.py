"""The desk's actions: for each key, its form's fields and the domain function the command of the same name calls.

Each runs as `riskreg <action>` runs, through the same function in one write transaction (riskreg.tui.desk), so it
records the same history event and is refused by the same rules; what it says when done is the command's sentence.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from riskreg.domain import corrections, ledger, voiding
from riskreg.domain.words import said
from riskreg.errors import InvalidInput
from riskreg.messages import Both, Message, N_, in_language
from riskreg.tui.desk import Desk
from riskreg.vocabulary import WORDS, word

REASON = N_("Reason")


@dataclass(frozen=True)
class Action:
    key: str
    title: str | Message  # the form's title and the key's description: an action.* word, or a label
    fields: tuple[tuple[str, str | Message], ...]  # (form field, a field.* word or a label)
    run: Callable[[Desk, int | None, dict[str, str]], Message]
    on_entry: bool = True  # needs the entry under the cursor
    confirm: Message | None = None  # asked before it runs ({id}: the entry)
    prefill: tuple[str, ...] = ()  # fields that start with the entry's value, and are sent only when changed


def _changed(entry: dict[str, Any] | None, values: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """The values typed that differ from the entry's own (a prefilled field left alone is no change)."""
    return {name: value for name, value in values.items()
            if entry is None or name not in names or str(entry.get(name) or "") != value.strip()}


def _fields_said(changes: dict[str, Any]) -> Both:
    return Both("、".join(word(f"field.{name}", "zh") for name in changes), ", ".join(changes))


def _add(desk: Desk, _: int | None, v: dict[str, str]) -> Message:
    entry_id = desk.act(ledger.add_entry, risk=v.get("risk", ""), title=v.get("title", ""), unit=v.get("unit", ""),
                        level=v.get("level"), detail=v.get("detail"), due=v.get("due"), department=v.get("department"))
    return N_("Entry {id}: added.", id=entry_id)


def _assign(desk: Desk, entry_id: int, v: dict[str, str]) -> Message:
    changes = desk.act(ledger.assign, entry_id, leader=v.get("leader"), department=v.get("department"),
                       task_force=v.get("task_force"), plan=v.get("plan"), due=v.get("due"),
                       contingency=v.get("contingency"))
    return N_("Entry {id}: set {fields}.", id=entry_id, fields=_fields_said(changes))


def _note(desk: Desk, entry_id: int, v: dict[str, str]) -> Message:
    desk.act(ledger.add_note, entry_id, v.get("note", ""))
    return N_("Entry {id}: note added.", id=entry_id)


def _mitigate(desk: Desk, entry_id: int, v: dict[str, str]) -> Message:
    desk.act(ledger.mitigate, entry_id, measures=v.get("measures", ""))
    return N_("Entry {id}: mitigated.", id=entry_id)


def _close(desk: Desk, entry_id: int, v: dict[str, str]) -> Message:
    watch = desk.act(ledger.close, entry_id, verified_by=v.get("verified_by", ""),
                     resolution=v.get("resolution", ""), on=v.get("closed_on"))
    return N_("Entry {id}: closed; watch for relapse until {watch_until}.", id=entry_id, watch_until=watch)


def _consolidate(desk: Desk, entry_id: int, _: dict[str, str]) -> Message:
    desk.act(ledger.consolidate, entry_id)
    return N_("Entry {id}: consolidated.", id=entry_id)


def _reopen(desk: Desk, entry_id: int, v: dict[str, str]) -> Message:
    desk.act(ledger.reopen, entry_id, reason=v.get("reason", ""))
    return N_("Entry {id}: reopened.", id=entry_id)


def _escalate(desk: Desk, entry_id: int, v: dict[str, str]) -> Message:
    desk.act(ledger.escalate, entry_id, to=v.get("escalated_to", ""), reason=v.get("reason", ""))
    return N_("Entry {id}: escalated to {body}.", id=entry_id, body=v.get("escalated_to", "").strip())


def _clear(desk: Desk, entry_id: int, v: dict[str, str]) -> Message:
    body = desk.act(corrections.clear_escalation, entry_id, reason=v.get("reason", ""))
    return N_("Entry {id}: escalation to {body} cleared.", id=entry_id, body=body)


def _level_name(desk: Desk, code: str) -> str:
    return desk.catalogue()["levels"].get(code, {"name": code})["name"]


def _edit(desk: Desk, entry_id: int, v: dict[str, str]) -> Message:
    changes, _ = desk.act(corrections.correct, entry_id, reason=v.get("reason", ""), title=v.get("title"),
                              detail=v.get("detail"), unit=v.get("unit"), risk=v.get("risk"))
    return N_("{said}.", said=N_("Entry {id}: corrected {fields}", id=entry_id, fields=_fields_said(changes)))


def _regrade(desk: Desk, entry_id: int, v: dict[str, str]) -> Message:
    level = desk.act(corrections.regrade, entry_id, level=v.get("level", ""), reason=v.get("reason", ""))
    return N_("Entry {id}: regraded to {level}.", id=entry_id, level=_level_name(desk, level))


def _void(desk: Desk, entry_id: int, v: dict[str, str]) -> Message:
    original = v.get("duplicate_of", "").strip() or None
    if original is not None and not original.isdigit():
        raise InvalidInput(N_("The entry it duplicates is given by its number, not {typed!r}.", typed=original))
    desk.act(voiding.void, entry_id, reason=v.get("reason", ""), duplicate_of=int(original) if original else None)
    return (N_("Entry {id}: voided as a duplicate of entry {original}.", id=entry_id, original=original) if original
            else N_("Entry {id}: voided.", id=entry_id))


def _unvoid(desk: Desk, entry_id: int, v: dict[str, str]) -> Message:
    status = desk.act(voiding.unvoid, entry_id, reason=v.get("reason", ""))
    return N_("Entry {id}: back on the ledger, {status}.", id=entry_id, status=said("status", status))


def _undo(desk: Desk, _: int | None, __: dict[str, str]) -> Message:
    entry_id, action = desk.act(ledger.undo)
    return (N_("Entry {id}: undid add; the entry is voided.", id=entry_id) if action == "add" else
            N_("Entry {id}: undid {action}.", id=entry_id, action=said("action", action)))


ACTIONS = (
    Action("a", "action.add", (("risk", "field.risk"), ("title", "field.title"), ("unit", "field.unit"),
                        ("level", "field.level"), ("detail", "field.detail"), ("due", "field.due"),
                        ("department", "field.department")), _add, on_entry=False),
    Action("o", "action.assign", (("leader", "field.leader"), ("department", "field.department"),
                           ("task_force", "field.task_force"), ("plan", "field.plan"), ("due", "field.due"),
                           ("contingency", "field.contingency")), _assign,
           prefill=("leader", "department", "task_force", "plan", "due", "contingency")),
    Action("n", "action.note", (("note", "action.note"),), _note),
    Action("m", "action.mitigate", (("measures", "field.measures"),), _mitigate, prefill=("measures",)),
    Action("c", "action.close", (("verified_by", "field.verified_by"), ("resolution", "field.resolution"),
                          ("closed_on", "field.closed_on")), _close),
    Action("k", "action.consolidate", (), _consolidate, confirm=N_("Mark entry {id} consolidated?")),
    Action("r", "action.reopen", (("reason", REASON),), _reopen),
    Action("x", "action.escalate", (("escalated_to", "field.escalated_to"), ("reason", REASON)), _escalate),
    Action("X", N_("Clear the escalation"), (("reason", REASON),), _clear),
    Action("e", "action.edit", (("title", "field.title"), ("detail", "field.detail"), ("unit", "field.unit"),
                         ("risk", "field.risk"), ("reason", REASON)), _edit,
           prefill=("title", "detail", "unit", "risk")),
    Action("g", "action.regrade", (("level", "field.level"), ("reason", REASON)), _regrade),
    Action("v", "action.void", (("reason", REASON), ("duplicate_of", N_("Duplicate of entry (its number; may be empty)"))),
           _void, confirm=N_("Void entry {id}? It leaves the ledger (unvoid brings it back).")),
    Action("V", "action.unvoid", (("reason", REASON),), _unvoid),
    Action("u", "action.undo", (), _undo, on_entry=False,
           confirm=N_("Undo the latest change in the register, whoever made it?")),
)


def changed_only(action: Action, entry: dict[str, Any] | None, values: dict[str, str]) -> dict[str, str]:
    return _changed(entry, values, action.prefill)


def label(text: str | Message, lang: str) -> str:
    """A title or label in `lang`: a vocabulary word by its key, or a sentence of the catalogue."""
    return word(text, lang) if isinstance(text, str) and text in WORDS else str(in_language(text, lang))
