"""Whose report it is: one department's 责任清单, one village's or one lead official's entries.

A scope is one more WHERE on the queries reporting.py already runs (the same aggregates over the same indexes),
so it composes with every other condition there, and an empty scope adds nothing. The department is the entry's
responsible department (what it leads and must answer for); a retired one may still be reported on while
entries use it.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists
from sqlmodel import Session, select

from riskreg.domain.ledger import MAX_TITLE, clean_text
from riskreg.domain import words
from riskreg.domain.words import code
from riskreg.errors import NotFound
from riskreg.store.models import Entry, Unit
from riskreg.messages import N_


@dataclass(frozen=True)
class Scope:
    """Department code, unit and lead official as stored; None leaves that part open."""

    department: str | None = None
    unit: str | None = None
    leader: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The report's `scope` key: always all three keys, null where the report is not restricted."""
        return {"department": self.department, "unit": self.unit, "leader": self.leader}

    @property
    def conditions(self) -> list:
        return [column == value for column, value in ((Entry.department, self.department), (Entry.unit, self.unit),
                                                      (Entry.leader, self.leader)) if value is not None]


def resolve_scope(session: Session, *, department: str | None = None, unit: str | None = None,
                  leader: str | None = None) -> Scope:
    """The scope the options name, each part checked: an unknown department, unit or leader is refused, so a
    typo in a nightly job fails loudly rather than mailing an empty list every night."""
    return Scope(department=code(session, "department", department) if department is not None else None,
                 unit=known_unit(session, unit) if unit is not None else None,
                 leader=_leader(session, leader) if leader is not None else None)


def known_unit(session: Session, typed: str) -> str:
    """The unit as the catalogue spells it, or as entries do (a unit it does not list may be on older entries);
    one that is neither is refused, so a typo does not list, export or mail nothing without a word."""
    unit = clean_text(typed, N_("unit"), limit=MAX_TITLE, multiline=False, required=True)
    unit = words.kind(session, "unit").find(unit) or unit
    if session.get(Unit, unit) is None and not session.exec(select(exists().where(Entry.unit == unit))).one():
        raise NotFound(N_("There is no unit {unit!r} in the catalogue or on any entry; `riskreg summary` lists "
                          "those on the ledger.", unit=unit))
    return unit


def _leader(session: Session, typed: str) -> str:
    leader = clean_text(typed, N_("leader"), limit=MAX_TITLE, multiline=False, required=True)
    if not session.exec(select(exists().where(Entry.leader == leader))).one():
        raise NotFound(N_("No entry names {leader!r} as its lead official; `riskreg list` shows who leads what.",
                          leader=leader))
    return leader
