"""The filter bar: words that pick entries, read as the command line reads its filters.

Each word is a status, a level, a department, a village or a flag (overdue, due soon, unaccountable, stale,
escalated), by its code or a name, Chinese or English (riskreg.domain.words, the one parser); words are
separated by spaces or commas. A lead official is any name, so it is written `leader=王明` (领导=王明); `status=`,
`level=`, `dept=` and `unit=` name the others outright, for a word that could be two things. Where the catalogue
lists no villages (any is accepted), a word that is nothing else is a village. Text search is the
`/` box's (the same search as `list --search`).
"""

import re
from dataclasses import replace
from typing import Any

from sqlmodel import Session

from riskreg.domain import words
from riskreg.domain.queries import EntryFilter, Flags
from riskreg.errors import InvalidInput
from riskreg.messages import N_
from riskreg.vocabulary import WORDS

FLAGS = ("overdue", "due_soon", "unaccountable", "stale", "escalated")
# field of EntryFilter -> the words that name it before `=` (codes, Chinese and English)
_NAMED = {"status": ("status", "状态"), "level": ("level", "等级"), "department": ("dept", "department", "部门"),
          "unit": ("unit", "村", "社区"), "leader": ("leader", "领导", "牵头领导")}
_SEPARATORS = str.maketrans({",": " ", "，": " ", "、": " ", "；": " ", ";": " ", "：": "=", ":": "="})


def _flag_words() -> dict[str, str]:
    found = {}
    for flag in FLAGS:
        for form in (flag, *WORDS[f"flag.{flag}"]):
            found[words.normalise(form)] = flag
    return found


def _field_words() -> dict[str, str]:
    found = {words.normalise(key): key for key in _NAMED}
    for key, names in _NAMED.items():
        found.update({words.normalise(name): key for name in names})
    for key in _NAMED:
        if f"field.{key}" in WORDS:
            found.update({words.normalise(name): key for name in WORDS[f"field.{key}"]})
    return found


def read_filter(session: Session, _: Flags, typed: str, search: str | None = None) -> EntryFilter:
    """The filter the bar's words and the search box's text make; InvalidInput naming the first word that is none
    of the things a filter takes."""
    chosen: dict[str, Any] = {}
    flag_words, field_words = _flag_words(), _field_words()
    kinds = {noun: words.kind(session, noun, active=noun == "status") for noun in ("status", "level", "department", "unit")}
    typed = re.sub(r"\bdue\s+soon\b", "due_soon", typed, flags=re.IGNORECASE)  # the one flag of two English words
    for token in typed.translate(_SEPARATORS).split():
        name, equals, value = token.partition("=")
        if equals:
            field = field_words.get(words.normalise(name))
            if field is None or not value.strip():
                raise InvalidInput(N_("{token!r} is no filter: before = write status, level, dept, unit or leader, "
                                      "and after it a word.", token=token))
            chosen[field] = value
        elif words.normalise(token) in flag_words:
            chosen[flag_words[words.normalise(token)]] = True
        else:
            noun = next((noun for noun, kind in kinds.items() if kind.find(token) is not None), None)
            if noun is None and not kinds["unit"].names:  # a catalogue listing no villages takes any name for one
                noun = "unit"
            if noun is None:
                raise InvalidInput(N_("{token!r} is no status, level, department, village or flag this register "
                                      "knows; write a lead official as leader={token}.", token=token))
            chosen[noun] = token
    wanted = EntryFilter(**chosen)
    return replace(wanted, search=search) if search and search.strip() else wanted
