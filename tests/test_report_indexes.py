"""The indexes riskreg.report/2 reads (schema 7): an upgraded register has exactly those of a new one, and the
report's lists walk an index in deadline order and stop at the limit, in a register where nearly everything is
overdue (issue 16; docs/PERFORMANCE.md has the figures at a million entries)."""

import importlib.util
import shutil
import sqlite3
from pathlib import Path

import pytest

pytestmark = pytest.mark.sqlite_only

FIXTURES = Path(__file__).parent / "fixtures"
_spec = importlib.util.spec_from_file_location(
    "riskreg_benchmark_generate", Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)


def _indexes(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))


def test_an_upgraded_register_has_the_indexes_of_a_new_one(cli, isolated_env, tmp_path):
    cli("init")
    new = _indexes(isolated_env)
    assert {"ix_entry_active", "ix_entry_unaccountable", "ix_entry_groups", "ix_entry_unit_status"} <= set(new)
    old = tmp_path / "old.db"
    shutil.copy(FIXTURES / "register-schema-1.db", old)
    cli("--db", old, "list")  # opening it upgrades it
    assert _indexes(old) == new


def test_the_lists_walk_the_deadline_index_in_a_neglected_register(isolated_env):
    from sqlalchemy import event

    from riskreg.domain.queries import Flags
    from riskreg.domain.reporting import build_report
    from riskreg.store.register import open_register

    generate.generate(isolated_env, 2_000, state="neglected")
    register = open_register(str(isolated_env))
    statements: list[tuple[str, tuple]] = []
    event.listen(register.engine, "before_cursor_execute",
                 lambda conn, cursor, sql, params, context, many: statements.append((sql, tuple(params))))
    with register.session() as session:
        report = build_report(session, Flags(generate.TODAY), list_limit=20)
    register.engine.dispose()
    assert len(report["overdue"]) == 20 and report["more"]["overdue"] > 1_800
    with sqlite3.connect(isolated_env) as conn:
        plans = {sql: " ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
                 for sql, params in statements if "LIMIT" in sql}
    walked = [plan for plan in plans.values() if "RIGHT PART OF ORDER BY" in plan]
    assert len(walked) >= 4, plans  # overdue, due soon, unaccountable and stale: none sorts every match
    assert not any(plan.startswith("SCAN entry") and "INDEX" not in plan for plan in plans.values()), plans
    # the escalated list and its count read only the partial index of active escalated entries (schema 9)
    with sqlite3.connect(isolated_env) as conn:
        escalated = [" ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
                     for sql, params in statements if "escalated_to IS NOT NULL" in sql]
    assert len(escalated) == 2, statements  # the list and its count
    assert all("USING COVERING INDEX ix_entry_escalated" in plan for plan in escalated), escalated


def test_schema_9_adds_the_index_of_escalated_entries(cli, isolated_env):
    cli("init")
    new = _indexes(isolated_env)
    assert "WHERE status IN ('open', 'mitigated') AND escalated_to IS NOT NULL" in new["ix_entry_escalated"]
    with sqlite3.connect(isolated_env) as conn:  # a register as schema 8 left it
        conn.execute("DROP INDEX ix_entry_escalated")
        conn.execute("UPDATE meta SET value = '8' WHERE key = 'schema_version'")
    cli("list")  # opening it upgrades it
    assert _indexes(isolated_env) == new
    with sqlite3.connect(isolated_env) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("9",)
