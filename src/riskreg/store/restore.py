"""`restore`: replace the register with a checked backup, under the write lock, never leaving the path empty."""

import os
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from riskreg.errors import RiskregError
from riskreg.store import backends, hooks
from riskreg.store.files import copy_database, is_sqlite_file, link_to_free_name, private_file_beside
from riskreg.store.models import SCHEMA_VERSION
from riskreg.store.register import Register, checked_version, file_register, upgrade
from riskreg.messages import N_


def restore(location: str, source: Path, verify: Callable[[Register], list[str]]) -> Path | None:
    """Replace the register with a checked copy of `source`; the old register is kept beside it.

    The candidate is copied next to the register first and opened there (which
    upgrades an older schema), so the source file is never modified. Only then,
    under the write lock, is the register swapped: see _swap_in.
    """
    if backends.is_url(location):
        raise RiskregError(N_("restore works on SQLite registers; for PostgreSQL use pg_dump and pg_restore."))
    source = Path(source).expanduser()
    target = Path(location).expanduser()
    if not source.is_file():
        raise RiskregError(N_("There is no file {source} to restore from.", source=source))
    candidate = file_register(source, create=False)
    try:
        version = checked_version(candidate)
    finally:
        candidate.engine.dispose()
    try:
        staged = private_file_beside(target, ".restoring")
    except OSError as err:
        raise RiskregError(N_("Cannot restore into {parent}: {strerror}.", parent=target.parent,
                              strerror=err.strerror)) from None
    try:
        _stage(source, staged, version, verify)
        return _swap_in(staged, target)
    except OSError as err:
        raise RiskregError(N_("Cannot restore {target}: {strerror}; the register was not replaced.", target=target,
                              strerror=err.strerror)) from None
    finally:
        staged.unlink(missing_ok=True)


def _stage(source: Path, staged: Path, version: int, verify: Callable[[Register], list[str]]) -> None:
    try:
        copy_database(source, staged)
    except sqlite3.Error as err:
        raise RiskregError(N_("Cannot copy {source}: {err}; the register was not replaced.", source=source, err=err)) from None
    opened = file_register(staged, create=False)
    try:
        if version < SCHEMA_VERSION:
            upgrade(opened, keep_backup=False)  # the staged copy is private: nothing to back up
        findings = verify(opened)
    finally:
        opened.engine.dispose()
    if findings:
        raise RiskregError(N_("{source} fails `riskreg check` ({findings}); the register was not replaced.",
                              source=source, findings=findings[0]))


def _swap_in(staged: Path, target: Path) -> Path | None:
    """Put `staged` at the register's path; the old register stays under a new name, which is returned.

    Under the write lock, which waits for writers and rolls back a crashed
    writer's hot journal first: the old file is hard-linked to its kept name,
    then the staged file renamed over the path, so a complete register is there
    at every instant. Writers that waited meanwhile notice the new file
    (Register._writing) and write to it.
    """
    kept_stem = f"{target.name}.before-restore-{datetime.now():%Y%m%d-%H%M%S}"
    if not target.exists():
        try:
            os.link(staged, target)  # never over a register made meanwhile
            return None
        except FileExistsError:
            pass
    if not is_sqlite_file(target):  # e.g. overwritten by other data: no riskreg can be writing it
        kept = link_to_free_name(target, kept_stem)
        os.replace(staged, target)
        return kept
    current = file_register(target, create=False)
    try:
        with current.session(write=True):
            kept = link_to_free_name(target, kept_stem)
            hooks.pause("kept")
            os.replace(staged, target)
    finally:
        current.engine.dispose()
    return kept
