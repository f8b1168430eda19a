"""What a new user ran into on the round trip with a department's workbook, fixed: a second sheet of items never
passed over, progress appended to the note the sheet showed, a sheet taken back twice changing nothing, every
refusal naming its column (the reviewer's findings, branch `newuser`)."""

from openpyxl import load_workbook

from riskreg.cli import app

from test_sheet_update import SHEET, entry, export, fill_in, ledger, refused  # noqa: F401  (ledger is a fixture)


def _second_sheet(returned, name="新增隐患", rows=(["S03", "西村", "某超市拖欠工资", "一般"],)):
    book = load_workbook(returned)
    extra = book.create_sheet(name)
    extra.append(["风险编码", "村(社区)", "标题", "风险等级"])
    for row in rows:
        extra.append(list(row))
    book.save(returned)
    return returned


def test_new_items_on_a_second_sheet_are_not_passed_over_without_a_word(cli, ledger, tmp_path, snapshot):
    returned = _second_sheet(fill_in(export(cli, tmp_path / "sent.xlsx"), tmp_path / SHEET,
                                     {1: {"进展情况": "已支付一半"}}))
    before = snapshot()
    sentence = f"Error: {SHEET} has ledger rows on sheets 风险台账 and 新增隐患; import each with --sheet NAME.\n"
    for args in (["--update"], ["--update", "--dry-run"], []):
        assert cli("import", *args, returned, code=1).stderr == sentence
    assert snapshot() == before
    assert cli("--lang", "en", "import", "--update", returned, "--sheet", "风险台账").stdout == (
        f"Updated 1 entry with 1 event from {SHEET}, sheet 风险台账.\n")
    assert cli("--lang", "en", "import", "--update", returned, "--sheet", "新增隐患").stdout == (
        f"Updated 0 entries with 0 events from {SHEET}, sheet 新增隐患; added 1 entry.\n")
    assert entry(cli, 6)["title"] == "某超市拖欠工资"


def test_sheets_with_only_instructions_or_a_header_are_passed_over(cli, ledger, tmp_path):
    returned = _second_sheet(fill_in(export(cli, tmp_path / "sent.xlsx"), tmp_path / SHEET,
                                     {1: {"进展情况": "已支付一半"}}), rows=())
    book = load_workbook(returned)
    book.create_sheet("说明").append(["请填写进展情况后交回"])
    book.save(returned)
    assert cli("--lang", "en", "import", "--update", returned).stdout == f"Updated 1 entry with 1 event from {SHEET}, sheet 风险台账.\n"
    # an empty form first, the items on the next sheet: the sheet with the rows is the one read
    empty_first = _second_sheet(export(cli, tmp_path / "空.xlsx", "--status", "consolidated"), "东村")
    assert cli("--lang", "en", "import", empty_first, "--dry-run").stdout.endswith("Would import 1 entry from 空.xlsx, sheet 东村.\n")


def test_a_sent_out_checklist_with_its_instructions_and_lists_is_one_ledger(cli, ledger, tmp_path):
    out = tmp_path / "out"
    cli("export", "--format", "xlsx", "--split", "dept", "--output-dir", out)
    book = next(out.glob("*.xlsx"))
    assert cli("--lang", "en", "import", "--update", book).stdout.startswith("Updated 0 entries with 0 events from ")


def test_a_new_item_numbered_by_hand_does_not_overwrite_another_entry(cli, ledger, tmp_path, monkeypatch, snapshot):
    new = {"编号": 3, "风险编码": "S01", "村(社区)": "东村", "标题": "某小区物业纠纷"}  # a clerk typed 3 into 编号
    returned = fill_in(export(cli, tmp_path / "sent.xlsx"), tmp_path / SHEET, {}, new_rows=[new])
    book = load_workbook(returned)
    book.worksheets[0].delete_rows(4)  # entry 3 is the village's, not on this department's sheet
    book.save(returned)
    before = snapshot()
    problems = refused(cli, monkeypatch, "import", "--update", returned)
    assert [(p.row, p.column, p.value, p.reason) for p in problems] == [
        (6, "版本", "", "编号 3 has no 版本: a new item's row leaves 编号 blank; only a sheet exported without a 版本 "
                        "column needs --force")]
    problems = refused(cli, monkeypatch, "import", "--update", returned, "--force")
    assert [(p.row, p.column, p.value, p.reason) for p in problems] == [
        (6, "编号", "3", "编号 3 is '后山滑坡隐患' in the register, not this row's '某小区物业纠纷'")]
    assert snapshot() == before
    # the item's own row without 版本 (a sheet exported without the column) is still taken with --force
    book.worksheets[0]["E6"] = "后山滑坡隐患（二号点）"
    book.worksheets[0]["B6"] = "H02"
    book.save(returned)
    assert cli("--lang", "en", "import", "--update", returned, "--force").stdout.startswith("Updated 1 entry with 1 event")
    assert entry(cli, 3)["title"] == "后山滑坡隐患（二号点）"


def test_the_same_progress_taken_twice_is_one_note(cli, ledger, tmp_path):  # noqa: F811
    returned = fill_in(export(cli, tmp_path / "sent.xlsx"), tmp_path / SHEET, {1: {"进展情况": "已支付一半工资"}})
    cli("--actor", "镇综治办", "import", "--update", returned)
    assert cli("--lang", "en", "import", "--update", returned).stdout == f"Updated 0 entries with 0 events from {SHEET}, sheet 风险台账.\n"
    cli("import", "--update", returned, "--force")
    notes = [e for e in entry(cli, 1)["history"] if e["action"] == "note"]
    assert sum("已支付一半工资" in e["text"] for e in notes) == 1
    assert (notes[-1]["text"], notes[-1]["actor"]) == ("已支付一半工资", f"镇综治办 (updated from {SHEET} row 2)")
    assert f"镇综治办（据 {SHEET} 第 2 行） 记录进展：已支付一半工资" in cli("show", 1).stdout  # JSON keeps what is stored
    assert f"镇综治办 (from {SHEET} row 2) noted: 已支付一半工资" in cli("--lang", "en", "show", 1).stdout
    assert load_workbook(export(cli, tmp_path / "next.xlsx")).worksheets[0]["W2"].value == "已支付一半工资"
    assert "全部检查通过" in cli("check").stdout


def test_a_conflict_names_only_cells_that_differ_from_the_register(cli, ledger, tmp_path, monkeypatch):
    sent = export(cli, tmp_path / "sent.xlsx")
    cli("close", 2, "--verified-by", "李强", "--resolution", "已更换管道", "--on", "2026-06-30")  # while the sheet is out
    returned = fill_in(sent, tmp_path / SHEET, {2: {"状态": "已销号", "核验人": "李强", "化解情况": "已更换",
                                                    "销号日期": "2026-06-30"}})
    problems = refused(cli, monkeypatch, "import", "--update", returned)
    assert [(p.row, p.column, p.value) for p in problems] == [(3, "化解情况", "已更换")]
    assert "the sheet has '已更换', the register '已更换管道'" in problems[0].reason


def test_progress_appended_to_the_masked_note_the_sheet_showed_is_taken(cli, ledger, tmp_path):  # noqa: F811
    sent = export(cli, tmp_path / "sent.xlsx")  # 进展情况 shows 已约谈施工方，电话139****5678
    shown = load_workbook(sent).worksheets[0]["W2"].value
    assert shown == "已约谈施工方，电话139****5678"
    returned = fill_in(sent, tmp_path / SHEET, {1: {"进展情况": f"{shown}；\n 7月1日已付一半"}})
    assert "进展情况：已约谈施工方，电话139****5678 → 7月1日已付一半（进展记录）" in \
        cli("import", "--update", returned, "--dry-run").stdout
    cli("import", "--update", returned)
    assert entry(cli, 1)["history"][-1]["text"] == "7月1日已付一半"
    # appended to the unmasked note (an --unmasked export) too; a masked number typed in the remainder is refused
    unmasked = fill_in(export(cli, tmp_path / "u.xlsx", "--unmasked"), tmp_path / "u2.xlsx", {})
    book = load_workbook(unmasked)
    book.worksheets[0]["W2"] = "7月1日已付一半，7月5日再付，联系138****1234"
    book.save(unmasked)
    assert "holds a masked number (138****1234)" in cli("import", "--update", unmasked, code=1).stderr
    book.worksheets[0]["W2"] = "7月1日已付一半,7月5日再付"
    book.save(unmasked)
    cli("import", "--update", unmasked)
    assert entry(cli, 1)["history"][-1]["text"] == "7月5日再付"


def test_a_bare_check_off_names_every_missing_cell_as_a_plain_import_does(cli, ledger, tmp_path,  # noqa: F811
                                                                         monkeypatch):
    returned = fill_in(export(cli, tmp_path / "sent.xlsx"), tmp_path / SHEET, {
        2: {"状态": "已销号", "核验人": "李强"}, 3: {"提级至": "县应急局"}, 4: {"状态": "已巩固"}})
    problems = refused(cli, monkeypatch, "import", "--update", returned)
    needs = "empty; a {} entry needs 核验人, 化解情况, 销号日期"
    assert [(p.row, p.column, p.value, p.reason) for p in problems] == [
        (3, "化解情况", "", needs.format("closed")), (3, "销号日期", "", needs.format("closed")),
        (4, "提级原因", "", "empty, but 提级至 is filled; the two go together"),
        (5, "核验人", "", needs.format("consolidated")), (5, "化解情况", "", needs.format("consolidated")),
        (5, "销号日期", "", needs.format("consolidated"))]


def test_errors_file_is_written_when_the_file_is_refused_before_its_rows(cli, ledger, tmp_path):  # noqa: F811
    returned = fill_in(export(cli, tmp_path / "sent.xlsx"), tmp_path / SHEET, {})
    book = load_workbook(returned)
    sheet = book.worksheets[0]
    sheet.cell(1, sheet.max_column + 1, "联系电话")  # a column riskreg has no field for
    sheet.cell(2, sheet.max_column, "13812345678")
    book.save(returned)
    errors = tmp_path / "退回.csv"
    errors.write_text("行号,列,填写内容,问题\n9,标题,,上周的问题\n", encoding="utf-8")
    stderr = cli("import", "--update", returned, "--errors", errors, code=1).stderr
    written = errors.read_text(encoding="utf-8-sig")
    assert "上周的问题" not in written
    lines = written.splitlines()
    assert lines[0] == "row,column,value,reason" and len(lines) == 2
    assert lines[1].startswith(',,,"') and "联系电话 (Y), e.g. '138****5678'" in lines[1]
    assert stderr.startswith("Error: ") and "联系电话 (Y)" in stderr
    missing = tmp_path / "不存在.xlsx"
    cli("import", missing, "--errors", errors, code=1)
    assert errors.read_text(encoding="utf-8-sig").splitlines()[1].startswith(",,,")


def test_a_remarks_column_beside_progress_is_taken_cell_by_cell(cli, ledger, tmp_path):  # noqa: F811
    returned = fill_in(export(cli, tmp_path / "sent.xlsx"), tmp_path / SHEET, {1: {"进展情况": "已支付一半工资"}})
    book = load_workbook(returned)
    sheet = book.worksheets[0]
    sheet.cell(1, sheet.max_column + 1, "备注")  # a 备注 column beside 进展情况, as towns keep one
    sheet.cell(2, sheet.max_column, "请镇里协调")
    sheet.cell(4, sheet.max_column, "已报县应急局")
    book.save(returned)
    assert cli("--lang", "en", "--actor", "镇综治办", "import", "--update", returned).stdout == (
        f"Updated 2 entries with 3 events from {SHEET}, sheet 风险台账.\n")
    assert [e["text"] for e in entry(cli, 1)["history"][-2:]] == ["已支付一半工资", "请镇里协调"]
    assert entry(cli, 3)["history"][-1]["text"] == "已报县应急局"
    assert cli("--lang", "en", "import", "--update", returned).stdout == f"Updated 0 entries with 0 events from {SHEET}, sheet 风险台账.\n"
    assert "全部检查通过" in cli("check").stdout


def test_a_new_ledger_with_progress_and_remarks_keeps_both_as_notes(cli, register, tmp_path):
    path = tmp_path / "东村.xlsx"
    from openpyxl import Workbook
    book = Workbook()
    book.active.append(["风险编码", "村(社区)", "标题", "进展情况", "备注"])
    book.active.append(["S03", "东村", "拖欠工资", "已约谈", "需县里协调"])
    book.active.append(["P01", "南社区", "燃气管道老化", None, "已报燃气公司"])
    book.active.append(["P01", "西村", "燃气表箱锈蚀", "已更换", "电话138****5678"])
    book.save(path)
    assert "holds a masked number (138****5678)" in cli("import", path, code=1).stderr
    book.active["E4"] = None
    book.save(path)
    cli("import", path)
    notes = lambda n: [e["text"] for e in entry(cli, n)["history"] if e["action"] == "note"]  # noqa: E731
    assert (notes(1), notes(2), notes(3)) == (["已约谈", "需县里协调"], ["已报燃气公司"], ["已更换"])


def test_two_columns_of_one_field_are_refused_with_both_ways_out(cli, register, tmp_path):
    path = tmp_path / "东村.xlsx"
    from openpyxl import Workbook
    book = Workbook()
    book.active.append(["风险编码", "村(社区)", "标题", "牵头单位", "责任单位"])
    book.active.append(["S03", "东村", "拖欠工资", "劳动保障中心", "东村村委会"])
    book.save(path)
    assert cli("import", path, code=1).stderr == (
        f"Error: {path}, sheet Sheet: the header (row 1): two columns both give 责任部门 (department); give one of "
        "them another field with a --mapping line (such as `责任单位: detail`), or --ignore one of them.\n")


def test_a_new_item_picked_from_the_risk_drop_down_comes_back(cli, ledger, tmp_path):  # noqa: F811
    out = tmp_path / "out"
    cli("export", "--format", "xlsx", "--split", "dept", "--dept", "LABOUR", "--output-dir", out)
    [sent] = out.iterdir()
    book = load_workbook(sent)
    rule = next(r for r in book.worksheets[0].data_validations.dataValidation if str(r.sqref).startswith("B"))
    source = rule.formula1.removeprefix("'选项'!").replace("$", "")
    picked = next(c.value for (c,) in book["选项"][source] if c.value.startswith("S04 "))
    returned = fill_in(sent, tmp_path / SHEET, {}, new_rows=[{"风险编码": picked, "村(社区)": "北村",
                                                              "标题": "乡道急弯缺少护栏"}])
    assert cli("--lang", "en", "import", "--update", returned).stdout.endswith("; added 1 entry.\n")
    assert entry(cli, 6)["risk"] == "S04"
