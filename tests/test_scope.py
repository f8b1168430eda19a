"""Scoped summaries and reports: one department's 责任清单, one village's or one lead official's entries, and
`report --split dept`, every department's report from one pass, for a nightly job to mail out.

Over the eight-entry ledger of test_reports.py (its docstring tables every entry): COMP has entries 3, 5, 7;
LABOUR entry 1; 王明 leads all but 2, 7 and 8; 东村 has 1, 4 and 7. CULT and six more have none.
"""

import csv
import io
import json
import stat

import pytest
from test_reports import build_ledger, eight_entries, eight_entries_template, report_json  # noqa: F401

from riskreg.masking import mask_text

LISTS = ("overdue", "due_soon", "unaccountable", "stale", "awaiting_consolidation")
DEPARTMENTS = ("COMP", "POLICE", "CULT", "LABOUR", "EMERG", "URBAN", "VETS", "SOCIAL", "HEALTH", "JUST", "MARKET",
               "WATER", "LAND")
EXTENSIONS = {"text": ".txt", "markdown": ".md", "json": ".json", "csv": ".csv", "html": ".html"}


def _listed_ids(report: dict) -> dict[str, list[int]]:
    return {name: [item["id"] for item in report[name]] for name in LISTS}


def _as_group_row(totals: dict) -> dict:
    """A scoped report's totals as the unscoped report's by_department row counts them."""
    return {"open": totals["open"] + totals["mitigated"], "overdue": totals["overdue"],
            "unaccountable": totals["unaccountable"], "closed": totals["closed"] + totals["consolidated"]}


def test_unscoped_report_has_a_scope_of_nulls(cli, eight_entries):
    assert report_json(cli)["scope"] == {"department": None, "unit": None, "leader": None}


@pytest.mark.parametrize("typed", ["COMP", "comp", "综治中心", "Comprehensive Governance Centre", "ＣＯＭＰ"])
def test_dept_scope_counts_what_the_unscoped_report_counts_for_that_department(cli, eight_entries, typed):
    whole = report_json(cli)
    row = next(row for row in whole["by_department"] if row["code"] == "COMP")
    scoped = report_json(cli, "--dept", typed)
    assert scoped["scope"] == {"department": "COMP", "unit": None, "leader": None}
    assert _as_group_row(scoped["totals"]) == {key: row[key] for key in ("open", "overdue", "unaccountable", "closed")}
    assert scoped["totals"]["all"] == 3
    assert scoped["by_department"] == [row]  # only its own row, not twelve rows of zeros
    assert [r["code"] for r in scoped["by_category"]] == ["S", "P"]
    assert {r["unit"] for r in scoped["by_unit"]} == {"东村", "南社区", "西村"}
    assert _listed_ids(scoped) == {name: [i for i in ids if i in (3, 5, 7)]
                                   for name, ids in _listed_ids(whole).items()}


def test_unit_scope_counts_what_the_unscoped_report_counts_for_that_unit(cli, eight_entries):
    whole = report_json(cli)
    row = next(row for row in whole["by_unit"] if row["unit"] == "东村")
    scoped = report_json(cli, "--unit", "东村")
    assert scoped["scope"] == {"department": None, "unit": "东村", "leader": None}
    assert scoped["by_unit"] == [row]
    assert _as_group_row(scoped["totals"]) == {key: row[key] for key in ("open", "overdue", "unaccountable", "closed")}
    assert [r["code"] for r in scoped["by_department"]] == ["COMP", "LABOUR", "WATER"]
    assert scoped["overdue"] and {item["unit"] for name in LISTS for item in scoped[name]} == {"东村"}


def test_leader_scope_counts_the_entries_that_official_leads(cli, eight_entries):
    led = [row["id"] for row in cli.json("list", "--format", "json") if row["leader"] == "王明"]
    scoped = report_json(cli, "--leader", "王明", "--since", "2026-06-01")
    assert scoped["scope"] == {"department": None, "unit": None, "leader": "王明"}
    assert scoped["totals"]["all"] == len(led) == 5
    assert {item["leader"] for name in LISTS for item in scoped[name]} == {"王明"}
    # Since 2026-06-01: 1, 3, 4 added by 王明's entries (7 and 8 lead nobody), none of them closed.
    assert scoped["since"] == {"date": "2026-06-01", "added": 3, "closed": 0, "reopened": 0,
                               "regraded_up": 0, "regraded_down": 0}


def test_scopes_combine(cli, eight_entries):
    scoped = report_json(cli, "--dept", "COMP", "--unit", "东村")
    assert scoped["scope"] == {"department": "COMP", "unit": "东村", "leader": None}
    assert scoped["totals"]["all"] == 1 and _listed_ids(scoped)["unaccountable"] == [7]


def test_a_department_with_no_entries_gets_a_report_saying_nothing_is_open(cli, eight_entries):
    scoped = report_json(cli, "--dept", "CULT")
    assert scoped["totals"]["all"] == 0 and all(not scoped[name] for name in LISTS)
    assert scoped["by_department"] == [{"code": "CULT", "name": "宣传文化中心", "retired": False, "open": 0,
                                        "overdue": 0, "unaccountable": 0, "closed": 0}]


@pytest.mark.parametrize(("option", "value", "heading", "first"), [
    ("--dept", "LABOUR", "责任清单：责任部门 劳动保障中心（LABOUR）", "全部 1，"),
    ("--unit", "南社区", "责任清单：村（社区） 南社区", "全部 2，"),
    ("--leader", "王明", "责任清单：牵头领导 王明", "全部 5，"),
])
def test_summary_takes_each_scope_and_names_it(cli, eight_entries, option, value, heading, first):
    lines = cli("summary", option, value).stdout.splitlines()
    assert lines[1] == heading
    assert lines[2].startswith(first)
    assert "全部 8，" in cli("summary").stdout and "责任清单：" not in cli("summary").stdout


def test_summary_in_english_names_the_scope_in_english(cli, eight_entries):
    assert cli("--lang", "en", "summary", "--dept", "综治中心").stdout.splitlines()[1] == \
        "Checklist of department Comprehensive Governance Centre (COMP)"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_report_format_is_restricted_and_the_readable_ones_name_the_scope(cli, eight_entries, lang):
    heading = {"zh": "责任清单：责任部门 劳动保障中心（LABOUR）",
               "en": "Checklist of department Labour and Social Security Centre (LABOUR)"}[lang]
    run = lambda fmt: cli("--lang", lang, "report", "--format", fmt, "--dept", "劳动保障中心").stdout  # noqa: E731
    text = run("text")
    assert text.splitlines()[1] == heading and "某工地拖欠农民工工资" in text and "后山滑坡隐患" not in text
    markdown = run("markdown")
    assert f"## {heading}" in markdown.splitlines() and "后山滑坡隐患" not in markdown
    html = run("html")
    assert f">{heading}</h2>" in html and heading in html.split("<title>")[1].split("</title>")[0]
    assert "后山滑坡隐患" not in html
    rows = list(csv.DictReader(io.StringIO(run("csv"))))
    assert rows[0] == {"section": "total", "code": "", "name": "", "open": "1", "overdue": "1",
                       "unaccountable": "0", "closed": "0"}
    assert [row["code"] for row in rows if row["section"] == "department"] == ["LABOUR"]
    assert json.loads(run("json"))["scope"]["department"] == "LABOUR"


def test_an_unscoped_html_report_keeps_its_trend_and_a_scoped_one_has_none(cli, eight_entries):
    """The trend replays the whole register: drawn under a department's heading it would mislead."""
    assert "<svg" in cli("report", "--format", "html").stdout
    assert cli("report", "--format", "html").stdout.count("<svg") == \
        cli("report", "--format", "html", "--dept", "COMP").stdout.count("<svg") + 1


@pytest.mark.parametrize(("args", "message"), [
    (("--dept", "人社局"), "Error: There is no department '人社局'; use one of: COMP 综治中心, "),
    (("--unit", "北村"), "Error: There is no unit '北村' in the catalogue or on any entry; `riskreg summary` lists "
                        "those on the ledger."),
    (("--leader", "张三"), "Error: No entry names '张三' as its lead official; `riskreg list` shows who leads what."),
])
@pytest.mark.parametrize("command", [("summary",), ("report", "--format", "json"),
                                     ("report", "--split", "dept", "--output-dir", "out")])
def test_an_unknown_scope_is_refused_in_one_sentence(cli, eight_entries, tmp_path, monkeypatch, command, args,
                                                       message):
    monkeypatch.chdir(tmp_path)
    if command[-1] == "out" and args[0] == "--dept":
        return  # --split with --dept is refused for that, below
    result = cli(*command, *args, code=1)
    # the department's refusal goes on to list every department's words (tests/test_words.py)
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1 and result.stdout == ""
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", [("list",), ("list", "--format", "json"), ("export", "-o", "东.xlsx"),
                                     ("export", "-f", "xlsx", "--split", "dept", "--output-dir", "out")])
def test_list_and_export_refuse_an_unknown_unit_as_summary_does(cli, eight_entries, tmp_path, monkeypatch, command):
    """A typo in --unit listed nothing and exported an empty workbook without a word (a tester's finding)."""
    monkeypatch.chdir(tmp_path)
    result = cli("--lang", "en", *command, "--unit", "东", code=1)
    assert result.stderr == ("Error: There is no unit '东' in the catalogue or on any entry; `riskreg summary` lists "
                             "those on the ledger.\n") and result.stdout == ""
    assert not (tmp_path / "东.xlsx").exists() and not (tmp_path / "out").exists()
    assert [row["unit"] for row in cli.json("list", "--unit", "东村", "--format", "json")]  # a known one lists


def test_since_counts_regradings_within_the_scope_and_each_split_file(cli, register, tmp_path):
    comp = cli.add("S03", "甲", "东村", "--dept", "COMP", as_of="2026-06-01")
    labour = cli.add("S03", "乙", "西村", "--dept", "LABOUR", "--level", "major", as_of="2026-06-01")
    cli("regrade", comp, "--level", "major", "--reason", "升", as_of="2026-06-25")
    cli("regrade", labour, "--level", "general", "--reason", "降", as_of="2026-06-25")
    cli("regrade", labour, "--level", "low", "--reason", "降", as_of="2026-06-26")
    counts = {"date": "2026-06-20", "added": 0, "closed": 0, "reopened": 0}
    expected = {"COMP": {**counts, "regraded_up": 1, "regraded_down": 0},
                "LABOUR": {**counts, "regraded_up": 0, "regraded_down": 2}}
    for dept, since in expected.items():
        scoped = cli.json("report", "--format", "json", "--dept", dept, "--since", "2026-06-20", as_of="2026-07-01")
        assert scoped["since"] == since, dept
    assert cli.json("report", "--format", "json", "--unit", "西村", "--since", "2026-06-20",
                    as_of="2026-07-01")["since"] == expected["LABOUR"]
    cli("report", "--format", "json", "--split", "dept", "--output-dir", tmp_path / "out", "--since", "2026-06-20",
        as_of="2026-07-01")
    for dept, since in {**expected, "CULT": {**counts, "regraded_up": 0, "regraded_down": 0}}.items():
        assert json.loads((tmp_path / "out" / f"{dept}.json").read_text())["since"] == since, dept


# --- report --split dept ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(EXTENSIONS))
def test_split_writes_each_department_the_report_its_dept_scope_gives(cli, eight_entries, tmp_path, fmt):
    folder = tmp_path / "nightly" / "depts"
    result = cli("report", "--format", fmt, "--split", "dept", "--output-dir", folder, "--since", "2026-06-01")
    assert result.stdout == f"已把 13 份报告写入 {folder}，每个部门一份。\n"
    assert sorted(path.name for path in folder.iterdir()) == sorted(code + EXTENSIONS[fmt] for code in DEPARTMENTS)
    for code in DEPARTMENTS:
        written = (folder / f"{code}{EXTENSIONS[fmt]}").read_text(encoding="utf-8")
        assert written == cli("report", "--format", fmt, "--dept", code, "--since", "2026-06-01").stdout, code
        assert stat.S_IMODE((folder / f"{code}{EXTENSIONS[fmt]}").stat().st_mode) == 0o644


def test_split_json_files_add_up_to_the_whole_report(cli, eight_entries, tmp_path):
    cli("report", "--format", "json", "--split", "dept", "--output-dir", tmp_path)
    whole = report_json(cli)
    parts = {code: json.loads((tmp_path / f"{code}.json").read_text()) for code in DEPARTMENTS}
    for row in whole["by_department"]:
        assert _as_group_row(parts[row["code"]]["totals"]) == {key: row[key] for key in
                                                              ("open", "overdue", "unaccountable", "closed")}
        assert parts[row["code"]]["scope"] == {"department": row["code"], "unit": None, "leader": None}
    for name in LISTS:
        assert sorted(i for part in parts.values() for i in _listed_ids(part)[name]) == sorted(_listed_ids(whole)[name])
    assert parts["CULT"]["totals"]["all"] == 0  # a department with nothing open still gets its (empty) report


def test_split_combines_with_a_leader_scope(cli, eight_entries, tmp_path):
    cli("report", "--format", "json", "--split", "dept", "--output-dir", tmp_path, "--leader", "王明")
    comp = json.loads((tmp_path / "COMP.json").read_text())
    assert comp["scope"] == {"department": "COMP", "unit": None, "leader": "王明"}
    assert comp["totals"]["all"] == 2  # 3 and 5; 7 leads nobody


def test_split_replaces_files_atomically_and_masks_unless_unmasked(cli, eight_entries, tmp_path):
    cli("add", "S03", "--title", "欠薪 联系人13812345678", "--unit", "北村", "--dept", "LABOUR")
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "LABOUR.json").write_text("yesterday's report")
    cli("report", "--format", "json", "--split", "dept", "--output-dir", folder)
    masked = (folder / "LABOUR.json").read_text()
    assert mask_text("13812345678") in masked and "13812345678" not in masked
    assert not [path for path in folder.iterdir() if path.name.startswith(".")]  # no temporary file left behind
    private = tmp_path / "private"
    cli("report", "--format", "json", "--split", "dept", "--output-dir", private, "--unmasked")
    assert "13812345678" in (private / "LABOUR.json").read_text()
    assert stat.S_IMODE(private.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in private.iterdir()} == {0o600}


def test_split_with_fail_on_overdue_writes_every_file_then_exits_3(cli, eight_entries, tmp_path):
    cli("report", "--split", "dept", "--output-dir", tmp_path / "out", "--fail-on-overdue", code=3)
    assert len(list((tmp_path / "out").iterdir())) == 13


@pytest.mark.parametrize(("args", "message"), [
    (("--split", "dept"), "--split needs --output-dir DIR, the folder the reports go in."),
    (("--output-dir", "out"), "--output-dir goes with --split dept; for one file give --output FILE."),
    (("--split", "dept", "--output-dir", "out", "--output", "r.json"),
     "--split writes one report per department into --output-dir; leave out --output."),
    (("--split", "dept", "--output-dir", "out", "--dept", "COMP"),
     "--split dept already writes each department's report; leave out --dept."),
])
def test_split_refuses_what_does_not_go_with_it(cli, eight_entries, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = cli("report", "--format", "json", *args, code=1)
    assert result.stderr == f"Error: {message}\n" and result.stdout == ""
    assert not (tmp_path / "out").exists() and not (tmp_path / "r.json").exists()


def test_split_reads_the_register_in_one_pass_not_once_per_department(domain_register):
    """As many statements as the whole report's, whatever the number of departments: the aggregates are grouped by
    department too, each list read once (the catalogue rows each department's tables name are read per report)."""
    from sqlalchemy import event

    from riskreg.domain.ledger import add_entry
    from riskreg.domain.reporting import build_report, department_reports

    for risk, unit in (("S03", "东村"), ("P01", "西村"), ("H02", "南社区")):
        domain_register.write(add_entry, risk=risk, title=f"{risk} 隐患", unit=unit)
    engine = domain_register.register.engine
    counted: list[str] = []

    def count(conn, cursor, statement, *_):
        if "FROM entry" in statement or "FROM history" in statement:
            counted.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        domain_register.read(build_report)
        whole = len(counted)
        split = domain_register.read(department_reports)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(split) == 13 and sum(report["totals"]["all"] for report in split.values()) == 3
    assert whole >= 8 and len(counted) - whole <= whole  # no more queries of the entries than the whole report's
