"""Where the register is: the one precedence every command follows, and which files are the register's.

`--db`, else `RISKREG_DB`, else the config file's `db`, else `register.db` in the
user data directory. A location is a SQLite file path or a PostgreSQL URL.
"""

import os
from collections.abc import Callable
from fnmatch import fnmatch
from pathlib import Path

from riskreg.errors import InvalidInput
from riskreg.messages import N_


def default_location() -> Path:
    from platformdirs import user_data_path

    return user_data_path("riskreg", appauthor=False) / "register.db"


def resolve_location(db: str | None, configured: str | None = None) -> str:
    """The one precedence every command follows: --db, then $RISKREG_DB, then the config file, then the default."""
    return db or os.environ.get("RISKREG_DB") or configured or str(default_location())


def register_files(location: str) -> Callable[[Path], bool]:
    """Whether a path is the register file, its journal, or a backup riskreg keeps beside it."""
    register = Path(location).expanduser()
    folder, name = Path(os.path.realpath(register.parent)), register.name
    patterns = [name, f"{name}-journal", f"{name}-wal", f"{name}-shm", f"{name}.schema-*", f"{name}.before-restore-*"]

    def belongs(path: Path) -> bool:
        resolved = Path(os.path.realpath(path))
        if resolved.parent == folder and any(fnmatch(resolved.name, pattern) for pattern in patterns):
            return True
        return register.exists() and resolved.exists() and os.path.samefile(resolved, register)  # a hard link

    return belongs


def read_password_file(name: str) -> str:
    """The first line of a password file; refused, like libpq refuses ~/.pgpass, if others may read it."""
    path = Path(name).expanduser()
    try:
        with path.open("rb") as handle:
            mode = os.fstat(handle.fileno()).st_mode
            if mode & 0o077:
                raise InvalidInput(N_("The password file {path} can be read by others (mode {mode:o}); make it "
                                      "private: chmod 600 {path}.", path=path, mode=mode & 0o777))
            first = handle.readline(4096).decode("utf-8", errors="replace").rstrip("\r\n")
    except OSError as err:
        raise InvalidInput(N_("Cannot read the password file {path}: {strerror}.", path=path, strerror=err.strerror)) from None
    if not first:
        raise InvalidInput(N_("The password file {path} is empty; its first line is the password.", path=path))
    return first
