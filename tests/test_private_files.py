"""The register file holds every entry unmasked: riskreg makes it (and its folders, its journals) private,
and `check` warns about one that others may read (issue 13, item 5)."""

import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_only


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_makes_the_register_file_private_and_leaves_an_existing_folder_alone(cli, isolated_env, tmp_path):
    folder_mode = _mode(tmp_path)
    cli("init")
    assert _mode(isolated_env) == 0o600
    assert _mode(tmp_path) == folder_mode


def test_folders_riskreg_makes_for_the_default_register_are_private(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("RISKREG_DB")
    cli("init")  # the default location: $XDG_DATA_HOME/riskreg/register.db, neither folder there yet
    data = tmp_path / "xdg-data"
    assert (_mode(data), _mode(data / "riskreg"), _mode(data / "riskreg" / "register.db")) == (0o700, 0o700, 0o600)


def test_folders_made_for_a_db_path_are_private(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("RISKREG_DB", str(tmp_path / "town" / "ledger" / "register.db"))
    cli("init")
    assert [_mode(p) for p in (tmp_path / "town", tmp_path / "town" / "ledger")] == [0o700, 0o700]
    assert _mode(tmp_path / "town" / "ledger" / "register.db") == 0o600


def test_a_register_copied_to_a_new_file_is_private(cli, register, tmp_path):
    cli("copy", "--to", tmp_path / "copy.db")
    assert _mode(tmp_path / "copy.db") == 0o600


@pytest.mark.parametrize("journal_mode, side_files", [("DELETE", ["-journal"]), ("WAL", ["-wal", "-shm"])])
def test_sqlite_gives_its_side_files_the_register_files_mode(cli, register, journal_mode, side_files):
    # riskreg relies on this: SQLite creates a journal (and WAL files) with the database file's permissions.
    with closing(sqlite3.connect(register, isolation_level=None)) as conn:
        conn.execute(f"PRAGMA journal_mode = {journal_mode}")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO meta (key, value) VALUES ('probe', 'x')")  # the journal exists until the end
        modes = {suffix: _mode(Path(f"{register}{suffix}")) for suffix in side_files}
        conn.execute("ROLLBACK")
    assert modes == {suffix: 0o600 for suffix in side_files}


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_check_warns_when_others_may_read_or_change_the_register(cli, register, mode):
    register.chmod(mode)
    result = cli("--lang", "en", "check")  # a warning only: exit code 0, every check still passes
    assert result.stderr == (f"Warning: {register} is mode {mode:o}: others than its owner may read or change it, "
                             f"and it holds every entry unmasked. Make it private: chmod 600 {register}.\n")
    assert "every check passed" in result.stdout
    assert _mode(register) == mode  # an existing register's mode is its owner's to change


def test_check_says_nothing_of_a_private_register(cli, register):
    register.chmod(0o600)
    assert cli("check").stderr == ""
    register.chmod(0o700)  # execute bits let no one read it
    assert cli("check").stderr == ""
