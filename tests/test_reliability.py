"""Schema upgrades, the append-only chained history, check, backup and restore."""

import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from riskreg.store.models import SCHEMA_VERSION

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.sqlite_only  # register files, their bytes and SQLite triggers


def _sql(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def _version(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("register-schema-*.db")), ids=lambda p: p.stem)
def test_older_register_is_upgraded_after_a_backup(cli, isolated_env, fixture):
    shutil.copy(fixture, isolated_env)
    old_version = _version(isolated_env)
    entries = cli.json("list", "--format", "json")
    assert [e["id"] for e in entries] == [1, 2, 3]
    assert _version(isolated_env) == SCHEMA_VERSION
    saved = isolated_env.with_name(f"{isolated_env.name}.schema-{old_version}.bak")
    assert _version(saved) == old_version and stat.S_IMODE(saved.stat().st_mode) == 0o600
    with sqlite3.connect(saved) as conn:
        assert conn.execute("SELECT count(*) FROM entry").fetchone()[0] == 3
    assert "全部检查通过" in cli("check").stdout
    assert [e["action"] for e in cli.json("show", "1", "--format", "json")["history"]] == [
        "add", "assign", "assign", "close"]
    cli("note", "1", "still paid")  # the upgraded chain continues
    assert "全部检查通过" in cli("check").stdout


def test_newer_register_is_refused_untouched(cli, register):
    _sql(register, f"UPDATE meta SET value = '{SCHEMA_VERSION + 1}' WHERE key = 'schema_version'")
    before = register.read_bytes()
    assert "newer riskreg" in cli("list", code=1).stderr
    assert "newer riskreg" in cli("add", "S01", "--title", "t", "--unit", "u", code=1).stderr
    assert register.read_bytes() == before


def test_a_file_that_is_not_a_register_is_refused(cli, isolated_env):
    isolated_env.write_text("not a database at all, just words" * 100)
    assert "not a readable riskreg register" in cli("list", code=1).stderr


def test_init_leaves_another_programs_database_alone(cli, tmp_path):
    other = tmp_path / "other.db"
    _sql(other, "CREATE TABLE customers (name TEXT)")
    before = other.read_bytes()
    stderr = cli("--db", other, "init", code=1).stderr
    assert "already holds tables that are not a riskreg register's (customers)" in stderr
    assert other.read_bytes() == before


def test_a_folder_given_as_the_register_is_a_sentence(cli, tmp_path):
    for command in (["init"], ["list"], ["report", "--format", "json"]):
        assert f"{tmp_path} is a folder" in cli("--db", tmp_path, *command, code=1).stderr


@pytest.mark.parametrize("statement", ["UPDATE history SET text = 'rewritten'", "DELETE FROM history"])
def test_history_is_append_only_in_the_database(cli, register, statement):
    cli.add()
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        _sql(register, statement)


def test_history_stores_chinese_as_utf8_not_escapes(cli, register):
    cli.add("S03", "某工地拖欠工资", "东村")
    with sqlite3.connect(register) as conn:
        (changes,) = conn.execute("SELECT changes FROM history").fetchone()
    assert '"title":{"old":null,"new":"某工地拖欠工资"}' in changes and "\\u" not in changes
    assert "全部检查通过" in cli("check").stdout  # the hash chain is over values, not their spelling


def test_check_passes_on_a_worked_register(cli, register):
    entry = cli.add()
    cli("assign", entry, "--leader", "王明", "--plan", "p", "--task-force", "t", "--due", "2026-07-10")
    cli("close", entry, "--verified-by", "李华", "--resolution", "done")
    cli("reopen", entry, "--reason", "again")
    assert "全部检查通过" in cli("check").stdout


def test_check_finds_a_state_that_history_does_not_explain(cli, register):
    entry = cli.add()
    _sql(register, f"UPDATE entry SET leader = '冒名' WHERE id = {entry}")
    result = cli("check", code=1)
    assert f"entry {entry}: leader is '冒名' but its history says None" in result.stdout


def test_check_names_the_first_broken_history_record(cli, register):
    for _ in range(3):
        cli.add()
    _sql(register, "DROP TRIGGER history_no_update", "UPDATE history SET actor = 'someone else' WHERE id = 2")
    assert "history record 2 does not match the hash chain" in cli("check", code=1).stdout


def test_check_finds_closed_entries_without_verification(cli, register):
    entry = cli.add()
    _sql(register, f"UPDATE entry SET status = 'closed' WHERE id = {entry}")
    assert f"entry {entry} is closed without a verifier" in cli("check", code=1).stdout


def test_backup_is_private_and_restores(cli, register, tmp_path):
    first = cli.add(title="备份之前")
    copy = tmp_path / "backups" / "monday.db"
    copy.parent.mkdir()
    cli("backup", copy)
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    cli.add(title="备份之后")
    result = cli("restore", copy)
    assert "原台账保留为" in result.stdout
    assert [e["title"] for e in cli.json("list", "--format", "json")] == ["备份之前"]
    kept = next(tmp_path.glob("register.db.before-restore-*"))
    assert sqlite3.connect(kept).execute("SELECT count(*) FROM entry").fetchone()[0] == 2
    assert first == 1


def test_backup_refuses_to_overwrite(cli, register, tmp_path):
    target = tmp_path / "exists.db"
    target.write_text("keep me")
    assert "already exists" in cli("backup", target, code=1).stderr
    assert target.read_text() == "keep me"


def test_restore_refuses_a_file_that_fails_check(cli, register, tmp_path, snapshot):
    cli.add()
    bad = tmp_path / "bad.db"
    cli("backup", bad)
    _sql(bad, "UPDATE entry SET title = 'forged'")
    before = snapshot()
    assert "fails `riskreg check`" in cli("restore", bad, code=1).stderr
    assert snapshot() == before and not list(tmp_path.glob(".register.db.restoring*"))


def test_restore_refuses_what_is_not_a_register(cli, register, tmp_path, snapshot):
    other = tmp_path / "other.db"
    _sql(other, "CREATE TABLE t (x)")
    before = snapshot()
    assert "not a riskreg register" in cli("restore", other, code=1).stderr
    assert "no file" in cli("restore", tmp_path / "missing.db", code=1).stderr
    assert snapshot() == before


def test_undo_walks_back_through_changes_without_erasing(cli, register):
    entry = cli.add()
    cli("assign", entry, "--leader", "王明", "--due", "2026-07-10")
    cli("close", entry, "--verified-by", "李华", "--resolution", "done")
    assert cli("--lang", "en", "undo").stdout == f"Entry {entry}: undid closing.\n"
    shown = cli.json("show", entry, "--format", "json")
    assert (shown["status"], shown["verified_by"], shown["closed_on"]) == ("open", None, None)
    assert cli("--lang", "en", "undo").stdout == f"Entry {entry}: undid assignment.\n"
    shown = cli.json("show", entry, "--format", "json")
    assert (shown["leader"], shown["due"], shown["original_due"]) == (None, None, None)
    assert [e["action"] for e in shown["history"]] == ["add", "assign", "close", "undo", "undo"]
    assert shown["history"][-1]["text"] == "undoes assign of 2026-07-01"
    assert "全部检查通过" in cli("check").stdout


def test_undo_never_removes_an_entry(cli, register, snapshot):
    before = snapshot()
    assert "nothing to undo" in cli("undo", code=1).stderr
    assert snapshot() == before
    entry = cli.add()
    cli("undo")  # voids it (tests/test_void.py): the entry and its number stay
    assert cli.json("show", entry, "--format", "json")["status"] == "voided"


# --- restore and upgrade at the edges ----------------------------------------------------------------

def _titles(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [title for (title,) in conn.execute("SELECT title FROM entry ORDER BY id")]


def _leave_a_hot_journal(db: Path) -> None:
    """A writer killed mid-transaction: changed pages in the file, the originals in a hot -journal beside it."""
    crash = ("import os, sqlite3, sys\n"
             "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
             "conn.execute('PRAGMA cache_size = 2')\n"  # spill changed pages into the file before commit
             "conn.execute('BEGIN IMMEDIATE')\n"
             "conn.execute(\"UPDATE entry SET title = 'half-written'\")\n"
             "conn.execute('CREATE TABLE filler AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
             "LIMIT 20000) SELECT i, randomblob(200) AS b FROM n')\n"
             "os.kill(os.getpid(), 9)\n")
    subprocess.run([sys.executable, "-c", crash, str(db)], check=False)
    assert Path(f"{db}-journal").stat().st_size > 0


def test_restore_first_rolls_back_a_crashed_writers_journal(cli, register, tmp_path):
    cli.add(title="in the backup")
    saved = tmp_path / "saved.db"
    cli("backup", saved)
    cli.add(title="after the backup")
    _leave_a_hot_journal(register)
    cli("restore", saved)
    assert not Path(f"{register}-journal").exists()
    assert [e["title"] for e in cli.json("list", "--format", "json")] == ["in the backup"]
    assert "全部检查通过" in cli("check").stdout
    kept = next(tmp_path.glob("register.db.before-restore-*"))
    assert _titles(kept) == ["in the backup", "after the backup"]  # the crashed write rolled back, nothing else lost
    assert "全部检查通过" in cli("--db", kept, "check").stdout


def test_two_restores_in_one_second_keep_every_copy(cli, register, tmp_path):
    cli.add(title="original")
    saved = tmp_path / "saved.db"
    cli("backup", saved)
    for _ in range(2):
        cli("restore", saved)
    kept = sorted(tmp_path.glob("register.db.before-restore-*"))
    assert len(kept) == 2 and all(_titles(k) == ["original"] for k in kept)
    assert not list(tmp_path.glob(".register.db.*"))


def test_restore_uses_the_register_the_config_file_names(cli, tmp_path, monkeypatch):
    configured = tmp_path / "configured.db"
    monkeypatch.delenv("RISKREG_DB")
    cli("config", "set", "db", configured)
    cli("init")
    cli.add(title="configured")
    saved = tmp_path / "saved.db"
    cli("backup", saved)
    cli.add(title="later")
    cli("restore", saved)
    assert _titles(configured) == ["configured"]
    assert not (tmp_path / "xdg-data").exists()  # the default data folder was never touched


def test_a_shell_that_restored_works_on_the_restored_register(cli, register, tmp_path):
    cli.add(title="kept")
    saved = tmp_path / "saved.db"
    cli("backup", saved)
    cli.add(title="dropped")
    lines = f"list --format json\nrestore {saved}\nlist --format json\nadd S03 --title again --unit u\n"
    before, after = cli("--lang", "en", "shell", stdin=lines).stdout.split("Restored from")
    assert '"dropped"' in before and '"kept"' in after and '"dropped"' not in after
    assert _titles(register) == ["kept", "again"]


def test_restoring_an_old_schema_backup_leaves_no_stray_files(cli, register, tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(FIXTURES / "register-schema-1.db", old)
    before = old.read_bytes()
    cli("restore", old)
    assert _version(register) == SCHEMA_VERSION and old.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "xdg-data" and p != old) == sorted(
        ["register.db", next(tmp_path.glob("register.db.before-restore-*")).name])


def test_a_leftover_upgrade_backup_is_kept_aside_and_never_blocks(cli, isolated_env, tmp_path):
    shutil.copy(FIXTURES / "register-schema-1.db", isolated_env)
    leftover = tmp_path / "register.db.schema-1.bak"
    leftover.write_bytes(b"left by an upgrade that was killed")
    assert [e["id"] for e in cli.json("list", "--format", "json")] == [1, 2, 3]
    assert _version(isolated_env) == SCHEMA_VERSION and _version(leftover) == 1
    (aside,) = tmp_path.glob("register.db.schema-1-*.bak")
    assert aside.read_bytes() == b"left by an upgrade that was killed"


def test_a_schema_version_that_is_not_a_number_is_a_sentence(cli, register, snapshot):
    _sql(register, "UPDATE meta SET value = 'abc' WHERE key = 'schema_version'")
    before = snapshot()
    assert "schema version 'abc'" in cli("list", code=1).stderr
    assert snapshot() == before
