"""Reading the register: `list`, `summary` and `report` over a small ledger whose every number is known.

The ledger (built by `build_ledger`, events placed in time with --as-of) as of 2026-07-01:

| id | risk | dept   | unit   | level       | status       | due        | notes                               |
|----|------|--------|--------|-------------|--------------|------------|-------------------------------------|
| 1  | S03  | LABOUR | 东村   | significant | open         | 2026-06-25 | accountable, 6 days overdue          |
| 2  | G01  | VETS   | 西村   | major       | open         | 2026-06-28 | unaccountable, 3 days overdue, stale |
| 3  | P01  | COMP   | 南社区 | general     | open         | 2026-07-05 | accountable, due in 4 days           |
| 4  | H02  | WATER  | 东村   | low         | mitigated    | 2026-06-25 | accountable, 6 days overdue          |
| 5  | S01  | COMP   | 西村   | general     | closed       | 2026-05-31 | watch ended 2026-06-19               |
| 6  | G03  | URBAN  | 南社区 | significant | consolidated | 2026-04-30 |                                      |
| 7  | P02  | COMP   | 东村   | major       | open         | —          | unaccountable                        |
| 8  | H03  | EMERG  | 西村   | general     | open         | —          | unaccountable, closed then reopened  |
"""

import csv
import io
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import copy_register, installed_riskreg

from riskreg.masking import mask_text

AS_OF = "2026-07-01"
ANSI = "\x1b"

TITLES = {
    1: "某工地拖欠农民工工资",
    2: "退役士兵安置待遇诉求",
    3: "夜市治安隐患",
    4: "后山滑坡隐患",
    5: "小区逾期交房",
    6: "高铁征地补偿纠纷",
    7: "电信诈骗高发",
    8: "高温用电安全",
}
ALL_IDS = list(TITLES)


def _four_ones(cli, entry_id: int, due: str, on: str) -> None:
    cli("assign", str(entry_id), "--leader", "王明", "--task-force", "专班一组", "--plan", "一案一策",
        "--due", due, as_of=on)


def build_ledger(cli) -> None:
    """Eight entries across S/G/P/H, three units, every status; see the module docstring."""
    def add(risk: str, entry_id: int, unit: str, level: str, on: str, *extra: str) -> None:
        assert cli.add(risk, TITLES[entry_id], unit, "--level", level, *extra, as_of=on) == entry_id

    add("S03", 1, "东村", "significant", "2026-06-01")
    _four_ones(cli, 1, "2026-06-25", on="2026-06-28")
    add("G01", 2, "西村", "major", "2026-06-10", "--due", "2026-06-28")  # no leader/plan; untouched since
    add("P01", 3, "南社区", "general", "2026-06-26")
    _four_ones(cli, 3, "2026-07-05", on="2026-06-26")
    add("H02", 4, "东村", "low", "2026-06-20", "--dept", "WATER")
    _four_ones(cli, 4, "2026-06-25", on="2026-06-20")
    cli("mitigate", "4", "--measures", "设置警戒线，雨天撤离", as_of="2026-06-29")
    add("S01", 5, "西村", "general", "2026-05-01")
    _four_ones(cli, 5, "2026-05-31", on="2026-05-01")
    cli("close", "5", "--verified-by", "李强", "--resolution", "已交房", as_of="2026-05-20")
    add("G03", 6, "南社区", "significant", "2026-04-01")
    _four_ones(cli, 6, "2026-04-30", on="2026-04-01")
    cli("close", "6", "--verified-by", "李强", "--resolution", "补偿到位", as_of="2026-04-10")
    cli("consolidate", "6", as_of="2026-05-15")
    add("P02", 7, "东村", "major", "2026-06-27")
    add("H03", 8, "西村", "general", "2026-06-01")
    cli("close", "8", "--verified-by", "李强", "--resolution", "已整改", as_of="2026-06-26")
    cli("reopen", "8", "--reason", "再次跳闸", as_of="2026-06-28")


@pytest.fixture(scope="module")
def eight_entries_template(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ledger") / "ledger.db"


@pytest.fixture
def eight_entries(cli, isolated_env, eight_entries_template) -> Path:
    """A private copy of the eight-entry ledger: built through the CLI once per module, then copied for each test."""
    if eight_entries_template.exists():
        copy_register(eight_entries_template, isolated_env)
    else:
        cli("init")
        build_ledger(cli)
        copy_register(isolated_env, eight_entries_template)
    return isolated_env


def report_json(cli, *args: str, as_of: str = AS_OF) -> dict:
    return cli.json("report", "--format", "json", *args, as_of=as_of)


# --- report --format json: the contract -------------------------------------------------------------


def test_report_header_totals_and_levels(cli, eight_entries):
    report = report_json(cli)
    assert report["schema"] == "riskreg.report/2"
    assert report["as_of"] == AS_OF
    assert report["totals"] == {"all": 8, "open": 5, "mitigated": 1, "closed": 1, "consolidated": 1,
                                "overdue": 3, "unaccountable": 3, "stale": 1, "due_soon": 1}
    assert report["by_level"] == {"major": 2, "significant": 1, "general": 2, "low": 1}
    assert report["by_level_status"]["general"] == {"open": 2, "mitigated": 0, "closed": 1, "consolidated": 0}
    assert report["by_level_status"]["significant"] == {"open": 1, "mitigated": 0, "closed": 0, "consolidated": 1}


def _group(code: str, name: str, open_: int = 0, overdue: int = 0, unaccountable: int = 0, closed: int = 0) -> dict:
    return {"code": code, "name": name, "retired": False, "open": open_, "overdue": overdue,
            "unaccountable": unaccountable, "closed": closed}


def test_report_by_category_counts_active_as_open_and_consolidated_as_closed(cli, eight_entries):
    assert report_json(cli)["by_category"] == [
        _group("S", "社会矛盾", open_=1, overdue=1, closed=1),
        _group("G", "群众诉求", open_=1, overdue=1, unaccountable=1, closed=1),
        _group("P", "公共安全", open_=2, unaccountable=1),
        _group("H", "安全生产与自然灾害", open_=2, overdue=1, unaccountable=1),
    ]


def test_report_by_department_lists_every_current_department_in_catalogue_order(cli, eight_entries):
    assert report_json(cli)["by_department"] == [
        _group("COMP", "综治中心", open_=2, unaccountable=1, closed=1),
        _group("POLICE", "派出所"),
        _group("CULT", "宣传文化中心"),
        _group("LABOUR", "劳动保障中心", open_=1, overdue=1),
        _group("EMERG", "应急管理办", open_=1, unaccountable=1),
        _group("URBAN", "统筹城乡发展办", closed=1),
        _group("VETS", "退役军人服务站", open_=1, overdue=1, unaccountable=1),
        _group("SOCIAL", "社会事务办"),
        _group("HEALTH", "卫健办"),
        _group("JUST", "司法所"),
        _group("MARKET", "市场监管所"),
        _group("WATER", "水利办", open_=1, overdue=1),
        _group("LAND", "自然资源和规划所"),
    ]


def test_report_by_unit(cli, eight_entries):
    assert report_json(cli)["by_unit"] == [
        {"unit": "东村", "open": 3, "overdue": 2, "unaccountable": 1, "closed": 0},
        {"unit": "南社区", "open": 1, "overdue": 0, "unaccountable": 0, "closed": 1},
        {"unit": "西村", "open": 2, "overdue": 1, "unaccountable": 2, "closed": 1},
    ]


def test_report_overdue_list_is_ordered_by_deadline_then_id(cli, eight_entries):
    overdue = report_json(cli)["overdue"]
    assert [(i["id"], i["due"], i["days_overdue"]) for i in overdue] == [
        (1, "2026-06-25", 6), (4, "2026-06-25", 6), (2, "2026-06-28", 3)]
    assert overdue[0] == {"id": 1, "risk": "S03", "title": TITLES[1], "unit": "东村", "level": "significant",
                          "status": "open", "department": "LABOUR", "leader": "王明", "due": "2026-06-25",
                          "days_overdue": 6}
    assert overdue[1]["status"] == "mitigated"


def test_report_attention_lists(cli, eight_entries):
    report = report_json(cli)
    assert [(i["id"], i["days_left"]) for i in report["due_soon"]] == [(3, 4)]
    # entries without a deadline come last
    assert [(i["id"], i["due"]) for i in report["unaccountable"]] == [(2, "2026-06-28"), (7, None), (8, None)]
    assert [(i["id"], i["last_change"]) for i in report["stale"]] == [(2, "2026-06-10")]
    assert [(i["id"], i["watch_until"]) for i in report["awaiting_consolidation"]] == [(5, "2026-06-19")]


def test_report_flags_follow_the_as_of_date_at_their_boundaries(cli, eight_entries):
    report = report_json(cli, as_of="2026-07-05")
    assert [(i["id"], i["days_overdue"]) for i in report["overdue"]] == [(1, 10), (4, 10), (2, 7)]
    assert [(i["id"], i["days_left"]) for i in report["due_soon"]] == [(3, 0)]  # due today: due soon, not overdue
    # 7 days without an event is stale (1, 8: last change 06-28); 6 days is not (4: 06-29)
    assert [(i["id"], i["last_change"]) for i in report["stale"]] == [
        (1, "2026-06-28"), (2, "2026-06-10"), (3, "2026-06-26"), (7, "2026-06-27"), (8, "2026-06-28")]
    assert {k: report["totals"][k] for k in ("overdue", "due_soon", "stale")} == {"overdue": 3, "due_soon": 1, "stale": 5}


def test_due_soon_reaches_seven_days_ahead(cli, eight_entries):
    assert [i["id"] for i in report_json(cli, as_of="2026-06-28")["due_soon"]] == [2, 3]  # due today, and in 7 days
    assert 3 not in [i["id"] for i in report_json(cli, as_of="2026-06-27")["due_soon"]]


def test_config_file_sets_the_due_soon_and_stale_windows(cli, eight_entries):
    cli("config", "set", "due_soon_days", "3")
    cli("config", "set", "stale_days", "3")
    report = report_json(cli)
    assert report["windows"] == {"due_soon_days": 3, "stale_days": 3}
    assert report["due_soon"] == [] and report["totals"]["due_soon"] == 0  # entry 3 is due in 4 days
    # 3 days without an event (last change 06-28 or earlier) is stale; 4, changed 06-29, is not
    assert [i["id"] for i in report["stale"]] == [1, 2, 3, 7, 8] and report["totals"]["stale"] == 5
    # listings, one entry, exports and every rendering of the report use the same windows
    assert [r["id"] for r in cli.json("list", "--format", "json") if r["stale"]] == [1, 2, 3, 7, 8]
    assert cli.json("show", "4", "--format", "json")["stale"] is False
    assert [json.loads(line)["id"] for line in cli("export").stdout.splitlines() if json.loads(line)["stale"]] == [
        1, 2, 3, 7, 8]
    assert "Due within 3 days: 0" in cli("--lang", "en", "report", as_of=AS_OF).stdout
    assert "## Stale (no change for 3 days) (5)" in cli("--lang", "en", "report", "--format", "markdown", as_of=AS_OF).stdout
    assert "3日内到期：0" in cli("--lang", "zh", "report", as_of=AS_OF).stdout
    assert "## 3日无进展 (5)" in cli("--lang", "zh", "report", "--format", "markdown", as_of=AS_OF).stdout
    assert "3日内到期" in cli("--lang", "zh", "report", "--format", "html", as_of=AS_OF).stdout
    cli("config", "set", "due_soon_days", "1")
    assert [i["id"] for i in report_json(cli, as_of="2026-07-04")["due_soon"]] == [3]  # due tomorrow
    assert "Due within 1 day: 1" in cli("--lang", "en", "report", as_of="2026-07-04").stdout
    assert "Due within 1 day<" in cli("--lang", "en", "report", "--format", "html", as_of="2026-07-04").stdout


def test_report_since_counts_events_on_or_after_the_date(cli, eight_entries):
    assert report_json(cli, "--since", "2026-06-25")["since"] == {
        "date": "2026-06-25", "added": 2, "closed": 1, "reopened": 1, "regraded_up": 0, "regraded_down": 0}
    assert report_json(cli, "--since", "-30d")["since"] == {"date": "2026-06-01", "added": 6, "closed": 1, "reopened": 1,
                                                                 "regraded_up": 0, "regraded_down": 0}
    assert report_json(cli)["since"] is None


def test_report_bad_since_is_one_sentence(cli, eight_entries):
    assert "not a date" in cli("report", "--since", "yesterday", code=1).stderr


def test_report_on_an_empty_register(cli, register):
    report = report_json(cli)
    assert report["totals"] == dict.fromkeys(
        ("all", "open", "mitigated", "closed", "consolidated", "overdue", "unaccountable", "stale", "due_soon"), 0)
    assert all(report[name] == [] for name in ("overdue", "due_soon", "unaccountable", "stale",
                                                "awaiting_consolidation"))


def _campaign_register(cli, tmp_path: Path) -> None:
    """A register whose catalogue names the campaign (the bundled one has it commented out)."""
    from riskreg.domain.catalogue import bundled_catalogue_path

    text = bundled_catalogue_path().read_text(encoding="utf-8")
    text = re.sub(r"^# campaign:\n#   zh: (.*)\n#   en: (.*)\n#   start: (.*)\n#   end: (.*)$",
                  r"campaign:\n  zh: \1\n  en: \2\n  start: \3\n  end: \4", text, flags=re.M)
    assert "\ncampaign:" in text
    catalogue = tmp_path / "campaign.yaml"
    catalogue.write_text(text, encoding="utf-8")
    cli("init", "--catalogue", str(catalogue))


def test_report_counts_down_to_the_campaign(cli, tmp_path):
    _campaign_register(cli, tmp_path)
    assert report_json(cli)["campaign"] == {"name": "省运会", "start": "2027-09-01", "end": "2027-09-15",
                                            "days_to_start": 427}
    assert cli.json("--lang", "en", "report", "--format", "json")["campaign"]["name"] == "Provincial Games"
    assert "427 days to start" in cli("--lang", "en", "report", "--format", "markdown").stdout
    assert "距开始还有 427 天" in cli("--lang", "zh", "report", "--format", "markdown").stdout


@pytest.mark.parametrize("as_of, en, zh", [("2027-08-31", "1 day to start", "距开始还有 1 天"),
                                           ("2027-09-01", "day 1", "第 1 天"), ("2027-09-15", "day 15", "第 15 天"),
                                           ("2027-09-16", "over", "已结束")])
def test_the_campaign_line_says_where_the_campaign_stands(cli, tmp_path, as_of, en, zh):
    _campaign_register(cli, tmp_path)
    for fmt in ("text", "markdown", "html"):
        assert en in cli("--lang", "en", "report", "--format", fmt, as_of=as_of).stdout
        assert zh in cli("--lang", "zh", "report", "--format", fmt, as_of=as_of).stdout
    assert zh in cli("--lang", "zh", "summary", as_of=as_of).stdout


def test_report_since_counts_back_from_the_campaign(cli, tmp_path):
    _campaign_register(cli, tmp_path)
    cli.add("S03", TITLES[1], "东村", as_of="2027-08-20")
    assert report_json(cli, "--since", "T-12", as_of="2027-08-25")["since"] == {
        "date": "2027-08-20", "added": 1, "closed": 0, "reopened": 0, "regraded_up": 0, "regraded_down": 0}


# --- determinism, formats, language -------------------------------------------------------------------

FORMATS = ["json", "text", "markdown", "csv"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_is_byte_identical_across_runs(cli, eight_entries, fmt):
    first = cli("report", "--format", fmt, "--since", "2026-06-25").stdout_bytes
    assert first
    assert cli("report", "--format", fmt, "--since", "2026-06-25").stdout_bytes == first


@pytest.mark.parametrize("fmt", ["text", "markdown", "csv"])
def test_report_has_no_escape_codes_and_shows_names(cli, eight_entries, fmt):
    out = cli("report", "--format", fmt).stdout
    assert ANSI not in out
    assert "劳动保障中心" in out and "社会矛盾" in out


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_report_text_formats_list_the_overdue_titles(cli, eight_entries, fmt):
    out = cli("report", "--format", fmt).stdout
    assert all(TITLES[i] in out for i in (1, 2, 4))


def test_markdown_report_names_levels_and_statuses_like_the_text_report(cli, eight_entries):
    for lang, words in (("zh", ("| 重大风险 |", "| 待化解 |")), ("en", ("| major |", "| open |"))):
        out = cli("--lang", lang, "report", "--format", "markdown").stdout
        assert all(word in out for word in words), out
    assert "| major |" not in cli("--lang", "zh", "report", "--format", "markdown").stdout


def test_report_csv_is_one_row_per_group(cli, eight_entries):
    rows = list(csv.DictReader(io.StringIO(cli("report", "--format", "csv").stdout)))
    assert list(rows[0]) == ["section", "code", "name", "open", "overdue", "unaccountable", "closed"]
    assert rows[0] == {"section": "total", "code": "", "name": "", "open": "6", "overdue": "3",
                       "unaccountable": "3", "closed": "2"}
    assert {"section": "department", "code": "LABOUR", "name": "劳动保障中心", "open": "1", "overdue": "1",
            "unaccountable": "0", "closed": "0"} in rows
    assert [r["code"] for r in rows if r["section"] == "unit"] == ["东村", "南社区", "西村"]


def test_report_in_english(cli, eight_entries):
    report = cli.json("--lang", "en", "report", "--format", "json")
    names = {row["code"]: row["name"] for row in report["by_department"]}
    assert names["LABOUR"] == "Labour and Social Security Centre"
    assert names["COMP"] == "Comprehensive Governance Centre"
    assert report["by_category"][0]["name"] == "Social and economic disputes"
    assert "Labour and Social Security Centre" in cli("--lang", "en", "report", "--format", "markdown").stdout


# --- --output and --fail-on-overdue -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_file_holds_exactly_what_stdout_would(cli, eight_entries, tmp_path, fmt):
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / f"report.{fmt}"
    result = cli("report", "--format", fmt, "--output", str(target))
    assert result.stdout == ""
    assert target.read_bytes() == cli("report", "--format", fmt).stdout_bytes
    assert sorted(p.name for p in folder.iterdir()) == [target.name]  # no temp file left behind


def test_output_relative_to_the_working_directory(cli, eight_entries, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cli("report", "--format", "csv", "--output", "report.csv")
    assert (tmp_path / "report.csv").read_bytes() == cli("report", "--format", "csv").stdout_bytes


def test_text_report_does_not_depend_on_the_terminal_width(cli, eight_entries, monkeypatch):
    wide = cli("report", "--format", "text").stdout_bytes
    monkeypatch.setenv("COLUMNS", "60")
    assert cli("report", "--format", "text").stdout_bytes == wide


def test_output_replaces_an_existing_file(cli, eight_entries, tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    cli("report", "--format", "json", "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["schema"] == "riskreg.report/2"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_output_into_a_missing_folder_fails_with_a_sentence(cli, eight_entries, tmp_path, snapshot):
    before = snapshot()
    target = tmp_path / "missing" / "report.json"
    result = cli("report", "--format", "json", "--output", str(target), code=1)
    assert "Cannot write" in result.stderr and str(target) in result.stderr
    assert result.stdout == "" and not target.parent.exists()
    assert snapshot() == before


def test_fail_on_overdue_exits_3_and_still_writes_the_report(cli, eight_entries, tmp_path):
    target = tmp_path / "nightly.json"
    result = cli("report", "--format", "json", "--output", str(target), "--fail-on-overdue", code=3)
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["totals"]["overdue"] == 3


def test_fail_on_overdue_exits_3_on_stdout_too(cli, eight_entries):
    result = cli("report", "--format", "csv", "--fail-on-overdue", code=3)
    assert result.stdout.startswith("section,")


def test_fail_on_overdue_exits_0_when_nothing_active_is_overdue(cli, register, tmp_path):
    cli.add("S03", TITLES[1], "东村", "--due", "2026-07-01")  # due today: not overdue
    cli.add("H02", TITLES[4], "东村", "--due", "2026-06-01", as_of="2026-05-01")
    cli("close", "2", "--verified-by", "李强", "--resolution", "已治理", as_of="2026-05-20")  # past due, but closed
    target = tmp_path / "nightly.json"
    cli("report", "--format", "json", "--output", str(target), "--fail-on-overdue")
    report = json.loads(target.read_text(encoding="utf-8"))
    assert report["overdue"] == [] and report["totals"]["all"] == 2


def test_fail_on_overdue_exits_0_on_an_empty_register(cli, register):
    cli("report", "--fail-on-overdue")


# --- list -----------------------------------------------------------------------------------------------


def list_ids(cli, *args: str, as_of: str = AS_OF) -> list[int]:
    return [row["id"] for row in cli.json("list", "--format", "json", *args, as_of=as_of)]


LIST_CASES = [
    ([], ALL_IDS),
    (["--status", "open"], [1, 2, 3, 7, 8]),
    (["--status", "mitigated"], [4]),
    (["--status", "closed"], [5]),
    (["--status", "consolidated"], [6]),
    (["--status", "active"], [1, 2, 3, 4, 7, 8]),
    (["--status", "Active"], [1, 2, 3, 4, 7, 8]),
    (["--risk", "S03"], [1]),
    (["--risk", "s03"], [1]),
    (["--risk", "P04"], []),
    (["--category", "S"], [1, 5]),
    (["--category", "G"], [2, 6]),
    (["--category", "P"], [3, 7]),
    (["--category", "h"], [4, 8]),
    (["--dept", "COMP"], [3, 5, 7]),
    (["--dept", "WATER"], [4]),
    (["--dept", "police"], []),
    (["--unit", "东村"], [1, 4, 7]),
    (["--unit", "西村"], [2, 5, 8]),
    (["--unit", "南社区"], [3, 6]),
    (["--unit", "南社区", "--level", "low"], []),  # an unknown unit is refused (tests/test_scope.py)
    (["--level", "major"], [2, 7]),
    (["--level", "significant"], [1, 6]),
    (["--level", "general"], [3, 5, 8]),
    (["--level", "low"], [4]),
    (["--overdue"], [1, 4, 2]),  # the longest overdue first
    (["--unaccountable"], [2, 7, 8]),
    (["--limit", "3"], [1, 2, 3]),
    (["--limit", "0"], ALL_IDS),
    (["--status", "active", "--unit", "东村", "--overdue"], [1, 4]),
    (["--category", "H", "--unaccountable"], [8]),
    (["--dept", "COMP", "--limit", "2"], [3, 5]),
]


@pytest.mark.parametrize("args, ids", [pytest.param(a, i, id=" ".join(a) or "no filter") for a, i in LIST_CASES])
def test_list_filters(cli, eight_entries, args, ids):
    assert list_ids(cli, *args) == ids


def test_list_due_soon_matches_the_reports_list_and_shows_the_flag(cli, eight_entries):
    for as_of in ("2026-06-20", "2026-07-01"):
        due_soon = [item["id"] for item in cli.json("report", "--format", "json", as_of=as_of)["due_soon"]]
        listed = cli.json("list", "--due-soon", "--format", "json", as_of=as_of)
        assert sorted(row["id"] for row in listed) == sorted(due_soon) and all(row["due_soon"] for row in listed)
    assert any(cli.json("report", "--format", "json", as_of="2026-06-20")["due_soon"])
    assert "due soon" in cli("--lang", "en", "list", "--due-soon", as_of="2026-06-20").stdout


def test_list_flags_follow_the_as_of_date(cli, eight_entries):
    assert sorted(list_ids(cli, "--overdue", as_of="2026-07-05")) == [1, 2, 4]
    assert sorted(list_ids(cli, "--overdue", as_of="2026-07-06")) == [1, 2, 3, 4]


@pytest.mark.parametrize("option, value, phrase", [
    ("--status", "pending", "no status 'pending'"),
    ("--risk", "Z99", "no risk 'Z99'"),
    ("--category", "X", "no category 'X'"),
    ("--dept", "NOPE", "no department 'NOPE'"),
    ("--level", "extreme", "no level 'extreme'"),
])
def test_list_unknown_filter_values_are_one_sentence(cli, eight_entries, option, value, phrase):
    assert phrase in cli("list", option, value, code=1).stderr


CONTRACT_KEYS = ["id", "risk", "category", "unit", "title", "level", "status", "department", "leader", "due",
                 "accountable", "overdue"]


def test_list_json_rows(cli, eight_entries):
    rows = cli.json("list", "--format", "json")
    assert list(rows[0])[:len(CONTRACT_KEYS)] == CONTRACT_KEYS
    assert {k: rows[0][k] for k in CONTRACT_KEYS} == {
        "id": 1, "risk": "S03", "category": "S", "unit": "东村", "title": TITLES[1], "level": "significant",
        "status": "open", "department": "LABOUR", "leader": "王明", "due": "2026-06-25", "accountable": True,
        "overdue": True}
    assert {k: rows[6][k] for k in ("leader", "due", "accountable", "overdue")} == {
        "leader": None, "due": None, "accountable": False, "overdue": False}
    assert rows[1]["stale"] is True and rows[2]["due_soon"] is True and rows[7]["reopen_count"] == 1


def test_list_csv_has_the_json_columns_and_round_trips_chinese(cli, eight_entries):
    rows = cli.json("list", "--format", "json")
    text = cli("list", "--format", "csv").stdout
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == list(rows[0])
    parsed = list(reader)
    assert [(r["id"], r["title"], r["unit"]) for r in parsed] == [(str(r["id"]), r["title"], r["unit"]) for r in rows]
    assert parsed[0]["overdue"] == "true" and parsed[6]["leader"] == "" and parsed[6]["due"] == ""


def test_list_csv_header_alone_when_nothing_matches(cli, eight_entries):
    text = cli("list", "--format", "csv", "--unit", "南社区", "--level", "low").stdout
    assert text.splitlines() == [",".join(cli.json("list", "--format", "json")[0])]


def test_list_table_shows_titles_and_flags(cli, eight_entries):
    out = cli("--lang", "en", "list").stdout
    assert all(title in out for title in TITLES.values())
    assert "overdue" in out and "unaccountable" in out and ANSI not in out


def test_list_table_respects_filters(cli, eight_entries):
    out = cli("list", "--category", "P").stdout
    assert TITLES[3] in out and TITLES[7] in out and TITLES[1] not in out


def test_list_and_show_follow_lang_and_fit_80_columns(cli, eight_entries, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    zh = cli("--lang", "zh", "list").stdout
    assert zh.split()[:8] == ["编号", "编码", "村(社区)", "标题", "等级", "状态", "责任", "时限/标记"]  # none split
    assert all(word in zh for word in ("待化解", "管控中", "已销号", "已巩固", "逾期", "四个一不全", "无进展"))
    dues = {row["due"] for row in cli.json("list", "--format", "json") if row["due"]}
    assert dues and all(due in zh for due in dues) and "overdue" not in zh  # 80 columns hold every deadline
    en = cli("--lang", "en", "list").stdout
    # English words are longer: at 80 columns the risk code gives way before a flag or a name is cut
    assert en.split()[:7] == ["id", "unit", "title", "level", "status", "owner", "due"]
    assert all(word in en.split() for word in ("overdue", "unaccountable", "stale", "consolidated"))
    assert "mitigated" in en and "unaccountable" in en
    shown = cli("--lang", "zh", "show", "1").stdout
    assert "事项 1" in shown and "牵头领导" in shown and "历史记录" in shown and "经过" in shown
    assert "Entry 1" in cli("--lang", "en", "show", "1").stdout


def test_a_village_name_is_never_split_at_80_columns(cli, isolated_env, monkeypatch):
    """Titles wrap; a village folded in two ("工业园社/区") reads as two villages."""
    monkeypatch.setenv("COLUMNS", "80")
    cli("init")
    for risk, title, unit, leader in (("H02", "后山坡体裂缝，汛期有滑坡风险", "西村", "赵刚"),
                                      ("S03", "某工地拖欠农民工工资", "东村", "王明"),
                                      ("H01", "危化品仓库超量储存", "工业园社区", "孙副镇长")):
        entry = cli.add(risk, title, unit, as_of="2026-06-01")
        cli("assign", str(entry), "--leader", leader, "--due", "2026-06-10", as_of="2026-06-01")
    for command in ("list", "summary"):
        out = cli("--lang", "zh", "--as-of", "2026-07-01", command).stdout
        listed = out.split("逾期事项")[-1]  # the summary's village table above it holds the name whole anyway
        assert "工业园社区" in listed and "孙副镇长" in listed and "劳动保障中心" in listed, out
        assert max(map(len, out.splitlines())) <= 80


# --- masking --------------------------------------------------------------------------------------------

ID_NUMBER = "36042619900101123X"
MOBILE = "13812345678"
MASKED_ID = "360426***********X"
MASKED_MOBILE = "138****5678"
LONG_RUN = "36042619900101123456"  # 20 digits: an account number, not an identity number
SECRETS = ("19900101", "0101123", "1234567", ID_NUMBER, MOBILE)


@pytest.mark.pure
@pytest.mark.parametrize("text, expected", [
    (ID_NUMBER, MASKED_ID),
    ("36042619900101123x", "360426***********x"),
    ("360426199001011234", "360426***********4"),
    (MOBILE, MASKED_MOBILE),
    ("电话13812345678，身份证36042619900101123X。", f"电话{MASKED_MOBILE}，身份证{MASKED_ID}。"),
    ("call 19912345678 now", "call 199****5678 now"),
    ("12812345678", "12812345678"),  # 12 is not a mobile prefix
    (LONG_RUN, LONG_RUN),
    ("138123456789", "138123456789"),  # 12 digits
    ("3604261990010112345", "3604261990010112345"),  # 19 digits
    ("no numbers here", "no numbers here"),
    ("138 1234 5678", "138 **** 5678"),  # grouped as people write them
    ("138-1234-5678", "138-****-5678"),
    ("+8613812345678", "+86138****5678"),
    ("+86 138 1234 5678", "+86 138 **** 5678"),
    ("１３８１２３４５６７８", "１３８****５６７８"),  # full-width digits
    ("360426 19900101 123X", "360426 ******** ***X"),
    ("2026-07-01 10:00, id 1234567", "2026-07-01 10:00, id 1234567"),
])
def test_mask_text(text, expected):
    assert mask_text(text) == expected


@pytest.mark.pure
def test_a_number_deep_in_a_long_list_is_masked():
    # The check for anything to mask dumps long lists a thousand items at a time; the last batch counts too.
    from riskreg.masking import masked

    report = {"totals": {"all": 2501}, "overdue": [{"id": n, "title": "欠薪"} for n in range(2500)]}
    report["overdue"].append({"id": 2500, "title": f"联系{MOBILE}"})
    assert masked(report)["overdue"][-1]["title"] == f"联系{MASKED_MOBILE}"
    assert report["overdue"][-1]["title"] == f"联系{MOBILE}"  # the data itself is left as it is
    assert masked({"units": [f"东村{ID_NUMBER}"]}) == {"units": [f"东村{MASKED_ID}"]}


SECRET_TITLE = f"欠薪 {ID_NUMBER} {MOBILE}"
SECRET_UNIT = f"东村{MOBILE}"


@pytest.fixture
def secret_entry(cli, register) -> int:
    """One overdue entry whose free text carries an identity number and a mobile number everywhere."""
    entry_id = cli.add("S03", SECRET_TITLE, SECRET_UNIT, "--detail", f"身份证{ID_NUMBER} 合同{LONG_RUN}",
                       as_of="2026-06-01")
    cli("assign", str(entry_id), "--leader", "王明", "--task-force", "专班", "--plan", f"联系{MOBILE}",
        "--due", "2026-06-20", as_of="2026-06-01")
    cli("note", str(entry_id), f"回访 {MOBILE} {ID_NUMBER}", as_of="2026-06-02")
    cli("mitigate", str(entry_id), "--measures", f"专人 {MOBILE} 盯守", as_of="2026-06-03")
    return entry_id


@pytest.mark.parametrize("written", ["138 1234 5678", "138-1234-5678", "+86 13812345678", "１３８１２３４５６７８"])
def test_a_mobile_number_written_in_groups_is_masked_everywhere(cli, register, written):
    entry_id = cli.add("S03", f"欠薪，联系人{written}", "东村", "--due", "2026-06-10", as_of="2026-06-01")
    for argv in (["list", "--format", "json"], ["list", "--format", "csv"], ["show", str(entry_id)],
                 ["report", "--format", "json"], ["report", "--format", "html"], ["export", "--masked"], ["summary"]):
        out = cli(*argv).stdout
        assert written not in out and "****" in out, argv
    assert written in cli("list", "--format", "json", "--unmasked").stdout


def _assert_masked(out: str, *, needs_title: bool = True) -> None:
    assert not any(secret in out.replace(LONG_RUN, "") for secret in SECRETS), out
    assert MASKED_MOBILE in out
    if needs_title:
        assert MASKED_ID in out


MASKED_OUTPUTS = [
    ["list"],
    ["list", "--format", "json"],
    ["list", "--format", "csv"],
    ["show", "1"],
    ["show", "1", "--format", "json"],
    ["summary"],
    ["report", "--format", "json"],
    ["report", "--format", "text"],
    ["report", "--format", "markdown"],
]


@pytest.mark.parametrize("argv", MASKED_OUTPUTS, ids=" ".join)
def test_outputs_mask_identity_and_mobile_numbers(cli, secret_entry, argv):
    out = cli(*argv).stdout
    if "markdown" in argv:  # Markdown escapes the asterisks, so masks never pair up into emphasis
        out = out.replace("\\*", "*")
    _assert_masked(out)
    if argv[0] in ("show", "list") and argv != ["list"]:  # the detail shows in these
        assert LONG_RUN in out


def test_report_csv_masks_the_unit(cli, secret_entry):
    _assert_masked(cli("report", "--format", "csv").stdout, needs_title=False)


@pytest.mark.parametrize("argv", [*MASKED_OUTPUTS, ["report", "--format", "csv"]], ids=" ".join)
def test_unmasked_shows_the_stored_text(cli, secret_entry, argv):
    out = cli(*argv, "--unmasked").stdout
    assert MOBILE in out and MASKED_MOBILE not in out
    if argv[-1] != "csv" or argv[0] == "list":
        assert ID_NUMBER in out


def test_show_json_masks_history_text_and_changes(cli, secret_entry):
    entry = cli.json("show", "1", "--format", "json")
    by_action = {event["action"]: event for event in entry["history"]}
    assert by_action["add"]["changes"]["title"]["new"] == f"欠薪 {MASKED_ID} {MASKED_MOBILE}"
    assert by_action["add"]["changes"]["detail"]["new"] == f"身份证{MASKED_ID} 合同{LONG_RUN}"
    assert by_action["assign"]["changes"]["plan"]["new"] == f"联系{MASKED_MOBILE}"
    assert by_action["note"]["text"] == f"回访 {MASKED_MOBILE} {MASKED_ID}"
    assert by_action["mitigate"]["changes"]["measures"]["new"] == f"专人 {MASKED_MOBILE} 盯守"
    assert entry["plan"] == f"联系{MASKED_MOBILE}" and entry["unit"] == f"东村{MASKED_MOBILE}"


def test_report_json_masks_the_overdue_item(cli, secret_entry):
    report = report_json(cli)
    assert report["overdue"][0]["title"] == f"欠薪 {MASKED_ID} {MASKED_MOBILE}"
    assert report["by_unit"][0]["unit"] == f"东村{MASKED_MOBILE}"


def test_stored_text_is_not_altered_by_masking(cli, secret_entry):
    assert cli.json("show", "1", "--format", "json", "--unmasked")["title"] == SECRET_TITLE


def test_filter_by_unit_uses_the_stored_name(cli, secret_entry):
    assert list_ids(cli, "--unit", SECRET_UNIT) == [1]


# --- summary --------------------------------------------------------------------------------------------


def test_summary_on_an_empty_register(cli, register):
    out = cli("summary").stdout
    assert "综治中心" in out and ANSI not in out


def test_summary_of_the_ledger(cli, eight_entries):
    out = cli("summary").stdout
    assert ANSI not in out
    assert all(name in out for name in ("劳动保障中心", "退役军人服务站", "水利办", "社会矛盾", "东村", "南社区"))
    assert all(TITLES[i] in out for i in (1, 2, 4))  # the overdue list
    assert TITLES[3] not in out  # due soon, not overdue: only the full report lists it


def test_summary_in_english(cli, eight_entries):
    out = cli("--lang", "en", "summary").stdout
    assert "Labour and Social Security Centre" in out and "劳动保障中心" not in out


def test_summary_without_a_register_says_how_to_create_one(cli):
    assert "riskreg init" in cli("summary", code=1).stderr


# --- scripted use: the installed entry point ------------------------------------------------------------


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*installed_riskreg(), "--as-of", AS_OF, *args], env=env, capture_output=True, text=True,
                          encoding="utf-8", stdin=subprocess.DEVNULL, timeout=120)


def _script_env(tmp_path: Path) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "RISKREG_DB": str(tmp_path / "script.db")}


@pytest.mark.sqlite_only  # its own register file, whatever the backend
def test_script_captures_the_id_and_parses_the_report(tmp_path):
    env = {**os.environ, **_script_env(tmp_path), "RISKREG_ACTOR": "script"}
    env.pop("RISKREG_TODAY", None)
    assert _run(env, "init").returncode == 0
    first = _run(env, "add", "S03", "--title", TITLES[1], "--unit", "东村", "--due", "2026-06-20")
    second = _run(env, "add", "H02", "--title", TITLES[4], "--unit", "西村")
    assert (first.returncode, first.stdout, second.stdout) == (0, "1\n", "2\n")
    entry_id = int(first.stdout)
    result = _run(env, "report", "--format", "json")
    assert result.returncode == 0 and result.stderr == ""
    report = json.loads(result.stdout)
    assert report["totals"]["all"] == 2
    assert [item["id"] for item in report["overdue"]] == [entry_id]
    assert report["overdue"][0]["title"] == TITLES[1]


@pytest.mark.sqlite_only  # its own register file, whatever the backend
def test_minimal_environment_without_stdin_writes_the_report(tmp_path):
    env = _script_env(tmp_path)
    assert _run(env, "init").returncode == 0
    added = _run(env, "add", "H02", "--title", TITLES[4], "--unit", "东村", "--due", "2026-06-30")
    assert added.returncode == 0, added.stderr
    target = tmp_path / "reports" / "nightly.md"
    target.parent.mkdir()
    result = _run(env, "report", "--format", "markdown", "--output", str(target), "--fail-on-overdue")
    assert (result.returncode, result.stdout, result.stderr) == (3, "", "")
    text = target.read_text(encoding="utf-8")
    assert TITLES[4] in text and ANSI not in text
    assert sorted(p.name for p in target.parent.iterdir()) == ["nightly.md"]
    shown = _run(env, "show", "1", "--format", "json")
    assert json.loads(shown.stdout)["history"][0]["actor"]  # no passwd/login name needed for the actor


@pytest.mark.sqlite_only  # its own register file, whatever the backend
def test_script_error_is_one_line_on_stderr(tmp_path):
    env = _script_env(tmp_path)
    _run(env, "init")
    result = _run(env, "list", "--status", "pending")
    assert result.returncode == 1 and result.stdout == ""
    assert re.fullmatch(r"错误：[^\n]+\n", result.stderr) and "没有状态" in result.stderr

