"""export --format jsonl and import: lossless round trip, all-or-nothing, every bad line reported."""

import json
from pathlib import Path

import pytest
from conftest import copy_register, problem_lines

FIXTURE = Path(__file__).parent / "fixtures" / "register-schema-1.db"


@pytest.fixture
def exported(cli, isolated_env, tmp_path) -> Path:
    copy_register(FIXTURE, isolated_env)
    entry = cli.add("G01", "退役军人待遇诉求，电话13912345678", "南社区")
    cli("reopen", "1", "--reason", "再次拖欠", as_of="2026-07-20")
    cli("note", entry, "已走访")
    out = tmp_path / "export.jsonl"
    cli("export", "--unmasked", "--output", out)
    return out


def _use_fresh_register(cli, tmp_path, monkeypatch, name="fresh.db") -> Path:
    monkeypatch.setenv("RISKREG_DB", str(tmp_path / name))
    cli("init")
    return tmp_path / name


def test_round_trip_reproduces_entries_ids_and_history(cli, exported, tmp_path, monkeypatch):
    _use_fresh_register(cli, tmp_path, monkeypatch)
    assert "Imported 4 entries with 12 history events" in cli("--lang", "en", "import", exported).stdout
    assert cli("export", "--unmasked").stdout == exported.read_text(encoding="utf-8")
    assert "全部检查通过" in cli("check").stdout
    cli("note", "4", "the chain continues after an import")
    assert "全部检查通过" in cli("check").stdout


def test_export_lines_carry_list_keys_and_history(cli, exported):
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    listed = cli.json("list", "--format", "json", "--unmasked")
    assert [{k: v for k, v in line.items() if k != "history"} for line in lines] == listed
    assert all(set(event) == {"at", "on", "actor", "action", "changes", "text"}
               for line in lines for event in line["history"])


def test_jsonl_export_is_lossless_unless_asked_to_mask(cli, exported):
    assert "13912345678" in cli("export").stdout  # stdout too: it is what a script pipes into a backup
    masked = cli("export", "--masked").stdout
    assert "13912345678" not in masked and "139****5678" in masked
    assert "13912345678" in exported.read_text(encoding="utf-8")
    assert "139****5678" in cli("export", "--format", "csv").stdout  # spreadsheets stay masked


@pytest.mark.parametrize("flags, reason", [
    (["--format", "csv", "--masked"], "--masked applies to jsonl; a csv export is masked unless --unmasked."),
    (["--masked", "--unmasked"], "--masked and --unmasked contradict each other; give one."),
])
def test_masked_is_refused_where_it_means_nothing(cli, exported, flags, reason):
    assert cli("export", *flags, code=1).stderr == f"Error: {reason}\n"


def test_export_takes_the_list_filters_limit_included(cli, exported):
    assert len(cli("export", "--limit", "2").stdout.splitlines()) == 2
    assert len(cli("export", "--format", "csv", "--limit", "1").stdout.splitlines()) == 2  # header and one row
    overdue = {row["id"] for row in cli.json("list", "--overdue", "--format", "json")}
    assert {json.loads(line)["id"] for line in cli("export", "--overdue").stdout.splitlines()} == overdue


@pytest.mark.parametrize("fmt, private_flags, shared_flags", [
    ("jsonl", [], ["--masked"]), ("jsonl", ["--unmasked"], ["--masked"]),
    ("csv", ["--unmasked"], []), ("xlsx", ["--unmasked"], []),
])
def test_unmasked_files_are_readable_by_their_owner_only(cli, exported, tmp_path, fmt, private_flags, shared_flags):
    # Unmasked output may hold identity and mobile numbers (jsonl always does, unless --masked); masked output
    # is shared as before.
    private, shared = tmp_path / f"private.{fmt}", tmp_path / f"shared.{fmt}"
    cli("export", "--format", fmt, *private_flags, "--output", private)
    cli("export", "--format", fmt, *shared_flags, "--output", shared)
    assert (private.stat().st_mode & 0o777, shared.stat().st_mode & 0o777) == (0o600, 0o644)
    report = tmp_path / "report.json"
    cli("report", "--format", "json", "--unmasked", "--output", report)
    assert report.stat().st_mode & 0o777 == 0o600


def test_a_second_import_is_refused_line_by_line_whatever_the_flags(cli, exported, snapshot):
    before = snapshot()
    error = cli("import", exported, code=1).stderr
    assert error.startswith(f"Error: {exported}: 4 lines with 4 problems; nothing imported.\n")
    assert problem_lines(error)[1:3] == ["1 id 1 entry 1 is already in the register",
                                         "2 id 2 entry 2 is already in the register"]
    for flags in (["--new-ids"], ["--new-ids", "--dry-run"]):  # renumbering is no way round the check
        error = cli("import", exported, *flags, code=1).stderr
        assert error.startswith(f"Error: {exported}: 4 lines with 4 problems; nothing imported.\n")
        assert [line.split(" ", 2)[0] for line in problem_lines(error)[1:]] == ["1", "2", "3", "4"]
        assert problem_lines(error)[1].endswith("already in the register as entry 1 (same risk, unit and title)")
    assert snapshot() == before


def test_new_ids_renumber_entries_the_register_does_not_have(cli, exported, tmp_path, monkeypatch):
    _use_fresh_register(cli, tmp_path, monkeypatch)
    cli.add("S01", "宅基地边界纠纷", "北村")
    assert "Would import 4 entries with 12 history events. Renumbered 4." in cli("--lang", "en", "import", exported, "--new-ids",
                                                                                  "--dry-run").stdout
    assert "Renumbered 4" in cli("--lang", "en", "import", exported, "--new-ids").stdout
    assert [e["id"] for e in cli.json("list", "--format", "json")] == [1, 2, 3, 4, 5]
    assert "全部检查通过" in cli("check").stdout
    error = cli("import", exported, "--new-ids", code=1).stderr  # imported once, renumbered: not again
    assert problem_lines(error)[1].startswith("1 title ")
    assert problem_lines(error)[1].endswith("already in the register as entry 2 (same risk, unit and title)")


def test_new_ids_refuse_a_file_holding_the_same_entry_twice(cli, exported, tmp_path, monkeypatch):
    lines = exported.read_text(encoding="utf-8").splitlines()
    twice = json.loads(lines[0])
    twice["id"] = 99
    doubled = tmp_path / "doubled.jsonl"
    doubled.write_text("\n".join([*lines, json.dumps(twice, ensure_ascii=False)]) + "\n", encoding="utf-8")
    fresh = _use_fresh_register(cli, tmp_path, monkeypatch)
    before = fresh.read_bytes()
    error = cli("import", doubled, "--new-ids", code=1).stderr
    assert error.startswith(f"Error: {doubled}: 1 line with 1 problem; nothing imported.\n")
    assert problem_lines(error)[1:] == ["5 repeats line 1 (the same entry: same risk, unit, title and first event)"]
    assert fresh.read_bytes() == before


def test_new_ids_take_a_hazard_that_recurred_as_an_entry_of_its_own(cli, register, tmp_path, monkeypatch):
    first = cli.add("S03", "某工地拖欠农民工工资", "东村", as_of="2026-05-01")
    cli("close", first, "--verified-by", "劳动监察", "--resolution", "已结清", as_of="2026-05-20")
    cli.add("S03", "某工地拖欠农民工工资", "东村", as_of="2026-06-15")  # the same hazard, again, later
    exported = tmp_path / "town.jsonl"
    cli("export", "--output", exported)
    _use_fresh_register(cli, tmp_path, monkeypatch)
    cli.add("S01", "宅基地边界纠纷", "北村")
    assert "Imported 2 entries with 3 history events. Renumbered 2." in cli("--lang", "en", "import", exported, "--new-ids").stdout
    assert "already in the register as entry 2" in cli("import", exported, "--new-ids", code=1).stderr


def test_every_bad_line_is_reported_and_nothing_imported(cli, exported, tmp_path, monkeypatch):
    good = exported.read_text(encoding="utf-8").splitlines()
    forged = json.loads(good[1])
    forged["title"] = "history says otherwise"
    unknown_risk = json.loads(good[2])
    unknown_risk["risk"] = "Z99"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([good[0], json.dumps(forged, ensure_ascii=False), "{not json",
                              json.dumps(unknown_risk, ensure_ascii=False), "[]", '{"id": 7}']) + "\n",
                   encoding="utf-8")
    fresh = _use_fresh_register(cli, tmp_path, monkeypatch)
    before = fresh.read_bytes()
    error = cli("import", bad, code=1).stderr
    assert error.startswith(f"Error: {bad}: 5 lines with 5 problems; nothing imported.\n")
    lines = problem_lines(error)
    assert lines[0] == "line column value reason"
    assert [line.split(" ")[0] for line in lines[1:]] == ["2", "3", "4", "5", "6"]
    assert lines[1].startswith("2 entry 2: title")
    assert lines[2:5] == ["3 not JSON (Expecting property name enclosed in double quotes at column 2)",
                          "4 risk Z99 risk 'Z99' is not in this register's catalogue", "5 not a JSON object"]
    assert lines[5].startswith("6 entry 7 lacks risk, unit, title")
    assert fresh.read_bytes() == before


@pytest.mark.parametrize("due", ["2026-02-30", "２０２６-07-01", "2026-7-1", "20260701", 20260701])
def test_a_date_that_is_not_an_iso_day_is_a_bad_line(cli, exported, tmp_path, monkeypatch, due):
    line = json.loads(exported.read_text(encoding="utf-8").splitlines()[0])
    line["due"] = due
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    _use_fresh_register(cli, tmp_path, monkeypatch)
    shown = due if isinstance(due, str) else json.dumps(due)
    assert f"1 due {shown} due {due!r} is not a YYYY-MM-DD date" in problem_lines(cli("import", bad, code=1).stderr)


def test_dry_run_writes_nothing(cli, exported, tmp_path, monkeypatch):
    fresh = _use_fresh_register(cli, tmp_path, monkeypatch)
    before = fresh.read_bytes()
    assert "Would import 4 entries" in cli("--lang", "en", "import", exported, "--dry-run").stdout
    assert fresh.read_bytes() == before


@pytest.mark.parametrize("content, name, phrase", [
    ("", "entries.txt", "not a .jsonl, .xlsx, .xls, .ods or .csv file"),
    (b"\xff\xfe\x00", "entries.jsonl", "not UTF-8"),
])
def test_unreadable_files_are_refused(cli, register, tmp_path, content, name, phrase):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    assert phrase in cli("import", path, code=1).stderr


def test_a_bad_line_ending_in_a_sentence_gets_one_full_stop(cli, register, tmp_path):
    cli.add()
    exported = tmp_path / "one.jsonl"
    cli("export", "--format", "jsonl", "--unmasked", "--output", exported)
    line = json.loads(exported.read_text(encoding="utf-8"))
    line["title"] = "长" * 201
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    error = cli("import", bad, "--new-ids", code=1).stderr
    assert problem_lines(error)[1].endswith("The title is 201 characters long; the limit is 200")
