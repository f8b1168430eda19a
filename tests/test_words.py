"""One vocabulary: the command line takes every word import takes (names or codes, Chinese or English, full-width
forms, every written date), refuses an unknown one listing the words accepted, and `add` refuses an active twin."""

import csv

import pytest
from conftest import problem_lines


def ids(cli, *filters: str) -> list[int]:
    return [row["id"] for row in cli.json("list", "--format", "json", *filters)]


def show(cli, entry_id: int) -> dict:
    return cli.json("show", str(entry_id), "--format", "json")


@pytest.mark.parametrize("due", ["2026/7/31", "2026.7.31", "2026年7月31日", "２０２６年７月３１日", "２０２６-０７-３１"])
def test_assign_takes_a_department_name_and_every_written_date(cli, register, due):
    entry_id = cli.add()
    cli("assign", entry_id, "--dept", "综治中心", "--due", due)
    entry = show(cli, entry_id)
    assert (entry["department"], entry["due"]) == ("COMP", "2026-07-31")


def test_a_day_no_calendar_has_is_refused(cli, register):
    entry_id = cli.add()
    assert cli("assign", entry_id, "--due", "2026/2/30", code=1).stderr == \
        "Error: The deadline '2026/2/30' is not a date: no calendar has that day.\n"


def test_filters_take_names_in_either_language_and_full_width(cli, register):
    labour = cli.add("S03", "拖欠工资", "东村", "--level", "较大")
    comp = cli.add("P03", "邻里纠纷", "西村", "--level", "major", "--dept", "Comprehensive Governance Centre")
    cli("mitigate", comp, "--measures", "每日回访")
    assert ids(cli, "--status", "待化解") == [labour]
    assert ids(cli, "--status", "管控中") == ids(cli, "--status", "Mitigated") == [comp]
    assert ids(cli, "--status", "在办") == [labour, comp]
    assert ids(cli, "--dept", "劳动保障中心") == ids(cli, "--dept", "ｌａｂｏｕｒ") == [labour]
    assert ids(cli, "--level", "较大") == ids(cli, "--level", "橙") == ids(cli, "--level", "较大风险") == [labour]
    assert ids(cli, "--category", "社会矛盾") == [labour]
    assert ids(cli, "--risk", "ｐ０３") == [comp]


@pytest.mark.parametrize("argv, sentence", [
    (["list", "--dept", "综治"], "There is no department '综治'; use one of: COMP 综治中心, CULT 宣传文化中心,"),
    (["list", "--status", "pending"], "There is no status 'pending'; use one of: open 待化解, mitigated 管控中, "
                                      "closed 已销号, consolidated 已巩固, voided 作废, active 在办."),
    (["list", "--level", "特大"], "There is no level '特大'; use one of: major 重大 red, significant 较大 orange, "
                                 "general 一般 yellow, low 低 blue."),
    (["list", "--category", "安全"], "There is no category '安全'; use one of: G 群众诉求, H 安全生产与自然灾害,"),
    (["assign", "1", "--dept", "综治"], "There is no department '综治'; use one of: COMP 综治中心,"),
    (["add", "S99", "--title", "t", "--unit", "东村"], "There is no risk 'S99'; use one of: G01, G02,"),
])
def test_an_unknown_word_is_refused_with_the_words_accepted(cli, register, snapshot, argv, sentence):
    cli.add()
    before = snapshot()
    error = cli(*argv, code=1).stderr
    assert error.startswith(f"Error: {sentence}") and error.count("\n") == 1
    assert snapshot() == before


def test_import_reads_the_same_words(cli, register, tmp_path):
    path = tmp_path / "台账.csv"
    with path.open("w", encoding="gbk", newline="") as out:
        rows = csv.writer(out)
        rows.writerow(["风险编码", "村(社区)", "标题", "风险等级", "状态", "责任部门", "完成时限"])
        rows.writerow(["Ｓ０３", "东村", "拖欠工资", "橙", "待化解", "劳动保障中心", "２０２６年７月３１日"])
        rows.writerow(["P03", "西村", "邻里纠纷", "较大", "open", "综治中心", "2026.7.31"])
    cli("import", path)
    assert ids(cli, "--dept", "LABOUR", "--level", "significant", "--status", "open") == [1]
    assert ids(cli, "--dept", "COMP", "--level", "橙") == [2]
    assert show(cli, 2)["due"] == "2026-07-31"


def test_add_refuses_an_active_twin_unless_forced(cli, register, snapshot):
    first = cli.add("S03", "拖欠工资", "东村")
    before = snapshot()
    refused = cli("add", "S03", "--title", "拖欠工资", "--unit", "东村", code=1).stderr
    assert refused == (f"Error: Entry {first} already has this risk, unit and title (S03, 东村, 拖欠工资) and is "
                       "still active; give --force to add it anyway.\n")
    assert snapshot() == before
    assert cli("add", "S03", "--title", "拖欠工资", "--unit", "东村", "--force").stdout == f"{first + 1}\n"


def test_a_closed_twin_is_a_hazard_that_recurred(cli, register):
    first = cli.add("S03", "拖欠工资", "东村", as_of="2026-06-01")
    cli("close", first, "--verified-by", "李华", "--resolution", "已清偿", as_of="2026-06-02")
    assert cli("add", "S03", "--title", "拖欠工资", "--unit", "东村").stdout == f"{first + 1}\n"


def test_a_past_deadline_is_recorded_with_a_warning(cli, register):
    added = cli("add", "S03", "--title", "拖欠工资", "--unit", "东村", "--due", "2026/6/1", as_of="2026-07-01")
    assert added.stdout == "1\n"
    assert added.stderr == "警告：完成时限 2026-06-01 已过（今天是 2026-07-01）；照样登记。\n"
    assigned = cli("assign", "1", "--due", "-3d", as_of="2026-07-01")
    assert assigned.stderr == "警告：完成时限 2026-06-28 已过（今天是 2026-07-01）；照样登记。\n"
    assert show(cli, 1)["due"] == "2026-06-28"
    assert cli("assign", "1", "--due", "+3d", as_of="2026-07-01").stderr == ""


def test_import_refuses_an_unknown_word_with_the_words_accepted(cli, register, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_text("风险编码,村(社区),标题,风险等级,状态,责任部门\nS03,东村,拖欠工资,特大,待办,综治\n", encoding="utf-8")
    assert problem_lines(cli("import", path, code=1).stderr)[1:] == [
        "2 风险等级 特大 not a level; use one of: major 重大 red, significant 较大 orange, general 一般 yellow, low 低 blue",
        "2 状态 待办 not a status; use one of: open 待化解, mitigated 管控中, closed 已销号, consolidated 已巩固, voided 作废",
        "2 责任部门 综治 not in the catalogue; use one of: COMP 综治中心, CULT 宣传文化中心, EMERG 应急管理办, HEALTH 卫健办, "
        "JUST 司法所, LABOUR 劳动保障中心, LAND 自然资源和规划所, MARKET 市场监管所, POLICE 派出所, SOCIAL 社会事务办, "
        "URBAN 统筹城乡发展办, VETS 退役军人服务站, WATER 水利办"]


def test_every_date_option_takes_the_written_forms(cli, register):
    entry_id = cli.add(as_of="2026年6月1日")
    cli("close", entry_id, "--verified-by", "李华", "--resolution", "已清偿", "--on", "２０２６/６/２", as_of="2026.6.3")
    entry = show(cli, entry_id)
    assert (entry["created_on"], entry["closed_on"]) == ("2026-06-01", "2026-06-02")
    assert cli.json("report", "--format", "json", "--since", "2026/6/1")["since"]["date"] == "2026-06-01"
