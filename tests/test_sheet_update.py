"""Taking back a returned sheet (`import --update`): the coordinator sends out the ledger, a department fills in
progress, deadlines and check-offs, and the changes come back as the events the commands would record."""

import csv
import io
from pathlib import Path

import pytest
from conftest import fill_in
from openpyxl import load_workbook

from riskreg.cli import app
from riskreg.errors import Problem, RowsRefused

SHEET = "劳动保障中心.xlsx"


@pytest.fixture
def ledger(cli, register):
    """Entries as a town has them on 2026-07-01, each last changed on an earlier day."""
    a = cli.add("S03", "某工地拖欠农民工工资", "东村", "--due", "2026-07-10", as_of="2026-06-01")
    cli("assign", a, "--leader", "王明 13912345678", "--task-force", "劳资纠纷专班", "--plan", "约谈企业",
        as_of="2026-06-02")
    cli("note", a, "已约谈施工方，电话13912345678", as_of="2026-06-03")
    b = cli.add("P01", "燃气管道老化", "南社区", as_of="2026-06-05")
    c = cli.add("H02", "后山滑坡隐患", "西村", as_of="2026-06-08")
    d = cli.add("G01", "退役军人待遇诉求", "北社区", as_of="2026-06-09")
    e = cli.add("S01", "小区逾期交房", "西村", as_of="2026-06-10")
    cli("close", e, "--verified-by", "李华", "--resolution", "已交房", "--on", "2026-06-20", as_of="2026-06-20")
    assert (a, b, c, d, e) == (1, 2, 3, 4, 5)
    return register


def export(cli, path: Path, *extra: str) -> Path:
    cli("export", "--format", "xlsx" if path.suffix == ".xlsx" else "csv", "--output", path, *extra)
    return path


def refused(cli, monkeypatch, *args) -> list[Problem]:
    """The problems of an import refused as a whole (the CLI shows them as a table on stderr)."""
    summary = cli(*args, code=1).stderr.splitlines()[0]
    assert summary.endswith("; nothing imported.")
    monkeypatch.setenv("RISKREG_DEBUG", "1")
    result = cli.runner.invoke(app, ["--as-of", "2026-07-01", *map(str, args)])
    monkeypatch.delenv("RISKREG_DEBUG")
    assert isinstance(result.exception, RowsRefused), result.output
    return result.exception.problems


def entry(cli, entry_id: int) -> dict:
    return cli.json("show", entry_id, "--format", "json", "--unmasked")


def test_a_returned_sheet_comes_back_as_the_commands_would_record_it(cli, ledger, tmp_path, monkeypatch):
    sent = export(cli, tmp_path / "sent.xlsx")
    cli("assign", 4, "--leader", "赵刚")  # the register moves on after the sheet went out
    returned = fill_in(sent, tmp_path / SHEET, {
        1: {"完成时限": "2026-07-31", "进展情况": "已支付一半工资"},
        2: {"状态": "已销号", "核验人": "李强", "化解情况": "已更换管道", "销号日期": "2026-06-30"},
        3: {"风险等级": "较大"},
        4: {"牵头领导": "钱伟"},
    })
    problems = refused(cli, monkeypatch, "import", "--update", returned)
    assert problems == [Problem(5, "牵头领导", "钱伟", "entry 4 changed in the register since this sheet was exported "
                                "(版本 6, now 9): the sheet has '钱伟', the register '赵刚'; export a fresh sheet, or "
                                "take the sheet's with --force")]
    assert entry(cli, 1)["due"] == "2026-07-10"  # all or nothing

    out = cli("--actor", "镇综治办", "import", "--update", returned, "--force").stdout
    assert out == f"已更新 4 个条目，共 5 处改动，来自 {SHEET}，工作表 风险台账。\n"
    a, b, c, d = (entry(cli, n) for n in (1, 2, 3, 4))
    assert (a["due"], a["extensions"], a["leader"]) == ("2026-07-31", 1, "王明 13912345678")
    assert (b["status"], b["verified_by"], b["resolution"], b["closed_on"]) == ("closed", "李强", "已更换管道", "2026-06-30")
    assert (c["level"], d["leader"]) == ("significant", "钱伟")
    why = lambda row: f"updated from {SHEET} row {row}"  # noqa: E731
    assert [(e["action"], e["on"], e["actor"], e["text"]) for e in a["history"][-2:]] == [
        ("assign", "2026-07-01", "镇综治办", why(2)), ("note", "2026-07-01", f"镇综治办 ({why(2)})", "已支付一半工资")]
    assert (b["history"][-1]["action"], b["history"][-1]["on"], b["history"][-1]["text"]) == ("close", "2026-06-30", why(3))
    assert (c["history"][-1]["action"], c["history"][-1]["text"]) == ("regrade", why(4))
    assert c["history"][-1]["changes"] == {"level": {"old": "general", "new": "significant"}}
    shown = cli("show", 1).stdout
    assert f"镇综治办（据 {SHEET} 第 2 行） 记录进展：已支付一半工资" in shown  # the stored why(2), in words
    assert "全部检查通过" in cli("check").stdout

    again = cli("import", "--update", returned).stdout  # the same sheet again: it says what the register says
    assert again == f"已更新 0 个条目，共 0 处改动，来自 {SHEET}，工作表 风险台账。\n"


def test_the_dry_run_shows_each_change_and_writes_nothing(cli, ledger, tmp_path, snapshot):
    returned = fill_in(export(cli, tmp_path / "sent.xlsx"), tmp_path / SHEET, {
        1: {"完成时限": "2026-07-31", "进展情况": "已支付一半工资，联系电话13812345678"},
        3: {"风险等级": "重大", "标题": "后山滑坡隐患（二号点）"},
    }, new_rows=[{"风险编码": "S04", "村(社区)": "北村", "标题": "乡道急弯缺少护栏"}])
    before = snapshot()
    out = cli("import", "--update", returned, "--dry-run").stdout
    assert out == (
        "条目 1 某工地拖欠农民工工资（第 2 行）\n"
        "  完成时限：2026-07-10 → 2026-07-31（延期）\n"
        "  进展情况：已约谈施工方，电话139****5678 → 已支付一半工资，联系电话138****5678（进展记录）\n"
        "条目 3 后山滑坡隐患（第 4 行）\n"
        "  标题：后山滑坡隐患 → 后山滑坡隐患（二号点）（更正）\n"
        "  风险等级：一般风险 → 重大风险（调整等级）\n"
        f"将更新 2 个条目，共 4 处改动，来自 {SHEET}，工作表 风险台账；将新增 1 个条目。\n")
    assert snapshot() == before
    assert "13812345678" in cli("import", "--update", returned, "--dry-run", "--unmasked").stdout
    assert cli("--lang", "en", "import", "--update", returned).stdout == f"Updated 2 entries with 4 events from {SHEET}, sheet 风险台账; added 1 entry.\n"
    assert entry(cli, 6)["title"] == "乡道急弯缺少护栏"
    assert [e["action"] for e in entry(cli, 3)["history"]] == ["add", "regrade", "edit"]
    assert "全部检查通过" in cli("check").stdout


def test_masked_cells_and_blank_cells_change_nothing(cli, ledger, tmp_path):
    sent = export(cli, tmp_path / "sent.xlsx")  # masked, as sheets are by default: 王明 139****5678
    assert load_workbook(sent).worksheets[0]["J2"].value == "王明 139****5678"
    returned = fill_in(sent, tmp_path / SHEET, {1: {"工作方案": None, "工作专班": "  "}})  # cleared cells
    assert cli("--lang", "en", "import", "--update", returned).stdout == f"Updated 0 entries with 0 events from {SHEET}, sheet 风险台账.\n"
    a = entry(cli, 1)
    assert (a["leader"], a["plan"], a["task_force"]) == ("王明 13912345678", "约谈企业", "劳资纠纷专班")
    assert len(a["history"]) == 3


def test_lifecycle_rules_hold_as_the_commands_check_them(cli, ledger, tmp_path, monkeypatch, snapshot):
    returned = fill_in(export(cli, tmp_path / "sent.xlsx"), tmp_path / SHEET, {
        5: {"销号日期": "2026-06-25"},  # closing a closed entry again
        4: {"状态": "已销号"},  # a check-off without verifier or resolution
        3: {"状态": "管控中"},  # mitigated without measures
        2: {"完成时限": "明年"},
    })
    before = snapshot()
    problems = refused(cli, monkeypatch, "import", "--update", returned)
    assert [(p.row, p.column, p.value, str(p.reason)) for p in problems] == [
        (3, "完成时限", "明年", "not a date (write 2026-07-31, 2026/7/31, 2026.7.31 or 2026年7月31日)"),
        (4, "管控措施", "", "empty; a mitigated entry needs its measures"),
        (5, "核验人", "", "empty; a closed entry needs 核验人, 化解情况, 销号日期"),
        (5, "化解情况", "", "empty; a closed entry needs 核验人, 化解情况, 销号日期"),
        (5, "销号日期", "", "empty; a closed entry needs 核验人, 化解情况, 销号日期"),
        (6, "销号日期", "2026-06-25", "Entry 5 is closed; `close` applies only to open or mitigated entries."),
    ]
    assert snapshot() == before


def test_a_closed_entry_reopens_and_is_corrected_and_undo_reverts_the_correction(cli, ledger, tmp_path):
    returned = fill_in(export(cli, tmp_path / "sent.xlsx"), tmp_path / SHEET, {
        5: {"状态": "待化解", "标题": "小区逾期交房（二期）", "村(社区)": "东村"}})
    assert cli("--lang", "en", "import", "--update", returned).stdout == f"Updated 1 entry with 2 events from {SHEET}, sheet 风险台账.\n"
    e = entry(cli, 5)
    assert (e["status"], e["title"], e["unit"], e["reopen_count"], e["verified_by"]) == (
        "open", "小区逾期交房（二期）", "东村", 1, None)
    assert [(h["action"], h["text"]) for h in e["history"][-2:]] == [
        ("reopen", f"updated from {SHEET} row 6"), ("edit", f"updated from {SHEET} row 6")]
    assert "全部检查通过" in cli("check").stdout
    cli("undo")
    assert (entry(cli, 5)["title"], entry(cli, 5)["unit"]) == ("小区逾期交房", "西村")
    assert "全部检查通过" in cli("check").stdout


def test_rows_the_register_cannot_match_are_problems(cli, ledger, tmp_path, monkeypatch):
    sent = export(cli, tmp_path / "sent.xlsx")
    returned = fill_in(sent, tmp_path / SHEET, {1: {"版本": None, "牵头领导": "孙丽"}, 2: {"版本": 1, "详情": "三栋"},
                                                3: {"编号": 99}, 4: {"编号": 1}})
    problems = refused(cli, monkeypatch, "import", "--update", returned)
    assert [(p.row, p.column, p.value, str(p.reason)) for p in problems] == [
        (2, "版本", "", "编号 1 has no 版本: a new item's row leaves 编号 blank; only a sheet exported without a 版本 "
                        "column needs --force"),
        (3, "版本", "1", "版本 1 is not a version of entry 2 (its latest is 4)"),
        (4, "编号", "99", "there is no entry 99 in the register; a new entry's row leaves 编号 blank"),
        (5, "编号", "1", "编号 1 is also on row 2"),
    ]


def test_a_csv_sheet_saved_by_wps_in_gbk_comes_back_too(cli, ledger, tmp_path):
    sent = export(cli, tmp_path / "sent.csv")
    rows = list(csv.DictReader(io.StringIO(sent.read_text(encoding="utf-8"))))
    rows[0]["进展情况"], rows[0]["完成时限"] = "工资已全部兑付", "2026/7/5"  # as WPS writes a date
    rows[1].update({"核验人": "李强", "化解情况": "已更换", "销号日期": "2026年6月30日", "状态": "已销号"})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    returned = tmp_path / "returned.csv"
    returned.write_bytes(buffer.getvalue().encode("gb18030"))
    assert cli("--lang", "en", "import", "--update", returned).stdout == "Updated 2 entries with 3 events from returned.csv.\n"
    a, b = entry(cli, 1), entry(cli, 2)
    assert (a["due"], a["extensions"], b["status"], b["closed_on"]) == ("2026-07-05", 0, "closed", "2026-06-30")
    assert "全部检查通过" in cli("check").stdout


@pytest.mark.parametrize("args, sentence", [
    (["--force"], "--force applies with --update, to take rows whose entry changed since the export."),
    (["--update", "--new-ids"], "--new-ids does not go with --update: a row's 编号 names the entry it updates."),
])
def test_options_that_do_not_go_together(cli, register, tmp_path, args, sentence):
    sheet = tmp_path / "returned.xlsx"
    assert cli("import", sheet, *args, code=1).stderr == f"Error: {sentence}\n"


def test_update_takes_spreadsheets_only(cli, register, tmp_path):
    assert cli("import", tmp_path / "backup.jsonl", "--update", code=1).stderr == (
        "Error: --update takes back a spreadsheet (.xlsx, .xls, .ods or .csv); backup.jsonl is not one.\n")


def test_an_english_sheet_mitigates_escalates_reassigns_and_consolidates(cli, ledger, tmp_path):
    sent = tmp_path / "sent.xlsx"
    cli("--lang", "en", "export", "--format", "xlsx", "--output", sent)
    returned = fill_in(sent, tmp_path / "returned.xlsx", {
        2: {"Interim measures": "每周巡查", "Escalated to": "县应急局", "Escalation reason": "需要专项资金",
            "Department": "Water Affairs Office"},
        5: {"Status": "consolidated"},
    })
    out = cli("--lang", "en", "import", "--update", returned, "--dry-run", as_of="2026-07-20").stdout  # the watch is over
    assert out.splitlines()[:2] == ["Entry 2 燃气管道老化 (row 3)", "  Department: Comprehensive Governance Centre → "
                                    "Water Affairs Office  (assign)"]
    assert "  Status: closed → consolidated  (consolidate)" in out
    assert cli("--lang", "en", "import", "--update", returned, as_of="2026-07-20").stdout == (
        "Updated 2 entries with 4 events from returned.xlsx, sheet Ledger.\n")
    b, e = entry(cli, 2), entry(cli, 5)
    assert (b["status"], b["department"], b["measures"], b["escalated_to"], e["status"]) == (
        "mitigated", "WATER", "每周巡查", "县应急局", "consolidated")
    assert [h["action"] for h in b["history"]] == ["add", "assign", "mitigate", "escalate"]
    assert "全部检查通过" in cli("check").stdout


def test_an_edited_cell_holding_a_masked_number_is_refused_unless_accepted(cli, ledger, tmp_path, monkeypatch):
    returned = fill_in(export(cli, tmp_path / "sent.xlsx"), tmp_path / SHEET, {1: {"牵头领导": "王明 139****5678 新"}})
    assert refused(cli, monkeypatch, "import", "--update", returned) == [Problem(
        2, "牵头领导", "王明 139****5678 新",
        "holds a masked number (139****5678); import the unmasked export, or pass --accept-masked")]
    assert entry(cli, 1)["leader"] == "王明 13912345678"
    taken = cli("import", "--update", returned, "--accept-masked").stdout
    assert taken == f"已更新 1 个条目，共 1 处改动，来自 {SHEET}，工作表 风险台账。\n"
    assert entry(cli, 1)["leader"] == "王明 139****5678 新"


def test_sheet_and_ignore_apply_to_update(cli, ledger, tmp_path):
    returned = fill_in(export(cli, tmp_path / "sent.xlsx"), tmp_path / SHEET, {1: {"牵头领导": "钱伟"}})
    workbook = load_workbook(returned)
    ledger_sheet = workbook.worksheets[0]
    ledger_sheet.cell(1, ledger_sheet.max_column + 1).value = "联系电话"
    ledger_sheet.cell(2, ledger_sheet.max_column).value = "13800000000"
    instructions = workbook.create_sheet("填表说明", 0)
    instructions["A1"] = "请填写进展情况后交回镇综治办。"
    workbook.save(returned)
    assert "联系电话" in cli("import", "--update", returned, "--sheet", "2", code=1).stderr
    taken = cli("import", "--update", returned, "--sheet", "2", "--ignore", "联系电话").stdout
    assert taken == f"已更新 1 个条目，共 1 处改动，来自 {SHEET}，工作表 风险台账。\n"
    assert entry(cli, 1)["leader"] == "钱伟"
