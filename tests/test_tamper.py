"""Tamper evidence: the chain's head in the register and in every report, the guards, `check --against`.

Each test edits the register behind riskreg's back, as someone with the file (or
the database) could, and asserts what `check` can and cannot tell.
"""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from riskreg.store.backends import SQLITE_HISTORY_GUARDS
from riskreg.store.search import POSTGRESQL_REBUILD, SQLITE_REBUILD

FIXTURES = Path(__file__).parent / "fixtures"


def _sql(db, *statements: str) -> list:
    """Run statements on the register directly, in one transaction; the last one's rows."""
    rows: list = []
    if isinstance(db, Path):
        with sqlite3.connect(db) as conn:
            for statement in statements:
                rows = conn.execute(statement).fetchall()
        conn.close()
        return rows
    with db.admin.transaction():
        db.admin.execute(f"SET LOCAL search_path TO {db.schema}")
        for statement in statements:
            cursor = db.admin.execute(statement)
            rows = cursor.fetchall() if cursor.description else []
    return rows


def _behind_the_guards(db, statement: str) -> None:
    """Run a statement the append-only guards refuse, putting the guards back afterwards as they were."""
    if isinstance(db, Path):
        names = [f"history_no_{verb}" for verb in ("update", "delete")]
        _sql(db, *(f"DROP TRIGGER {name}" for name in names), statement,
             *(str(guard.statement).replace("IF NOT EXISTS ", "") for guard in SQLITE_HISTORY_GUARDS))
    else:
        _sql(db, "ALTER TABLE history DISABLE TRIGGER history_no_change", statement,
             "ALTER TABLE history ENABLE TRIGGER history_no_change")


def _history(db) -> list[tuple[int, str]]:
    return [tuple(row) for row in _sql(db, "SELECT id, hash FROM history ORDER BY id")]


def _report(cli, tmp_path: Path, name: str = "report.json") -> Path:
    path = tmp_path / name
    cli("report", "--format", "json", "--output", path)
    return path


def _work(cli) -> None:
    first, second = cli.add(), cli.add(title="消防通道堵塞")
    cli("assign", first, "--leader", "王明", "--due", "2026-07-10")
    cli("note", second, "已约谈")
    cli("undo")


def test_every_report_carries_the_chain_head(cli, register, tmp_path):
    _work(cli)
    history = _history(register)
    head = {"head": history[-1][1], "events": len(history)}
    assert json.loads(_report(cli, tmp_path).read_text(encoding="utf-8"))["chain"] == head
    assert cli.json("report", "--format", "json", "--unmasked")["chain"] == head
    for fmt in ("text", "markdown", "html"):
        out = cli("report", "--format", fmt).stdout
        assert head["head"] in out and str(len(history)) in out, fmt
    assert f"历史记录 {len(history)} 条" in cli("--lang", "zh", "report", "--format", "text").stdout


def test_a_hash_that_looks_like_a_mobile_number_is_never_masked(cli, register, tmp_path, monkeypatch):
    """A run of 11 digits inside a hash (one head in about 200) must reach the report exactly."""
    cli.add()
    looks_like_mobile = "ab13812345678cd" + "e" * 49
    _sql(register, f"UPDATE meta SET value = '{looks_like_mobile}' WHERE key = 'chain_head'")
    assert cli.json("report", "--format", "json")["chain"]["head"] == looks_like_mobile
    for fmt in ("text", "markdown", "html"):
        assert looks_like_mobile in cli("report", "--format", fmt).stdout, fmt


def test_check_catches_the_last_history_records_removed(cli, register):
    _work(cli)
    last_id = _history(register)[-1][0]
    assert "全部检查通过" in cli("check").stdout
    _behind_the_guards(register, f"DELETE FROM history WHERE id = {last_id}")
    found = cli("check", code=1).stdout
    assert "history records were removed or added outside riskreg" in found
    cli.add(title="之后的登记")  # later work neither hides the gap nor fails
    assert "history records were removed or added outside riskreg" in cli("check", code=1).stdout


def test_check_against_an_earlier_report(cli, register, tmp_path):
    _work(cli)
    cli("note", "2", "周一的记录")
    monday = _report(cli, tmp_path, "monday.json")
    seen = json.loads(monday.read_text(encoding="utf-8"))["chain"]["events"]
    cli("note", "1", "星期二的进展")
    assert f"every check passed; it still holds the {seen} history events {monday} saw." in cli(
        "--lang", "en", "check", "--against", monday).stdout
    # Someone removes the last events and rewrites the register's own record of its head to match:
    # the register alone cannot tell, the report kept elsewhere can.
    _behind_the_guards(register, f"DELETE FROM history WHERE id >= {_history(register)[seen - 1][0]}")
    _sql(register,
         "UPDATE meta SET value = CAST((SELECT count(*) FROM history) AS VARCHAR(64)) WHERE key = 'chain_events'",
         "UPDATE meta SET value = (SELECT hash FROM history ORDER BY id DESC LIMIT 1) WHERE key = 'chain_head'",
         "UPDATE meta SET value = CAST((SELECT max(id) FROM history) AS VARCHAR(64)) WHERE key = 'chain_head_id'")
    # and rebuilds the search index, which still held the removed notes (check finds that too)
    _sql(register, *(SQLITE_REBUILD if isinstance(register, Path) else
                     [step for step in POSTGRESQL_REBUILD if not step.startswith("DROP INDEX")]))
    cli("note", "2", "改写的记录")
    assert "全部检查通过" in cli("check").stdout
    found = cli("check", "--against", monday, code=1).stdout.strip().splitlines()
    assert found == [f"History event {seen} is not the one the report saw: the history it covers was rewritten."]


def test_check_against_a_report_of_more_history_than_the_register_holds(cli, register, tmp_path):
    _work(cli)
    report = _report(cli, tmp_path)
    data = json.loads(report.read_text(encoding="utf-8"))
    data["chain"]["events"] += 2
    report.write_text(json.dumps(data), encoding="utf-8")
    found = cli("check", "--against", report, code=1).stdout
    assert f"The register holds {data['chain']['events'] - 2} history events, fewer than the {data['chain']['events']} " \
           "the report saw: its last events were removed." in found


def test_check_against_a_report_of_an_altered_history(cli, register, tmp_path):
    _work(cli)
    report = _report(cli, tmp_path)
    _behind_the_guards(register, "UPDATE history SET actor = 'someone else' WHERE id = 1")
    found = cli("check", "--against", report, code=1).stdout
    assert "history record 1 does not match the hash chain" in found
    assert "the history it covers was rewritten" in found


@pytest.mark.parametrize("content, reason", [
    ("not json at all", "is not a JSON report"),
    ('{"schema": "riskreg.report/1"}', "has no history chain"),
    ('{"schema": "riskreg.report/1", "chain": {"head": "x", "events": -1}}', "has no history chain"),
    ('[1, 2]', "is not a JSON report"),
])
def test_check_against_what_is_no_report_is_one_sentence(cli, register, tmp_path, content, reason):
    path = tmp_path / "r.json"
    path.write_text(content, encoding="utf-8")
    assert reason in cli("check", "--against", path, code=1).stderr
    assert "does not exist" in cli("check", "--against", tmp_path / "none.json", code=2).stderr


@pytest.mark.sqlite_only
@pytest.mark.parametrize("statements, name, problem", [
    (["DROP TRIGGER history_no_delete"], "history_no_delete", "is missing"),
    (["DROP TRIGGER history_no_update"], "history_no_update", "is missing"),
    (["DROP TRIGGER history_no_update", "CREATE TRIGGER history_no_update BEFORE UPDATE ON history WHEN 0 "
      "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END"], "history_no_update", "was altered"),
])
def test_check_catches_a_dropped_or_altered_sqlite_guard(cli, register, statements, name, problem):
    cli.add()
    _sql(register, *statements)
    assert f"the append-only guard {name} on history {problem}" in cli("check", code=1).stdout


@pytest.mark.postgresql_only
@pytest.mark.parametrize("statements, name, problem", [
    (["ALTER TABLE history DISABLE TRIGGER history_no_change"], "history_no_change", "is disabled"),
    (["ALTER TABLE history DISABLE TRIGGER ALL"], "history_no_truncate", "is disabled"),
    (["DROP TRIGGER history_no_truncate ON history"], "history_no_truncate", "is missing"),
    (["CREATE OR REPLACE FUNCTION riskreg_history_append_only() RETURNS trigger LANGUAGE plpgsql AS "
      "$$ BEGIN RETURN OLD; END $$"], "history_no_change", "was altered"),
])
def test_check_catches_a_disabled_dropped_or_altered_postgresql_guard(cli, register, statements, name, problem):
    cli.add()
    _sql(register, *statements)
    assert f"the append-only guard {name} on history {problem}" in cli("check", code=1).stdout


def test_an_older_register_gets_its_chain_head(cli, register):
    """A register of schema 3 (no head recorded) on either backend: the upgrade computes the head."""
    _work(cli)
    history = _history(register)
    _sql(register, "DELETE FROM meta WHERE key LIKE 'chain%'", "UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    assert cli.json("report", "--format", "json")["chain"] == {"head": history[-1][1], "events": len(history)}
    assert "全部检查通过" in cli("check").stdout


@pytest.mark.sqlite_only
@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("register-schema-*.db")), ids=lambda p: p.stem)
def test_fixtures_are_upgraded_with_their_chain_head(cli, isolated_env, fixture):
    shutil.copy(fixture, isolated_env)
    cli("list")
    history = _history(isolated_env)
    assert cli.json("report", "--format", "json")["chain"] == {"head": history[-1][1], "events": len(history)}


def test_import_and_copy_record_the_chain_head(cli, register, tmp_path):
    _work(cli)
    exported = tmp_path / "all.jsonl"
    cli("export", "--unmasked", "--output", exported)
    imported, copied = tmp_path / "imported.db", tmp_path / "copied.db"
    cli("--db", imported, "init")
    cli("--db", imported, "import", exported)
    cli("copy", "--to", copied)
    for db in (imported, copied):
        history = _history(db)
        assert cli.json("--db", db, "report", "--format", "json")["chain"] == {"head": history[-1][1],
                                                                                "events": len(history)}
        assert "全部检查通过" in cli("--db", db, "check").stdout
