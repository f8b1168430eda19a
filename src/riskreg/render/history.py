"""An entry's history in words: each event as one sentence in the reader's language (`show`).

The stored event is the machine form (an action, each changed field's old and new value, a text), which
JSON, `check` and the hash chain keep as they are; this module only words it for people: "王明 将等级由较大调为
重大：群众聚集风险上升", "golden 销号（核验人 李华）：已清偿". Codes become names (a level, a department, a status),
and the few texts riskreg writes itself in English (an undo's, a duplicate's, an import's "imported from …, row
n") are read back into their parts so they can be worded too; any other text is the person's, shown as typed.
"""

import re
from collections.abc import Callable
from typing import Any

from riskreg.fields import FIELDS
from riskreg.vocabulary import code_word, word

# The texts riskreg itself writes into the history (riskreg.domain.ledger, voiding, exchange.sheet_update).
_UNDO = re.compile(r"undoes (\w+) of (\d{4}-\d{2}-\d{2})")
_DUPLICATE_OF = re.compile(r"duplicate of entry (\d+): (.*)", re.S)
_VOIDED_AS_DUPLICATE = re.compile(r"entry (\d+) voided as a duplicate of this one: (.*)", re.S)
_FROM_SHEET = re.compile(r"(?:updated from (.+) row|imported from (.+), row) (\d+)")
_ACTOR_FROM_SHEET = re.compile(r"(.+) \((updated from .+ row \d+)\)")  # a note taken from a returned sheet
_IMPLIED = ("original_due", "extensions")  # follow from the deadline's change, which the sentence words
_NOT_IN_ADD = ("title", "detail", "original_due")  # the title and detail head `show`; long, they would drown the rest
_SHORT = 60


class Wording:
    """Words for one reader: the language, and the names of the codes an event may hold."""

    def __init__(self, lang: str, levels: dict[str, dict[str, str]], departments: dict[str, str]) -> None:
        self.lang = lang
        self.levels = levels
        self.departments = departments

    def t(self, key: str, **values: Any) -> str:
        return word(key, self.lang).format(**values)

    @property
    def comma(self) -> str:  # between the parts of one sentence
        return "，" if self.lang == "zh" else "; "

    @property
    def listing(self) -> str:  # between the items of a list
        return "、" if self.lang == "zh" else ", "

    @property
    def colon(self) -> str:
        return "：" if self.lang == "zh" else ": "

    def field(self, name: str) -> str:
        return word(FIELDS[name].label, self.lang) if name in FIELDS else name

    def value(self, name: str, value: Any) -> str:
        if value is None:
            return "—"
        if name == "level" and value in self.levels:
            level = self.levels[value]["name"]
            return level.removesuffix("风险") if self.lang == "zh" else level
        if name == "department":
            return self.departments.get(value, value)
        if name == "status":
            return code_word("status", value, self.lang)
        text = str(value)
        return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"

    def change(self, name: str, change: dict[str, Any], key: str = "event.change") -> str:
        """One field's change as a clause: set, cleared, or changed from one value to another."""
        old, new = (self.value(name, change[side]) for side in ("old", "new"))
        if change["old"] is None:
            return self.t("event.set_one", field=self.field(name), new=new)
        if change["new"] is None:
            return self.t("event.clear", field=self.field(name), old=old)
        return self.t(key, field=self.field(name), old=old, new=new)

    def changes(self, changes: dict[str, Any], key: str = "event.change") -> str:
        return self.comma.join(self.change(name, change, key) for name, change in changes.items()
                               if name not in _IMPLIED)


def event_sentence(event: dict[str, Any], wording: Wording) -> str:
    """The event as one sentence, its actor first."""
    changes, text = event["changes"], event["text"]
    worded = _WORDED.get(event["action"], _other)
    sentence, text = worded(event, changes, text, wording)
    actor = event["actor"]
    if noted := _ACTOR_FROM_SHEET.fullmatch(actor):
        actor = noted[1] + (_from_sheet(noted[2], wording) or "")
    sentence = f"{actor} {sentence}"
    if text and (source := _from_sheet(text, wording)):
        return sentence + source
    return sentence + (wording.colon + text if text else "")


def _from_sheet(provenance: str, wording: Wording) -> str | None:
    """riskreg's stored English "updated from FILE row N" in the reader's words; None for any other text."""
    sheet = _FROM_SHEET.fullmatch(provenance)
    return wording.t("event.from_sheet", source=sheet[1] or sheet[2], row=sheet[3]) if sheet else None


# Each action's wording: (the event, its changes, its text, the words) -> (the sentence, the text still to add).
Worded = Callable[[dict[str, Any], dict[str, Any], str | None, Wording], tuple[str, str | None]]


def _add(event: dict[str, Any], changes: dict[str, Any], text: str | None, w: Wording) -> tuple[str, str | None]:
    shown = [f"{w.field(name)} {w.value(name, change['new'])}" for name, change in changes.items()
             if name not in _NOT_IN_ADD and not (name == "status" and change["new"] == "open")]
    return w.t("event.add", fields=w.listing.join(shown)), text


def _assign(event: dict[str, Any], changes: dict[str, Any], text: str | None, w: Wording) -> tuple[str, str | None]:
    first_set = {name: change for name, change in changes.items() if change["old"] is None and name not in _IMPLIED}
    clauses = [w.t("event.assign", fields=w.listing.join(f"{w.field(name)} {w.value(name, change['new'])}"
                                                         for name, change in first_set.items()))] if first_set else []
    for name, change in changes.items():
        if name in first_set or name in _IMPLIED:
            continue
        if name == "due" and "extensions" in changes:
            clauses.append(w.t("event.extend", old=change["old"], new=change["new"],
                               n=changes["extensions"]["new"]))
        else:
            clauses.append(w.change(name, change))
    return w.comma.join(clauses), text


def _mitigate(event: dict[str, Any], changes: dict[str, Any], text: str | None, w: Wording) -> tuple[str, str | None]:
    key = "event.mitigate" if "status" in changes else "event.measures"
    return w.t(key, measures=w.value("measures", changes.get("measures", {}).get("new"))), text


def _close(event: dict[str, Any], changes: dict[str, Any], text: str | None, w: Wording) -> tuple[str, str | None]:
    new = {name: w.value(name, change["new"]) for name, change in changes.items()}
    return w.t("event.close", verified_by=new.get("verified_by", "—"), resolution=new.get("resolution", "—"),
               watch_until=new.get("watch_until", "—")), text


def _reopen(event: dict[str, Any], changes: dict[str, Any], text: str | None, w: Wording) -> tuple[str, str | None]:
    return w.t("event.reopen", n=changes.get("reopen_count", {}).get("new", "?")), text


def _escalate(event: dict[str, Any], changes: dict[str, Any], text: str | None, w: Wording) -> tuple[str, str | None]:
    target = changes.get("escalated_to", {})
    if target and target["new"] is None:  # riskreg escalate --clear
        return w.t("event.escalate_clear", to=w.value("escalated_to", target["old"])), text
    reason = changes.get("escalation_reason", {}).get("new")
    sentence = w.t("event.escalate", to=w.value("escalated_to", target.get("new")))
    return sentence + (w.colon + w.value("escalation_reason", reason) if reason else ""), text


def _edit(event: dict[str, Any], changes: dict[str, Any], text: str | None, w: Wording) -> tuple[str, str | None]:
    return w.changes(changes, "event.correct"), text


def _regrade(event: dict[str, Any], changes: dict[str, Any], text: str | None, w: Wording) -> tuple[str, str | None]:
    level = changes.get("level", {"old": None, "new": None})
    return w.t("event.regrade", old=w.value("level", level["old"]), new=w.value("level", level["new"])), text


def _void(event: dict[str, Any], changes: dict[str, Any], text: str | None, w: Wording) -> tuple[str, str | None]:
    if text and (duplicate := _DUPLICATE_OF.fullmatch(text)):
        return w.t("event.void_duplicate", id=duplicate[1]), duplicate[2]
    return w.t("event.void"), text


def _unvoid(event: dict[str, Any], changes: dict[str, Any], text: str | None, w: Wording) -> tuple[str, str | None]:
    return w.t("event.unvoid", status=w.value("status", changes.get("status", {}).get("new"))), text


def _duplicate(event: dict[str, Any], changes: dict[str, Any], text: str | None, w: Wording) -> tuple[str, str | None]:
    if text and (voided := _VOIDED_AS_DUPLICATE.fullmatch(text)):
        return w.t("event.duplicate", id=voided[1]), voided[2]
    return w.t("event.duplicate", id="?"), text


def _undo(event: dict[str, Any], changes: dict[str, Any], text: str | None, w: Wording) -> tuple[str, str | None]:
    undone = _UNDO.match(text or "")
    if undone is None:  # not riskreg's own text: the changes, and the text as it is
        return _other(event, changes, text, w)
    sentence = w.t("event.undo", action=code_word("action", undone[1], w.lang), on=undone[2])
    return sentence + (w.colon + w.changes(changes) if changes else ""), None  # the undone event's text is on its row


def _other(event: dict[str, Any], changes: dict[str, Any], text: str | None, w: Wording) -> tuple[str, str | None]:
    """An action riskreg does not know (a register edited by hand): its name and its changes, as they are."""
    sentence = code_word("action", event["action"], w.lang)
    return sentence + (w.colon + w.changes(changes) if changes else ""), text


def _plain(key: str) -> Worded:
    """An action whose sentence has no values of its own: a note, a consolidation."""
    return lambda event, changes, text, w: (w.t(key), text)


_WORDED: dict[str, Worded] = {
    "add": _add, "assign": _assign, "note": _plain("event.note"), "mitigate": _mitigate, "close": _close,
    "consolidate": _plain("event.consolidate"), "reopen": _reopen, "escalate": _escalate, "edit": _edit,
    "regrade": _regrade, "void": _void, "unvoid": _unvoid, "duplicate": _duplicate, "undo": _undo,
}
