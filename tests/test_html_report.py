"""The HTML report (content, self-containment), its SVG charts, the trend, and the report under cron's conditions."""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from riskreg.render.svg import HEIGHT, MARGIN, bar_chart, line_chart, nice_ticks


@pytest.fixture
def three_entries(cli, register):
    a = cli.add("S03", "某工地拖欠农民工工资，电话13912345678", "东村", "--level", "significant", as_of="2026-06-01")
    cli("assign", a, "--leader", "王明", "--task-force", "劳资专班", "--plan", "约谈", "--due", "2026-06-20", as_of="2026-06-02")
    b = cli.add("P01", "燃气管道<老化>", "南社区", "--level", "major", as_of="2026-06-05")
    c = cli.add("H02", "后山滑坡隐患", "西村", as_of="2026-06-08")
    cli("close", c, "--verified-by", "李华", "--resolution", "已排危", "--on", "2026-06-10", as_of="2026-06-12")
    cli("reopen", c, "--reason", "雨后又出现裂缝", as_of="2026-06-25")
    return a, b, c


def test_html_report_content(cli, three_entries, tmp_path):
    out = tmp_path / "report.html"
    cli("report", "--format", "html", "--output", out)
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "重大活动风险隐患及责任清单" in page and "截至 2026-07-01" in page
    counts = dict(re.findall(r'data-count="(\w+)"[^>]*>(\d+)<', page))
    assert counts == {"active": "3", "overdue": "1", "unaccountable": "2", "due_soon": "0", "stale": "2", "closed": "0"}
    overdue = page[page.index("逾期事项 (1)"):page.index("四个一不全的事项")]
    assert "#1 某工地拖欠农民工工资，电话139****5678" in overdue and "劳动保障中心 王明" in overdue
    assert "逾期 11 天" in overdue and "13912345678" not in page
    unaccountable = page[page.index("四个一不全的事项 (2)"):page.index("按风险等级")]
    assert 'data-entry="2"' in unaccountable and 'data-entry="3"' in unaccountable
    assert "燃气管道&lt;老化&gt;" in unaccountable and "未定牵头领导" in unaccountable
    departments = page[page.index("按责任部门"):page.index("按类别")]
    assert "劳动保障中心" in departments and "水利办" not in departments  # groups with nothing are left out
    assert "社会矛盾" in page[page.index("按类别"):]
    assert page.count("<svg") == 2 and 'data-series="在办"' in page


def test_html_report_is_self_contained(cli, three_entries):
    page = cli("report", "--format", "html").stdout
    lowered = page.lower()
    for forbidden in ("<script", "http://", "https://", "src=", "href=", "url(", "@import", "<link", "<style"):
        assert forbidden not in lowered, forbidden
    assert '<meta name="viewport" content="width=device-width,initial-scale=1">' in page
    assert "max-width:720px" in page


def test_html_report_follows_lang(cli, three_entries):
    page = cli("--lang", "en", "report", "--format", "html").stdout
    assert '<html lang="en">' in page and "Overdue (1)" in page and "Labour and Social Security Centre 王明" in page


def test_trend_is_replayed_from_history(cli, three_entries):
    days = {d["day"]: d for d in cli.json("trend", "--since", "2026-06-01", "--format", "json")["days"]}
    assert len(days) == 31
    assert days["2026-06-01"] == {"day": "2026-06-01", "open": 1, "overdue": 0, "closed": 0}
    assert days["2026-06-09"] == {"day": "2026-06-09", "open": 3, "overdue": 0, "closed": 0}
    assert days["2026-06-10"] == {"day": "2026-06-10", "open": 2, "overdue": 0, "closed": 1}  # closed --on the 10th
    assert days["2026-06-21"] == {"day": "2026-06-21", "open": 2, "overdue": 1, "closed": 1}  # due the 20th
    assert days["2026-06-25"] == {"day": "2026-06-25", "open": 3, "overdue": 1, "closed": 0}  # reopened
    csv = cli("trend", "--days", "2", "--format", "csv").stdout
    assert csv.splitlines() == ["day,open,overdue,closed", "2026-06-30,3,1,0", "2026-07-01,3,1,0"]
    assert "2026-07-01" in cli("trend").stdout
    assert "after today" in cli("trend", "--since", "+3d", code=1).stderr


def test_the_trend_table_follows_lang(cli, three_entries):
    zh = cli("--lang", "zh", "trend", "--days", "2").stdout.splitlines()
    assert zh[0].startswith("在办、逾期、已销号（按日），2026-06-30 – 2026-07-01")
    assert zh[1].split() == ["日期", "在办", "逾期", "已销号"]
    en = cli("--lang", "en", "trend", "--days", "2").stdout.splitlines()
    assert en[0].startswith("Active, overdue and closed, 2026-06-30") and en[1].split() == ["day", "active", "overdue", "closed"]


def test_trend_follows_undo(cli, three_entries):
    cli("close", "2", "--verified-by", "x", "--resolution", "y", as_of="2026-06-28")
    cli("undo", as_of="2026-06-29")
    days = {d["day"]: d for d in cli.json("trend", "--days", "4", "--format", "json")["days"]}
    assert days["2026-06-28"]["closed"] == 1 and days["2026-06-29"]["closed"] == 0


# --- the SVG writer -------------------------------------------------------------

@pytest.mark.pure
def test_nice_ticks():
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(100) == [0, 50, 100]
    assert nice_ticks(1234)[-1] >= 1234


@pytest.mark.pure
def test_line_chart_places_points_and_escapes_labels():
    svg = line_chart(["06-01", "06-02", "06-03"], [("a<b", "#f00", [0, 2, 4]), ("c", "#00f", [4, 4, 4])],
                     title="t & u", standalone=True)
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    lines = root.findall("s:polyline", ns)
    assert [line.get("data-series") for line in lines] == ["a<b", "c"]
    points = [[tuple(map(float, p.split(","))) for p in line.get("points").split()] for line in lines]
    assert len(points[0]) == 3 and points[0][0][1] == HEIGHT - MARGIN["bottom"]  # zero on the baseline
    assert points[0][2][1] == MARGIN["top"] and points[1][0][1] == MARGIN["top"]  # the top tick is the highest value
    assert points[0][0][0] < points[0][1][0] < points[0][2][0]
    assert root.find("s:title", ns).text == "t & u"
    with pytest.raises(ValueError):
        line_chart(["a"], [("x", "#000", [1, 2])], title="bad")


@pytest.mark.pure
def test_bar_chart_heights_follow_values():
    root = ET.fromstring(bar_chart([("重大", "#f00", 2), ("一般", "#ff0", 4), ("低", "#00f", 0)], title="b",
                                   standalone=True))
    bars = root.findall("{http://www.w3.org/2000/svg}rect[@data-bar]")
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[1] == pytest.approx(2 * heights[0]) and heights[2] == 0


# --- cron's conditions ------------------------------------------------------------

@pytest.mark.sqlite_only
def test_report_under_an_empty_environment_is_complete_and_atomic(cli, three_entries, isolated_env, tmp_path):
    """As cron runs it: `env -i` with only PATH, HOME and RISKREG_DB, stdin closed, no terminal."""
    out = tmp_path / "nightly.html"
    out.write_text("yesterday's report", encoding="utf-8")
    with out.open(encoding="utf-8") as reader:  # a reader who opened yesterday's file before the job ran
        command = (f"exec {sys.executable} -m riskreg --as-of 2026-07-01 report --format html "
                   f"--output {out} <&-")
        done = subprocess.run(["env", "-i", f"PATH={os.defpath}", f"HOME={tmp_path}", f"RISKREG_DB={isolated_env}",
                               "sh", "-c", command], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0 and done.stdout == "" and done.stderr == "", done.stderr
        assert reader.read() == "yesterday's report"  # replaced by a rename, never rewritten in place
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n") and "重大活动风险隐患及责任清单" in page
    assert page == cli("report", "--format", "html").stdout
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".nightly")) == []  # no temporary left
    assert oct(Path(out).stat().st_mode & 0o777) == "0o644"
