"""Schema versions and the steps between them.

A new register is created straight at the newest schema from the models and
stamped with SCHEMA_VERSION. An older register is upgraded in place the first
time a newer riskreg opens it: first a backup beside it
(`register.db.schema-N.bak`, via SQLite's online backup API), then every step
from its version to the newest in one transaction, so a failed or killed
upgrade leaves the old register as it was.

Numbered functions recorded in the `meta` table, in the style of simonw/llm,
rather than Alembic: riskreg's schema is a handful of tables, the steps are a
few lines each, and nothing here needs an env.py, an ini file or Alembic's
start-up cost on every command. Each step receives a SQLAlchemy Connection
and uses only SQL both SQLite and PostgreSQL accept (or is marked otherwise).
tests/fixtures/ keeps a register made by every released schema.
"""

import json
from collections.abc import Callable

from sqlalchemy import Connection, text

from riskreg.store.chain import GENESIS, event_hash, record_head
from riskreg.store.backends import SQLITE_HISTORY_GUARDS
from riskreg.store.models import DEPARTMENT_UNITS, SCHEMA_VERSION, partial_index_ddl
from riskreg.store.search import create_search


def m002_history_chain(conn: Connection) -> None:
    """Schema 2: each history row carries a hash chained to the previous one; history becomes append-only."""
    conn.execute(text("ALTER TABLE history ADD COLUMN hash VARCHAR(64) NOT NULL DEFAULT ''"))
    previous = GENESIS
    rows = conn.execute(text("SELECT id, entry_id, at, \"on\", actor, action, changes, text FROM history ORDER BY id")).all()
    for row in rows:
        changes = json.loads(row.changes) if isinstance(row.changes, str) else row.changes
        previous = event_hash(previous, entry_id=row.entry_id, at=row.at, on=str(row.on), actor=row.actor,
                              action=row.action, changes=changes, text=row.text)
        conn.execute(text("UPDATE history SET hash = :hash WHERE id = :id"), {"hash": previous, "id": row.id})
    if conn.dialect.name == "sqlite":  # schema 1 existed only on SQLite
        for guard in SQLITE_HISTORY_GUARDS:
            conn.execute(guard)


def m003_report_indexes(conn: Connection) -> None:
    """Schema 3: indexes that let the report count and list without scanning the entry table (docs/PERFORMANCE.md)."""
    for name in ("ix_entry_status_due", "ix_entry_department_status", "ix_entry_risk_status"):
        conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_entry_groups ON entry (risk, department, level, status)"))
    for statement in partial_index_ddl(conn.dialect.name):
        conn.execute(text(statement))


def m004_chain_head(conn: Connection) -> None:
    """Schema 4: `meta` records the history chain's head, so removing the last history records shows."""
    record_head(conn)


def m005_search(conn: Connection) -> None:
    """Schema 5: the search index of each entry's text and notes (riskreg.store.search), filled from the ledger."""
    create_search(conn, fill=True)


def m006_department_units(conn: Connection) -> None:
    """Schema 6: the index a department's report counts along (docs/PERFORMANCE.md)."""
    conn.execute(text(f"CREATE INDEX IF NOT EXISTS ix_entry_department_unit_status ON entry "
                      f"({', '.join(DEPARTMENT_UNITS)})"))


def m007_report_by_deadline(conn: Connection) -> None:
    """Schema 7: the report counts its flags in its scans of every entry and lists the first entries by deadline
    from indexes that lead with it (issue 16), so its cost no longer follows the entries needing attention."""
    for name in ("ix_entry_groups", "ix_entry_unit_status", "ix_entry_active"):
        conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
    conn.execute(text("CREATE INDEX ix_entry_groups ON entry (risk, department, level, status, due, updated_on)"))
    conn.execute(text("CREATE INDEX ix_entry_unit_status ON entry (unit, status, due)"))
    for statement in partial_index_ddl(conn.dialect.name):
        conn.execute(text(statement))


def m008_search_bigrams(conn: Connection) -> None:
    """Schema 8: on PostgreSQL, the bigram index a two-character search looks its word up in (schema 5's
    search made those read the whole search table); the rest of the search index is as it was."""
    create_search(conn)


def m009_escalated(conn: Connection) -> None:
    """Schema 9: the partial index of active escalated entries, which the HTML report lists by deadline
    without reading the entry table (issue 16)."""
    for statement in partial_index_ddl(conn.dialect.name):
        conn.execute(text(statement))


# version reached -> the step that reaches it from the one before
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    2: m002_history_chain,
    3: m003_report_indexes,
    4: m004_chain_head,
    5: m005_search,
    6: m006_department_units,
    7: m007_report_by_deadline,
    8: m008_search_bigrams,
    9: m009_escalated,
}

assert max(MIGRATIONS) == SCHEMA_VERSION, "every schema version needs its migration"


def steps_from(version: int) -> list[tuple[int, Callable[[Connection], None]]]:
    return [(target, MIGRATIONS[target]) for target in range(version + 1, SCHEMA_VERSION + 1)]
