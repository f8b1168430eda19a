"""What people write for a code, on the command line and in a sheet alike: one parser for both.

A department, risk or category is written by its code or either name (COMP, 综治中心, Comprehensive Governance
Centre); a level by its code, names or colour (significant, 较大风险, 较大, orange, 橙); a status by its code or the
vocabulary's words (open, 待化解), so a status added to riskreg.vocabulary needs no line here; a unit as the
catalogue spells it. Case, spaces, underscores and full-width forms do not matter (`normalise`): a Chinese input
method in full-width mode types ＣＯＭＰ. An unknown word is refused with the words accepted, so the person can
pick one without opening the catalogue.

`kind` loads one kind's words from the register; import (riskreg.exchange.sheet_checks) loads them once per
file and looks each cell up with `Kind.find`, the command line calls `code`.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from riskreg.errors import NotFound
from riskreg.store.models import Category, Department, Level, Risk, Unit
from riskreg.messages import Both, N_
from riskreg.vocabulary import WORDS

# What people write for a level besides its code and names: its colour, in either language.
COLOUR_NAMES = {"red": ("红", "红色"), "orange": ("橙", "橙色"), "yellow": ("黄", "黄色"), "blue": ("蓝", "蓝色")}
ACTIVE_WORDS = ("active", WORDS["count.active"][0])  # a filter's word for open and mitigated together: 在办
_MODELS = {"risk": Risk, "category": Category, "department": Department}


def normalise(text: Any) -> str:
    """Header and name matching ignores case, spaces, underscores and full-width forms (NFKC): 村（社区） is
    村(社区), Ｒｉｓｋ　ｃｏｄｅ is Risk code."""
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", str(text))).casefold()


@dataclass(frozen=True)
class Kind:
    """The words for one kind of code, and the list a refusal shows."""

    noun: str
    names: dict[str, str]  # normalised word -> code
    accepted: str  # "COMP 综治中心, POLICE 派出所, …"

    def find(self, text: Any) -> str | None:
        """The code the text names, or None."""
        return self.names.get(normalise(text))

    def code(self, text: str) -> str:
        """The code the text names; NotFound, listing the words accepted, when it names none."""
        found = self.find(text)
        if found is None:
            noun = Both(*WORDS[f"field.{self.noun}"]) if f"field.{self.noun}" in WORDS else self.noun
            raise NotFound(N_("There is no {noun} {text!r}; use one of: {accepted}.", noun=noun, text=text.strip(),
                              accepted=self.accepted))
        return found


def level_forms(level: Level) -> list[str]:
    """Every way a level may be written: major, 重大风险, 重大, Major risk, red, 红, 红色."""
    return [form for form in (level.code, level.zh, level.en, level.zh.removesuffix("风险"), level.colour,
                              *COLOUR_NAMES.get(level.colour, ())) if form]


def status_words() -> dict[str, tuple[str, str]]:
    """Each status's code and its words (zh, en), as riskreg.vocabulary's status.* keys give them."""
    return {key.removeprefix("status."): names for key, names in WORDS.items() if key.startswith("status.")}


def said(kind: str, code: str) -> Both:
    """A stored code of `kind` ("status", "action", "field") as a word in both languages, to go into a sentence;
    the code itself when the vocabulary has no word for it (a register edited by hand may hold any text)."""
    return Both(*WORDS.get(f"{kind}.{code}", (code, code)))


def kind(session: Session, noun: str, *, active: bool = False) -> Kind:
    """The words for `noun` (risk, category, department, level, status or unit) in this register. `active`: a
    status filter's words, with active (在办) for open and mitigated together."""
    if noun == "level":
        levels = session.exec(select(Level).order_by(Level.rank)).all()
        return Kind(noun, _forms((lv.code, level_forms(lv)) for lv in levels),
                    ", ".join(f"{lv.code} {lv.zh.removesuffix('风险')} {lv.colour}" for lv in levels))
    if noun == "status":
        statuses = [(code, (code, *names)) for code, names in status_words().items()]
        if active:
            statuses.append(("active", ACTIVE_WORDS))
        return Kind(noun, _forms(statuses), ", ".join(" ".join(dict.fromkeys(forms)) for _, forms in statuses))
    if noun == "unit":
        units = session.exec(select(Unit).order_by(Unit.rank)).all()
        return Kind(noun, _forms((unit.name, (unit.name,)) for unit in units),
                    ", ".join(unit.name for unit in units if not unit.retired))
    rows = session.exec(select(_MODELS[noun]).order_by(_MODELS[noun].code)).all()
    current = [row for row in rows if not getattr(row, "retired", False)]
    # a risk's name is a sentence: its code alone keeps a list of dozens readable
    accepted = ", ".join(row.code if noun == "risk" else f"{row.code} {row.zh}" for row in current)
    # also `S03 拖欠农民工工资`, as a sent-out checklist's drop-down offers a risk (riskreg.exchange.sheet_forms)
    return Kind(noun, _forms((row.code, (row.code, row.zh, row.en, f"{row.code} {row.zh}", f"{row.code} {row.en}"))
                             for row in rows), accepted)


def _forms(codes: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    names: dict[str, str] = {}
    codes = list(codes)
    for code, forms in codes:  # names first, then codes over them: a code wins if a name ever collides with one
        names.update({normalise(form): code for form in forms})
    names.update({normalise(code): code for code, _ in codes})
    return names


def code(session: Session, noun: str, text: str) -> str:
    """The code of the risk, category, department, level, status or unit the text names; NotFound with the words
    accepted."""
    return kind(session, noun).code(text)
