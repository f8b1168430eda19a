"""The register's tables.

Catalogue rows (levels, departments, categories, risks, units) are never
deleted: a reload marks what disappeared as retired, so ledger entries keep a
valid foreign key for ever. Ledger entries hold their current state; `history`
holds every event that led there (append-only). Nothing here identifies a
person beyond the accountable officials named on an entry.
"""

from datetime import date
from typing import Any

from sqlalchemy import JSON, Column, Index, event, text
from sqlmodel import Field, SQLModel

from riskreg.fields import FIELDS
from riskreg.store.backends import HISTORY_GUARDS
from riskreg.store.search import create_search

SCHEMA_VERSION = 9
ACTIVE = ("open", "mitigated")
VOIDED = "voided"  # a mistaken or duplicate entry, kept (its number is never reused) but counted nowhere
COUNTED = ("open", "mitigated", "closed", "consolidated")  # the statuses totals, groups and lists count
STATUSES = (*COUNTED, VOIDED)
# One department's entries in the order its report counts them: by unit, then each group (risk, level) and the
# days its flags read, so the index covers the counts and SQLite reads it in key order (riskreg.domain.tallies).
DEPARTMENT_UNITS = ("department", "unit", "status", "risk", "level", "due", "updated_on")
ACTIVE_SQL = "status IN ('open', 'mitigated')"  # the partial indexes' conditions, as queries must spell them
CLOSED_SQL = "status = 'closed'"
MISSING_ONE_SQL = "(leader IS NULL OR department IS NULL OR task_force IS NULL OR plan IS NULL OR due IS NULL)"
ESCALATED_SQL = "escalated_to IS NOT NULL"
# Active entries as a condition spelled like the partial index's, so the planner can use that index.
IS_ACTIVE = text(ACTIVE_SQL)
MAX_CODE = 32  # catalogue codes; riskreg.domain.catalogue checks the same length without importing the models


class Meta(SQLModel, table=True):
    """Register-wide settings: schema version, catalogue title, campaign, watch days, the history chain's head."""

    key: str = Field(primary_key=True, max_length=64)
    value: str


class Level(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=MAX_CODE)
    rank: int
    zh: str
    en: str
    colour: str


class Department(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=MAX_CODE)
    rank: int
    zh: str
    en: str
    retired: bool = False


class Category(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=MAX_CODE)
    rank: int
    zh: str
    en: str
    retired: bool = False


class Risk(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=MAX_CODE)
    category: str = Field(foreign_key="category.code")
    rank: int
    zh: str
    en: str
    consolidation_days: int | None = None
    retired: bool = False


class RiskDepartment(SQLModel, table=True):
    """The departments a risk names; position 0 leads."""

    __tablename__ = "risk_department"
    risk: str = Field(foreign_key="risk.code", primary_key=True)
    department: str = Field(foreign_key="department.code", primary_key=True)
    position: int


class Unit(SQLModel, table=True):
    name: str = Field(primary_key=True, max_length=200)
    rank: int
    retired: bool = False


class Entry(SQLModel, table=True):
    # Sized for a county register of a million entries (docs/PERFORMANCE.md): the report reads narrow
    # indexes, never the wide table. ix_entry_groups and ix_entry_unit_status are scanned in key order to
    # count every entry by risk, department, level, status and by unit, with the days the flags read (so
    # overdue, due soon and stale are counted in the same scan, however many entries are active);
    # ix_entry_department_unit_status counts one department's entries both ways (its report) and every
    # department's units (`report --split dept`); the partial indexes of partial_index_ddl() hold the entries
    # still needing attention, by deadline.
    __table_args__ = (
        Index("ix_entry_groups", "risk", "department", "level", "status", "due", "updated_on"),
        Index("ix_entry_unit_status", "unit", "status", "due"),
        Index("ix_entry_department_unit_status", *DEPARTMENT_UNITS),
    )

    id: int | None = Field(default=None, primary_key=True)
    risk: str = Field(foreign_key="risk.code")
    unit: str
    title: str
    detail: str | None = None
    level: str = Field(foreign_key="level.code")
    status: str = "open"
    department: str = Field(foreign_key="department.code")
    leader: str | None = None
    task_force: str | None = None
    plan: str | None = None
    contingency: str | None = None
    due: date | None = None
    original_due: date | None = None
    extensions: int = 0
    measures: str | None = None
    escalated_to: str | None = None
    escalation_reason: str | None = None
    verified_by: str | None = None
    resolution: str | None = None
    closed_on: date | None = None
    watch_until: date | None = None
    reopen_count: int = 0
    created_on: date
    updated_on: date


# Every entry that counts: the one condition each count, group, list and trend over "all statuses" states.
NOT_VOIDED = Entry.__table__.c.status != VOIDED


# The fields an entry's history fully determines (riskreg.fields), in the entry's column order: replaying the
# events must give the stored values, and an imported spreadsheet row's `add` event records its changes in
# this order, so the order is part of every such event's hash.
REPLAYED = tuple(name for name in Entry.model_fields if FIELDS[name].replayed)


class History(SQLModel, table=True):
    __table_args__ = (Index("ix_history_action_on", "action", "on"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="entry.id", index=True)
    at: str  # wall-clock UTC time, ISO 8601, for audit
    on: date  # effective date, for business rules
    actor: str
    action: str
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    text: str | None = None
    hash: str = Field(max_length=64)  # see riskreg.store.chain


def partial_index_ddl(dialect: str) -> list[str]:
    """The partial indexes of entries still needing attention (active, active and missing one of the four ones,
    active and escalated, or closed under watch), holding every column their flags, counts and lists read.

    The active ones lead with the deadline, so a list's first entries by deadline are the index's first rows
    (issue 16: a register of a million active entries lists its first 200 without reading the rest). Their
    WHERE must appear literally in a query for SQLite to use them (riskreg.domain.queries.Flags renders it
    so). PostgreSQL limits an index row to about 2.7 kB, so there the active ones leave out the free-text
    columns (a plan may hold 10,000 characters) and read them from the table. Plain DDL rather than
    Index(..., postgresql_where=...), because a dialect keyword makes SQLAlchemy import that dialect on
    every start, SQLite's included (~25 ms).
    """
    free_text = ", leader, task_force, plan, title" if dialect == "sqlite" else ""
    return [
        "CREATE INDEX IF NOT EXISTS ix_entry_active ON entry (due, updated_on, status, risk, department, unit, "
        f"level{free_text}) WHERE {ACTIVE_SQL}",
        "CREATE INDEX IF NOT EXISTS ix_entry_unaccountable ON entry (due, status, risk, department, unit, "
        f"level{free_text}) WHERE {ACTIVE_SQL} AND {MISSING_ONE_SQL}",
        "CREATE INDEX IF NOT EXISTS ix_entry_escalated ON entry (due, status, risk, department, unit, "
        f"level{free_text and free_text + ', escalated_to'}) WHERE {ACTIVE_SQL} AND {ESCALATED_SQL}",
        "CREATE INDEX IF NOT EXISTS ix_entry_closed ON entry (watch_until, due, status, risk, department, unit, "
        f"level, leader, title) WHERE {CLOSED_SQL}",
    ]


@event.listens_for(Entry.__table__, "after_create")
def _create_partial_indexes(table, connection, **_) -> None:
    for statement in partial_index_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)


# The history is append-only: the database itself refuses to change or delete it.
for _guard in HISTORY_GUARDS:
    event.listen(History.__table__, "after_create", _guard)


@event.listens_for(History.__table__, "after_create")
def _create_search(table, connection, **_) -> None:
    create_search(connection)  # its triggers read history, so it comes after both tables
