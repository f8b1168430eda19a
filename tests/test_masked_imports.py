"""An import refuses text riskreg masked, so a masked copy never overwrites real numbers (issue 13, item 5)."""

import json
from pathlib import Path

from conftest import problem_lines
from openpyxl import Workbook

MASKED_REASON = "holds a masked number ({}); import the unmasked export, or pass --accept-masked"


def _fresh(cli, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("RISKREG_DB", str(tmp_path / "fresh.db"))
    cli("init")
    return tmp_path / "fresh.db"


def test_a_masked_jsonl_export_is_refused_unless_accepted(cli, register, tmp_path, monkeypatch):
    cli.add("S03", "拖欠工资，工头电话13812345678", "东村")
    cli.add("S01", "宅基地纠纷", "北村")
    masked = tmp_path / "masked.jsonl"
    cli("export", "--masked", "--output", masked)
    fresh = _fresh(cli, tmp_path, monkeypatch)
    before = fresh.read_bytes()
    for flags in ([], ["--dry-run"], ["--new-ids"]):
        error = cli("import", masked, *flags, code=1).stderr
        assert error.startswith(f"Error: {masked}: 1 line with 1 problem; nothing imported.\n")
        assert problem_lines(error)[1:] == ["1 title 拖欠工资，工头电话138****5678 " + MASKED_REASON.format("138****5678")]
    assert fresh.read_bytes() == before
    assert "Imported 2 entries" in cli("--lang", "en", "import", masked, "--accept-masked").stdout
    assert cli.json("show", "1", "--format", "json", "--unmasked")["title"] == "拖欠工资，工头电话138****5678"


def test_a_number_masked_only_in_the_history_is_found(cli, register, tmp_path, monkeypatch):
    entry = cli.add("G01", "退役军人待遇诉求", "南社区")
    cli("note", entry, "已走访，本人身份证360426199001011234")
    masked = tmp_path / "masked.jsonl"
    cli("export", "--masked", "--output", masked)
    _fresh(cli, tmp_path, monkeypatch)
    error = cli("import", masked, code=1).stderr
    assert problem_lines(error)[1:] == ["1 history event 2 已走访，本人身份证360426***********4 "
                                        + MASKED_REASON.format("360426***********4")]


def test_a_star_written_as_a_json_escape_is_found_too(cli, register, tmp_path, monkeypatch):
    cli.add("S03", "欠薪，电话13812345678", "东村")
    line = cli("export", "--masked").stdout.replace("*", "\\u002a")
    escaped = tmp_path / "escaped.jsonl"
    escaped.write_text(line, encoding="utf-8")
    _fresh(cli, tmp_path, monkeypatch)
    assert MASKED_REASON.format("138****5678") in cli("import", escaped, code=1).stderr


def test_the_unmasked_export_and_stars_that_hide_nothing_import(cli, register, tmp_path, monkeypatch):
    cli.add("S03", "★★★重点：欠薪3**5户，电话13812345678", "东村")
    lossless = tmp_path / "lossless.jsonl"
    cli("export", "--output", lossless)
    _fresh(cli, tmp_path, monkeypatch)
    assert "Imported 1 entry" in cli("--lang", "en", "import", lossless).stdout
    assert cli.json("show", "1", "--format", "json", "--unmasked")["title"] == "★★★重点：欠薪3**5户，电话13812345678"


def _returned_workbook(path: Path, details: str) -> Path:
    """A village's ledger as it comes back: a merged title row, then the header, one hazard."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["东村矛盾纠纷排查化解台账（2026年7月）", None, None, None])
    sheet.merge_cells("A1:D1")
    sheet.append(["风险编码", "村（社区）", "标题", "详情"])
    sheet.append(["S03", "东村", "工地拖欠农民工工资", details])
    workbook.save(path)
    return path


def test_a_sheet_holding_masked_numbers_is_refused_by_row_and_column(cli, register, tmp_path, snapshot):
    sheet = _returned_workbook(tmp_path / "东村.xlsx", "包工头王某，电话１３８－****－５６７８，已约谈")
    before = snapshot()
    for flags in ([], ["--dry-run"]):
        error = cli("import", sheet, *flags, code=1).stderr
        assert error.startswith(f"Error: {sheet}: 1 row with 1 problem; nothing imported.\n")
        assert problem_lines(error)[1:] == ["3 详情 包工头王某，电话１３８－****－５６７８，已约谈 "
                                            + MASKED_REASON.format("１３８－****－５６７８")]
    assert snapshot() == before
    assert "Imported 1 entry" in cli("--lang", "en", "import", sheet, "--accept-masked").stdout


def test_a_gbk_csv_with_a_masked_identity_number_is_refused(cli, register, tmp_path):
    sheet = tmp_path / "wps.csv"
    sheet.write_bytes("风险编码,村(社区),标题\r\nS01,北村,宅基地纠纷（当事人360426***********1）\r\n".encode("gbk"))
    error = cli("import", sheet, code=1).stderr
    assert problem_lines(error)[1:] == ["2 标题 宅基地纠纷（当事人360426***********1） "
                                        + MASKED_REASON.format("360426***********1")]


def test_a_sheet_with_real_numbers_imports(cli, register, tmp_path):
    sheet = _returned_workbook(tmp_path / "东村.xlsx", "包工头王某，电话13812345678，已约谈")
    assert "Imported 1 entry" in cli("--lang", "en", "import", sheet).stdout
