"""Finding entries: `list` and `export` filtered by text, lead official, dates, escalation and staleness, and
sorted; the search index follows every write and an upgraded register."""

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def ids(cli, *args: str) -> list[int]:
    return [entry["id"] for entry in cli.json("list", *args, "--format", "json")]


@pytest.fixture
def ledger(cli, register):
    """Five entries with text in every searched field, added and changed on different days."""
    gas = cli.add("H03", "城南燃气管道老化", "城关镇东村", "--detail", "沿街商铺使用液化气罐", as_of="2026-05-01")
    wages = cli.add("S03", "某工地拖欠农民工工资", "城关镇西村", as_of="2026-05-10")
    cli("assign", wages, "--leader", "王明", "--task-force", "劳资纠纷专班", "--plan", "约谈企业负责人限期清偿",
        "--due", "2026-07-20", as_of="2026-05-10")
    slope = cli.add("H03", "后山滑坡隐患", "城关镇南村", as_of="2026-06-01")
    cli("assign", slope, "--leader", "李华", "--task-force", "防汛专班", "--plan", "设置警示标志",
        "--due", "2026-06-20", as_of="2026-06-01")
    cli("mitigate", slope, "--measures", "雨天封路专人巡查", as_of="2026-06-02")
    land = cli.add("S01", "邻里宅基地纠纷", "城关镇北村", as_of="2026-06-15")
    cli("note", land, "双方同意由司法所调解", as_of="2026-06-28")
    cli("escalate", land, "--to", "县信访局", "--reason", "跨镇协调", as_of="2026-06-28")
    fence = cli.add("H03", "河道护栏缺失", "城关镇东村", as_of="2026-06-20", )
    cli("assign", fence, "--leader", "王明", "--task-force", "安全专班", "--plan", "补装护栏", "--due", "2026-06-25",
        as_of="2026-06-20")
    cli("close", fence, "--verified-by", "张伟", "--resolution", "护栏已全部补装到位", as_of="2026-06-24")
    return {"gas": gas, "wages": wages, "slope": slope, "land": land, "fence": fence}


@pytest.mark.parametrize("words, field", [
    ("燃气", "title"), ("燃气管", "title"), ("燃气管道老", "title"), ("老化", "title, at its end"),
    ("液化", "detail"), ("液化气", "detail"), ("商铺使用液", "detail"),
    ("清偿", "plan"), ("限期清", "plan"), ("企业负责人", "plan"),
    ("巡查", "measures"), ("专人巡", "measures"), ("封路专人巡", "measures"),
    ("补装", "resolution"), ("全部补", "resolution"), ("已全部补装", "resolution"),
    ("调解", "note"), ("司法所", "note"), ("同意由司法", "note"),
])
def test_search_finds_chinese_words_of_two_three_and_five_characters_in_every_field(cli, ledger, words, field):
    found = ids(cli, "--search", words)
    assert len(found) == 1, (field, found)


def test_search_names_the_right_entries_and_nothing_else(cli, ledger):
    assert ids(cli, "--search", "燃气") == [ledger["gas"]]
    assert ids(cli, "--search", "专班") == []  # task forces are not searched
    assert ids(cli, "--search", "王明") == []  # nor the lead official: --leader finds them
    assert ids(cli, "--search", "护栏") == [ledger["fence"]]
    assert ids(cli, "--search", "拖欠工资") == []  # the words must stand together
    assert ids(cli, "--search", "  燃气  ") == [ledger["gas"]]


def test_search_words_apart_must_all_be_found_in_any_field(cli, ledger):
    """西河 渗漏 finds 西河堤防渗漏: a space separates words, each found anywhere in the entry's text."""
    assert ids(cli, "--search", "拖欠 工资") == [ledger["wages"]]
    assert ids(cli, "--search", "工资 清偿") == [ledger["wages"]]  # title and plan
    assert ids(cli, "--search", "燃气　液化气") == [ledger["gas"]]  # an ideographic space too
    assert ids(cli, "--search", "燃气 护栏") == []  # both, not either
    assert ids(cli, "--search", "燃气 无此词") == []
    result = cli("--lang", "en", "list", "--search", "燃气 管", code=1)
    assert result.stderr == "Error: --search needs at least 2 characters, not '管'.\n"


def test_a_search_of_one_character_is_refused(cli, ledger):
    result = cli("list", "--search", "燃", code=1)
    assert result.stderr == "Error: --search needs at least 2 characters, not '燃'.\n"


def test_search_follows_every_write_and_undo(cli, ledger):
    cli("note", ledger["wages"], "已联系燃气公司核实")
    assert ids(cli, "--search", "燃气") == [ledger["gas"], ledger["wages"]]
    cli("mitigate", ledger["wages"], "--measures", "先行垫付部分款项")
    assert ids(cli, "--search", "垫付") == [ledger["wages"]]
    cli("undo")
    assert ids(cli, "--search", "垫付") == []
    assert ids(cli, "--search", "燃气") == [ledger["gas"], ledger["wages"]]
    cli("assign", ledger["gas"], "--plan", "更换老旧管线")
    assert ids(cli, "--search", "管线") == [ledger["gas"]]
    cli("undo")
    assert ids(cli, "--search", "管线") == []


def test_search_combines_with_the_other_filters(cli, ledger):
    cli("note", ledger["fence"], "燃气管道附近")
    assert ids(cli, "--search", "燃气") == [ledger["gas"], ledger["fence"]]
    assert ids(cli, "--search", "燃气", "--status", "active") == [ledger["gas"]]
    assert ids(cli, "--search", "燃气", "--unit", "城关镇东村", "--status", "closed") == [ledger["fence"]]


def test_leader_and_date_filters(cli, ledger):
    assert ids(cli, "--leader", "王明") == [ledger["wages"], ledger["fence"]]
    assert ids(cli, "--leader", "赵六") == []
    assert ids(cli, "--due-before", "2026-06-25") == [ledger["slope"], ledger["fence"]]
    assert ids(cli, "--due-after", "2026-06-25") == [ledger["wages"], ledger["fence"]]
    assert ids(cli, "--due-after", "2026-06-21", "--due-before", "2026-07-01") == [ledger["fence"]]
    assert ids(cli, "--added-since", "2026-06-15") == [ledger["land"], ledger["fence"]]
    assert ids(cli, "--changed-since", "2026-06-24") == [ledger["land"], ledger["fence"]]
    assert ids(cli, "--due-before", "-6d") == [ledger["slope"], ledger["fence"]]  # the usual date words


def test_a_date_that_is_no_date_is_refused_naming_its_option(cli, ledger):
    result = cli("list", "--due-before", "someday", code=1)
    assert result.stderr.startswith("Error: The --due-before date 'someday' is not a date")


def test_escalated_and_stale(cli, ledger):
    assert ids(cli, "--escalated") == [ledger["land"]]
    # stale: active and not updated in the last 7 days (as of 2026-07-01)
    assert ids(cli, "--stale") == [ledger["gas"], ledger["wages"], ledger["slope"]]
    assert ids(cli, "--stale", "--leader", "王明") == [ledger["wages"]]


def test_sort_orders(cli, ledger):
    gas, wages, slope, land, fence = ledger.values()
    assert ids(cli) == [gas, wages, slope, land, fence]
    assert ids(cli, "--sort", "id") == [gas, wages, slope, land, fence]
    assert ids(cli, "--sort", "due") == [slope, fence, wages, gas, land]  # no deadline last
    assert ids(cli, "--sort", "updated") == [land, fence, slope, wages, gas]  # latest change first
    assert ids(cli, "--sort", "unit") == [gas, fence, land, slope, wages]
    major = cli.add("H03", "危化品仓库违规存放", "城关镇南村", "--level", "major")
    low = cli.add("H03", "路灯损坏", "城关镇南村", "--level", "low")
    assert ids(cli, "--sort", "level") == [major, gas, wages, slope, land, fence, low]  # most serious first


def test_overdue_lists_the_longest_overdue_first_unless_sorted_otherwise(cli, ledger):
    late = cli.add("S03", "某企业欠薪", "城关镇西村", as_of="2026-06-01")
    cli("assign", late, "--leader", "刘洋", "--task-force", "专班", "--plan", "约谈", "--due", "2026-06-30",
        as_of="2026-06-01")
    assert ids(cli, "--overdue") == [ledger["slope"], late]
    assert ids(cli, "--overdue", "--sort", "id") == [ledger["slope"], late]
    cli("assign", late, "--due", "2026-06-10", as_of="2026-06-02")
    assert ids(cli, "--overdue") == [late, ledger["slope"]]
    assert ids(cli, "--overdue", "--sort", "id") == [ledger["slope"], late]


def test_an_unknown_sort_is_refused(cli, ledger):
    result = cli("list", "--sort", "colour", code=2)
    assert "colour" in result.stderr and "id" in result.stderr


def test_export_takes_the_same_filters(cli, ledger, tmp_path):
    lines = cli("export", "--search", "燃气", "--unmasked").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [ledger["gas"]]
    rows = list(csv.reader(io.StringIO(cli("export", "--format", "csv", "--leader", "王明", "--sort", "due").stdout)))
    assert len(rows) == 3 and "某工地拖欠农民工工资" in rows[2] and "河道护栏缺失" in rows[1]
    cli("export", "--format", "xlsx", "--search", "调解", "--output", tmp_path / "found.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "found.xlsx").worksheets[0]
    assert "邻里宅基地纠纷" in [cell.value for row in sheet.iter_rows() for cell in row]


def test_an_imported_and_a_copied_register_search_alike(cli, ledger, tmp_path):
    dump = tmp_path / "all.jsonl"
    cli("export", "--unmasked", "--output", dump)
    imported, copied = tmp_path / "imported.db", tmp_path / "copied.db"
    cli("--db", imported, "init")
    cli("--db", imported, "import", dump)
    cli("copy", "--to", copied)
    for words in ("燃气", "调解", "护栏已全", "巡查"):
        for other in (imported, copied):
            found = [e["id"] for e in cli.json("--db", other, "list", "--search", words, "--format", "json")]
            assert found == ids(cli, "--search", words) and len(found) == 1


@pytest.mark.sqlite_only  # a register file riskreg 0.x made
@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("register-schema-*.db")), ids=lambda p: p.stem)
def test_an_upgraded_register_is_searchable(cli, isolated_env, fixture):
    shutil.copy(fixture, isolated_env)
    assert ids(cli, "--search", "拖欠") == [1]
    assert ids(cli, "--search", "警示牌") == [2]  # a note written before the index existed
    assert ids(cli, "--search", "专人") == [2]
    assert ids(cli, "--search", "已支付") == [1]
    cli("note", "3", "已组织双方调解")
    assert ids(cli, "--search", "调解") == [3]
    with sqlite3.connect(isolated_env) as conn:
        assert conn.execute("SELECT count(*) FROM entry_search").fetchone()[0] == 3


def test_check_finds_a_search_index_out_of_step(cli, ledger):
    assert "全部检查通过" in cli("check").stdout
    _sql_on_register(cli, "DROP TRIGGER entry_search_note")
    cli("note", ledger["gas"], "已更换阀门")
    assert ids(cli, "--search", "阀门") == []
    out = cli("check", code=1).stdout
    assert "the search index's trigger entry_search_note is missing or disabled" in out
    assert f"the search index does not hold the text of 1 entries (the first is entry {ledger['gas']})" in out


def _sql_on_register(cli, statement: str) -> None:
    from riskreg.store.register import open_register
    import os

    register = open_register(os.environ["RISKREG_DB"])
    with register.engine.begin() as conn:
        conn.exec_driver_sql(statement if register.engine.dialect.name == "sqlite" else
                             statement.replace("DROP TRIGGER entry_search_note", "DROP TRIGGER entry_search_note ON history"))
    register.engine.dispose()
