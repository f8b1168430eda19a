"""Opening the register: the engine, transactions, the schema version and its upgrade.

Where the register is comes from riskreg.store.location; what differs between
SQLite and PostgreSQL is in riskreg.store.backends.

Every write, the schema upgrade and `restore` take the same write lock, so they
queue behind each other: an upgrade happens once, and a restore swaps files only
while no one writes.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, InterfaceError, OperationalError
from sqlmodel import Session, SQLModel

from riskreg.errors import RegisterBusy, RegisterMissing, RiskregError
from riskreg.store import backends, hooks
from riskreg.store.files import backup, create_private_file, link_to_free_name, make_private_folder
from riskreg.store.location import read_password_file, resolve_location
from riskreg.store.models import SCHEMA_VERSION, Meta
from riskreg.messages import N_


@dataclass
class Register:
    location: str
    engine: Engine

    @contextmanager
    def session(self, *, write: bool = False, commit: bool = True) -> Iterator[Session]:
        """One unit of work in one transaction; nothing is written if it raises.

        `commit=False` runs a write and rolls it back (dry runs). A write records the history chain's new
        head in `meta` just before it commits (riskreg.store.chain), whoever wrote the history.
        """
        try:
            with self._writing() if write else Session(self.engine.execution_options(
                    **backends.read_options(self.engine))) as session:
                yield session
                if write and commit:
                    from riskreg.store.chain import record_head

                    session.flush()
                    record_head(session.connection())
                    session.commit()
                else:
                    session.rollback()
        except OperationalError as err:
            raise self._unusable(err.orig) from None
        except (DatabaseError, InterfaceError) as err:
            if self.server:
                raise
            raise RiskregError(N_("{location} is not a readable riskreg register: {orig}.", location=self.location,
                                  orig=err.orig)) from None

    def _writing(self) -> Session:
        """A session that holds the write lock, on the file that is at the register's path now."""
        while True:
            session = Session(self.engine.execution_options(riskreg_write=True))
            try:
                connection = session.connection()  # begins the transaction: waits for the write lock
                current = self.server or not backends.replaced(connection)
            except BaseException:
                session.close()
                raise
            if current:
                hooks.pause("locked")
                return session
            # `restore` swapped a new file in while this one waited for the lock: write to the new one
            session.close()
            self.engine.dispose()

    def _unusable(self, error: BaseException) -> RiskregError:
        """One sentence for an operational failure: busy, full, read-only, gone."""
        if backends.is_busy(error):
            return RegisterBusy(N_("The register {location} is busy (another riskreg is writing); try again in a "
                                   "moment.", location=self.location))
        name = getattr(error, "sqlite_errorname", "")
        if name.startswith("SQLITE_FULL"):
            return RiskregError(N_("The disk holding the register {location} is full; nothing was written.",
                                   location=self.location))
        if name.startswith("SQLITE_READONLY") or (  # a write in a folder where its journal cannot be made
                name.startswith("SQLITE_CANTOPEN") and not os.access(Path(self.location).parent, os.W_OK)):
            return RiskregError(N_("The register {location} is read-only (the file, its folder or its disk); "
                                   "nothing was written.", location=self.location))
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "no answer"
        return RiskregError(N_("Cannot use the register {location}: {reason}.", location=self.location,
                               reason=reason))

    @property
    def server(self) -> bool:
        return self.engine.dialect.name != "sqlite"

    def require_file(self, what: str) -> Path:
        if self.server:
            raise RiskregError(N_("{what} works on SQLite registers; for PostgreSQL use pg_dump and pg_restore.",
                                  what=what))
        return Path(self.location)


def open_register(db: str | None, *, create: bool = False, password_file: str | None = None) -> Register:
    """Open an existing register (or, with create=True, a new or existing file).

    `password_file` (the config key) holds the password of a PostgreSQL URL that carries none.
    """
    location = resolve_location(db)
    if backends.is_url(location):
        register = _server_register(location, password_file)
    else:
        register = file_register(Path(location).expanduser(), create=create)
    if not create and checked_version(register) < SCHEMA_VERSION:
        upgrade(register)
    return register


def _server_register(location: str, password_file: str | None) -> Register:
    shown = backends.shown_location(location)  # every message shows this, never the password
    try:
        url = make_url(location)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise RiskregError(N_("{shown!r} is neither a file path nor a database URL.", shown=shown)) from None
    if "@" in (url.host or ""):
        raise RiskregError(N_("The database URL {shown} has an @ in its user name or password; write it as %40.",
                              shown=shown))
    if url.get_backend_name() != "postgresql":
        raise RiskregError(N_("riskreg keeps registers in SQLite files or PostgreSQL (postgresql+psycopg://…), "
                              "not {url}.", url=url.get_backend_name()))
    if url.drivername == "postgresql":  # no driver named: the one riskreg uses
        url = url.set(drivername="postgresql+psycopg")
    if url.get_driver_name() != "psycopg":
        raise RiskregError(N_("riskreg reaches PostgreSQL through the psycopg (version 3) driver, not {url}: "
                              "write the URL as postgresql+psycopg://….", url=url.get_driver_name()))
    in_url = url.password is not None or "password" in url.query
    password = read_password_file(password_file) if password_file and not in_url else None
    try:
        engine = backends.postgresql_engine(url, busy_timeout=backends.busy_timeout(), password=password)
    except ImportError:
        raise RiskregError(N_("PostgreSQL support needs psycopg: pip install 'riskreg[postgresql]'.")) from None
    return Register(shown, engine)


def file_register(path: Path, *, create: bool) -> Register:
    if path.is_dir():
        raise RiskregError(N_("{path} is a folder; --db / RISKREG_DB takes a register file or a PostgreSQL URL.",
                              path=path))
    if path.exists() and not path.is_file():  # a FIFO or a device would hang or garble SQLite
        raise RiskregError(N_("{path} is not a regular file; --db / RISKREG_DB takes a register file or a "
                              "PostgreSQL URL.", path=path))
    if not create and not path.exists():
        raise RegisterMissing(N_("No register at {path}; create one with `riskreg init` (or point --db / "
                                 "RISKREG_DB at one).", path=path))
    if create:
        try:
            make_private_folder(path.parent)
        except OSError as err:
            raise RiskregError(N_("Cannot create the folder for the register {path}: {strerror}.", path=path,
                                  strerror=err.strerror)) from None
        try:
            create_private_file(path)  # before SQLite makes it 0644: the file holds every entry unmasked
        except OSError as err:
            raise RiskregError(N_("Cannot create the register {path}: {strerror}.", path=path, strerror=err.strerror)) from None
    return Register(str(path), backends.sqlite_engine(path, create=create, busy_timeout=backends.busy_timeout()))


def schema_version(register: Register) -> int | None:
    with register.session() as session:
        if not inspect(session.connection()).has_table("meta"):
            return None
        value = session.exec(select(Meta.value).where(Meta.key == "schema_version")).scalar_one_or_none()
    return _version_number(register, value) if value is not None else None


def _version_number(register: Register, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise RiskregError(N_("The register {location} records schema version {value!r}, which is not a number; "
                              "it is damaged (restore a backup).", location=register.location, value=value)) from None


def checked_version(register: Register) -> int:
    """The register's schema version; refuses files that are not registers or are too new (touching nothing)."""
    version = schema_version(register)
    if version is None:
        raise RegisterMissing(N_("{location} is not a riskreg register; create one with `riskreg init`.",
                                 location=register.location))
    if version > SCHEMA_VERSION:
        raise RiskregError(
            N_("The register {location} was made by a newer riskreg (schema {version}); upgrade riskreg to use "
               "it.", location=register.location, version=version)
        )
    return version


def create_schema(register: Register) -> bool:
    """Create the tables of a new register; False if it already is one."""
    if schema_version(register) is not None:
        return False
    with register.session(write=True) as session:
        foreign = inspect(session.connection()).get_table_names()
        if foreign:
            raise RiskregError(N_("{location} already holds tables that are not a riskreg register's "
                                  "({foreign}); init makes a register only in a new file or an empty database.",
                                  location=register.location, foreign=', '.join(sorted(foreign)[:5])))
        SQLModel.metadata.create_all(session.connection())
        session.add(Meta(key="schema_version", value=str(SCHEMA_VERSION)))
    return True


def upgrade(register: Register, *, keep_backup: bool = True) -> Path | None:
    """Under the write lock, back a register file up beside itself, then apply every step to the newest
    schema in one transaction. Processes that wait for the lock find it done and leave it.

    (A PostgreSQL register relies on the transaction alone: take a pg_dump before upgrading riskreg.)
    """
    from riskreg.store.migrations import steps_from

    with register.session(write=True) as session:
        version = _version_number(register, session.get(Meta, "schema_version").value)
        if version >= SCHEMA_VERSION:  # another process upgraded it while this one waited
            return None
        saved = _backup_before_upgrade(register, version) if keep_backup and not register.server else None
        conn = session.connection()
        for target, step in steps_from(version):
            step(conn)
            session.get(Meta, "schema_version").value = str(target)
            session.flush()
            hooks.pause("migrated")
    return saved


def _backup_before_upgrade(register: Register, version: int) -> Path:
    saved = Path(f"{register.location}.schema-{version}.bak")
    if saved.exists():  # left by an upgrade that was killed (or made before a restore of an older file)
        made = datetime.fromtimestamp(saved.stat().st_mtime)
        link_to_free_name(saved, f"{saved.name.removesuffix('.bak')}-{made:%Y%m%d-%H%M%S}", ".bak")
        saved.unlink()
    return backup(register, saved)
