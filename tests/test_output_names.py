"""The file's name says what it holds: `export -o 台账.xlsx` writes a workbook, masked, not the unmasked jsonl
default under a spreadsheet's name (a tester mailed such a file on); a name that contradicts --format, or names a
format the command does not write, is refused and nothing is written."""

import json

import openpyxl
import pytest

MOBILE, MASKED = "13912345678", "139****5678"


@pytest.fixture
def ledger(cli, register):
    cli.add("S03", f"某工地拖欠农民工工资，电话{MOBILE}", "东村", as_of="2026-06-01")


def test_export_to_a_workbook_name_writes_a_masked_workbook(cli, ledger, tmp_path):
    target = tmp_path / "台账.xlsx"
    cli("export", "-o", target)
    cells = [cell for row in openpyxl.load_workbook(target).worksheets[0].iter_rows(values_only=True) for cell in row]
    assert any(MASKED in str(cell) for cell in cells) and not any(MOBILE in str(cell) for cell in cells)


def test_export_to_a_csv_name_writes_masked_csv(cli, ledger, tmp_path):
    target = tmp_path / "台账.CSV"
    cli("export", "-o", target)
    text = target.read_text(encoding="utf-8-sig")
    assert text.startswith("编号,") and MASKED in text and MOBILE not in text


def test_export_under_another_name_keeps_the_lossless_default(cli, ledger, tmp_path):
    target = tmp_path / "register.jsonl.bak"
    cli("export", "-o", target)
    assert MOBILE in target.read_text(encoding="utf-8")  # jsonl is the unmasked backup format


@pytest.mark.parametrize("name, start", [("r.html", "<!DOCTYPE html>"), ("r.md", "# "), ("r.txt", "重大活动"),
                                         ("r.json", "{")])
def test_report_takes_its_format_from_the_name(cli, ledger, tmp_path, name, start):
    cli("report", "-o", tmp_path / name)
    text = (tmp_path / name).read_text(encoding="utf-8")
    assert text.startswith(start), text[:80]
    if name == "r.json":
        assert json.loads(text)["schema"] == "riskreg.report/2"


@pytest.mark.parametrize("args, sentence", [
    (("export", "-f", "jsonl", "-o", "{dir}/台账.xlsx"),
     "--format jsonl does not write a .xlsx file: rename {dir}/台账.xlsx, or leave out --format and the name decides."),
    (("report", "--format", "text", "-o", "{dir}/r.html"),
     "--format text does not write a .html file: rename {dir}/r.html, or leave out --format and the name decides."),
    (("report", "-o", "{dir}/r.xlsx"),
     "This command does not write .xlsx files: name {dir}/r.xlsx for one of the formats text, markdown, json, csv, "
     "html, or choose one with --format."),
])
def test_a_name_that_contradicts_the_format_is_refused_and_nothing_written(cli, ledger, tmp_path, args, sentence):
    argv = [arg.format(dir=tmp_path) for arg in args]
    assert cli("--lang", "en", *argv, code=1).stderr == f"Error: {sentence.format(dir=tmp_path)}\n"
    assert list(tmp_path.glob("*.xlsx")) == list(tmp_path.glob("*.html")) == []
    assert "用 --format 选定格式" in cli("--lang", "zh", "report", "-o", tmp_path / "r.xlsx", code=1).stderr
