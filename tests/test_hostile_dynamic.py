"""Hostile and careless use of the dynamic-management commands (issue 14): edit, regrade, void, unvoid, undo,
escalate --clear, the finding filters of list and export, and scoped and split reports.

Each refusal is one sentence on stderr with exit 1 (2 for usage), writes nothing, and leaves `check` passing;
whatever text is given to --search, the command lists entries or refuses it in one sentence.
"""

import json
import os
import sqlite3

import pytest


def ids(cli, *args: str) -> list[int]:
    return [entry["id"] for entry in cli.json("list", *args, "--format", "json")]


def refused(cli, snapshot, *args: str, code: int = 1) -> str:
    """The one sentence a refused command printed; the register is as it was, and still passes `check`."""
    before = snapshot()
    result = cli(*args, code=code)
    assert snapshot() == before, f"a refused {args[0]} wrote to the register"
    cli("check")
    return result.stderr


# --- report --split and export --split: the folder they write into --------------------------------------------

@pytest.mark.sqlite_only
def test_split_report_never_writes_through_a_link_to_the_register(cli, register, tmp_path, snapshot):
    cli.add()
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "COMP.txt").symlink_to(register)
    error = refused(cli, snapshot, "report", "--split", "dept", "--output-dir", folder)
    assert "is the register" in error
    assert sorted(os.listdir(folder)) == ["COMP.txt"]


def test_split_report_never_writes_over_a_sqlite_file_in_the_folder(cli, register, tmp_path):
    cli.add()
    folder = tmp_path / "out"
    sqlite3.connect(tmp_path / "copy.db").execute("CREATE TABLE kept (x)").connection.close()  # a backup, say
    folder.mkdir()
    (folder / "LABOUR.json").symlink_to(tmp_path / "copy.db")
    before = (tmp_path / "copy.db").read_bytes()
    error = cli("report", "--format", "json", "--split", "dept", "--output-dir", folder, code=1).stderr
    assert "is a SQLite database" in error
    assert (tmp_path / "copy.db").read_bytes() == before and sorted(os.listdir(folder)) == ["LABOUR.json"]


@pytest.mark.parametrize("command", [["report", "--split", "dept"], ["export", "--format", "xlsx", "--split", "unit"]])
def test_a_split_that_cannot_write_one_file_leaves_every_file_as_it_was(cli, register, tmp_path, command):
    cli.add(unit="东村")
    cli.add("H03", "燃气管道老化", "西村")
    folder = tmp_path / "out"
    folder.mkdir()
    blocked = folder / ("LABOUR.txt" if command[0] == "report" else "责任清单-西村.xlsx")
    blocked.mkdir()  # a folder where one file must go
    (folder / "COMP.txt").write_text("yesterday's report")
    error = cli(*command, "--output-dir", folder, code=1).stderr
    assert error.startswith(f"Error: Cannot write {blocked}")
    assert sorted(os.listdir(folder)) == sorted(["COMP.txt", blocked.name])  # no temporary file left either
    assert (folder / "COMP.txt").read_text() == "yesterday's report"


def test_a_split_into_a_linked_folder_writes_into_the_folder_linked_to(cli, register, tmp_path):
    cli.add()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")
    cli("report", "--format", "json", "--split", "dept", "--output-dir", tmp_path / "link")
    assert json.loads((tmp_path / "elsewhere" / "LABOUR.json").read_text())["totals"]["all"] == 1


def test_a_split_into_a_file_is_a_usage_error(cli, register, tmp_path):
    (tmp_path / "a-file").write_text("")
    result = cli("report", "--split", "dept", "--output-dir", tmp_path / "a-file", code=2)
    assert "is a file" in result.stderr
