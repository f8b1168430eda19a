"""Sheets to send out: `export --split dept|unit --output-dir DIR`, one checklist workbook per department or
village, each with only its entries, an instructions sheet and drop-down lists, and each importable again."""

import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook

from riskreg.exchange.sheet_split import MAX_NAME_BYTES, file_names

LEVELS = ["重大风险", "较大风险", "一般风险", "低风险"]
STATUSES = ["待化解", "管控中", "已销号", "已巩固"]


@pytest.fixture
def town(cli, register):
    """Entries for three departments in three villages, one closed, one with a mobile number in its title."""
    cli.add("S03", "拖欠农民工工资，电话13912345678", "东村", "--level", "significant")  # LABOUR
    cli.add("S03", "劳务纠纷", "南社区")  # LABOUR
    cli.add("P01", "燃气管道老化", "南社区", "--level", "major")  # COMP
    closed = cli.add("H02", "后山滑坡隐患", "西村", "--dept", "WATER")
    cli("close", closed, "--verified-by", "李华", "--resolution", "已完成排危")
    cli.add("H02", "河堤渗水", "东村", "--dept", "WATER")
    return register


def _split(cli, folder: Path, *args: str, code: int = 0):
    return cli("export", "--format", "xlsx", *args, "--output-dir", folder, code=code)


def _ids(path: Path) -> list[int]:
    ledger = load_workbook(path).worksheets[0]
    return [row[0] for row in ledger.iter_rows(min_row=2, values_only=True) if row[0] is not None]


def _departments(cli) -> dict[str, str]:
    return {d["code"]: d["zh"] for d in cli.json("catalogue", "show", "--format", "json")["departments"]}


def _listed(cli, *filters: str) -> list[int]:
    return [e["id"] for e in cli.json("list", "--format", "json", *filters)]


def test_split_by_department_gives_each_its_own_entries(cli, town, tmp_path):
    folder = tmp_path / "out" / "sent"  # made, parents and all
    out = _split(cli, folder, "--split", "dept").stdout
    departments = _departments(cli)
    files = {code: folder / f"责任清单-{departments[code]}.xlsx" for code in ("LABOUR", "COMP", "WATER")}
    assert sorted(folder.iterdir()) == sorted(files.values())
    for code, path in files.items():
        assert _ids(path) == _listed(cli, "--dept", code), code
    assert out.startswith(f"已把 3 个工作簿写入 {folder}：\n")
    assert f"  责任清单-{departments['LABOUR']}.xlsx：2 个条目\n" in out
    assert f"  责任清单-{departments['COMP']}.xlsx：1 个条目\n" in out
    assert f"{len(departments) - 3} 个部门没有符合条件的条目，没有为其写出工作簿：" in out
    idle = out.splitlines()[-1].split("：", 1)[1].rstrip("。").split("、")  # listed the Chinese way
    assert departments["POLICE"] in idle and departments["LABOUR"] not in idle and len(idle) == len(departments) - 3


def test_split_by_unit_takes_the_usual_filters(cli, town, tmp_path):
    out = _split(cli, tmp_path, "--split", "unit", "--status", "open").stdout
    assert out.splitlines()[1:] == ["  责任清单-东村.xlsx：2 个条目", "  责任清单-南社区.xlsx：2 个条目"]
    assert not (tmp_path / "责任清单-西村.xlsx").exists()  # its one entry is closed
    for unit in ("东村", "南社区"):
        assert _ids(tmp_path / f"责任清单-{unit}.xlsx") == _listed(cli, "--unit", unit, "--status", "open")
    assert "没有符合条件的条目；没有写出工作簿。\n" == \
        _split(cli, tmp_path / "none", "--split", "unit", "--unit", "西村", "--status", "open").stdout
    assert not (tmp_path / "none").exists()


def test_workbook_has_the_ledger_first_then_instructions_and_hidden_lists(cli, town, tmp_path):
    _split(cli, tmp_path, "--split", "unit")
    book = load_workbook(tmp_path / "责任清单-东村.xlsx")
    assert book.sheetnames == ["风险台账", "填表说明", "选项"]
    assert [s.sheet_state for s in book.worksheets] == ["visible", "visible", "hidden"]
    departments = list(_departments(cli).values())
    how = dict(book["填表说明"].iter_rows(min_row=2, values_only=True))
    assert how["责任清单"] == "东村：2 项，2026-07-01 导出"
    assert how["请填写"].startswith("责任部门、牵头领导、工作专班、工作方案、完成时限、管控措施")
    assert how["销号时填写"] == "核验人、化解情况、销号日期"
    assert how["请勿修改"].startswith("编号")
    assert how["风险等级可填"] == "、".join(LEVELS) and how["状态可填"] == "、".join(STATUSES)
    assert how["责任部门可填"] == "、".join(departments)
    assert how["日期格式"] == "年-月-日，例如 2026-07-01" and "交回汇总人" in how["填好后"]
    assert how["新增事项"] == "写在台账末尾的空行，编号留空；须填风险编码、村(社区)、标题（风险编码从下拉列表中选择）。"
    assert "风险编码可填" not in how  # the catalogue's risks are the drop-down's, too many for a line


def test_drop_downs_offer_the_catalogue_words_on_level_status_and_department(cli, town, tmp_path):
    _split(cli, tmp_path, "--split", "unit")
    book = load_workbook(tmp_path / "责任清单-南社区.xlsx")
    ledger, choices = book.worksheets[0], book["选项"]
    headings = {cell.value: cell.column_letter for cell in ledger[1]}
    offered = {}
    for rule in ledger.data_validations.dataValidation:
        assert rule.type == "list" and rule.allow_blank and rule.showErrorMessage and rule.error == "请从下拉列表中选择。"
        source = rule.formula1.removeprefix("'选项'!").replace("$", "")
        offered[str(rule.sqref)] = [c.value for (c,) in choices[source]]
    departments = list(_departments(cli).values())
    risks = [f"{r['code']} {r['zh']}" for c in cli.json("catalogue", "show", "--format", "json")["categories"]
             for r in c["risks"] if not r["retired"]]
    assert offered == {f"{headings['风险等级']}2:{headings['风险等级']}203": LEVELS,  # 2 entries and 200 blank rows
                       f"{headings['状态']}2:{headings['状态']}203": STATUSES,
                       f"{headings['责任部门']}2:{headings['责任部门']}203": departments,
                       f"{headings['风险编码']}4:{headings['风险编码']}203": risks}  # new items' rows
    assert "S03 企业和工地拖欠工资、工程款及社会保险" in risks


def test_english_workbooks(cli, town, tmp_path):
    out = tmp_path / "out"
    cli("--lang", "en", "export", "--format", "xlsx", "--split", "dept", "--dept", "WATER", "--output-dir", out)
    [path] = out.iterdir()
    assert path.name == "Checklist-Water Affairs Office.xlsx"
    book = load_workbook(path)
    assert book.sheetnames == ["Ledger", "Instructions", "Choices"]
    how = dict(book["Instructions"].iter_rows(min_row=2, values_only=True))
    assert how["Status: one of"] == "open, mitigated, closed, consolidated"
    assert how["Level: one of"] == "major, significant, general, low"


def test_hostile_unit_names_give_safe_distinct_files_inside_the_folder(cli, register, tmp_path):
    units = ["../x", "a/b", "a_b", "CON", "x:y", "Ab", "ab", " . ", "长" * 200, 'q"<>|*?\\']
    for unit in units:
        cli.add("S03", "拖欠工资", unit)
    folder = tmp_path / "out"
    out = _split(cli, folder, "--split", "unit").stdout
    files = sorted(folder.iterdir())
    assert len(files) == len(units) and all(f.parent == folder and f.is_file() for f in files)
    names = {f.name for f in files}
    assert {"责任清单-_x.xlsx", "责任清单-a_b.xlsx", "责任清单-a_b-2.xlsx",
            "责任清单-CON.xlsx", "责任清单-x_y.xlsx", "责任清单-Ab.xlsx", "责任清单-ab-2.xlsx", "责任清单-_.xlsx",
            "责任清单-q_______.xlsx"} < names
    [long] = [n for n in names if "长" in n]
    assert len(long.encode()) <= MAX_NAME_BYTES + len(".xlsx") and long.startswith("责任清单-长长")
    assert not (tmp_path / "x").exists() and len({n.casefold() for n in names}) == len(units)
    assert sorted(_ids(f)[0] for f in files) == list(range(1, len(units) + 1))  # each unit's own entry
    assert "责任清单-a_b-2.xlsx：1 个条目" in out


@pytest.mark.pure
def test_file_names_take_out_control_and_format_characters():
    assert file_names(["东\x00村\n", "东\u202e村", "东村\u3000", "东村 "], "责任清单") == [
        "责任清单-东_村_.xlsx", "责任清单-东_村.xlsx", "责任清单-东村.xlsx", "责任清单-东村-2.xlsx"]


def test_masked_by_default_and_unmasked_is_private(cli, register, tmp_path):
    cli.add("S03", "拖欠工资，电话13912345678", "张三13912345678")
    masked = tmp_path / "masked"
    _split(cli, masked, "--split", "unit")
    [path] = masked.iterdir()
    assert path.name == "责任清单-张三139____5678.xlsx"  # the file name is masked too (Windows refuses *)
    assert load_workbook(path).worksheets[0]["E2"].value == "拖欠工资，电话139****5678"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    private = tmp_path / "private"
    _split(cli, private, "--split", "unit", "--unmasked")
    [path] = private.iterdir()
    assert path.name == "责任清单-张三13912345678.xlsx"
    assert load_workbook(path).worksheets[0]["E2"].value == "拖欠工资，电话13912345678"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(private.stat().st_mode) == 0o700


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "xlsx", "--split", "dept"], "Error: --split needs --output-dir DIR, the folder the workbooks go in.\n"),
    (["--format", "xlsx", "--output-dir", "out"],
     "Error: --output-dir goes with --split dept|unit; for one file give --output FILE.\n"),
    (["--format", "xlsx", "--split", "dept", "--output-dir", "out", "--output", "a.xlsx"],
     "Error: --split writes one workbook per department or unit into --output-dir; leave out --output.\n"),
    (["--split", "unit", "--output-dir", "out"],
     "Error: --split writes .xlsx workbooks with instructions and drop-down lists; add --format xlsx.\n"),
    (["--format", "csv", "--split", "unit", "--output-dir", "out"],
     "Error: --split writes .xlsx workbooks with instructions and drop-down lists; add --format xlsx.\n"),
])
def test_refused_combinations(cli, town, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    assert cli("export", *args, code=1).stderr == message
    assert not (tmp_path / "out").exists()


def test_usage_errors(cli, town, tmp_path):
    assert "'town' is not one of 'dept', 'unit'" in cli("export", "--format", "xlsx", "--split", "town",
                                                        "--output-dir", tmp_path, code=2).stderr
    (tmp_path / "file").write_text("")
    assert "is a file" in _split(cli, tmp_path / "file", "--split", "unit", code=2).stderr


def test_a_workbook_that_cannot_be_written_leaves_no_partial_file(cli, town, tmp_path):
    (tmp_path / "责任清单-南社区.xlsx").mkdir()  # something in the way of one file
    error = cli("--lang", "zh", "export", "--format", "xlsx", "--split", "unit", "--output-dir", tmp_path, code=1).stderr
    assert error.startswith(f"错误：无法写入 {tmp_path / '责任清单-南社区.xlsx'}：")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left behind


def test_each_workbook_imports_back_into_a_fresh_register(cli, town, tmp_path, monkeypatch):
    _split(cli, tmp_path / "out", "--split", "dept", "--unmasked")
    before = {e["id"]: (e["risk"], e["unit"], e["title"], e["level"], e["status"], e["department"])
              for e in cli.json("list", "--format", "json", "--unmasked")}
    for path in sorted((tmp_path / "out").iterdir()):
        monkeypatch.setenv("RISKREG_DB", str(tmp_path / f"{path.stem}.db"))
        cli("init")
        assert f"已从 {path.name}" in cli("import", path).stdout
        after = {e["id"]: (e["risk"], e["unit"], e["title"], e["level"], e["status"], e["department"])
                 for e in cli.json("list", "--format", "json", "--unmasked")}
        assert after and after == {i: before[i] for i in after}
        assert "全部检查通过" in cli("check").stdout
