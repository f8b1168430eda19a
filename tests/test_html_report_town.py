"""What the HTML report tells a town leader (issue 16, item 4): a table by village, the due-soon and escalated
lists (capped, with how many more), "逾期 11 天" kept on one line, and headline tiles that agree with the chart
at a past --as-of.

The town, as of 2026-07-01 (due soon: deadline 07-01 to 07-08):

| id | village | what happens                                   | on 07-01                         |
|----|---------|------------------------------------------------|----------------------------------|
| 1  | 东村    | four ones, due 06-20; escalated 06-22          | active, overdue 11 days, escalated |
| 2  | 东村    | four ones, due 07-03; escalated 06-23          | active, due soon (2 days), escalated |
| 3  | 西村    | escalated 06-05, closed 06-10                  | closed (not on the escalated list) |
| 4  | 西村    | four ones, due 07-05; escalated, then cleared  | active, due soon (4 days)         |
| 5  | 南社区  | voided                                         | counted nowhere                   |
| 6  | 北村    | no plan, due 07-08                             | active, due soon, missing one     |
"""

import json
import re

import pytest


def _four_ones(cli, entry: int, due: str, on: str, *, plan: bool = True) -> None:
    cli("assign", entry, "--leader", "王明", "--task-force", "专班", *(["--plan", "约谈"] if plan else []),
        "--due", due, as_of=on)


@pytest.fixture
def town(cli, register):
    one = cli.add("S03", "拖欠工资，联系电话13912345678", "东村", "--level", "significant", as_of="2026-06-01")
    _four_ones(cli, one, "2026-06-20", "2026-06-02")
    cli("escalate", one, "--to", "县人社局", "--reason", "涉及外县企业", as_of="2026-06-22")
    two = cli.add("P01", "燃气管道老化", "东村", "--level", "major", as_of="2026-06-03")
    _four_ones(cli, two, "2026-07-03", "2026-06-04")
    cli("escalate", two, "--to", "县应急局（值班13800138000）", "--reason", "跨部门", as_of="2026-06-23")
    three = cli.add("H02", "后山滑坡隐患", "西村", as_of="2026-06-04")
    cli("escalate", three, "--to", "县自然资源局", "--reason", "需专业排查", as_of="2026-06-05")
    cli("close", three, "--verified-by", "李华", "--resolution", "已排危", as_of="2026-06-10")
    four = cli.add("S03", "征地补偿未到位", "西村", as_of="2026-06-05")
    _four_ones(cli, four, "2026-07-05", "2026-06-06")
    cli("escalate", four, "--to", "县信访局", "--reason", "跨镇", as_of="2026-06-07")
    cli("escalate", four, "--clear", "--reason", "已协调", as_of="2026-06-08")
    five = cli.add("S03", "重复登记", "南社区", as_of="2026-06-06")
    cli("void", five, "--reason", "重复", as_of="2026-06-07")
    six = cli.add("H02", "河堤渗水", "北村", as_of="2026-06-07")
    _four_ones(cli, six, "2026-07-08", "2026-06-08", plan=False)


def _section(page: str, start: str, end: str) -> str:
    return page[page.index(start):page.index(end, page.index(start))]


def _village_rows(page: str, heading: str) -> dict[str, list[int]]:
    table = page[page.index(heading):]
    table = table[:table.index("</table>")]
    return {name: [int(n) for n in re.findall(r">(\d+)</td>", row)]
            for name, row in re.findall(r'<tr data-row="([^"]+)">(.*?)</tr>', table)}


def _tiles(page: str) -> dict[str, int]:
    return {key: int(n) for key, n in re.findall(r'data-count="(\w+)"[^>]*>(\d+)<', page)}


def test_the_village_table_counts_each_village(cli, town):
    page = cli("report", "--format", "html").stdout
    # active, overdue, missing one of the four ones, closed; 南社区's only entry is voided, so it has no row
    assert _village_rows(page, "按村（社区）") == {"北村": [1, 0, 1, 0], "东村": [2, 1, 0, 0], "西村": [1, 0, 0, 1]}
    assert list(_village_rows(page, "按村（社区）")) == ["北村", "东村", "西村"]  # pinyin order: bei, dong, xi
    english = cli("--lang", "en", "report", "--format", "html").stdout
    assert _village_rows(english, ">By unit<") == {"东村": [2, 1, 0, 0], "北村": [1, 0, 1, 0], "西村": [1, 0, 0, 1]}
    # the table is the report's by_unit, counted in SQL: the same numbers as the JSON contract
    units = {row["unit"]: [row[k] for k in ("open", "overdue", "unaccountable", "closed")]
             for row in cli.json("report", "--format", "json")["by_unit"] if any(row[k] for k in ("open", "closed"))}
    assert units == _village_rows(page, "按村（社区）")


def test_the_due_soon_and_escalated_lists(cli, town):
    page = cli("report", "--format", "html").stdout
    due_soon = _section(page, "7日内到期 (3)", "提级协调的事项")
    assert re.findall(r'data-entry="(\d+)"', due_soon) == ["2", "4", "6"]  # by deadline
    assert "还剩 2 天" in due_soon and "还剩 7 天" in due_soon
    escalated = _section(page, "提级协调的事项 (2)", "四个一不全的事项")
    # active entries escalated now, by deadline: not 3 (closed), not 4 (cleared), not 5 (voided)
    assert re.findall(r'data-entry="(\d+)"', escalated) == ["1", "2"]
    assert "提级至 县人社局" in escalated and "提级至 县应急局" in escalated
    # free text masked as everywhere: titles and whom an entry is escalated to
    assert "拖欠工资，联系电话139****5678" in escalated and "13912345678" not in page
    assert "提级至 县应急局（值班138****8000）" in escalated and "13800138000" not in page
    assert "13800138000" in cli("report", "--format", "html", "--unmasked").stdout
    assert "逾期 11 天" in escalated  # an escalated entry says it is late too
    report = cli.json("report", "--format", "json")
    assert [item["id"] for item in report["escalated"]] == [1, 2] and report["more"]["escalated"] == 0
    assert report["escalated"][0]["escalated_to"] == "县人社局"


def test_the_lists_are_capped_and_say_how_many_more(cli, town):
    page = cli("report", "--format", "html", "--limit", "1").stdout
    due_soon = _section(page, "7日内到期 (3)", "提级协调的事项")
    assert re.findall(r'data-entry="(\d+)"', due_soon) == ["2"] and "…… 另有 2 项" in due_soon
    escalated = _section(page, "提级协调的事项 (2)", "四个一不全的事项")
    assert re.findall(r'data-entry="(\d+)"', escalated) == ["1"] and "…… 另有 1 项" in escalated
    english = cli("--lang", "en", "report", "--format", "html", "--limit", "1").stdout
    assert "Escalated for coordination (2)" in english and "… and 1 more" in english and "… and 2 more" in english
    report = cli.json("report", "--format", "json", "--limit", "1")
    assert report["more"]["escalated"] == 1 and report["more"]["due_soon"] == 2


def test_a_split_keeps_each_departments_first_escalated_entries(cli, town, tmp_path):
    cli("report", "--format", "json", "--split", "dept", "--output-dir", tmp_path, "--limit", "1")
    for code in ("LABOUR", "COMP"):  # entry 1's and entry 2's: one each, though the whole report keeps only 1
        part = json.loads((tmp_path / f"{code}.json").read_text(encoding="utf-8"))
        alone = cli.json("report", "--format", "json", "--dept", code, "--limit", "1")
        assert (part["escalated"], part["more"]["escalated"]) == (alone["escalated"], 0) and len(alone["escalated"]) == 1


@pytest.mark.parametrize(("lang", "late"), [("zh", "逾期 11 天"), ("en", "11 days late")])
def test_days_late_stay_on_one_line(cli, town, lang, late):
    page = cli("--lang", lang, "report", "--format", "html").stdout
    phrases = re.findall(rf'<b style="([^"]*)">{late}</b>', page)
    assert len(phrases) == 2  # entry 1 on the overdue list and on the escalated one
    assert all("white-space:nowrap" in style for style in phrases)
    assert all("white-space:nowrap" in style for style in re.findall(r'<b style="([^"]*)">(?:还剩|\d+ days left)', page))


# --- the tiles at a past --as-of --------------------------------------------------------------------------------

def _trend_day(cli, as_of: str) -> dict[str, int]:
    return cli.json("trend", "--days", "1", "--format", "json", as_of=as_of)["days"][-1]


def _shown(totals: dict[str, int]) -> dict[str, int]:
    return {"active": totals["open"] + totals["mitigated"], "overdue": totals["overdue"],
            "closed": totals["closed"] + totals["consolidated"]}


def test_with_nothing_after_the_as_of_day_the_tiles_are_the_registers_and_the_charts(cli, town):
    page = cli("report", "--format", "html").stdout
    tiles, day = _tiles(page), _trend_day(cli, "2026-07-01")
    totals = cli.json("report", "--format", "json")["totals"]
    assert {key: tiles[key] for key in ("active", "overdue", "closed")} == _shown(totals) == \
        {"active": day["open"], "overdue": day["overdue"], "closed": day["closed"]} == {"active": 4, "overdue": 1, "closed": 1}
    assert tiles["due_soon"] == totals["due_soon"] == 3 and tiles["unaccountable"] == totals["unaccountable"] == 1
    assert 'data-note="as_of"' not in page
    # the chart's numbers for its last day, printed under it, are the tiles' too
    assert re.search(r"<tr><td[^>]*>2026-07-01</td><td[^>]*>4</td><td[^>]*>1</td><td[^>]*>1</td></tr>", page)


@pytest.fixture
def changed_later(cli, register):
    """As of 06-25: 1, 2, 4 and 5 active, 1 overdue (due 06-20), 5 closed on 06-10. After it: 1's deadline moved
    to 07-10, 2 closed, 3 added, 4 regraded, 5 reopened."""
    ids = [cli.add("S03", f"事项{n}", "东村", as_of="2026-06-01") for n in (1, 2)]
    _four_ones(cli, ids[0], "2026-06-20", "2026-06-02")
    four = cli.add("P01", "事项4", "西村", as_of="2026-06-01")
    five = cli.add("H02", "事项5", "西村", as_of="2026-06-01")
    cli("close", five, "--verified-by", "李华", "--resolution", "已排危", as_of="2026-06-10")
    cli("assign", ids[0], "--due", "2026-07-10", as_of="2026-06-28")
    cli("close", ids[1], "--verified-by", "李华", "--resolution", "已办结", as_of="2026-06-27")
    three = cli.add("S03", "事项3", "北村", as_of="2026-06-28")
    cli("regrade", four, "--level", "major", "--reason", "汛期", as_of="2026-06-29")
    cli("reopen", five, "--reason", "复发", as_of="2026-06-30")
    return ids[0], ids[1], three, four, five


def test_with_events_after_the_as_of_day_the_tiles_are_the_charts_for_that_day(cli, changed_later):
    page = cli("report", "--format", "html", as_of="2026-06-25").stdout
    tiles, day = _tiles(page), _trend_day(cli, "2026-06-25")
    assert day == {"day": "2026-06-25", "open": 3, "overdue": 1, "closed": 1}
    assert {key: tiles[key] for key in ("active", "overdue", "closed")} == {"active": 3, "overdue": 1, "closed": 1}
    # what the register holds now, counted as of 06-25: the trial's disagreement this replaces
    assert _shown(cli.json("report", "--format", "json", as_of="2026-06-25")["totals"]) == \
        {"active": 4, "overdue": 0, "closed": 1}
    note = re.search(r'data-note="as_of"[^>]*>([^<]*)<', page).group(1)
    assert note.startswith("2026-06-25 之后事项又有变动：上方的在办、逾期、已销号是当天的数")
    english = cli("--lang", "en", "report", "--format", "html", as_of="2026-06-25").stdout
    assert "Entries changed after 2026-06-25: active, overdue and closed above are that day&#x27;s" in english
    assert page.index('data-count="closed"') < page.index('data-note="as_of"') < page.index("<svg")


@pytest.mark.parametrize(("later", "note"), [
    (("regrade", "1", "--level", "major", "--reason", "汛期"), True),  # changes no tile, but the level chart
    (("void", "1", "--reason", "重复"), False),  # a voided entry counts on no day, in the tiles nor the chart
])
def test_which_later_events_bring_the_sentence(cli, register, later, note):
    cli.add("S03", "事项", "东村", as_of="2026-06-01")
    cli(*later, as_of="2026-06-28")
    page = cli("report", "--format", "html", as_of="2026-06-25").stdout
    day = _trend_day(cli, "2026-06-25")
    assert {key: _tiles(page)[key] for key in ("active", "overdue", "closed")} == \
        {"active": day["open"], "overdue": day["overdue"], "closed": day["closed"]}
    assert ('data-note="as_of"' in page) is note


def test_a_scoped_report_has_no_chart_and_says_its_counts_are_todays(cli, changed_later, tmp_path):
    east = cli("report", "--format", "html", "--unit", "东村", as_of="2026-06-25").stdout
    assert "<svg" in east and 'data-series="' not in east  # the level bars only, no trend
    assert "2026-06-25 之后事项又有变动：以下计数、清单和表格是台账现状，不是当天的情况。" in east
    # the tiles stay the register's: there is no chart to agree with
    assert {key: _tiles(east)[key] for key in ("active", "overdue", "closed")} == {"active": 1, "overdue": 0, "closed": 1}
    cli("report", "--format", "html", "--split", "dept", "--output-dir", tmp_path, as_of="2026-07-01")
    cli("report", "--format", "html", "--split", "dept", "--output-dir", tmp_path / "past", as_of="2026-06-29")
    # on 06-30 only 5 (H02, EMERG's) changed: LABOUR's entries have nothing after 06-29
    assert 'data-note="as_of"' in (tmp_path / "past" / "EMERG.html").read_text(encoding="utf-8")
    assert 'data-note="as_of"' not in (tmp_path / "past" / "LABOUR.html").read_text(encoding="utf-8")
    assert 'data-note="as_of"' not in (tmp_path / "EMERG.html").read_text(encoding="utf-8")
