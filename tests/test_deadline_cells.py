"""Deadline cells as a new user wrote them in a town's CSV: a bare number is not a day (only a workbook's number
cell is an Excel date serial), and a day without its year or a long-term item gets a sentence of its own."""

from conftest import problem_lines, sheet_file

HEADER = ["风险编码", "所在村", "隐患名称", "整改时限"]
NOT_A_DATE = "not a date (write 2026-07-31, 2026/7/31, 2026.7.31 or 2026年7月31日)"
NO_YEAR = "no year; write the year too, as in 2026年12月5日"
LONG_TERM = "a long-term item has no deadline; leave the cell empty"


def test_a_bare_number_in_a_csv_deadline_is_not_a_date(cli, register, tmp_path, snapshot):
    """数字日期.csv: 46010 would have been 2025-12-19, a day already past, without a word."""
    sheet = sheet_file(tmp_path / "数字日期.csv", [
        HEADER, ["S01", "东村", "甲1", "20261205"], ["S01", "东村", "乙1", "2026.12"], ["S01", "东村", "丙1", "12.5"],
        ["S01", "东村", "丁1", "46010"], ["S01", "东村", "戊1", "４６０１０"]])
    before = snapshot()
    assert problem_lines(cli("import", sheet, code=1).stderr)[1:] == [
        f"2 整改时限 20261205 {NOT_A_DATE}", f"3 整改时限 2026.12 {NOT_A_DATE}", f"4 整改时限 12.5 {NOT_A_DATE}",
        f"5 整改时限 46010 {NOT_A_DATE}", f"6 整改时限 ４６０１０ {NOT_A_DATE}"]
    assert snapshot() == before


def test_a_number_cell_of_a_workbook_is_still_a_date_serial(cli, register, tmp_path):
    sheet = sheet_file(tmp_path / "北村.xlsx", [HEADER, ["S01", "东村", "甲1", 46010]])
    cli("import", sheet)
    assert "2025-12-19" in cli("show", "1").stdout


def test_a_day_without_its_year_and_a_long_term_item_are_told_what_to_write(cli, register, tmp_path, snapshot):
    sheet = sheet_file(tmp_path / "时限写法.csv", [
        HEADER, ["S01", "东村", "甲", "12月5日"], ["S01", "东村", "乙", "长期坚持"], ["S01", "东村", "丙", "12/5"],
        ["S01", "东村", "丁", "长期"], ["S01", "东村", "戊", "2026年12月底"], ["S01", "东村", "己", "１２月５号"]])
    before = snapshot()
    assert problem_lines(cli("import", sheet, code=1).stderr)[1:] == [
        f"2 整改时限 12月5日 {NO_YEAR}", f"3 整改时限 长期坚持 {LONG_TERM}", f"4 整改时限 12/5 {NO_YEAR}",
        f"5 整改时限 长期 {LONG_TERM}", f"6 整改时限 2026年12月底 {NOT_A_DATE}", f"7 整改时限 １２月５号 {NO_YEAR}"]
    zh = cli("--lang", "zh", "import", sheet, code=1).stderr
    assert "没有年份；请写上年份，如 2026年12月5日" in zh and "长期的事项不填整改时限，留空即可" in zh
    assert snapshot() == before


def test_a_day_written_with_hao_and_its_year_is_a_date(cli, register, tmp_path):
    """１２月５号 is told to add its year; with it, 2026年12月5号 was then refused as not a date."""
    sheet = sheet_file(tmp_path / "时限写法.csv", [HEADER, ["S01", "东村", "甲", "2026年12月5号"],
                                                   ["S01", "东村", "乙", "２０２６年１２月３１号"]])
    cli("import", sheet)
    assert [e["due"] for e in cli.json("list", "--format", "json")] == ["2026-12-05", "2026-12-31"]
