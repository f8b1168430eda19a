"""Hostile and careless use of the dynamic-management commands (issue 14): edit, regrade, void, unvoid, undo,
escalate --clear, the finding filters of list and export, and scoped and split reports.

Each refusal is one sentence on stderr with exit 1 (2 for usage), writes nothing, and leaves `check` passing;
whatever text is given to --search, the command lists entries or refuses it in one sentence.
"""

import json
import os
import sqlite3

import pytest
from conftest import is_user_error
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from riskreg.cli import app


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
    blocked = folder / ("LABOUR.txt" if command[0] == "report" else "Checklist-西村.xlsx")  # a refusal runs --lang en
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


# --- list --search: any text lists entries or is refused in one sentence --------------------------------------

@pytest.fixture
def texts(cli, register) -> dict[str, int]:
    """Entries whose titles hold FTS5 query syntax, LIKE wildcards and SQL, to be found as plain text."""
    titles = {"gas": "城南燃气管道老化", "wildcards": "完成率100% 编号A_1", "syntax": 'quote "abc" NEAR(x y) col:1 OR',
              "sql": "x'; DROP TABLE entry; --", "emoji": "🔥火灾隐患🔥", "wide": "ＡＢＣ全角"}
    return {name: cli.add("H03", title) for name, title in titles.items()}


# (text, the entries it finds, or None where it is refused as too short); words apart must each be found
PLAIN_TEXT = [
    ("燃气", ["gas"]), ("100%", ["wildcards"]), ("0%", ["wildcards"]), ("A_1", ["wildcards"]), ("_1", ["wildcards"]),
    ("%_", []), ("%%", []), ("_%", []), ("__", []), ("%", None), ("_", None), ("\\%", []), ("\\\\", []),
    ('"abc"', ["syntax"]), ('"', None), ('""', []), ('"""', []), ('"abc', ["syntax"]), ("NEAR(x y)", ["syntax"]),
    ("NEAR", ["syntax"]), ("col:1", ["syntax"]), ("col:1 OR", ["syntax"]), ("1 OR", None), ("abc OR zzz", []), ("NOT abc", []),
    ("abc AND quote", []), ("(abc", []), ("abc)", []), ("a*", []), ("ab*", []), ("^quote", []), ("*", None),
    ("^", None), ("title:abc", []), ("body:abc", []), ("{body}: abc", []), ("QUOTE", ["syntax"]),
    ("'; DROP TABLE entry; --", ["sql"]), ("DROP TABLE", ["sql"]), ("🔥火", ["emoji"]), ("🔥🔥", []),
    ("ＡＢＣ", ["wide"]), ("ａｂｃ", ["wide"]), ("火灾\u200b隐患", []), ("  燃气  ", ["gas"]),
]


def test_search_text_is_plain_text_never_query_syntax(cli, texts):
    for text, found in PLAIN_TEXT:  # one register for all: each case is one command
        result = cli("list", "--search", text, "--format", "json", code=0 if found is not None else 1)
        if found is None:
            assert "--search needs at least 2 characters" in result.stderr, text
        else:
            assert [entry["id"] for entry in json.loads(result.stdout)] == [texts[name] for name in found], text


def test_search_text_with_a_nul_or_control_character_is_one_sentence(cli, texts, snapshot):
    # PostgreSQL refused a NUL with a traceback; SQLite's FTS5 said the register was unusable.
    for text in ("\x00\x00", "燃\x00气", "ab\x00cd", "\x01\x02", "燃\n气", "燃\t气", "\u202e燃气", "燃气\x7f"):
        error = refused(cli, snapshot, "list", "--search", text)
        assert error == "Error: The search text contains control characters or line breaks.\n", text
        assert "contains control characters" in cli("export", "--search", text, code=1).stderr


def test_search_text_of_fewer_than_two_characters_is_one_sentence(cli, texts):
    for text in ("", " ", "   ", "\u200b\u200b", "\u3000\u3000", "a", "燃", " 燃 "):
        assert "--search needs at least 2 characters" in cli("list", "--search", text, code=1).stderr, text


def test_search_text_over_the_longest_text_is_one_sentence_and_ten_thousand_characters_list(cli, texts):
    assert cli.json("list", "--search", "燃" * 10_000, "--format", "json") == []
    error = cli("list", "--search", "燃" * 10_001, code=1).stderr
    assert error == "Error: The search text is 10,001 characters long; the limit is 10,000.\n"


# --- list --leader and --unit: a name of spaces ----------------------------------------------------------------

@pytest.mark.parametrize("option", ["--leader", "--unit"])
def test_a_leader_or_unit_of_spaces_is_refused_as_summary_refuses_it(cli, register, option):
    cli.add()  # nobody leads it: `list --leader " "` listed it, reading the empty name as "no leader"
    name = option.removeprefix("--")
    for typed in ("", "   ", "\u3000", "\u200b"):
        for command in (["list"], ["export", "--format", "csv"], ["summary"], ["report"]):
            error = cli(*command, option, typed, code=1).stderr
            assert error == f"Error: The {name} must not be empty.\n", (command, typed)


searched_texts = st.one_of(
    st.text(min_size=1, max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=2, max_size=60),
    st.text(alphabet='"*^:()%_\\\' -+NEAROTAD燃气管道ＡＢ🔥\u200b\u3000', min_size=1, max_size=12),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=searched_texts)
def test_any_search_text_lists_or_is_refused_and_a_title_holding_it_is_found(register, text):
    runner = CliRunner()
    added = runner.invoke(app, ["add", "H03", "--title", f"前{text}后", "--unit", "东村", "--force"])
    assert added.exit_code in (0, 1), repr(added.exception)
    result = runner.invoke(app, ["list", "--search", text, "--format", "json"])
    assert result.exit_code in (0, 1), (text, repr(result.exception))
    if result.exit_code:
        assert is_user_error(result.stderr) and "Traceback" not in result.stderr, result.stderr
        return
    found = [entry["id"] for entry in json.loads(result.stdout)]
    if added.exit_code == 0:  # the title was taken: its own text finds it (two characters or more, else refused)
        assert int(added.stdout) in found, (text, found)


def test_two_characters_are_found_whatever_their_case(cli, register):
    # Two characters are looked up in the index's vocabulary, folded as the trigram tokenizer folds them; Python
    # lower-cases İ to two characters (i̇), which the tokenizer never does, so `İx` found nothing on SQLite.
    for text in ("İx", "ẞa", "ǅb", "Ωc", "ﬁd", "Ⅻe", "\u212aK", "ᲐᲑ", "Ab", "aB"):
        entry = cli.add("H03", f"前{text}后")
        assert entry in ids(cli, "--search", text), text
        assert entry in ids(cli, "--search", f"前{text}"), text


# --- void, unvoid, edit, regrade, escalate --clear, undo: refusals write nothing --------------------------------

def test_every_text_a_void_or_undo_writes_stays_within_the_limit_check_keeps(cli, register):
    # A 10,000-character reason passed, and the void's "duplicate of entry 2: …" and the survivor's record, and
    # the undo quoting either, were over the limit: `check` failed and `import` refused the export.
    kept, dup = cli.add(title="工地欠薪甲"), cli.add(title="工地欠薪乙")
    error = cli("void", dup, "--reason", "x" * 10_000, "--duplicate-of", kept, code=1).stderr
    assert error == "Error: The reason is 10,000 characters long; the limit is 9,978.\n"
    cli("void", dup, "--reason", "x" * 9_978, "--duplicate-of", kept)
    cli("note", kept, "n" * 10_000)
    for _ in range(3):  # the note, the void, and the survivor's record of it
        cli("undo")
    cli("check")
    history = cli.json("show", kept, "--format", "json")["history"]
    assert [len(event["text"]) for event in history if len(event["text"] or "") > 9_000] == [10_000] * 4
    assert history[-1]["text"].endswith("x…")


@pytest.fixture
def pair(cli, register) -> tuple[int, int]:
    return cli.add(title="工地欠薪甲"), cli.add(title="工地欠薪乙", unit="西村")


@pytest.mark.parametrize("args, message", [
    (["void", "{a}", "--reason", "x", "--duplicate-of", "{a}"], "Entry {a} cannot be a duplicate of itself."),
    (["void", "{a}", "--reason", "x", "--duplicate-of", "999"], "There is no entry 999 in the register."),
    (["void", "{a}", "--reason", "   "], "The reason must not be empty."),
    (["void", "{a}", "--reason", "\u200b"], "The reason must not be empty."),
    (["void", "{a}", "--reason", "a\x00b"], "The reason contains control characters."),
    (["unvoid", "{a}", "--reason", "x"], "Entry {a} is open; `unvoid` applies only to voided entries."),
    (["unvoid", "999", "--reason", "x"], "There is no entry 999 in the register."),
    (["edit", "{a}", "--reason", "x"], "Nothing to edit: give at least one of --title, --detail, --unit, --risk or "
                                       "--level."),
    (["edit", "{a}", "--title", "工地欠薪甲", "--reason", "x"], "Entry {a} already has those values; nothing changed."),
    (["edit", "{a}", "--title", " 工地欠薪甲 ", "--reason", "x"], "Entry {a} already has those values; nothing changed."),
    (["edit", "{a}", "--risk", "s03", "--reason", "x"], "Entry {a} already has those values; nothing changed."),
    (["edit", "{a}", "--title", "   ", "--reason", "x"], "The title must not be empty."),
    (["edit", "{a}", "--title", "新", "--reason", ""], "The reason must not be empty."),
    (["edit", "{a}", "--title", "新", "--reason", "\t "], "The reason must not be empty."),
    (["edit", "{a}", "--risk", "ZZZ", "--reason", "x"], "There is no risk 'ZZZ'; use one of"),
    (["edit", "{a}", "--level", "紫", "--reason", "x"], "There is no level '紫'; use one of"),
    (["edit", "{a}", "--level", "一般", "--reason", "x"], "Entry {a} is already graded general; nothing changed."),
    (["edit", "{a}", "--unit", "东\x00村", "--reason", "x"], "The unit contains control characters or line breaks."),
    (["edit", "{a}", "--title", "x" * 201, "--reason", "x"], "The title is 201 characters long; the limit is 200."),
    (["regrade", "{a}", "--level", "general", "--reason", "x"], "Entry {a} is already graded general; nothing changed."),
    (["regrade", "{a}", "--level", "", "--reason", "x"], "There is no level ''; use one of"),
    (["escalate", "{a}", "--clear", "--reason", "x"], "Entry {a} is not escalated; there is no escalation to clear."),
    (["escalate", "{a}", "--clear", "--to", "县局", "--reason", "x"], "--clear takes the escalation off and --to "
                                                                     "escalates; give one of them, not both."),
])
def test_a_careless_correction_is_one_sentence_and_writes_nothing(cli, pair, snapshot, args, message):
    a, b = pair
    error = refused(cli, snapshot, *[arg.format(a=a, b=b) for arg in args])
    assert error.startswith("Error: " + message.format(a=a, b=b)), error


def test_voided_entries_refuse_corrections_and_cannot_be_named_the_survivor(cli, pair, snapshot):
    a, b = pair
    c = cli.add(title="第三条")
    cli("void", a, "--reason", "重复", "--duplicate-of", b)
    for args, message in (
            (["void", a, "--reason", "again"], f"Entry {a} is voided; `void` applies only to"),
            (["void", b, "--reason", "cycle", "--duplicate-of", a], f"Entry {a} is voided itself; name the entry"),
            (["void", c, "--reason", "x", "--duplicate-of", a], f"Entry {a} is voided itself; name the entry"),
            (["edit", a, "--title", "新", "--reason", "x"], f"Entry {a} is voided; `edit` applies only to"),
            (["regrade", a, "--level", "major", "--reason", "x"], f"Entry {a} is voided; `regrade` applies only to"),
            (["escalate", a, "--clear", "--reason", "x"], f"Entry {a} is voided; `escalate` applies only to")):
        assert refused(cli, snapshot, *args).startswith("Error: " + message), args


def test_a_closed_entry_takes_a_correction_but_an_edit_that_also_regrades_it_writes_nothing(cli, pair, snapshot):
    a, _ = pair
    cli("assign", a, "--leader", "王明", "--task-force", "专班", "--plan", "约谈", "--due", "2026-08-01")
    cli("close", a, "--verified-by", "李华", "--resolution", "已付清")
    error = refused(cli, snapshot, "edit", a, "--title", "工地欠薪甲（更正）", "--level", "major", "--reason", "x")
    assert error.startswith(f"Error: Entry {a} is closed; `regrade` applies only to open or mitigated entries.")
    assert refused(cli, snapshot, "regrade", a, "--level", "major", "--reason", "x").startswith(error.rstrip("\n"))
    cli("edit", a, "--title", "工地欠薪甲（更正）", "--reason", "错字")
    assert ids(cli, "--search", "更正", "--status", "closed") == [a]


# --- the date filters -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, message", [
    ("2026-02-30", "is not a date: no calendar has that day."), ("0000-01-01", "is not a date: no calendar has"),
    ("2026年13月1日", "is not a date: no calendar has that day."), ("9999-12-31", "is out of range (1900-01-01 to"),
    ("0001-01-01", "is out of range"), ("", "is not a date; write it as 2026-07-31"), ("  ", "is not a date; write"),
    ("\x00", "is not a date; write it as"), ("T-5", "counts back from the campaign, but the catalogue names no"),
])
def test_an_impossible_date_in_a_filter_is_one_sentence(cli, register, typed, message):
    for option in ("--due-before", "--due-after", "--added-since", "--changed-since"):
        for command in (["list"], ["export", "--format", "csv"]):
            error = cli(*command, option, typed, code=1).stderr
            assert error.startswith(f"Error: The {option} date {typed!r} ") and message in error, (option, error)


def test_a_swapped_deadline_range_is_refused_and_a_one_day_range_lists(cli, register):
    entry = cli.add()
    cli("assign", entry, "--due", "2026-07-31")
    error = cli("list", "--due-before", "2026/7/1", "--due-after", "2026年12月31日", code=1).stderr
    assert error == "Error: --due-after 2026-12-31 is later than --due-before 2026-07-01; no deadline can be both.\n"
    assert ids(cli, "--due-before", "2026-07-31", "--due-after", "２０２６-０７-３１") == [entry]
    assert ids(cli, "--due-before", "2026-07-30", "--due-after", "2026-07-01") == []


# --- the search index in step with every change -----------------------------------------------------------------

def test_search_follows_edit_void_unvoid_and_every_undo(cli, register):
    gas, wages = cli.add("H03", "城南燃气管道老化"), cli.add(title="某工地拖欠工资")
    cli("edit", gas, "--title", "城南天然气管道老化", "--detail", "沿街商铺液化气罐", "--reason", "更正")
    assert (ids(cli, "--search", "天然气"), ids(cli, "--search", "燃气管"), ids(cli, "--search", "液化气")) == \
        ([gas], [], [gas])
    cli("undo")
    assert (ids(cli, "--search", "天然气"), ids(cli, "--search", "燃气管"), ids(cli, "--search", "液化气")) == \
        ([], [gas], [])
    cli("void", wages, "--reason", "重复", "--duplicate-of", gas)
    assert ids(cli, "--search", "工资") == [] and ids(cli, "--search", "工资", "--status", "voided") == [wages]
    assert ids(cli, "--search", "重复") == []  # a void's reason is no note: not searched
    cli("unvoid", wages, "--reason", "并非重复")
    assert ids(cli, "--search", "工资") == [wages]
    cli("undo")  # the unvoid
    assert ids(cli, "--search", "工资") == []
    cli("undo")  # the void
    assert ids(cli, "--search", "工资") == [wages]
    cli("undo")  # the survivor's record of it
    cli("undo")  # the edit was undone already: this undoes the add of wages, which voids it
    assert ids(cli, "--search", "工资") == [] and ids(cli, "--search", "工资", "--status", "voided") == [wages]
    cli("check")


def test_search_finds_the_same_entries_after_an_export_is_imported_elsewhere(cli, register, tmp_path, monkeypatch):
    gas = cli.add("H03", "城南燃气管道老化")
    cli("note", gas, "已通知燃气公司")
    cli("edit", gas, "--title", "城南天然气管道", "--reason", "更正")
    dup = cli.add("H03", "燃气管道（重复）")
    cli("void", dup, "--reason", "重复", "--duplicate-of", gas)
    found = {text: ids(cli, "--search", text, "--status", status) for text in ("燃气", "天然气", "燃气公司", "重复")
             for status in ("voided", "open")}
    cli("export", "--output", tmp_path / "all.jsonl")
    monkeypatch.setenv("RISKREG_DB", str(tmp_path / "other.db"))
    cli("init")
    cli("import", tmp_path / "all.jsonl")
    assert {text: ids(cli, "--search", text, "--status", status) for text in ("燃气", "天然气", "燃气公司", "重复")
            for status in ("voided", "open")} == found
    cli("check")


def test_edit_to_a_retired_risk_or_unit_is_refused_and_an_entry_on_one_is_still_corrected(cli, register, tmp_path,
                                                                                         snapshot):
    import yaml

    from riskreg.domain.catalogue import bundled_catalogue_path

    catalogue = yaml.safe_load(bundled_catalogue_path().read_text(encoding="utf-8"))
    catalogue["units"] = ["东村", "西村"]
    (tmp_path / "v1.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True), encoding="utf-8")
    cli("catalogue", "load", tmp_path / "v1.yaml")
    on_retired = cli.add("S05", "工地欠薪", "西村")
    other = cli.add("S03", "另一条", "东村")
    catalogue["units"] = ["东村"]
    for category in catalogue["categories"]:
        category["risks"] = [risk for risk in category["risks"] if risk["code"] != "S05"]
    (tmp_path / "v2.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True), encoding="utf-8")
    cli("catalogue", "load", tmp_path / "v2.yaml")
    assert refused(cli, snapshot, "edit", other, "--risk", "S05", "--reason", "x") == \
        "Error: Risk S05 is retired from the catalogue; choose a current one.\n"
    assert refused(cli, snapshot, "edit", other, "--unit", "西村", "--reason", "x") == \
        "Error: Unit '西村' is retired from the catalogue; choose a current one.\n"
    cli("edit", on_retired, "--title", "工地欠薪（更正）", "--risk", "S05", "--reason", "错字")  # its own risk stays
    cli("edit", on_retired, "--risk", "S03", "--unit", "东村", "--reason", "归类错误")
    cli("check")


def test_an_edit_that_makes_an_active_entry_repeat_another_is_refused_as_add_refuses_it(cli, register, snapshot):
    east = cli.add(title="工地欠薪", unit="东村")
    west = cli.add(title="工地欠薪", unit="西村")
    error = refused(cli, snapshot, "edit", west, "--unit", "东村", "--reason", "村名录错")
    assert error == (f"Error: Entry {east} already has this risk, unit and title and is still active: void one as the "
                     f"other's duplicate (riskreg void {west} --duplicate-of {east}), or give --force to correct it "
                     "anyway.\n")
    cli("edit", west, "--detail", "两村同报", "--reason", "补充")  # not the risk, unit or title: no twin made
    cli("void", west, "--reason", "重复", "--duplicate-of", east)
    cli("unvoid", west, "--reason", "并非重复")
    cli("edit", west, "--unit", "东村", "--level", "major", "--reason", "村名录错", "--force")
    cli("check")
    closed = cli.add(title="护栏缺失", unit="南村")
    cli("assign", closed, "--leader", "王明", "--task-force", "专班", "--plan", "补装", "--due", "2026-08-01")
    cli("close", closed, "--verified-by", "李华", "--resolution", "已补装")
    cli.add(title="护栏缺失", unit="北村")
    cli("edit", closed, "--unit", "北村", "--reason", "村名录错")  # a closed entry repeats no active one
