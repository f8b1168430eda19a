"""Several processes at once, and processes killed mid-command: nothing lost, nothing half-written."""

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import spawn_workers, start_held, wait_for, worker_results

from riskreg.store.models import SCHEMA_VERSION

pytestmark = pytest.mark.sqlite_only  # processes on one register file; PostgreSQL has test_postgresql.py
FIXTURES = Path(__file__).parent / "fixtures"


def _env(register: Path) -> dict:
    return {**os.environ, "RISKREG_DB": str(register), "RISKREG_BUSY_TIMEOUT": "30"}


def _count(register: Path, table: str) -> int:
    with sqlite3.connect(register) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _concurrent_adds(cli, register: Path, writers: int, per_writer: int) -> None:
    add = lambda w, i: ["add", "P03", "--title", f"纠纷 {w}-{i}", "--unit", f"村{w}"]  # noqa: E731
    adders = spawn_workers(_env(register), [[add(w, i) for i in range(per_writer)] for w in range(writers)])
    reports = []
    reporter_env = _env(register)
    while any(p.poll() is None for p in adders):
        reports += worker_results(spawn_workers(reporter_env, [[["report", "--format", "json", "--since", "2000-01-01"]] * 5])[0])
    added = [r for p in adders for r in worker_results(p)]
    assert [code for code, _, _ in added] == [0] * writers * per_writer, [e for c, _, e in added if c][:3]
    ids = [int(out) for _, out, _ in added]
    assert len(set(ids)) == writers * per_writer
    assert _count(register, "entry") == writers * per_writer
    assert reports, "the reporter never ran"
    for code, out, err in reports:
        assert code == 0, err
        report = json.loads(out)
        # one snapshot: the entries counted and their creation events agree, whatever was being written
        assert report["totals"]["all"] == report["since"]["added"] == sum(r["open"] for r in report["by_unit"])
    assert "全部检查通过" in cli("check").stdout


def test_concurrent_writers_and_a_reader_lose_nothing(cli, register):
    _concurrent_adds(cli, register, writers=4, per_writer=40)


@pytest.mark.slow
def test_four_writers_times_250_adds_with_a_reporter(cli, register):
    _concurrent_adds(cli, register, writers=4, per_writer=250)


def test_two_processes_closing_one_entry_exactly_one_wins(cli, register):
    entries = [cli.add(title=f"race {i}") for i in range(8)]
    close = lambda e: ["close", str(e), "--verified-by", "李华", "--resolution", "done"]  # noqa: E731
    first, second = spawn_workers(_env(register), [[close(e) for e in entries]] * 2)
    outcomes = list(zip(worker_results(first), worker_results(second)))
    for entry, (a, b) in zip(entries, outcomes):
        assert sorted([a[0], b[0]]) == [0, 1], (entry, a, b)
        loser = a if a[0] else b
        assert loser[2] == f"错误：条目 {entry} 的状态是已销号；`close` 只适用于待化解或管控中的条目。\n"
    assert all(e["status"] == "closed" for e in cli.json("list", "--format", "json"))
    assert _count(register, "history") == 16


def test_a_busy_register_fails_with_a_sentence(cli, register, monkeypatch):
    monkeypatch.setenv("RISKREG_BUSY_TIMEOUT", "0.2")
    holder = sqlite3.connect(register, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        error = cli("add", "S01", "--title", "t", "--unit", "u", code=1).stderr
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "busy" in error


# --- crash safety -------------------------------------------------------------------------------

def _state(register: Path) -> tuple:
    """What a command may change, minus wall-clock stamps: entries, catalogue, history content."""
    with sqlite3.connect(register) as conn:
        return tuple(conn.execute(query).fetchall() for query in (
            "SELECT * FROM entry ORDER BY id",
            "SELECT code, retired, zh FROM risk ORDER BY code",
            "SELECT code, retired, zh FROM department ORDER BY code",
            "SELECT entry_id, action, changes, text FROM history ORDER BY id",
        ))


def _kill_at_many_points(cli, register: Path, argv: list[str], points: int) -> dict[str, int]:
    """Run argv on copies of the register, SIGKILL each at a different moment, and classify the result."""
    pristine = register.read_bytes()
    before = _state(register)
    finished = subprocess.run([sys.executable, "-m", "riskreg", *argv], env=_env(register), capture_output=True,
                              text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    after = _state(register)
    assert after != before
    rng = random.Random(20261127)
    outcomes = {"before": 0, "after": 0}
    for point in range(points):
        register.write_bytes(pristine)
        for leftover in register.parent.glob(f"{register.name}-journal"):
            leftover.unlink()
        process = subprocess.Popen([sys.executable, "-m", "riskreg", *argv], env=_env(register),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.25 + rng.random() * 1.75)
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = _state(register)  # a hot journal left by the kill is rolled back here, as by any reader
        assert state in (before, after), f"kill {point} left a half-applied register"
        outcomes["before" if state == before else "after"] += 1
        assert "全部检查通过" in cli("check").stdout
    return outcomes


@pytest.fixture
def big_export(cli, register, tmp_path) -> Path:
    path = tmp_path / "big.jsonl"
    lines = []
    for i in range(1, 4001):
        event = {"at": "2026-06-01T00:00:00.000000Z", "on": "2026-06-01", "actor": "gen", "action": "add", "text": None,
                 "changes": {k: {"old": None, "new": v} for k, v in
                             {"risk": "S03", "unit": "东村", "title": f"欠薪 {i}", "level": "general",
                              "department": "LABOUR", "status": "open"}.items()}}
        entry = {"id": i, **{k: c["new"] for k, c in event["changes"].items()}, "extensions": 0, "reopen_count": 0,
                 "created_on": "2026-06-01", "updated_on": "2026-06-01", "history": [event]}
        lines.append(json.dumps(entry, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_killed_import_leaves_register_before_or_after(cli, register, big_export):
    outcomes = _kill_at_many_points(cli, register, ["import", str(big_export)], points=12)
    assert sum(outcomes.values()) == 12


def test_killed_catalogue_load_and_close_leave_register_before_or_after(cli, register, tmp_path):
    from riskreg.domain.catalogue import bundled_catalogue_path

    entry = cli.add()
    text = bundled_catalogue_path().read_text(encoding="utf-8")
    smaller = tmp_path / "smaller.yaml"
    smaller.write_text(text.replace("综治中心", "综治中心（新）").split("  - code: G\n")[0], encoding="utf-8")
    outcomes = _kill_at_many_points(cli, register, ["catalogue", "load", str(smaller)], points=5)
    outcomes2 = _kill_at_many_points(
        cli, register, ["close", str(entry), "--verified-by", "李华", "--resolution", "done"], points=5)
    assert sum(outcomes.values()) + sum(outcomes2.values()) == 10


def test_a_killed_restore_leaves_the_register_before_or_after(cli, register, tmp_path):
    cli.add(title="in the backup")
    saved = tmp_path / "saved.db"
    cli("backup", saved)
    cli.add(title="after the backup")
    outcomes = _kill_at_many_points(cli, register, ["restore", str(saved)], points=6)
    assert sum(outcomes.values()) == 6


# --- restore and schema upgrades among other processes ----------------------------------------------

def _titles(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [title for (title,) in conn.execute("SELECT title FROM entry ORDER BY id")]


@pytest.fixture
def saved(cli, register, tmp_path) -> Path:
    """A backup holding one entry; the register holds one more."""
    cli.add(title="in the backup")
    path = tmp_path / "saved.db"
    cli("backup", path)
    cli.add(title="after the backup")
    return path


def test_restore_waits_for_a_writer_in_progress(cli, register, saved, tmp_path):
    env = _env(register)
    writer = start_held(env, ["add", "S03", "--title", "written during the restore", "--unit", "u"], moment="locked",
                        flag=tmp_path / "writing", seconds=2)
    wait_for(tmp_path / "writing", writer)
    restorer = subprocess.Popen([sys.executable, "-m", "riskreg", "restore", str(saved)], env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(1)
    assert restorer.poll() is None, "restore did not wait for the writer"
    assert writer.wait(30) == 0 and restorer.wait(30) == 0, restorer.communicate()
    (kept,) = tmp_path.glob("register.db.before-restore-*")
    assert _titles(kept) == ["in the backup", "after the backup", "written during the restore"]
    assert _titles(register) == ["in the backup"]
    assert "全部检查通过" in cli("check").stdout


def test_a_writer_that_waited_for_a_restore_writes_to_the_restored_register(cli, register, saved, tmp_path):
    env = _env(register)
    restorer = start_held(env, ["restore", saved], moment="kept", flag=tmp_path / "swapping", seconds=1.5)
    wait_for(tmp_path / "swapping", restorer)
    writer = subprocess.run([sys.executable, "-m", "riskreg", "add", "S03", "--title", "after the restore", "--unit",
                             "u"], env=env, capture_output=True, text=True, timeout=60)
    assert writer.returncode == 0 and restorer.wait(30) == 0, writer.stderr
    assert _titles(register) == ["in the backup", "after the restore"]
    (kept,) = tmp_path.glob("register.db.before-restore-*")
    assert _titles(kept) == ["in the backup", "after the backup"]
    assert "全部检查通过" in cli("check").stdout


def test_a_restore_killed_between_keeping_and_swapping_leaves_the_register(cli, register, saved, tmp_path):
    restorer = start_held(_env(register), ["restore", saved], moment="kept", flag=tmp_path / "swapping")
    wait_for(tmp_path / "swapping", restorer)
    restorer.kill()
    restorer.wait()
    assert _titles(register) == ["in the backup", "after the backup"]
    assert "全部检查通过" in cli("check").stdout
    cli("restore", saved)  # and the next restore works
    assert _titles(register) == ["in the backup"]


def test_concurrent_restores_keep_every_register_they_replace(cli, register, saved, tmp_path):
    other = tmp_path / "other.db"
    cli("restore", saved)
    cli.add(title="other")
    cli("backup", other)
    cli("restore", saved)
    for trial in range(3):
        jobs = [[["restore", str(saved)]], [["restore", str(other)]], [["restore", str(saved)]]]
        results = [r for process in spawn_workers(_env(register), jobs) for r in worker_results(process)]
        assert [code for code, _, _ in results] == [0, 0, 0], results
    kept = list(tmp_path.glob("register.db.before-restore-*"))
    assert len(kept) == 2 + 9 and ["in the backup"] in [_titles(k) for k in kept]
    assert _titles(register) in (["in the backup"], ["in the backup", "other"])
    assert not list(tmp_path.glob(".register.db.*"))
    assert "全部检查通过" in cli("check").stdout


def test_eight_commands_at_once_on_an_old_register_upgrade_it_once(cli, isolated_env, tmp_path):
    shutil.copy(FIXTURES / "register-schema-1.db", isolated_env)
    jobs = [[["list", "--format", "json"]] if w % 2 else [["note", "1", f"worker {w}"]] for w in range(8)]
    results = [r for process in spawn_workers(_env(isolated_env), jobs) for r in worker_results(process)]
    assert [code for code, _, _ in results] == [0] * 8, [err for _, _, err in results]
    assert [p.name for p in tmp_path.glob("register.db.schema-*")] == ["register.db.schema-1.bak"]
    assert not list(tmp_path.glob(".register.db.*"))
    assert len(cli.json("show", "1", "--format", "json")["history"]) == 4 + 4
    assert "全部检查通过" in cli("check").stdout


def test_an_upgrade_killed_midway_leaves_a_usable_register(cli, isolated_env, tmp_path):
    shutil.copy(FIXTURES / "register-schema-1.db", isolated_env)
    upgrader = start_held(_env(isolated_env), ["list"], moment="migrated", flag=tmp_path / "migrating")
    wait_for(tmp_path / "migrating", upgrader)
    upgrader.kill()
    upgrader.wait()
    assert [e["id"] for e in cli.json("list", "--format", "json")] == [1, 2, 3]
    assert "全部检查通过" in cli("check").stdout
    with sqlite3.connect(isolated_env) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (str(SCHEMA_VERSION),)
    backups = sorted(tmp_path.glob("register.db.schema-1*.bak"))  # the killed upgrade's, kept aside, and the new one
    assert len(backups) == 2 and all(_titles(b) == _titles(isolated_env) for b in backups)
