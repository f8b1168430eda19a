"""A cell whose value as written is no longer in the file is refused as a problem of its row, never imported
changed or read as empty: a long number stored as a number (Excel and WPS keep 15 significant digits) and a
formula saved without its value (a workbook written by a script or a web system).

The workbooks are built as a new user's were: with openpyxl, and one saved again by LibreOffice
(tests/fixtures/数字格式-2.xlsx, kept as the tester sent it).
"""

import csv
import shutil
import zipfile
from pathlib import Path

from conftest import fill_in, problem_lines, sheet_file

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = ["序号", "风险编码", "所在村", "隐患名称", "具体情况", "包案领导", "备注"]
LONG = ("a number of more than 15 digits stored as a number, so the spreadsheet program has already changed "
        "its last digits; format the column as text (文本) and type the number again")
UNSAVED = ("a formula with no saved value (the file was not saved by a spreadsheet program); open it in Excel, "
           "WPS or LibreOffice and save it, or type the value")
ERROR = ("a formula's error value, so the value it was to give is in no cell; correct the formula (or type the "
         "value) and save the sheet again")
SCIENTIFIC = ("a long number saved to CSV in scientific form, which keeps only its first digits; format the column "
              "as text (文本) in the workbook, type the number again and save the CSV again")


def test_an_identity_number_stored_as_a_number_is_refused_in_every_text_column(cli, register, tmp_path, snapshot):
    sheet = sheet_file(tmp_path / "北村.xlsx", [
        HEADER,
        [1, "S02", "北村", "欠薪", 360426198001011234, "王明", None],  # stored as typed, read back as a float
        [2, "S02", "北村", 3.604261980010113e+17, "详情", "王明", None],  # as Excel stores it: a float
        [3, "S02", "北村", "集资", "详情", 1234567890123456, 9999999999999999],
        [4, "S02", "北村", "十五位", 123456789012345, "王明", -1e15],
    ])
    before = snapshot()
    errors = tmp_path / "退回.csv"
    error = cli("import", sheet, "--errors", errors, "--unmasked", code=1).stderr
    assert error.startswith(f"Error: {sheet}: 4 rows with 5 problems; nothing imported.\n")
    assert problem_lines(error)[1:] == [
        f"2 具体情况 360426198001011328 {LONG}",
        f"3 隐患名称 360426198001011328 {LONG}",
        f"4 包案领导 1234567890123456 {LONG}",
        f"4 备注 10000000000000000 {LONG}",  # 16 nines, as a float holds them
        f"5 备注 -1000000000000000 {LONG}",
    ]
    with errors.open(encoding="utf-8-sig") as handle:
        assert [row[:2] for row in csv.reader(handle)][1:] == [
            ["2", "具体情况"], ["3", "隐患名称"], ["4", "包案领导"], ["4", "备注"], ["5", "备注"]]
    assert snapshot() == before


def test_a_long_number_a_spreadsheet_program_saved_to_csv_in_scientific_form_is_refused(cli, register,
                                                                                        tmp_path, snapshot):
    """Excel and WPS save a number of 12 digits or more from a General cell as they show it, 1.23457E+11: an
    identity number, and a landline with its area code typed as one number, lose their digits alike."""
    sheet = sheet_file(tmp_path / "北村.csv", [HEADER, [1, "S02", "北村", "欠薪", "3.60426E+17", "王明", "1.2E+3"],
                                               [2, "S02", "北村", "集资", "360426198001011234", "王明", None],
                                               [3, "S02", "北村", "夜市", "详情", "王明", "７.９１２３５Ｅ＋１１"]])
    before = snapshot()
    assert problem_lines(cli("import", sheet, code=1).stderr)[1:] == [f"2 具体情况 3.60426E+17 {SCIENTIFIC}",
                                                                      f"4 备注 ７.９１２３５Ｅ＋１１ {SCIENTIFIC}"]
    assert snapshot() == before


def test_a_number_of_15_digits_is_kept_as_written(cli, register, tmp_path):
    sheet = sheet_file(tmp_path / "北村.xlsx", [HEADER, [1, "S02", "北村", "十五位", 123456789012345, "王明", 0.1]])
    cli("import", sheet)
    shown = cli("show", "1", "--unmasked").stdout
    assert "123456789012345" in shown and "0.1" in shown


def test_the_tester_s_libreoffice_saved_workbook_is_refused_at_its_cell(cli, register, tmp_path, snapshot):
    sheet = shutil.copy(FIXTURES / "数字格式-2.xlsx", tmp_path / "数字格式-2.xlsx")
    before = snapshot()
    error = cli("import", sheet, "--unmasked", code=1).stderr
    assert problem_lines(error)[1:] == [f"2 具体情况 360426198001011008 {LONG}"]
    assert "格式设为文本" in cli("--lang", "zh", "import", sheet, code=1).stderr
    assert snapshot() == before


def test_a_formula_without_a_saved_value_is_refused_not_read_as_empty(cli, register, tmp_path, snapshot):
    sheet = sheet_file(tmp_path / "北村.xlsx", [
        HEADER,
        [1, "S02", "北村", '="夜市"&"治安"', "详情", "王明", None],
        [2, "S02", "北村", "集资", "=E2", "王明", "=1+1"],
        [3, "S02", "北村", "=COUNTA(D2:D3)", None, None, None],
    ])
    before = snapshot()
    error = cli("import", sheet, code=1).stderr
    assert problem_lines(error)[1:] == [
        f'2 隐患名称 ="夜市"&"治安" {UNSAVED}',
        f"3 具体情况 =E2 {UNSAVED}",
        f"3 备注 =1+1 {UNSAVED}",
        f"4 隐患名称 =COUNTA(D2:D3) {UNSAVED}",
    ]
    assert "公式" in cli("--lang", "zh", "import", sheet, code=1).stderr
    assert snapshot() == before


def test_a_formula_saved_with_its_value_imports_the_value(cli, register, tmp_path):
    """As a spreadsheet program saves it: the formula and, after it, the value it gave."""
    sheet = sheet_file(tmp_path / "北村.xlsx", [HEADER, [1, "S02", "北村", '="夜市"&"治安"', "详情", "王明", None]])
    _save_value(sheet, "D2", "夜市治安")
    cli("import", sheet)
    assert "夜市治安" in cli("show", "1").stdout


def test_a_formula_on_a_returned_sheet_is_refused(cli, register, tmp_path, snapshot):
    cli.add("S02", "集资", "北村")
    sent = tmp_path / "sent.xlsx"
    cli("export", "--format", "xlsx", "--output", sent)
    returned = fill_in(sent, tmp_path / "returned.xlsx", {1: {"详情": "=1+1"}})
    before = snapshot()
    error = cli("import", "--update", returned, code=1).stderr
    assert problem_lines(error)[1:] == [f"2 详情 =1+1 {UNSAVED}"]
    assert snapshot() == before


def test_a_formula_saved_with_an_empty_text_value_is_an_empty_cell(cli, register, tmp_path):
    """A town's template fills a column down with =IF(D2="","",…): Excel and WPS save its value "" as an empty
    <v> of a text cell, which is a value saved, not a formula left unsaved; refused, the sheet could not be
    imported at all."""
    sheet = sheet_file(tmp_path / "北村.xlsx", [HEADER, [1, "S02", "北村", "集资", "详情", "王明", '=IF(D2="","",D2)'],
                                               [None, None, None, None, None, None, '=IF(D3="","",D3)']])
    _save_value(sheet, "G2", "")
    _save_value(sheet, "G3", "")
    assert "导入 1 个条目" in cli("import", sheet).stdout
    assert "备注" not in cli("show", "1").stdout


def test_a_formula_s_error_value_is_refused_not_imported_as_text(cli, register, tmp_path, snapshot):
    """=VLOOKUP(…) filling 包案领导 from another sheet shows #N/A where it found nothing: the name it was to give
    is in no cell, and #N/A was imported as the leader's name. Excel writes it to CSV as shown."""
    workbook = sheet_file(tmp_path / "北村.xlsx", [HEADER, [1, "S02", "北村", "集资", "详情", "#N/A", None],
                                                   [2, "S02", "北村", "夜市", "#REF!", "王明", "#DIV/0!"]])
    text = sheet_file(tmp_path / "北村.csv", [HEADER, [1, "S02", "北村", "集资", "详情", "#N/A", "#N/A 待查"]])
    before = snapshot()
    assert problem_lines(cli("import", workbook, code=1).stderr)[1:] == [
        f"2 包案领导 #N/A {ERROR}", f"3 具体情况 #REF! {ERROR}", f"3 备注 #DIV/0! {ERROR}"]
    assert problem_lines(cli("import", text, code=1).stderr)[1:] == [f"2 包案领导 #N/A {ERROR}"]
    assert snapshot() == before


def _save_value(path: Path, ref: str, value: str) -> None:
    """The workbook with `ref`'s formula given its value, as Excel and WPS save one (openpyxl saves none)."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index(f'<c r="{ref}"')
    end = sheet.index("</c>", start)
    cell = sheet[start:end].replace("<v />", f"<v>{value}</v>").replace("<v/>", f"<v>{value}</v>")
    assert f"<v>{value}</v>" in cell
    parts["xl/worksheets/sheet1.xml"] = (sheet[:start] + cell.replace(f'r="{ref}"', f'r="{ref}" t="str"', 1)
                                         + sheet[end:]).encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_a_comment_on_a_ledger_cell_is_a_note_of_its_entry(cli, register, tmp_path):
    """数字格式.xlsx: a 批注 on a row's cell is filled information; a comment on the header (the template's
    instructions) is not a row's."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    workbook = Workbook()
    sheet = workbook.active
    for row in (["风险编码", "所在村", "隐患名称", "具体情况", "备注"], ["S02", "北村", "集资", "详情", "已走访"],
                ["S02", "北村", "夜市", None, None]):
        sheet.append(row)
    sheet["D2"].comment = Comment("村里反映：涉及3户，联系人 13900001111", "张三")
    sheet["C3"].comment = Comment("第二条", "李四")
    sheet["A1"].comment = Comment("请填写风险编码", "镇综治办")
    workbook.save(tmp_path / "北村.xlsx")
    cli("import", tmp_path / "北村.xlsx")
    first, second = (cli("show", str(n)).stdout for n in (1, 2))
    assert "已走访" in first and "批注（具体情况）：村里反映：涉及3户，联系人 139****1111" in first
    assert "13900001111" in cli("show", "1", "--unmasked").stdout
    assert "批注（隐患名称）：第二条" in second and "请填写" not in first + second


def test_a_comment_is_checked_as_a_note_is(cli, register, tmp_path, snapshot):
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    workbook = Workbook()
    workbook.active.append(["风险编码", "所在村", "隐患名称", "备注"])
    workbook.active.append(["S02", "北村", "集资", True])
    workbook.active["C2"].comment = Comment("身份证 110105194912310021 已核实" + "。" * 10_000, "张三")
    workbook.save(tmp_path / "北村.xlsx")
    before = snapshot()
    lines = problem_lines(cli("import", tmp_path / "北村.xlsx", code=1).stderr)[1:]
    assert lines[0] == "2 备注 TRUE should be text"  # each note with its own value, not the row's list
    assert lines[1].startswith("2 备注 批注（隐患名称）：身份证 110105***********1 已核实。") and "10,000" in lines[1]
    assert snapshot() == before
