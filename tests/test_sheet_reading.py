"""Reading real-world sheets: headers over two rows, built-in headings, no filled cell dropped unsaid, sheets
chosen, and .xls and .ods read like .xlsx.

Every sheet is built here the way Excel, WPS and LibreOffice save them, not copied from riskreg's export.
"""

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from conftest import problem_lines
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

TITLE = "XX镇重大活动前风险隐患排查化解台账"
# A ledger with the four ones under a group heading: row 1 the groups, row 2 the fields.
TOP = ["序号", "风险编码", "所在村", "隐患名称", "四个一", None, None, None, None, "备注"]
BOTTOM = [None, None, None, None, "责任单位", "包案领导", "工作专班", "工作方案", "完成时限", None]
ROWS = [[1, "S03", "东村", "拖欠工资", "LABOUR", "王明", "劳资专班", "约谈企业", "2026-07-20", "已约谈"],
        [2, "P01", "西村", "燃气管道老化", None, "李华", None, None, "2026/8/1", None]]


def _xlsx(path: Path, *sheets: tuple[str, list[list]], merge: list[str] = ()) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets:
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    for span in merge:
        workbook.worksheets[-1].merge_cells(span)
    workbook.save(path)
    return path


def _csv(path: Path, rows: list[list], encoding: str = "utf-8-sig") -> Path:
    text = io.StringIO()
    csv.writer(text).writerows([["" if v is None else v for v in row] for row in rows])
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def _four_ones(cli) -> list[tuple]:
    return [(e["risk"], e["unit"], e["title"], e["department"], e["leader"], e["task_force"], e["plan"], e["due"])
            for e in cli.json("list", "--format", "json")]


EXPECTED = [("S03", "东村", "拖欠工资", "LABOUR", "王明", "劳资专班", "约谈企业", "2026-07-20"),
            ("P01", "西村", "燃气管道老化", "COMP", "李华", None, None, "2026-08-01")]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_a_two_row_header_in_csv_keeps_the_four_ones(cli, register, tmp_path, encoding):
    # LibreOffice and WPS save a merged group as its text in the first column and empty cells after it.
    path = _csv(tmp_path / "台账.csv", [[TITLE], TOP, BOTTOM, *ROWS], encoding)
    assert "Imported 2 entries from 台账.csv." in cli("--lang", "en", "import", path).stdout
    assert _four_ones(cli) == EXPECTED


@pytest.mark.parametrize("merged", [True, False], ids=["merged", "unmerged"])
def test_a_two_row_header_in_xlsx_with_or_without_merged_group_cells(cli, register, tmp_path, merged):
    merge = ["A1:J1", "E2:I2", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "J2:J3"] if merged else ["A1:J1"]
    path = _xlsx(tmp_path / "台账.xlsx", ("台账", [[TITLE], TOP, BOTTOM, *ROWS]), merge=merge)
    assert "Imported 2 entries from 台账.xlsx, sheet 台账." in cli("--lang", "en", "import", path).stdout
    assert _four_ones(cli) == EXPECTED


def test_built_in_headings_and_full_width_text(cli, register, tmp_path):
    path = _xlsx(tmp_path / "清单.xlsx", ("Sheet1", [
        ["序号", "Ｒｉｓｋ　ｃｏｄｅ", "村（社区）", "风险隐患", "问题描述", "等级", "责任单位", "责任领导", "整改时限",
         "防控措施", "化解措施", "应急预案", "排查日期", "风险类别"],
        [1, "S03", "东村", "欠薪", "工地欠薪三个月", "较大", "LABOUR", "王明", "2026年7月20日", "每日巡查", "约谈企业",
         "启动预案", "2026-06-01", "社会"],
    ]))
    assert "Imported 1 entry" in cli("--lang", "en", "import", path).stdout
    entry = cli.json("show", "1", "--format", "json")
    assert {k: entry[k] for k in ("title", "detail", "level", "department", "leader", "due", "measures", "plan",
                                  "contingency", "created_on")} == {
        "title": "欠薪", "detail": "工地欠薪三个月", "level": "significant", "department": "LABOUR", "leader": "王明",
        "due": "2026-07-20", "measures": "每日巡查", "plan": "约谈企业", "contingency": "启动预案",
        "created_on": "2026-06-01"}
    assert entry["status"] == "mitigated"  # interim measures and no 状态 column: 管控中, as `mitigate` makes it


def test_measures_with_a_status_written_keep_that_status_and_none_stay_open(cli, register, tmp_path):
    path = _csv(tmp_path / "村报.csv", [["风险编码", "村居", "隐患名称", "状态", "防控措施"],
                                       ["S03", "东村", "欠薪", "待化解", "每日巡查"], ["S01", "西村", "宅基地纠纷", None, None],
                                       ["S02", "北村", "集资", None, "专人盯守"]])
    assert "导入 3 个条目" in cli("import", path).stdout
    listed = {row["id"]: row["status"] for row in cli.json("list", "--format", "json")}
    assert listed == {1: "open", 2: "open", 3: "mitigated"}
    assert "管控中" in cli("show", "3").stdout and "全部检查通过" in cli("check").stdout


def test_a_progress_column_becomes_a_note_that_check_accepts(cli, register, tmp_path):
    path = _csv(tmp_path / "村报.csv", [["风险编码", "村居", "隐患名称", "进展情况"], ["S03", "东村", "欠薪", "已约谈企业负责人"],
                                       ["S01", "西村", "宅基地纠纷", None]])
    assert "Imported 2 entries" in cli("--lang", "en", "import", path).stdout
    history = cli.json("show", "1", "--format", "json")["history"]
    assert [(e["action"], e["on"], e["text"]) for e in history][1:] == [("note", "2026-07-01", "已约谈企业负责人")]
    assert "已约谈企业负责人" in cli("show", "1").stdout
    assert [e["action"] for e in cli.json("show", "2", "--format", "json")["history"]] == ["add"]
    assert "全部检查通过" in cli("check").stdout


def test_a_row_with_only_a_note_is_not_dropped(cli, register, tmp_path, snapshot):
    path = _csv(tmp_path / "村报.csv", [["风险编码", "村居", "隐患名称", "备注"], ["S03", "东村", "欠薪", None],
                                       [None, None, None, "只有备注的行"]])
    before = snapshot()
    assert problem_lines(cli("import", path, code=1).stderr)[1:] == [
        "3 风险编码 empty; every row needs 风险编码, 村居, 隐患名称", "3 村居 empty; every row needs 风险编码, 村居, 隐患名称",
        "3 隐患名称 empty; every row needs 风险编码, 村居, 隐患名称"]
    assert snapshot() == before


def test_data_under_an_unknown_header_is_refused_naming_it(cli, register, tmp_path, snapshot):
    path = _csv(tmp_path / "村报.csv", [["风险编码", "村(社区)", "标题", "联系电话", "空列"],
                                       ["S03", "东村", "欠薪", "13812345678", None],
                                       ["S01", "西村", "纠纷", "王五", None, "表外的字"]])
    before = snapshot()
    error = cli("import", path, code=1).stderr
    assert error.count("\n") == 1 and "空列" not in error
    assert ("columns 联系电话 (D), e.g. '138****5678', '王五'; F (no header), e.g. '表外的字' hold data riskreg has no "
            "field for, so nothing was imported; give it a field with a --mapping line (such as `联系电话: detail`) "
            "or leave them out with --ignore 联系电话 --ignore F.") in error
    assert "13812345678" not in error
    assert snapshot() == before
    assert "Would import 2 entries from 村报.csv. Left out as asked: 联系电话, F." in \
        cli("--lang", "en", "import", path, "--ignore", "联系电话", "--ignore", "F", "--dry-run").stdout
    mapping = tmp_path / "表头.yaml"
    mapping.write_text("联系电话: detail\n", encoding="utf-8")
    assert "Imported 2 entries" in cli("--lang", "en", "import", path, "--mapping", mapping, "--ignore", "F").stdout
    assert cli.json("show", "2", "--format", "json", "--unmasked")["detail"] == "王五"


def test_a_value_merged_across_a_row_is_its_first_cell_s(cli, register, tmp_path):
    """具体情况 merged over 包案领导 and 工作专班 on one row, as a long detail is laid out: the detail was read
    into all three, and the ledger showed a sentence as the item's leader and task force."""
    path = tmp_path / "北村.xlsx"
    workbook = Workbook()
    for row in (["风险编码", "所在村", "隐患名称", "具体情况", "包案领导", "工作专班"],
                ["S02", "北村", "集资", "涉及多户，详见附件", None, None], ["S02", None, "夜市", "摊贩", "王明", "专班"]):
        workbook.active.append(row)
    workbook.active.merge_cells("D2:F2")
    workbook.active.merge_cells("B2:B3")  # a village merged down its items stays every row's
    workbook.save(path)
    cli("import", path)
    assert [(e["unit"], e["detail"], e["leader"], e["task_force"]) for e in cli.json("list", "--format", "json")] == [
        ("北村", "涉及多户，详见附件", None, None), ("北村", "摊贩", "王明", "专班")]


def test_a_mapping_or_ignore_naming_a_missing_header_is_refused(cli, register, tmp_path, snapshot):
    path = _csv(tmp_path / "村报.csv", [["风险编码", "村(社区)", "标题"], ["S03", "东村", "欠薪"]])
    mapping = tmp_path / "表头.yaml"
    mapping.write_text("整改时间: due\n", encoding="utf-8")
    before = snapshot()
    assert "The mapping file names '整改时间', but 村报.csv: the header (row 1) has no such column; its headers are " \
        "风险编码, 村(社区), 标题." in cli("import", path, "--mapping", mapping, code=1).stderr.replace(str(tmp_path) + "/", "")
    assert "--ignore '备注' names no column" in cli("import", path, "--ignore", "备注", code=1).stderr
    assert snapshot() == before


def test_an_instructions_sheet_first_is_passed_over_and_sheet_chooses(cli, register, tmp_path, snapshot):
    instructions = [["填表说明"], ["1. 风险编码按目录填写"], ["2. 等级填写：重大、较大、一般、低"], ["风险编码"], ["标题"]]
    ledger = [["风险编码", "村(社区)", "标题"], ["S03", "东村", "欠薪"]]
    other = [["风险编码", "村(社区)", "标题"], ["S01", "西村", "纠纷"], ["P01", "南社区", "管道"]]
    path = _xlsx(tmp_path / "报表.xlsx", ("填表说明", instructions), ("东村", ledger), ("西村", other))
    before = snapshot()
    assert cli("import", path, "--dry-run", code=1).stderr == (
        "Error: 报表.xlsx has ledger rows on sheets 东村 and 西村; import each with --sheet NAME.\n")
    assert "Would import 1 entry from 报表.xlsx, sheet 东村." in cli("--lang", "en", "import", path, "--sheet", "东村", "--dry-run").stdout
    assert "Would import 2 entries from 报表.xlsx, sheet 西村." in cli("--lang", "en", "import", path, "--sheet", "西村", "--dry-run").stdout
    assert "Would import 2 entries from 报表.xlsx, sheet 西村." in cli("--lang", "en", "import", path, "--sheet", "3", "--dry-run").stdout
    assert "has no sheet '北村'; its sheets are 1 填表说明, 2 东村, 3 西村" in \
        cli("import", path, "--sheet", "北村", code=1).stderr
    assert "has no sheet '4'" in cli("import", path, "--sheet", "4", code=1).stderr
    assert "has no header row riskreg knows in the first 20 rows of sheet 填表说明;" in \
        cli("import", path, "--sheet", "1", code=1).stderr
    assert "leave out --sheet" in cli("import", _csv(tmp_path / "a.csv", ledger), "--sheet", "1", code=1).stderr
    assert "--sheet applies to spreadsheets" in cli("import", tmp_path / "x.jsonl", "--sheet", "1", code=1).stderr
    assert snapshot() == before


def test_a_workbook_without_a_header_names_the_sheets_it_read(cli, register, tmp_path):
    path = _xlsx(tmp_path / "说明.xlsx", ("填表说明", [["请按模板填写"]]), ("空表", [[1, 2, 3]]))
    assert "in the first 20 rows of sheets 填表说明, 空表;" in cli("import", path, code=1).stderr


def test_an_xls_workbook_is_read_with_its_merged_cells(cli, register, tmp_path):
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("台账")
    sheet.write_merge(0, 0, 0, 5, TITLE)
    for column, text in enumerate(["风险编码", "村(社区)", "标题", "完成时限", "牵头领导", "进展情况"]):
        sheet.write(1, column, text)
    sheet.write(2, 0, "S03")
    sheet.write_merge(2, 3, 1, 1, "东村")  # the village merged down two rows
    sheet.write(2, 2, "欠薪")
    sheet.write(2, 3, date(2026, 7, 20), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    sheet.write(2, 5, "已约谈")
    sheet.write(3, 0, "S01")
    sheet.write(3, 2, "纠纷")
    sheet.write(3, 3, "2026年8月1日")
    sheet.write(3, 4, "李华")
    workbook.save(str(tmp_path / "旧表.xls"))
    assert "Imported 2 entries from 旧表.xls, sheet 台账." in cli("--lang", "en", "import", tmp_path / "旧表.xls").stdout
    assert [(e["unit"], e["due"], e["leader"]) for e in cli.json("list", "--format", "json")] == [
        ("东村", "2026-07-20", None), ("东村", "2026-08-01", "李华")]
    assert "全部检查通过" in cli("check").stdout


def _cell(value, spanned: str = "") -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, date):
        return (f'<table:table-cell{spanned} office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return f'<table:table-cell{spanned} office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def _ods(path: Path, tables: dict[str, str], doctype: str = "") -> Path:
    """A minimal .ods as LibreOffice writes one: a zip with mimetype, manifest and content.xml."""
    body = "".join(f'<table:table table:name="{name}">{rows}</table:table>' for name, rows in tables.items())
    content = (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                         'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
                         'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                         '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                         "</manifest:manifest>")
        archive.writestr("content.xml", content)
    return path


def _row(*cells: str, repeated: int = 1) -> str:
    attribute = f' table:number-rows-repeated="{repeated}"' if repeated > 1 else ""
    return f"<table:table-row{attribute}>{''.join(cells)}</table:table-row>"


ODS_ROWS = (
    _row(_cell(TITLE, ' table:number-columns-spanned="4"'), '<table:covered-table-cell table:number-columns-repeated="3"/>')
    + _row(*map(_cell, ["风险编码", "村(社区)", "标题", "完成时限"]))
    + _row(_cell("S03"), _cell("东村", ' table:number-rows-spanned="2"'), _cell("欠薪"), _cell(date(2026, 7, 20)))
    + _row(_cell("S01"), "<table:covered-table-cell/>", _cell("纠纷"), _cell("2026/8/1")))
# LibreOffice closes every sheet with empty rows repeated to the sheet's end.
ODS_LEDGER = ODS_ROWS + _row('<table:table-cell table:number-columns-repeated="1024"/>', repeated=1_048_570)


def test_an_ods_workbook_is_read_with_its_merged_cells(cli, register, tmp_path):
    path = _ods(tmp_path / "台账.ods", {"填表说明": _row(_cell("请按模板填写")), "台账": ODS_LEDGER})
    assert "Imported 2 entries from 台账.ods, sheet 台账." in cli("--lang", "en", "import", path).stdout
    assert [(e["unit"], e["due"]) for e in cli.json("list", "--format", "json")] == [
        ("东村", "2026-07-20"), ("东村", "2026-08-01")]


@pytest.mark.parametrize("case, refusal", [
    ("dtd", "is not a readable .ods workbook (its sheet declares a DTD"),
    ("rows", "has data in row 100,004; riskreg imports at most 100,000 rows"),
    ("grid", "riskreg reads sheets of at most 5,000,000 cells from an .ods workbook"),
    ("damaged", "is not a readable .ods workbook ("),
    ("bomb", "unpacks to 4,295 MB; riskreg reads workbooks that unpack to at most 500 MB"),
])
def test_a_hostile_ods_is_one_sentence(cli, register, tmp_path, snapshot, case, refusal):
    path = tmp_path / f"{case}.ods"
    if case == "dtd":
        _ods(path, {"台账": ODS_LEDGER}, '<!DOCTYPE z [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
    elif case == "rows":
        _ods(path, {"台账": ODS_ROWS + _row(_cell("S03"), repeated=100_000)})
    elif case == "grid":
        _ods(path, {"台账": ODS_ROWS + _row(f'<table:table-cell table:number-columns-repeated="1000" '
                                              f'office:value-type="string"><text:p>x</text:p></table:table-cell>',
                                              repeated=10_000)})
    elif case == "damaged":
        path.write_bytes(_ods(tmp_path / "good.ods", {"台账": ODS_LEDGER}).read_bytes()[:300])
    else:
        from test_hostile_files import declared_huge

        declared_huge(_ods(path, {"台账": ODS_LEDGER}), "content.xml")
    before = snapshot()
    error = cli("import", path, code=1).stderr
    assert refusal in error and error.count("\n") == 1 and "passwd" not in error.replace(str(tmp_path), ""), error
    assert snapshot() == before


def test_riskregs_own_exports_read_back_in_both_languages(cli, register, tmp_path, monkeypatch):
    cli.add("S03", "欠薪", "东村", "--level", "major")
    for lang in ("zh", "en"):
        out = tmp_path / f"{lang}.csv"
        cli("--lang", lang, "export", "--format", "csv", "--output", out)
        # Read, every column matched: it is refused only as the entry already in the register.
        refused = cli("import", out, "--dry-run", "--new-ids", code=1).stderr
        assert problem_lines(refused)[1:] == [f"2 {'标题' if lang == 'zh' else 'Title'} 欠薪 already in the register as entry 1"]


# Headings a generated sheet may carry: fields, their aliases, the row number, a derived column, a progress
# column, headings riskreg does not know, and none.
HEADINGS = ["风险编码", "村(社区)", "标题", "责任单位", "所在村", "序号", "类别", "备注", "联系电话", "说明", None]


@pytest.mark.pure
@given(st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_filled_cell_is_dropped_silently(tmp_path, data):
    """Every non-empty cell of a data row is read into a field, or is in a column passed over on purpose (序号,
    a derived column, one named by --ignore), or the import is refused naming its column."""
    from riskreg.errors import InvalidInput
    from riskreg.exchange.sheet_header import column_letter
    from riskreg.exchange.sheet_read import open_sheet

    headers = data.draw(st.lists(st.sampled_from(HEADINGS), min_size=3, max_size=8, unique=True)
                        .filter(lambda h: {"风险编码", "标题"} <= set(h)))
    width = len(headers) + data.draw(st.integers(0, 2))  # cells past the header's last column
    cell = st.one_of(st.none(), st.sampled_from(["S03", "东村", "x", "  ", "13812345678"]))
    rows = data.draw(st.lists(st.lists(cell, min_size=width, max_size=width), min_size=1, max_size=6))
    ignore = data.draw(st.lists(st.sampled_from([h for h in headers if h]), max_size=2, unique=True))
    path = _csv(tmp_path / "generated.csv", [headers, *rows])
    try:
        sheet = open_sheet(path, ignore=ignore)
        read = {number: raw for number, raw in sheet.rows}
    except InvalidInput as err:
        stray = [(headers[i] if i < len(headers) else None, i) for row in rows for i, v in enumerate(row)
                 if v and v.strip() and (i >= len(headers) or headers[i] in (None, "联系电话", "说明"))
                 and (i >= len(headers) or headers[i] not in ignore)]
        if "lacks" in str(err) or "two columns both give" in str(err):
            return  # the header refused as a whole (no unit column, or two): nothing read
        assert stray, err
        for heading, index in stray:
            assert f"{heading or column_letter(index)} " in str(err) or f"{column_letter(index)} (no header)" in str(err)
        return
    passed_over = {"序号", "类别", *ignore}
    for number, row in enumerate(rows, 2):
        for index, value in enumerate(row):
            if not value or not value.strip() or headers[index] in passed_over:
                continue
            field = sheet.fields[index]
            assert read[number][field] == value, (number, index, value)
