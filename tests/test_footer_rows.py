"""A town's sheet ends with a 合计 row (merged over the first columns, counts beside it) or a sign-off line
(填表人：张三 电话：…): passed over in a workbook and in CSV alike, and the import says so, one line each."""

from conftest import problem_lines, sheet_file
from openpyxl import Workbook

HEADER = ["序号", "风险编码", "所在村", "隐患名称", "具体情况", "整改时限"]
ROWS = [[1, "S03", "东村", "拖欠工资", "涉及23人", "2026-12-05"], [2, "H02", "西村", "堤防渗漏", "长约120米", None]]


def test_a_total_row_and_sign_off_lines_of_a_workbook_are_passed_over_and_said(cli, register, tmp_path):
    """东风镇台账.xlsx and 北村台账.xlsx: 合计 merged over A:C with 共2项 under 隐患名称, a formula left unsaved
    beside a 小计, and the 填表人 and 审核人 line."""
    workbook = Workbook()
    sheet = workbook.active
    for row in [HEADER, *ROWS, [None] * 6, ["合计", None, None, "共2项", None, None], ["小 计", None, None, "=COUNTA(D2:D3)"],
                ["填表人：张三", None, None, "审核人：李四", None, "电话：13800001111"], [None, None, "总计：2"]]:
        sheet.append(row)
    sheet.merge_cells("A5:C5")
    workbook.save(tmp_path / "东风镇台账.xlsx")
    assert "Row 5 (合计) is a total or sign-off row under the ledger; it was not imported." in cli(
        "--lang", "en", "import", tmp_path / "东风镇台账.xlsx", "--dry-run").stdout
    out = cli("import", tmp_path / "东风镇台账.xlsx").stdout
    assert out.splitlines()[:3] == [
        "第 5 行（合计）是台账下方的合计或落款行，没有导入。", "第 6 行（小 计）是台账下方的合计或落款行，没有导入。",
        "第 7 行（填表人：张三）是台账下方的合计或落款行，没有导入。"]
    assert "第 8 行" in out.splitlines()[3] and "已从 东风镇台账.xlsx，工作表 Sheet 导入 2 个条目。" in out


def test_a_total_row_of_a_gbk_csv_is_passed_over_and_said(cli, register, tmp_path):
    """南社区.csv, as WPS saves it: GBK, the 合计 row's other cells empty (it used to vanish unsaid)."""
    path = tmp_path / "南社区.csv"
    path.write_bytes("\r\n".join(",".join("" if c is None else str(c) for c in row) for row in
                                 [HEADER, *ROWS, [None] * 6, ["合 计", None, None, None, None, None],
                                  ["填报单位：南社区", None, None, None, None, None]]).encode("gbk"))
    out = cli("import", path).stdout
    assert "第 5 行（合 计）是台账下方的合计或落款行，没有导入。" in out
    assert "第 6 行（填报单位：南社区）是台账下方的合计或落款行，没有导入。" in out
    assert "已从 南社区.csv 导入 2 个条目。" in out


def test_the_usual_sign_off_and_note_lines_are_passed_over_and_said(cli, register, tmp_path):
    """西村台账.xlsx: 单位负责人 and 填报人 on one line, 填报日期, and a 注： line under the ledger were refused as
    entries missing their risk and village."""
    sheet = sheet_file(tmp_path / "西村台账.xlsx", [HEADER, *ROWS, ["单位负责人：王五", None, "填报人：赵六"],
                                                  ["填报日期：2026年11月30日"], ["注：本表每周五报镇综治办。"]])
    out = cli("import", sheet).stdout
    assert [line for line in out.splitlines() if "没有导入" in line] == [
        "第 4 行（单位负责人：王五）是台账下方的合计或落款行，没有导入。",
        "第 5 行（填报日期：2026年11月30日）是台账下方的合计或落款行，没有导入。",
        "第 6 行（注：本表每周五报镇综治办。）是台账下方的合计或落款行，没有导入。"]
    assert "导入 2 个条目" in out


def test_a_title_that_only_mentions_a_total_is_an_entry(cli, register, tmp_path):
    """Only the first filled cell decides, and only as a whole word or a sign-off's opening."""
    sheet = sheet_file(tmp_path / "北村.csv", [HEADER[1:], ["S03", "东村", "合计欠薪45万元", "涉及23人", None]])
    out = cli("import", sheet).stdout
    assert "没有导入" not in out and "导入 1 个条目" in out


def test_a_row_with_a_risk_code_is_an_entry_whatever_its_first_cell_says(cli, register, tmp_path):
    """小计 typed over a real item's 序号 (a village counting as it goes) left its code, title and deadline
    unimported under a line that called it a total row."""
    sheet = sheet_file(tmp_path / "东村.xlsx", [HEADER, ROWS[0], ["小计", "S02", "东村", "集资", "涉及5户", "2026-12-31"]])
    out = cli("import", sheet).stdout
    assert "没有导入" not in out and "导入 2 个条目" in out
    assert "涉及5户" in cli("show", "2").stdout


def test_a_comment_on_a_total_row_or_under_the_ledger_is_not_passed_over_unsaid(cli, register, tmp_path, snapshot):
    """A 批注 is filled information: on a 合计 row, or on an empty cell under the last row, it was dropped."""
    from openpyxl.comments import Comment

    sheet = sheet_file(tmp_path / "东村.xlsx", [HEADER, ROWS[0], ["合计", None, None, "共1项", None, None]])
    for ref in ("D3", "E9"):
        from openpyxl import load_workbook

        workbook = load_workbook(sheet)
        workbook.active[ref].comment = Comment("张三 13900001111 反映", "李四")
        workbook.save(sheet)
        before = snapshot()
        lines = problem_lines(cli("import", sheet, code=1).stderr)
        assert lines[1].startswith(f"{ref[1:]} 风险编码") and snapshot() == before
        workbook.active[ref].comment = None
        workbook.save(sheet)
