"""Register files on disk: consistent copies, private files, and names that never overwrite.

SQLite only; a PostgreSQL register is copied with pg_dump or `riskreg copy`.
"""

import itertools
import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from riskreg.errors import RiskregError
from riskreg.store import backends
from riskreg.messages import N_

if TYPE_CHECKING:
    from riskreg.store.register import Register


def backup(register: "Register", target: Path) -> Path:
    """A consistent copy through SQLite's online backup API (safe while others write), mode 0600."""
    source_path = register.require_file("backup")
    target = Path(target).expanduser()
    if target.exists():
        raise RiskregError(N_("{target} already exists; choose another name or remove it first.", target=target))
    try:
        partial = private_file_beside(target, ".partial")
    except OSError as err:
        raise RiskregError(N_("Cannot back up to {target}: {strerror}.", target=target, strerror=err.strerror)) from None
    try:
        copy_database(source_path, partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as err:
        partial.unlink(missing_ok=True)
        raise RiskregError(N_("Cannot back up to {target}: {value}.", target=target,
                              value=getattr(err, 'strerror', None) or err)) from None
    return target


def link_to_free_name(source: Path, stem: str, suffix: str = "") -> Path:
    """Hard-link `source` beside itself as stem+suffix, else stem-2+suffix, …: never over an existing file."""
    for n in itertools.count(1):
        name = source.with_name(f"{stem}{'' if n == 1 else f'-{n}'}{suffix}")
        try:
            os.link(source, name)
            return name
        except FileExistsError:
            continue


PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700


def create_private_file(path: Path) -> None:
    """Create `path` empty and readable by its owner only, unless it exists. SQLite takes an empty file as a
    new database, and gives its journal the database file's mode."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass


def make_private_folder(folder: Path) -> None:
    """Create `folder` and each missing parent, mode 0700 (as XDG asks of a data folder); existing ones stay
    as they are."""
    for missing in reversed([p for p in (folder, *folder.parents) if not p.exists()]):
        missing.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)


def exposed_mode(path: Path) -> int | None:
    """The register file's permission bits when its group or others may read or write it, else None."""
    try:
        mode = os.stat(path).st_mode & 0o777
    except OSError:
        return None
    return mode if mode & 0o066 else None


def private_file_beside(path: Path, suffix: str) -> Path:
    """A new empty file of a unique name in `path`'s folder, mode 0600 (hidden: a dot before the name)."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.close(fd)
    return Path(name)


def copy_database(source: Path, target: Path) -> None:
    """Copy through SQLite's online backup API: consistent even while others write."""
    with closing(sqlite3.connect(f"file:{quote(str(source))}?mode=ro", uri=True, timeout=backends.busy_timeout())) as origin:
        with closing(sqlite3.connect(target)) as copy:
            origin.backup(copy)


def is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"
