"""riskreg.report/2: each list holds its first N entries by deadline and counts the rest (`more`); the counts stay
exact; `--limit 0` lists everything; `--schema 1` gives riskreg.report/1 for one more release (issue 16).

Over the eight-entry ledger of test_reports.py (its docstring tables every entry): overdue are 1 and 4 (due
06-25) and 2 (06-28); unaccountable 2, 7 and 8; due soon 3; stale 2; awaiting consolidation 5. 东村 has 1, 4
and 7; LABOUR only 1; COMP 3, 5 and 7.
"""

import json

import pytest
from test_reports import build_ledger, eight_entries, eight_entries_template, report_json  # noqa: F401

LISTS = ("overdue", "due_soon", "unaccountable", "stale", "awaiting_consolidation", "escalated")
DEPARTMENTS = ("COMP", "POLICE", "CULT", "LABOUR", "EMERG", "URBAN", "VETS", "SOCIAL", "HEALTH", "JUST", "MARKET",
               "WATER", "LAND")


def _ids(report: dict) -> dict[str, list[int]]:
    return {name: [item["id"] for item in report[name]] for name in LISTS}


def test_the_default_lists_200_and_says_nothing_more(cli, eight_entries):
    report = report_json(cli)
    assert (report["schema"], report["limit"]) == ("riskreg.report/2", 200)
    assert report["more"] == dict.fromkeys(LISTS, 0)
    assert _ids(report) == {"overdue": [1, 4, 2], "due_soon": [3], "unaccountable": [2, 7, 8], "stale": [2],
                            "awaiting_consolidation": [5], "escalated": []}
    keys = list(report)
    assert keys.index("awaiting_consolidation") < keys.index("escalated") < keys.index("limit") < keys.index("more") < keys.index("since")


def test_a_limit_keeps_the_first_by_deadline_and_counts_the_rest_exactly(cli, eight_entries):
    whole, capped = report_json(cli), report_json(cli, "--limit", "1")
    assert capped["limit"] == 1
    assert _ids(capped) == {"overdue": [1], "due_soon": [3], "unaccountable": [2], "stale": [2],
                            "awaiting_consolidation": [5], "escalated": []}
    assert capped["more"] == {"overdue": 2, "due_soon": 0, "unaccountable": 2, "stale": 0,
                              "awaiting_consolidation": 0, "escalated": 0}
    assert capped["overdue"] == whole["overdue"][:1]
    for key in ("totals", "by_level_status", "by_category", "by_department", "by_unit", "chain"):
        assert capped[key] == whole[key], key
    for name in LISTS:
        assert len(capped[name]) + capped["more"][name] == len(whole[name])


def test_limit_0_lists_everything(cli, eight_entries):
    everything = report_json(cli, "--limit", "0")
    assert everything["limit"] is None and everything["more"] == dict.fromkeys(LISTS, 0)
    assert _ids(everything) == _ids(report_json(cli))


def test_schema_1_is_the_old_contract_every_list_entire(cli, eight_entries):
    old, new = report_json(cli, "--schema", "1"), report_json(cli, "--limit", "0")
    assert old["schema"] == "riskreg.report/1"
    assert "limit" not in old and "more" not in old and "escalated" not in old  # the escalated list came with /2
    assert {key: value for key, value in new.items() if key not in ("schema", "limit", "more", "escalated")} == \
        {key: value for key, value in old.items() if key != "schema"}


def test_a_scoped_report_caps_and_counts_its_own_lists(cli, eight_entries):
    village = report_json(cli, "--unit", "东村", "--limit", "1")
    assert (_ids(village)["overdue"], village["more"]["overdue"]) == ([1], 1)
    assert (_ids(village)["unaccountable"], village["more"]["unaccountable"]) == ([7], 0)
    comp = report_json(cli, "--dept", "COMP", "--limit", "1")
    assert (_ids(comp)["awaiting_consolidation"], comp["more"]) == ([5], dict.fromkeys(LISTS, 0))


def test_split_caps_each_departments_lists_as_its_dept_scope_does(cli, eight_entries, tmp_path):
    cli("report", "--format", "json", "--split", "dept", "--output-dir", tmp_path, "--limit", "1")
    for code in DEPARTMENTS:
        part = json.loads((tmp_path / f"{code}.json").read_text(encoding="utf-8"))
        assert part == report_json(cli, "--dept", code, "--limit", "1"), code
        assert all(item["department"] == code for name in LISTS for item in part[name])


def test_schema_1_with_split_writes_old_reports(cli, eight_entries, tmp_path):
    cli("report", "--format", "json", "--split", "dept", "--output-dir", tmp_path, "--schema", "1")
    part = json.loads((tmp_path / "COMP.json").read_text(encoding="utf-8"))
    assert part["schema"] == "riskreg.report/1" and "more" not in part


def test_the_text_report_says_how_many_more_in_each_language(cli, eight_entries):
    english = cli("--lang", "en", "report", "--limit", "1").stdout
    assert "… and 2 more: riskreg list --overdue" in english
    assert "… and 2 more: riskreg list --unaccountable" in english
    markdown = cli("--lang", "en", "report", "--format", "markdown", "--limit", "1").stdout
    assert "## Overdue (3)" in markdown  # the heading counts every entry of the list
    chinese = cli("--lang", "zh", "report", "--format", "markdown", "--limit", "1").stdout
    assert "…… 另有 2 项：riskreg list --overdue" in chinese
    html = cli("--lang", "zh", "report", "--format", "html", "--limit", "1").stdout
    # overdue 1 (2 more), due soon 3, unaccountable 2 (2 more): the HTML report lists due-soon entries too
    assert html.count("…… 另有 2 项") == 2 and html.count('data-entry="') == 3


@pytest.mark.parametrize(("args", "message"), [
    (("--schema", "1", "--format", "json", "--limit", "5"), "--schema 1 lists every entry; --limit goes with riskreg.report/2"),
    (("--schema", "1", "--format", "html"), "--schema 1 is the old JSON contract (riskreg.report/1); it goes "
                                            "with --format json."),
    (("--schema", "1"), "it goes with --format json"),  # the text report has no schema
])
def test_what_report_1_cannot_mean_is_refused_and_nothing_written(cli, eight_entries, tmp_path, args, message):
    target = tmp_path / "report.out"  # a name that says no format: --format alone decides
    result = cli("report", *args, "--output", target, code=1)
    assert message in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("args", [("--limit", "-1"), ("--limit", "many"), ("--limit", str(2**31)),
                                  ("--schema", "3"), ("--schema", "0"), ("--schema", "report/1")])
def test_bad_limits_and_schemas_are_usage_errors(cli, eight_entries, args):
    result = cli("report", "--format", "json", *args, code=2)
    assert ("--limit" if args[0] == "--limit" else "--schema") in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.pure
def test_the_command_lines_default_limit_is_the_domains():
    """cli/reports.py states the default itself, so `--help` imports no domain module; the two must not drift."""
    from riskreg.cli import reports
    from riskreg.domain import attention

    assert reports.LIST_LIMIT == attention.LIST_LIMIT
