"""The one place that finds the register, builds the engine and opens transactions.

Where: `--db`, else `RISKREG_DB`, else `register.db` in the user data directory.
A location is a SQLite file path or a PostgreSQL URL (postgresql+psycopg://…);
what differs between the two is in riskreg.backends.
"""

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, InterfaceError, OperationalError
from sqlmodel import Session, SQLModel

from riskreg import backends
from riskreg.config import read_password_file
from riskreg.errors import RegisterBusy, RegisterMissing, RiskregError
from riskreg.models import SCHEMA_VERSION, Meta

DEFAULT_BUSY_TIMEOUT = 5.0


def default_location() -> Path:
    from platformdirs import user_data_path

    return user_data_path("riskreg", appauthor=False) / "register.db"


def resolve_location(db: str | None) -> str:
    return db or os.environ.get("RISKREG_DB") or str(default_location())


def busy_timeout() -> float:
    raw = os.environ.get("RISKREG_BUSY_TIMEOUT", "")
    try:
        return max(0.0, float(raw)) if raw else DEFAULT_BUSY_TIMEOUT
    except ValueError:
        raise RiskregError(f"RISKREG_BUSY_TIMEOUT must be a number of seconds, not {raw!r}.") from None


@dataclass
class Register:
    location: str
    engine: Engine

    @contextmanager
    def session(self, *, write: bool = False, commit: bool = True) -> Iterator[Session]:
        """One unit of work in one transaction; nothing is written if it raises.

        `commit=False` runs a write and rolls it back (dry runs). A write records the history chain's new
        head in `meta` just before it commits (riskreg.chain), whoever wrote the history.
        """
        options = {"riskreg_write": True} if write else backends.read_options(self.engine)
        try:
            with Session(self.engine.execution_options(**options)) as session:
                yield session
                if write and commit:
                    from riskreg.chain import record_head

                    session.flush()
                    record_head(session.connection())
                    session.commit()
                else:
                    session.rollback()
        except OperationalError as err:
            if backends.is_busy(err.orig):
                raise RegisterBusy(
                    f"The register {self.location} is busy (another riskreg is writing); try again in a moment."
                ) from None
            if self.server or "unable to open" in str(err.orig):
                reason = str(err.orig).strip().splitlines()[0] if str(err.orig).strip() else "no answer"
                raise RiskregError(f"Cannot use the register {self.location}: {reason}.") from None
            raise
        except (DatabaseError, InterfaceError) as err:
            if self.server:
                raise
            raise RiskregError(f"{self.location} is not a readable riskreg register: {err.orig}.") from None

    @property
    def server(self) -> bool:
        return self.engine.dialect.name != "sqlite"

    def require_file(self, what: str) -> Path:
        if self.server:
            raise RiskregError(f"{what} works on SQLite registers; for PostgreSQL use pg_dump and pg_restore.")
        return Path(self.location)


def open_register(db: str | None, *, create: bool = False, password_file: str | None = None) -> Register:
    """Open an existing register (or, with create=True, a new or existing file).

    `password_file` (the config key) holds the password of a PostgreSQL URL that carries none.
    """
    location = resolve_location(db)
    if backends.is_url(location):
        register = _server_register(location, password_file)
    else:
        register = _file_register(Path(location).expanduser(), create=create)
    if not create:
        version = checked_version(register)
        if version < SCHEMA_VERSION:
            upgrade(register, version)
    return register


def _server_register(location: str, password_file: str | None) -> Register:
    shown = backends.shown_location(location)  # every message shows this, never the password
    try:
        url = make_url(location)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise RiskregError(f"{shown!r} is neither a file path nor a database URL.") from None
    if "@" in (url.host or ""):
        raise RiskregError(f"The database URL {shown} has an @ in its user name or password; write it as %40.")
    if url.get_backend_name() != "postgresql":
        raise RiskregError(f"riskreg keeps registers in SQLite files or PostgreSQL (postgresql+psycopg://…), "
                           f"not {url.get_backend_name()}.")
    in_url = url.password is not None or "password" in url.query
    password = read_password_file(password_file) if password_file and not in_url else None
    try:
        engine = backends.postgresql_engine(url, busy_timeout=busy_timeout(), password=password)
    except ImportError:
        raise RiskregError("PostgreSQL support needs psycopg: pip install 'riskreg[postgresql]'.") from None
    return Register(shown, engine)


def _file_register(path: Path, *, create: bool) -> Register:
    if path.is_dir():
        raise RiskregError(f"{path} is a folder; --db / RISKREG_DB takes a register file or a PostgreSQL URL.")
    if not create and not path.exists():
        raise RegisterMissing(f"No register at {path}; create one with `riskreg init` (or point --db / RISKREG_DB at one).")
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise RiskregError(f"Cannot create the folder for the register {path}: {err.strerror}.") from None
    return Register(str(path), backends.sqlite_engine(path, create=create, busy_timeout=busy_timeout()))


def schema_version(register: Register) -> int | None:
    with register.session() as session:
        if not inspect(session.connection()).has_table("meta"):
            return None
        value = session.exec(select(Meta.value).where(Meta.key == "schema_version")).scalar_one_or_none()
    return int(value) if value is not None else None


def checked_version(register: Register) -> int:
    """The register's schema version; refuses files that are not registers or are too new (touching nothing)."""
    version = schema_version(register)
    if version is None:
        raise RegisterMissing(f"{register.location} is not a riskreg register; create one with `riskreg init`.")
    if version > SCHEMA_VERSION:
        raise RiskregError(
            f"The register {register.location} was made by a newer riskreg (schema {version}); upgrade riskreg to use it."
        )
    return version


def upgrade(register: Register, version: int) -> Path | None:
    """Back a register file up beside itself, then apply every step to the newest schema in one transaction.

    (A PostgreSQL register relies on the transaction alone: take a pg_dump before upgrading riskreg.)
    """
    from riskreg.migrations import steps_from

    saved = None if register.server else backup(register, Path(f"{register.location}.schema-{version}.bak"))
    with register.session(write=True) as session:
        current = int(session.get(Meta, "schema_version").value)
        if current != version:  # another process upgraded it meanwhile
            return saved
        conn = session.connection()
        for target, step in steps_from(version):
            step(conn)
            session.get(Meta, "schema_version").value = str(target)
        session.flush()
    return saved


def backup(register: Register, target: Path) -> Path:
    """A consistent copy through SQLite's online backup API (safe while others write), mode 0600."""
    source_path = register.require_file("backup")
    target = Path(target).expanduser()
    if target.exists():
        raise RiskregError(f"{target} already exists; choose another name or remove it first.")
    partial = target.with_name(f".{target.name}.partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        source = sqlite3.connect(f"file:{quote(str(source_path))}?mode=ro", uri=True, timeout=busy_timeout())
        try:
            with closing(sqlite3.connect(partial)) as copy:
                source.backup(copy)
        finally:
            source.close()
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as err:
        partial.unlink(missing_ok=True)
        raise RiskregError(f"Cannot back up to {target}: {getattr(err, 'strerror', None) or err}.") from None
    return target


def create_schema(register: Register) -> bool:
    """Create the tables of a new register; False if it already is one."""
    if schema_version(register) is not None:
        return False
    with register.session(write=True) as session:
        foreign = inspect(session.connection()).get_table_names()
        if foreign:
            raise RiskregError(f"{register.location} already holds tables that are not a riskreg register's "
                               f"({', '.join(sorted(foreign)[:5])}); init makes a register only in a new file or an "
                               "empty database.")
        SQLModel.metadata.create_all(session.connection())
        session.add(Meta(key="schema_version", value=str(SCHEMA_VERSION)))
    return True


def restore(register_location: str, source: Path, verify: Callable[[Register], list[str]]) -> Path | None:
    """Replace the register with a checked copy of `source`; the old register is kept beside it.

    The candidate is copied next to the register first and opened there (which
    upgrades an older schema), so the source file is never modified and the
    register is replaced by one rename only after `verify` found nothing.
    """
    if backends.is_url(register_location):
        raise RiskregError("restore works on SQLite registers; for PostgreSQL use pg_dump and pg_restore.")
    source = Path(source).expanduser()
    target = Path(register_location).expanduser()
    if not source.is_file():
        raise RiskregError(f"There is no file {source} to restore from.")
    candidate = _file_register(source, create=False)
    try:
        checked_version(candidate)
    finally:
        candidate.engine.dispose()
    staged = target.with_name(f".{target.name}.restoring")
    staged.unlink(missing_ok=True)
    backup(candidate, staged)
    try:
        opened = open_register(str(staged))
        try:
            findings = verify(opened)
        finally:
            opened.engine.dispose()
        if findings:
            raise RiskregError(f"{source} fails `riskreg check` ({findings[0]}); the register was not replaced.")
        kept = None
        if target.exists():
            kept = target.with_name(f"{target.name}.before-restore-{datetime.now():%Y%m%d-%H%M%S}")
            os.replace(target, kept)
        os.replace(staged, target)
        return kept
    finally:
        staged.unlink(missing_ok=True)
