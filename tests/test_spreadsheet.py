"""Spreadsheets in and out: headers in either language, town-ledger quirks, all or nothing, the xlsx round trip."""

import csv
import io
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import problem_lines
from openpyxl import Workbook, load_workbook

from riskreg.exchange.sheet_cells import sheet_date
from riskreg.exchange.sheet_columns import COLUMNS, SHEET_ONLY

LEDGER_HEADERS = ["编号", "风险编码", "类别", "村(社区)", "标题", "详情", "风险等级", "状态", "责任部门", "牵头领导",
                  "工作专班", "工作方案", "完成时限", "应急预案"]


@pytest.fixture
def four_entries(cli, register):
    """Entries in every status, made on different days, one with a mobile number in its title."""
    a = cli.add("S03", "某工地拖欠农民工工资，电话13912345678", "东村", "--level", "significant", as_of="2026-06-01")
    cli("assign", a, "--leader", "王明", "--task-force", "劳资纠纷专班", "--plan", "约谈企业\n限期清偿",
        "--due", "2026-06-20", "--contingency", "集体讨薪时启动预案", as_of="2026-06-02")
    b = cli.add("P01", "燃气管道老化", "南社区", "--level", "major", as_of="2026-06-05")
    cli("mitigate", b, "--measures", "每周巡查", as_of="2026-06-06")
    cli("escalate", b, "--to", "区应急局", "--reason", "需要专项资金", as_of="2026-06-07")
    c = cli.add("H02", "后山滑坡隐患", "西村", "--dept", "WATER", as_of="2026-06-08")
    cli("close", c, "--verified-by", "李华", "--resolution", "已完成排危", "--on", "2026-06-10", as_of="2026-06-12")
    cli.add("G01", "退役军人待遇诉求", "北社区", "--level", "low", "--due", "2026-07-30")
    return register


def _use_fresh_register(cli, tmp_path, monkeypatch, name="fresh.db") -> Path:
    monkeypatch.setenv("RISKREG_DB", str(tmp_path / name))
    cli("init")
    return tmp_path / name


SHEET_FIELDS = [c.field for c in COLUMNS if c.field != "category" and c not in SHEET_ONLY] + ["category"]


def _entries(cli) -> list[dict]:
    return [{k: e[k] for k in SHEET_FIELDS} for e in cli.json("list", "--format", "json", "--unmasked")]


def _cells(path: Path) -> list[list[list]]:
    workbook = load_workbook(path)
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets]


def test_xlsx_round_trip_gives_the_same_entries(cli, four_entries, tmp_path, monkeypatch):
    out = tmp_path / "ledger.xlsx"
    cli("export", "--format", "xlsx", "--unmasked", "--output", out)
    before = _entries(cli)
    _use_fresh_register(cli, tmp_path, monkeypatch)
    assert "Imported 4 entries from ledger.xlsx" in cli("--lang", "en", "import", out).stdout
    assert _entries(cli) == before
    again = tmp_path / "again.xlsx"
    cli("export", "--format", "xlsx", "--unmasked", "--output", again)
    # The same sheet but for 版本: each entry's history starts afresh with the one event that added it.
    ledger, reimported = _cells(out)[0], _cells(again)[0]
    assert [row[:-1] for row in reimported] == [row[:-1] for row in ledger]
    assert [row[-1] for row in reimported] == ["版本", 1, 2, 3, 4]
    assert [row[-1] for row in ledger] == ["版本", 2, 5, 7, 8]  # the latest events: assign, escalate, close, add
    assert _cells(again)[1:] == _cells(out)[1:]
    assert "全部检查通过" in cli("check").stdout
    history = cli.json("show", "3", "--format", "json")["history"]
    assert [(e["action"], e["on"], e["text"]) for e in history] == [("add", "2026-06-08", "imported from ledger.xlsx, row 4")]
    refused = cli("import", out, code=1).stderr
    assert "ledger.xlsx: 4 rows with 4 problems; nothing imported." in refused
    assert "5    编号    4      entry 4 is already in the register (--new-ids imports the row under a new number)" in refused


def test_unnumbered_rows_are_not_imported_twice(cli, register, tmp_path):
    sheet = tmp_path / "new.csv"
    sheet.write_text("风险编码,村(社区),标题\nS03,东村,拖欠工资\nS03,东村,拖欠工资\n", encoding="utf-8")
    assert "3 标题 拖欠工资 repeats row 2 (same risk, unit and title)" in problem_lines(cli("import", sheet, code=1).stderr)
    sheet.write_text("风险编码,村(社区),标题\nS03,东村,拖欠工资\n", encoding="utf-8")
    cli("import", sheet)
    assert "2 标题 拖欠工资 already in the register as entry 1" in problem_lines(cli("import", sheet, code=1).stderr)


def test_xlsx_is_laid_out_for_people(cli, four_entries, tmp_path):
    out = tmp_path / "ledger.xlsx"
    cli("export", "--format", "xlsx", "--output", out)
    workbook = load_workbook(out)
    sheet, summary = workbook.worksheets
    assert [c.value for c in sheet[1]][:14] == LEDGER_HEADERS and sheet["A1"].font.b
    assert [c.value for c in sheet[1]][-2:] == ["进展情况", "版本"]  # the latest note, and the entry's version
    assert [row[-1].value for row in sheet.iter_rows(min_row=2)] == [2, 5, 7, 8]
    assert sheet.freeze_panes == "E2" and sheet.auto_filter.ref == "A1:X5"
    level = sheet["G2"]
    assert level.value == "较大风险" and level.fill.fgColor.rgb == "FFFF9900"
    assert sheet["G3"].value == "重大风险" and sheet["G3"].fill.fgColor.rgb == "FFC00000"
    due = sheet["M2"]
    assert due.value == datetime(2026, 6, 20) and due.number_format == "yyyy-mm-dd" and due.font.color.rgb == "FFC00000"
    assert sheet["E2"].value == "某工地拖欠农民工工资，电话139****5678"  # masked unless --unmasked
    assert sheet.column_dimensions["E"].width >= 2 * len("某工地拖欠农民工工资")
    assert summary.title == "按部门汇总"
    rows = {row[0]: row[1:] for row in summary.iter_rows(min_row=2, values_only=True) if row and row[0]}
    assert rows["劳动保障中心"] == (1, 1, 0, 0) and rows["水利办"] == (0, 0, 0, 1) and rows["合计"] == (3, 1, 2, 1)


def test_csv_export_speaks_the_display_language_and_takes_filters(cli, four_entries):
    zh = cli("export", "--format", "csv", "--bom").stdout
    assert zh.startswith("\ufeff" + ",".join(LEDGER_HEADERS))
    assert "较大风险,待化解,劳动保障中心,王明" in zh
    en = list(csv.reader(io.StringIO(cli("--lang", "en", "export", "--format", "csv", "--overdue").stdout)))
    assert en[0][:10] == ["ID", "Risk code", "Category", "Unit", "Title", "Details", "Level", "Status", "Department",
                          "Lead official"]
    assert len(en) == 2 and en[1][:4] == ["1", "S03", "Social and economic disputes", "东村"]
    assert en[1][6:12] == ["significant", "open", "Labour and Social Security Centre", "王明", "劳资纠纷专班", "约谈企业\n限期清偿"]


def test_csv_round_trip_and_gbk(cli, four_entries, tmp_path, monkeypatch):
    out = tmp_path / "ledger.csv"
    cli("--lang", "en", "export", "--format", "csv", "--unmasked", "--output", out)
    before = _entries(cli)
    _use_fresh_register(cli, tmp_path, monkeypatch)
    cli("import", out)
    assert _entries(cli) == before
    gbk = tmp_path / "wps.csv"
    gbk.write_bytes("风险编码,村（社区）,标题,风险等级\nS01,东村,宅基地纠纷,较大\n".encode("gb18030"))
    cli("import", gbk)
    assert cli.json("show", "5", "--format", "json")["level"] == "significant"


FORMULA = '=HYPERLINK("http://example.com","点此")'


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_text_that_looks_like_a_formula_stays_text_and_round_trips(cli, register, tmp_path, monkeypatch, suffix):
    entry_id = cli.add("S03", FORMULA, "东村")
    cli("assign", entry_id, "--plan", "+1 调解；@所有人 -跟进", "--leader", "=王明")
    out = tmp_path / f"ledger.{suffix}"
    cli("export", "--format", suffix, "--output", out)
    if suffix == "xlsx":
        cells = {cell.value: cell.data_type for cell in load_workbook(out).worksheets[0][2]}
        assert cells[FORMULA] == "s" and cells["=王明"] == "s"  # never a live formula
    else:
        row = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))[1]
        assert "'" + FORMULA in row and "'+1 调解；@所有人 -跟进" in row and "'=王明" in row
    before = _entries(cli)
    _use_fresh_register(cli, tmp_path, monkeypatch)
    cli("import", out)
    assert _entries(cli) == before


def _workbook(path: Path, rows: list[list], merge: list[str] = ()) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for span in merge:
        sheet.merge_cells(span)
    workbook.save(path)
    return path


def test_town_ledger_quirks_are_read(cli, register, tmp_path):
    """A title row merged above the header, a village merged down three rows, blank rows, a 备注 column,
    full-width brackets, level names in both languages and dates in every form."""
    path = _workbook(tmp_path / "town.xlsx", [
        ["某镇重大活动风险隐患排查台账", None, None, None, None, None, None],
        ["风险编码", "村（社区）", "标题", "风险等级", "完成时限", "备注", "牵头领导"],
        ["S03", "东村", "拖欠工资", "重大", 46204, "已约谈企业", "王明"],
        [None, None, None, None, None, None, None],
        ["S01", None, "宅基地纠纷", "significant", "2026/7/1", None, None],
        ["P01", None, "燃气管道", "一般风险", "2026年7月1日", None, None],
        ["H02", "西村", "山体滑坡", "low", datetime(2026, 7, 1), None, None],
        ["G01", "北社区", "信访", "蓝色", "2026-07-01", None, None],
    ], merge=["A1:G1", "B3:B6"])
    out = cli("import", path).stdout
    assert "已从 town.xlsx，工作表 Sheet 导入 5 个条目。" in out
    entries = cli.json("list", "--format", "json")
    assert [(e["risk"], e["unit"], e["level"], e["due"]) for e in entries] == [
        ("S03", "东村", "major", "2026-07-01"), ("S01", "东村", "significant", "2026-07-01"),
        ("P01", "东村", "general", "2026-07-01"), ("H02", "西村", "low", "2026-07-01"),
        ("G01", "北社区", "low", "2026-07-01")]
    assert entries[0]["leader"] == "王明" and entries[0]["department"] == "LABOUR"
    assert "全部检查通过" in cli("check").stdout


def test_every_bad_row_is_reported_and_nothing_written(cli, register, tmp_path, snapshot):
    path = _workbook(tmp_path / "bad.xlsx", [
        ["编号", "风险编码", "村(社区)", "标题", "风险等级", "完成时限", "状态"],
        [1, "S03", "东村", "拖欠工资", "重大", "2026-07-01", None],
        ["abc", "S03", "东村", "编号不是数字", None, None, None],
        [3, "Z99", "东村", "未知风险", None, None, None],
        [4, "S03", "东村", "等级不对", "特大", None, None],
        [5, "S03", "东村", "日期不对", None, "下周", None],
        [None, "S03", "东村", "重复的行", None, None, None],
        [1, "S01", "南社区", "编号重复", None, None, None],
        [8, "S03", None, None, None, None, None],
        [9, "S03", "东村", "已销号却无核验", None, None, "已销号"],
        [10, "S03", "东村", True, None, None, None],
        [None, "S03", "东村", "重复的行", None, None, None],  # no 编号 to tell it from row 7
    ])
    before = snapshot()
    error = cli("import", path, code=1).stderr
    assert error.startswith(f"Error: {path}: 9 rows with 12 problems; nothing imported.\n")
    assert problem_lines(error) == [
        "row column value reason",
        "3 编号 abc not a positive whole number",
        "4 风险编码 Z99 not in the catalogue (`riskreg catalogue show` lists them)",
        "5 风险等级 特大 not a level; use one of: major 重大 red, significant 较大 orange, general 一般 yellow, low 低 blue",
        "6 完成时限 下周 not a date (write 2026-07-31, 2026/7/31, 2026.7.31 or 2026年7月31日)",
        "8 编号 1 also on row 2",
        "9 村(社区) empty; every row needs 风险编码, 村(社区), 标题",
        "9 标题 empty; every row needs 风险编码, 村(社区), 标题",
        "10 核验人 empty; a closed entry needs 核验人, 化解情况, 销号日期",
        "10 化解情况 empty; a closed entry needs 核验人, 化解情况, 销号日期",
        "10 销号日期 empty; a closed entry needs 核验人, 化解情况, 销号日期",
        "11 标题 TRUE should be text",
        "12 标题 重复的行 repeats row 7 (same risk, unit and title)"]
    assert snapshot() == before


def test_mapping_file_names_odd_headers(cli, register, tmp_path):
    sheet = tmp_path / "odd.csv"
    sheet.write_text("序号,问题名称,所属网格,风险编码,风险等级,截止日期\n1,老旧电线,东村,P01,低,2026年8月1日\n", encoding="utf-8")
    assert "lacks 村(社区) (unit), 标题 (title)" in cli("import", sheet, code=1).stderr
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("问题名称: title\n所属网格: 村(社区)\n截止日期: due\n", encoding="utf-8")
    assert "Imported 1 entry" in cli("--lang", "en", "import", sheet, "--mapping", mapping).stdout
    assert cli.json("show", "1", "--format", "json")["due"] == "2026-08-01"
    mapping.write_text("问题名称: 名字\n", encoding="utf-8")
    assert "maps '问题名称' to '名字'" in cli("import", sheet, "--mapping", mapping, code=1).stderr


def test_dry_run_previews_as_a_table_and_writes_nothing(cli, register, tmp_path, snapshot):
    sheet = tmp_path / "new.csv"
    sheet.write_text("Risk code,Unit,Title,Level,Lead official\nS03,东村,拖欠工资,major,王明\n", encoding="utf-8")
    before = snapshot()
    out = cli("import", sheet, "--dry-run").stdout
    assert "将从 new.csv 导入 1 个条目。" in out and "拖欠工资" in out and "王明" in out
    assert snapshot() == before


def test_dry_run_preview_masks_phone_and_identity_numbers(cli, register, tmp_path):
    sheet = tmp_path / "new.csv"
    sheet.write_text("风险编码,村(社区),标题,详情\nS03,东村,欠薪，电话13812345678,身份证110101199003077777\n",
                     encoding="utf-8")
    out = cli("import", sheet, "--dry-run").stdout
    assert "13812345678" not in out and "110101199003077777" not in out and "138****5678" in out
    assert "13812345678" in cli("import", sheet, "--dry-run", "--unmasked").stdout


@pytest.mark.pure
@pytest.mark.parametrize("value, expected", [
    (46204, date(2026, 7, 1)), (46204.0, date(2026, 7, 1)), ("2026-07-01", date(2026, 7, 1)),
    ("2026/7/1", date(2026, 7, 1)), ("2026年7月1日", date(2026, 7, 1)), (datetime(2026, 7, 1, 9, 30), date(2026, 7, 1)),
    ("2026-07-01 00:00:00", date(2026, 7, 1)),
])
def test_sheet_dates(value, expected):
    assert sheet_date(value) == expected


@pytest.mark.pure
@pytest.mark.parametrize("value", ["2026/2/30", "tomorrow", 46204.5, True, "1800-01-01", "46204", "４６２０４"])
def test_sheet_dates_refused(value):
    from riskreg.errors import InvalidInput

    with pytest.raises(InvalidInput):
        sheet_date(value)


def test_unreadable_spreadsheets(cli, register, tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip", encoding="utf-8")
    assert "not a readable .xlsx workbook" in cli("import", fake, code=1).stderr
    old = tmp_path / "old.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "old.xls is not a readable .xls workbook (" in cli("import", old, code=1).stderr
    wps = tmp_path / "台账.et"
    wps.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "save it as .xlsx" in cli("import", wps, code=1).stderr
    headerless = tmp_path / "numbers.csv"
    headerless.write_text("1,2,3\n4,5,6\n", encoding="utf-8")
    assert "no header row riskreg knows" in cli("import", headerless, code=1).stderr
