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
    assert cli("import", "--update", returned, "--sheet", "风险台账").stdout == (
        f"Updated 1 entry with 1 event from {SHEET}, sheet 风险台账.\n")
    assert cli("import", "--update", returned, "--sheet", "新增隐患").stdout == (
        f"Updated 0 entries with 0 events from {SHEET}, sheet 新增隐患; added 1 entry.\n")
    assert entry(cli, 6)["title"] == "某超市拖欠工资"


def test_sheets_with_only_instructions_or_a_header_are_passed_over(cli, ledger, tmp_path):
    returned = _second_sheet(fill_in(export(cli, tmp_path / "sent.xlsx"), tmp_path / SHEET,
                                     {1: {"进展情况": "已支付一半"}}), rows=())
    book = load_workbook(returned)
    book.create_sheet("说明").append(["请填写进展情况后交回"])
    book.save(returned)
    assert cli("import", "--update", returned).stdout == f"Updated 1 entry with 1 event from {SHEET}, sheet 风险台账.\n"
    # an empty form first, the items on the next sheet: the sheet with the rows is the one read
    empty_first = _second_sheet(export(cli, tmp_path / "空.xlsx", "--status", "consolidated"), "东村")
    assert cli("import", empty_first, "--dry-run").stdout.endswith("Would import 1 entry from 空.xlsx, sheet 东村.\n")


def test_a_sent_out_checklist_with_its_instructions_and_lists_is_one_ledger(cli, ledger, tmp_path):
    out = tmp_path / "out"
    cli("export", "--format", "xlsx", "--split", "dept", "--output-dir", out)
    book = next(out.glob("*.xlsx"))
    assert cli("import", "--update", book).stdout.startswith("Updated 0 entries with 0 events from ")
