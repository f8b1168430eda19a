"""Everything that differs between SQLite and PostgreSQL, in one place.

The rest of riskreg speaks SQLAlchemy and runs unchanged on both. Here live
the engine set-up, how a writing transaction excludes other writers (so the
history hash chain stays linear), the append-only guards on `history`, the
backend's own integrity checks, and keeping id sequences right after rows are
inserted with explicit ids.

SQLite: foreign keys are switched on for every connection (SQLite leaves them
off); riskreg issues BEGIN itself, and writing commands take
`BEGIN IMMEDIATE`, so two writers queue on the busy timeout instead of one
failing at once with "database is locked" when its read lock cannot be
upgraded. The journal stays SQLite's default rollback journal: WAL would let a
report read during a write, but the SQLite Python 3.11 links here (3.40)
predates the fix for the WAL-reset corruption bug (3.51.3).

PostgreSQL: a writing transaction first takes a transaction-scoped advisory
lock, which serialises writers exactly as BEGIN IMMEDIATE does on SQLite
(waiting at most the busy timeout); reads run at REPEATABLE READ so every query
of a report sees one snapshot.
"""

import json
import operator
import os
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import DDL, Connection, Engine, Table, create_engine, event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from riskreg.errors import RiskregError
from riskreg.messages import N_, Message

# Arbitrary but fixed: the advisory lock key every riskreg writer takes ("RISKREG" in ASCII).
WRITE_LOCK_KEY = 0x5249534B524547

# The append-only guards on history, as SQLite stores them in sqlite_master (and `check` expects them).
SQLITE_GUARD_SQL = {
    f"history_no_{verb.lower()}": f"CREATE TRIGGER history_no_{verb.lower()} BEFORE {verb} ON history "
                                  "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END"
    for verb in ("UPDATE", "DELETE")
}
SQLITE_HISTORY_GUARDS = [
    DDL(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1)).execute_if(dialect="sqlite")
    for sql in SQLITE_GUARD_SQL.values()
]
_PG_GUARD_BODY = " BEGIN RAISE EXCEPTION 'history is append-only'; END "
# name -> pg_trigger.tgtype: ROW 1, BEFORE 2, DELETE 8, UPDATE 16, TRUNCATE 32
_PG_GUARD_TYPES = {"history_no_change": 1 | 2 | 8 | 16, "history_no_truncate": 2 | 32}
POSTGRESQL_HISTORY_GUARDS = [
    DDL("CREATE OR REPLACE FUNCTION riskreg_history_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$${_PG_GUARD_BODY}$$").execute_if(dialect="postgresql"),
    DDL("CREATE TRIGGER history_no_change BEFORE UPDATE OR DELETE ON history FOR EACH ROW "
        "EXECUTE FUNCTION riskreg_history_append_only()").execute_if(dialect="postgresql"),
    DDL("CREATE TRIGGER history_no_truncate BEFORE TRUNCATE ON history FOR EACH STATEMENT "
        "EXECUTE FUNCTION riskreg_history_append_only()").execute_if(dialect="postgresql"),
]
HISTORY_GUARDS = SQLITE_HISTORY_GUARDS + POSTGRESQL_HISTORY_GUARDS

_QUERY_PASSWORD = re.compile(r"([?&][^=&]*password=)[^&]*", re.IGNORECASE)

# How JSON columns (history.changes) are stored: UTF-8 rather than \uXXXX escapes, which spend 6 bytes on
# every Chinese character, and no padding. Hashes are over the parsed values (riskreg.store.chain), so they hold.
stored_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


DEFAULT_BUSY_TIMEOUT = 5.0


def busy_timeout() -> float:
    """Seconds a command waits for another's write lock: $RISKREG_BUSY_TIMEOUT, else 5."""
    raw = os.environ.get("RISKREG_BUSY_TIMEOUT", "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_BUSY_TIMEOUT
    except ValueError:
        raise RiskregError(N_("RISKREG_BUSY_TIMEOUT must be a number of seconds, not {raw!r}.", raw=raw)) from None


def is_url(location: str) -> bool:
    return "://" in location


def shown_location(location: str) -> str:
    """A register location fit to print: a URL's password, in it or as a query parameter, becomes ***."""
    if not is_url(location):
        return location
    try:
        url = make_url(location)
    except (ArgumentError, ValueError):
        url = None
    if url is None or "@" in (url.host or ""):  # not read as a URL, or an unescaped @ split the password
        return _QUERY_PASSWORD.sub(r"\1***", re.sub(r"://.*@", "://***@", location))
    hidden = url.update_query_dict({key: "***" for key in url.query if "password" in key.lower()})
    return hidden.render_as_string(hide_password=True).replace("%2A%2A%2A", "***")


class FileConnection(sqlite3.Connection):
    """A SQLite connection that remembers which file it opened.

    `restore` swaps a new file in at the register's path while it holds the
    old file's write lock; a writer that was waiting for that lock must then
    write to the new file, not to the old one (now the kept copy).
    """

    path: Path
    opened: tuple[int, int] | None


def file_identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


def replaced(conn: Connection) -> bool:
    """Whether another file is now at the path this SQLite connection opened."""
    driver = conn.connection.driver_connection
    return isinstance(driver, FileConnection) and file_identity(driver.path) != driver.opened


def sqlite_engine(path: Path, *, create: bool, busy_timeout: float) -> Engine:
    uri = f"file:{quote(str(path))}?mode={'rwc' if create else 'rw'}"

    def connect() -> sqlite3.Connection:
        while True:  # the same file at the path before and after opening: the one this connection holds
            before = file_identity(path)
            conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout, isolation_level=None, check_same_thread=False,
                                   factory=FileConnection)
            conn.path, conn.opened = path, file_identity(path)
            if conn.opened == before:
                break
            conn.close()
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    # hide_parameters: SQL parameters hold unmasked text and must never reach an error message
    engine = create_engine("sqlite://", creator=connect, json_serializer=stored_json, hide_parameters=True)

    @event.listens_for(engine, "begin")
    def _begin(conn):  # the driver is in autocommit mode; we start transactions ourselves
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("riskreg_write") else "BEGIN")

    return engine


def postgresql_engine(url, *, busy_timeout: float, password: str | None = None) -> Engine:
    """`password` goes to the connection only, never into the URL that messages show. Without one, libpq
    finds its own (the URL, PGPASSWORD, ~/.pgpass)."""
    import logging

    # psycopg logs errors it swallows while it cleans up a dropped connection ("error ignored terminating
    # <psycopg.Pipeline …>"); the error itself is raised and told as one sentence, so the log line is noise.
    logging.getLogger("psycopg").addHandler(logging.NullHandler())
    secret = {"password": password} if password is not None else {}
    engine = create_engine(url, connect_args={"connect_timeout": 10, **secret}, json_serializer=stored_json,
                           hide_parameters=True)

    @event.listens_for(engine, "begin")
    def _begin(conn):
        if conn.get_execution_options().get("riskreg_write"):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(busy_timeout * 1000)}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")

    return engine


def read_options(engine: Engine) -> dict:
    return {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}


def is_busy(error: BaseException) -> bool:
    """A lock wait that ran out of time, on either backend."""
    message = str(error)
    return "database is locked" in message or "lock timeout" in message or getattr(error, "sqlstate", None) == "55P03"


def integrity_findings(conn: Connection) -> Iterator[Message]:
    if conn.dialect.name == "sqlite":
        for (message,) in conn.execute(text("PRAGMA integrity_check")):
            if message != "ok":
                yield N_("SQLite integrity check: {message}", message=message)
        for table, rowid, parent, _ in conn.execute(text("PRAGMA foreign_key_check")):
            yield N_("{table} row {rowid} points at a missing {parent} row.", table=table, rowid=rowid, parent=parent)
    elif conn.dialect.name == "postgresql":
        # PostgreSQL enforces foreign keys itself; what can go wrong is a constraint left unvalidated.
        for (name,) in conn.execute(text(
                "SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
                "WHERE n.nspname = current_schema() AND NOT c.convalidated")):
            yield N_("PostgreSQL constraint {name} is not validated.", name=name)
    yield from guard_findings(conn)


def guard_findings(conn: Connection) -> Iterator[Message]:
    """Each append-only guard on history that is missing, disabled or no longer the one riskreg made."""
    states = _sqlite_guard_states(conn) if conn.dialect.name == "sqlite" else _postgresql_guard_states(conn)
    for name, state in states:
        yield N_("the append-only guard {name} on history {state}: history can be changed unseen.", name=name,
                 state=state)


_MISSING, _ALTERED = N_("is missing"), N_("was altered")  # a guard's state, said after its name


def _sqlite_guard_states(conn: Connection) -> Iterator[tuple[str, Message]]:
    found = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'history'")).all())
    for name, sql in SQLITE_GUARD_SQL.items():
        if name not in found:
            yield name, _MISSING
        elif " ".join(found[name].split()) != sql:
            yield name, _ALTERED


def _postgresql_guard_states(conn: Connection) -> Iterator[tuple[str, Message]]:
    found = {row.tgname: row for row in conn.execute(text(
        "SELECT t.tgname, t.tgenabled, t.tgtype, t.tgqual IS NULL AS unconditional, p.prosrc FROM pg_trigger t "
        "JOIN pg_proc p ON p.oid = t.tgfoid WHERE t.tgrelid = 'history'::regclass AND NOT t.tgisinternal"))}
    for name, kind in _PG_GUARD_TYPES.items():
        row = found.get(name)
        if row is None:
            yield name, _MISSING
        elif row.tgenabled == "D":
            yield name, N_("is disabled")
        elif (row.tgtype, row.unconditional, row.prosrc) != (kind, True, _PG_GUARD_BODY):
            yield name, _ALTERED


def insert_stored(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """executemany straight through the driver, for bulk import: SQLAlchemy's processing of every value
    was a quarter of an import's time. Values must already be as both backends take them as parameters:
    text, numbers, None, dates as ISO text, JSON encoded by stored_json."""
    if not rows:
        return
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=list(rows[0]))
    if compiled.positional:  # SQLite's ?: values in the statement's order
        in_order = operator.itemgetter(*compiled.positiontup)
        conn.exec_driver_sql(compiled.string, [in_order(row) for row in rows])
    else:  # psycopg's %(name)s
        conn.exec_driver_sql(compiled.string, rows)


def after_explicit_ids(conn: Connection, table: str) -> None:
    """PostgreSQL's id sequence does not notice rows inserted with explicit ids; move it past them."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                          f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"))
