"""A refused import names every problem of every row: a table on stderr, and --errors FILE.csv to hand back.

The sheets are built as villages fill them in (full-width input, a phone number in the wrong column),
not copied from riskreg's own export.
"""

import csv
import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AS_OF, problem_lines, sheet_file


def _problems_file(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())  # so Excel and WPS read the Chinese
    return list(csv.reader(raw.decode("utf-8-sig").splitlines()))


def test_a_row_with_four_problems_gives_four(cli, register, tmp_path, snapshot):
    sheet = sheet_file(tmp_path / "东村.xlsx", [
        ["编号", "风险编码", "村（社区）", "隐患标题", "风险等级", "完成时限"],
        ["七", "Z99", "东村", "拖欠工资", "特大", "下周"],
        [2, "S03", "东村", "燃气管道", "重大", "2026-07-01"],
    ])
    before = snapshot()
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("隐患标题: title\n", encoding="utf-8")
    error = cli("import", sheet, "--mapping", mapping, code=1).stderr
    assert error.startswith(f"Error: {sheet}: 1 row with 4 problems; nothing imported.\n")
    assert problem_lines(error) == [
        "row column value reason",
        "2 编号 七 not a positive whole number",
        "2 风险编码 Z99 not in the catalogue (`riskreg catalogue show` lists them)",
        "2 风险等级 特大 not a level; use one of: major 重大 red, significant 较大 orange, general 一般 yellow, low 低 blue",
        "2 完成时限 下周 not a date (write 2026-07-31, 2026/7/31, 2026.7.31 or 2026年7月31日)"]
    assert snapshot() == before


def test_rules_across_fields_are_each_a_problem(cli, register, tmp_path):
    """A closed row without its verifier and closed before it was added, an escalation without its reason,
    a mitigated row without measures: each named at its own column, the sheet's header as written."""
    sheet = sheet_file(tmp_path / "rules.csv", [
        ["风险编码", "村(社区)", "标题", "状态", "提级至", "化解情况", "销号日期", "登记日期", "管控措施"],
        ["S03", "东村", "已销号", "已销号", "区应急局", "已清偿", "2026-05-01", "2026-06-01", ""],
        ["S03", "东村", "管控中", "管控中", "", "", "", "", ""],
        ["S03", "东村", "未销号", "待化解", "", "已清偿", "", "", ""],
        ["S03", "东村", "无登记日期", "closed", "", "已清偿", "2026-06-30", "", ""],
    ])
    lines = problem_lines(cli("import", sheet, code=1).stderr)
    assert lines[1:] == [
        "2 销号日期 2026-05-01 before 登记日期 (2026-06-01)",  # the sheet's columns left to right, then those it lacks
        "2 提级原因 empty, but 提级至 is filled; the two go together",
        "2 核验人 empty; a closed entry needs 核验人, 化解情况, 销号日期",
        "3 管控措施 empty; a mitigated entry needs its measures",
        "4 化解情况 已清偿 only a closed entry has one, and this row's status is open",
        f"5 销号日期 2026-06-30 before 登记日期 ({AS_OF}, today: the row gives none)",
        "5 核验人 empty; a closed entry needs 核验人, 化解情况, 销号日期"]


def test_35_bad_rows_are_counted_35_and_all_listed(cli, register, tmp_path):
    """The count that read "37 bad rows" for 35: a row matching two entries of a recurring hazard counted twice."""
    for _ in range(2):
        cli.add("S03", "拖欠工资", "东村")
        cli.add("P01", "燃气管道", "南社区")
    rows = [["风险编码", "村(社区)", "标题", "风险等级"], ["S03", "东村", "拖欠工资", ""], ["P01", "南社区", "燃气管道", ""]]
    rows += [["S03", "西村", f"隐患{number}", "特大"] for number in range(33)]
    error = cli("import", sheet_file(tmp_path / "ledger.csv", rows), code=1).stderr
    assert "ledger.csv: 35 rows with 35 problems; nothing imported." in error.splitlines()[0]
    lines = problem_lines(error)[1:]
    assert lines[:2] == ["2 标题 拖欠工资 already in the register as entries 1, 3",
                         "3 标题 燃气管道 already in the register as entries 2, 4"]
    assert [line.split(" ")[0] for line in lines] == [str(number) for number in range(2, 37)]
    assert lines[-1] == "36 风险等级 特大 not a level; use one of: major 重大 red, significant 较大 orange, general 一般 yellow, low 低 blue"


def test_the_errors_file_holds_every_problem_as_csv(cli, register, tmp_path):
    sheet = sheet_file(tmp_path / "ledger.csv", [["风险编码", "村(社区)", "标题", "完成时限"]]
                 + [["S03", "东村", f"隐患{number}", "=1+1"] for number in range(25)])
    errors = tmp_path / "退回东村.csv"
    cli("import", sheet, "--errors", errors, code=1)
    rows = _problems_file(errors)
    assert rows[0] == ["row", "column", "value", "reason"]
    # A formula in the sheet goes back as text, never run by the program that opens the file.
    assert rows[1:] == [[str(number), "完成时限", "'=1+1", "not a date (write 2026-07-31, 2026/7/31, 2026.7.31 or 2026年7月31日)"]
                        for number in range(2, 27)]
    assert errors.stat().st_mode & 0o777 == 0o644
    cli("--lang", "en", "import", sheet, "--errors", errors, code=1)
    assert _problems_file(errors)[0] == ["row", "column", "value", "reason"]


def test_a_passing_import_leaves_only_the_heading_line(cli, register, tmp_path):
    errors = tmp_path / "errors.csv"
    errors.write_text("2,风险编码,Z99,stale\n", encoding="utf-8")
    sheet = sheet_file(tmp_path / "ledger.csv", [["风险编码", "村(社区)", "标题"], ["S03", "东村", "拖欠工资"]])
    assert "Would import 1 entry" in cli("--lang", "en", "import", sheet, "--dry-run", "--errors", errors).stdout
    assert _problems_file(errors) == [["row", "column", "value", "reason"]]


@pytest.mark.sqlite_only  # a PostgreSQL register is no file an --errors path could name
def test_the_errors_file_is_never_the_register(cli, register, tmp_path, snapshot):
    sheet = sheet_file(tmp_path / "ledger.csv", [["风险编码", "村(社区)", "标题"], ["Z99", "东村", "拖欠工资"]])
    before = snapshot()
    error = cli("import", sheet, "--errors", register, code=1).stderr
    assert f"{register} is the register" in error and "choose another output file" in error
    assert snapshot() == before


def test_mobile_numbers_are_masked_in_the_table_and_the_file(cli, register, tmp_path):
    """A phone number typed into 风险编码 is a problem; the village's copy shows it masked unless --unmasked."""
    sheet = sheet_file(tmp_path / "ledger.csv", [["风险编码", "村(社区)", "标题"], ["13812345678", "东村", "拖欠工资"]])
    errors = tmp_path / "errors.csv"
    error = cli("import", sheet, "--errors", errors, code=1).stderr
    assert "2 风险编码 138****5678 not in the catalogue" in problem_lines(error)[1]
    assert "13812345678" not in error and "13812345678" not in errors.read_text(encoding="utf-8-sig")
    assert _problems_file(errors)[1][2] == "138****5678"
    error = cli("import", sheet, "--errors", errors, "--unmasked", code=1).stderr
    assert "2 风险编码 13812345678 not in the catalogue" in problem_lines(error)[1]
    assert _problems_file(errors)[1][2] == "13812345678"
    assert errors.stat().st_mode & 0o777 == 0o600  # unmasked: its owner's only


def test_not_a_terminal_gets_plain_aligned_text(cli, register, tmp_path):
    sheet = sheet_file(tmp_path / "ledger.csv", [["风险编码", "村(社区)", "标题"], ["Z99", "东村", "拖欠工资"],
                                           ["S03", "东村", "多行\n标题"]])
    error = cli("import", sheet, code=1).stderr
    assert "\x1b" not in error and not set(error) & set("─━│┃┏┡")
    assert error.splitlines()[1:] == [
        "row  column    value        reason",
        "2    风险编码  Z99          not in the catalogue (`riskreg catalogue show` lists them)",
        "3    标题      多行 ⏎ 标题  the title contains control characters or line breaks"]


def test_a_terminal_gets_a_table(register, tmp_path):
    """On a terminal the problems are a Rich table; a pty stands in for one."""
    sheet = sheet_file(tmp_path / "ledger.csv", [["风险编码", "村(社区)", "标题"], ["Z99", "东村", "拖欠工资"]])
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    done = subprocess.run([sys.executable, "-m", "riskreg", "import", str(sheet)], stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=follower, env=env, timeout=60)
    os.close(follower)
    shown = b""
    try:
        while chunk := os.read(leader, 65536):
            shown += chunk
    except OSError:  # the pty is drained
        pass
    os.close(leader)
    text = shown.decode()
    assert done.returncode == 1
    assert "ledger.csv：1 行共有 1 个问题；一条也没有导入。" in text
    assert "━" in text or "─" in text  # Rich's rule under the headings
    assert "Z99" in text and "不在目录中" in text


def test_every_bad_jsonl_line_is_listed(cli, register, tmp_path):
    cli.add()
    exported = tmp_path / "one.jsonl"
    cli("export", "--format", "jsonl", "--unmasked", "--output", exported)
    line = json.loads(exported.read_text(encoding="utf-8"))
    lines = [json.dumps({**line, "id": 100 + number, "level": "huge"}, ensure_ascii=False) for number in range(24)]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([*lines, "{not json"]) + "\n", encoding="utf-8")
    errors = tmp_path / "errors.csv"
    error = cli("import", bad, "--errors", errors, code=1).stderr
    assert error.startswith(f"Error: {bad}: 25 lines with 25 problems; nothing imported.\n")
    shown = problem_lines(error)
    assert shown[1:25] == [f"{number} level huge level 'huge' is not in this register's catalogue" for number in range(1, 25)]
    assert shown[25] == "25 not JSON (Expecting property name enclosed in double quotes at column 2)"
    assert _problems_file(errors)[0] == ["line", "column", "value", "reason"] and len(_problems_file(errors)) == 26


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_full_width_input_is_read(cli, register, tmp_path, suffix):
    """A Chinese input method in full-width mode: Ｓ０２, ２０２６／７／３１, full-width digits in 编号."""
    rows = [["编号", "风险编码", "村(社区)", "标题", "风险等级", "状态", "完成时限", "管控措施"],
            ["１２", "Ｓ０２", "东村", "Ｗｉ－Ｆｉ（全角）", "ｍａｊｏｒ", "管控中", "２０２６／７／３１", "每周巡查"]]
    sheet = sheet_file(tmp_path / f"全角{suffix}", rows)
    assert "Imported 1 entry" in cli("--lang", "en", "import", sheet).stdout
    entry = cli.json("show", "12", "--format", "json")
    assert (entry["risk"], entry["level"], entry["status"], entry["due"]) == ("S02", "major", "mitigated", "2026-07-31")
    assert entry["title"] == "Ｗｉ－Ｆｉ（全角）"  # free text stays as it was typed
