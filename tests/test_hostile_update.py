"""Hostile returned sheets and odd workbooks for `import --update`, `--errors` and the .ods reader: each is one
sentence (or a refused import's problem table) with exit 1, writes nothing, and keeps every limit."""

from pathlib import Path

import pytest
from conftest import problem_lines, sheet_file
from test_hostile_files import _bounded
from test_sheet_reading import _ods as ods_file

HEADER = ["编号", "风险编码", "村(社区)", "标题", "风险等级", "版本"]


@pytest.fixture
def ledger(cli, register):
    """Entry 1 (version 1) and entry 2, with a leader whose mobile number a masked sheet shows as 139****5678."""
    assert cli.add("S03", "某工地拖欠农民工工资", "东村", "--due", "2026-07-10", as_of="2026-06-01") == 1
    assert cli.add("P01", "燃气管道老化", "南社区", as_of="2026-06-05") == 2
    return register


def refused_rows(cli, *args) -> list[str]:
    stderr = cli(*args, code=1).stderr
    assert stderr.splitlines()[0].endswith("; nothing imported."), stderr
    return problem_lines(stderr)


def test_a_version_too_large_for_the_database_is_a_problem_not_a_traceback(cli, ledger, tmp_path, snapshot):
    sheet = sheet_file(tmp_path / "返回.csv", [HEADER, [1, "S03", "东村", "某工地拖欠农民工工资", "较大", str(10**30)]])
    before = snapshot()
    problems = refused_rows(cli, "import", "--update", sheet)
    assert problems[1:] == [f"2 版本 {10**30} 版本 {10**30} is not a version of entry 1 (its latest is 1)"]
    assert snapshot() == before


def test_a_version_on_a_row_without_an_id_is_not_dropped(cli, ledger, tmp_path, snapshot):
    """A department deleted the 编号 column (or cleared a row's 编号) but kept 版本: the row is an exported entry,
    not a new one; taking it as new would add a second copy of an entry whose title the department reworded."""
    sheet = sheet_file(tmp_path / "返回.csv", [[h for h in HEADER if h != "编号"],
                                              ["S03", "东村", "某工地拖欠农民工工资（已约谈）", "较大", 1]])
    before = snapshot()
    problems = refused_rows(cli, "import", "--update", sheet)
    assert len(problems) == 2 and problems[1].startswith("2 版本 1 ") and "编号" in problems[1], problems
    assert snapshot() == before
    assert len(cli.json("list", "--format", "json")) == 2


@pytest.mark.parametrize("target", ["missing-folder", "dev-full"])
def test_an_errors_file_that_cannot_be_written_leaves_the_register_as_it_was(cli, ledger, tmp_path, snapshot,
                                                                             target):
    """The command fails (exit 1, `Cannot write …`), so it must not have recorded the sheet: a coordinator who
    runs it again would otherwise meet conflicts, and a new row would be refused as already there."""
    errors = tmp_path / "no-such-folder" / "退回.csv" if target == "missing-folder" else Path("/dev/full")
    if target == "dev-full" and not errors.exists():
        pytest.skip("no /dev/full here")
    sheet = sheet_file(tmp_path / "返回.csv", [HEADER, [1, "S03", "东村", "某工地拖欠农民工工资", "较大", 1],
                                              [None, "S03", "北村", "新发现的隐患", None, None]])
    before = snapshot()
    assert "Cannot write" in cli("import", "--update", sheet, "--errors", errors, code=1).stderr
    assert snapshot() == before


def test_full_width_stars_are_a_masked_number_too(cli, ledger, tmp_path, snapshot):
    """139＊＊＊＊5678 (stars typed in full-width mode) is the masked number all the same; stored, it would
    replace the real one for good."""
    cli("assign", 1, "--leader", "王明 13912345678", as_of="2026-06-02")
    sheet = sheet_file(tmp_path / "返回.csv", [[*HEADER, "牵头领导"],
                                              [1, "S03", "东村", "某工地拖欠农民工工资", "一般", 3, "王明 139＊＊＊＊5678"]])
    before = snapshot()
    problems = refused_rows(cli, "import", "--update", sheet)
    assert "holds a masked number" in problems[1], problems
    assert snapshot() == before


def test_taking_the_same_sheet_back_twice_is_no_conflict(cli, ledger, tmp_path):
    """The second run finds the register already holding what the sheet says: nothing to change, no conflict
    (`the sheet has 'significant', the register 'significant'` tells the coordinator nothing)."""
    sheet = sheet_file(tmp_path / "返回.csv", [[*HEADER, "牵头领导"],
                                              [1, "S03", "东村", "某工地拖欠农民工工资", "较大", 1, "王明"]])
    assert "Updated 1 entry" in cli("--lang", "en", "import", "--update", sheet).stdout
    assert "Updated 0 entries with 0 events from 返回.csv." in cli("--lang", "en", "import", "--update", sheet).stdout


def test_a_closing_date_problem_names_the_closing_date_column(cli, ledger, tmp_path):
    sheet = sheet_file(tmp_path / "返回.csv", [[*HEADER, "状态", "核验人", "化解情况", "销号日期"],
                                              [1, "S03", "东村", "某工地拖欠农民工工资", "一般", 1, "已销号", "李华",
                                               "已支付", "2026-08-01"]])
    problems = refused_rows(cli, "import", "--update", sheet)
    assert problems[1].startswith("2 销号日期 2026-08-01 "), problems


def _ods(path: Path, rows: str) -> Path:
    return ods_file(path, {"台账": rows})


def _row(cells: str, repeated: int = 1) -> str:
    return f'<table:table-row table:number-rows-repeated="{repeated}">{cells}</table:table-row>'


ODS_HEADER = _row("".join(f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>'
                          for h in ("风险编码", "村(社区)", "标题")))
HOSTILE_ODS = {
    # Values calamine reads without an office:value-type: an 868-byte file laid out 20 million cells (2 GB).
    "value-attributes": ODS_HEADER + _row('<table:table-cell office:value="7" table:number-columns-repeated="1000"/>',
                                          repeated=20_000),
    # A table inside a cell started the scan's row count again, so 3 × 40,000 rows passed the 100,000-row limit.
    "sub-tables": ODS_HEADER + 3 * (
        _row('<table:table-cell office:string-value="S03" table:number-columns-repeated="3"/>', repeated=40_000)
        + _row('<table:table-cell><table:table table:is-sub-table="true"><table:table-row><table:table-cell '
               'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row></table:table>'
               '</table:table-cell>')),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_ODS))
def test_a_small_ods_cannot_slip_past_the_limits(register, tmp_path, snapshot, case):
    path = _ods(tmp_path / f"{case}.ods", HOSTILE_ODS[case])
    before = snapshot()
    done = _bounded("import", "--update", path, "--dry-run")
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr[-500:]
    assert "rows" in done.stderr or "cells" in done.stderr or "table inside" in done.stderr, done.stderr
    assert snapshot() == before


def test_the_help_names_every_format_update_takes(cli, register, tmp_path):
    """--update reads .xls and .ods too; the refusal of a .jsonl must not say `.xlsx or .csv` only."""
    path = tmp_path / "backup.jsonl"
    path.write_text("")
    assert ".ods" in cli("import", "--update", path, code=1).stderr



@pytest.mark.sqlite_only
def test_split_workbooks_never_replace_the_register(cli, tmp_path, monkeypatch):
    """A register kept as 下发/责任清单-综治中心.xlsx (or a backup under that name) is not a workbook to overwrite:
    --split checks every file it will write as --output does, before it writes any."""
    folder = tmp_path / "下发"
    folder.mkdir()
    location = folder / "责任清单-综治中心.xlsx"
    monkeypatch.setenv("RISKREG_DB", str(location))
    cli("init")
    cli.add("P01", "燃气管道老化", "南社区")
    before = location.read_bytes()
    error = cli("--lang", "zh", "export", "--format", "xlsx", "--split", "dept", "--output-dir", folder, code=1).stderr
    assert "是台账" in error
    assert location.read_bytes() == before and sorted(p.name for p in folder.iterdir()) == [location.name]
