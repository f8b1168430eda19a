"""`show` in words: each history event a sentence in the reader's language, names instead of codes, times in the
reader's zone; JSON keeps the machine form."""

import json
import re

import pytest

from riskreg.domain.ledger import ACTIONS
from riskreg.render.history import _WORDED, Wording, event_sentence

LEVELS = {"major": {"name": "重大风险", "colour": "red"}, "significant": {"name": "较大风险", "colour": "orange"}}
DEPARTMENTS = {"LABOUR": "劳动保障中心"}


def _said(action: str, changes: dict, text: str | None = None, lang: str = "zh") -> str:
    event = {"actor": "王明", "action": action, "changes": changes, "text": text, "on": "2026-07-01",
             "at": "2026-07-01T01:00:00.000000Z"}
    return event_sentence(event, Wording(lang, LEVELS, DEPARTMENTS))


def _change(old, new) -> dict:
    return {"old": old, "new": new}


@pytest.mark.pure
def test_every_action_the_domain_records_has_its_wording():
    assert set(_WORDED) == set(ACTIONS)


@pytest.mark.pure
@pytest.mark.parametrize("action, changes, text, zh, en", [
    ("regrade", {"level": _change("significant", "major")}, "群众聚集风险上升",
     "王明 将等级由较大调为重大：群众聚集风险上升", "王明 regraded it from 较大风险 to 重大风险: 群众聚集风险上升"),
    ("assign", {"leader": _change(None, "王明"), "task_force": _change(None, "劳资纠纷专班")}, None,
     "王明 指定牵头领导 王明、工作专班 劳资纠纷专班", "王明 set lead official 王明, task force 劳资纠纷专班"),
    ("assign", {"due": _change("2026-06-20", "2026-06-25"), "extensions": _change(0, 1)}, None,
     "王明 将完成时限由 2026-06-20 延至 2026-06-25（第 1 次延期）",
     "王明 extended the deadline from 2026-06-20 to 2026-06-25 (extension 1)"),
    ("assign", {"department": _change("COMP", "LABOUR")}, "updated from 东村.xlsx row 4",
     "王明 将责任部门由 COMP 改为 劳动保障中心（据 东村.xlsx 第 4 行）",
     "王明 changed the department from COMP to 劳动保障中心 (from 东村.xlsx row 4)"),
    ("close", {"status": _change("open", "closed"), "verified_by": _change(None, "李华"),
               "resolution": _change(None, "已清偿"), "watch_until": _change(None, "2026-07-31")}, None,
     "王明 销号（核验人 李华）：已清偿；观察期至 2026-07-31",
     "王明 closed it (verified by 李华): 已清偿; watch until 2026-07-31"),
    ("note", {}, "已约谈", "王明 记录进展：已约谈", "王明 noted: 已约谈"),
    ("mitigate", {"measures": _change(None, "每日巡查"), "status": _change("open", "mitigated")}, None,
     "王明 落实管控措施：每日巡查", "王明 put interim measures in place: 每日巡查"),
    ("mitigate", {"measures": _change("每日巡查", "每日两次巡查")}, None,
     "王明 更新管控措施：每日两次巡查", "王明 updated the interim measures: 每日两次巡查"),
    ("consolidate", {"status": _change("closed", "consolidated")}, None,
     "王明 观察期满，确认巩固", "王明 marked it consolidated after the watch"),
    ("reopen", {"status": _change("closed", "open"), "reopen_count": _change(0, 1)}, "又出现裂缝",
     "王明 重新打开（第 1 次）：又出现裂缝", "王明 reopened it (time 1): 又出现裂缝"),
    ("escalate", {"escalated_to": _change(None, "县公安局"), "escalation_reason": _change(None, "跨辖区")}, None,
     "王明 提级至 县公安局：跨辖区", "王明 escalated it to 县公安局: 跨辖区"),
    ("escalate", {"escalated_to": _change("县公安局", None), "escalation_reason": _change("跨辖区", None)}, "已协调",
     "王明 解除提级（原提级至 县公安局）：已协调", "王明 cleared the escalation to 县公安局: 已协调"),
    ("edit", {"title": _change("拖欠工资", "拖欠农民工工资")}, "补全标题",
     "王明 将标题由 拖欠工资 更正为 拖欠农民工工资：补全标题",
     "王明 corrected the title from 拖欠工资 to 拖欠农民工工资: 补全标题"),
    ("void", {"status": _change("open", "voided")}, "duplicate of entry 3: 重复登记",
     "王明 作废，与事项 3 重复：重复登记", "王明 voided it as a duplicate of entry 3: 重复登记"),
    ("void", {"status": _change("open", "voided")}, "误登记", "王明 作废：误登记", "王明 voided it: 误登记"),
    ("unvoid", {"status": _change("voided", "open")}, "误作废", "王明 恢复为待化解：误作废", "王明 restored it as open: 误作废"),
    ("duplicate", {}, "entry 9 voided as a duplicate of this one: 重复登记",
     "王明 将事项 9 作为本事项的重复项作废：重复登记", "王明 voided entry 9 as a duplicate of this one: 重复登记"),
    ("undo", {"leader": _change("王明", None)}, "undoes assign of 2026-06-02",
     "王明 撤销 2026-06-02 的指定责任：清除牵头领导（原为 王明）",
     "王明 undid the assignment of 2026-06-02: cleared the lead official (was 王明)"),
    ("add", {"risk": _change(None, "S03"), "title": _change(None, "拖欠工资"), "level": _change(None, "major"),
             "department": _change(None, "LABOUR"), "status": _change(None, "open")}, None,
     "王明 登记：编码 S03、等级 重大、责任部门 劳动保障中心",
     "王明 added it: risk S03, level 重大风险, department 劳动保障中心"),
])
def test_each_event_is_one_sentence_in_either_language(action, changes, text, zh, en):
    assert _said(action, changes, text, "zh") == zh
    assert _said(action, changes, text, "en") == en


@pytest.mark.pure
def test_an_action_riskreg_does_not_know_is_shown_with_its_changes_as_stored():
    assert _said("merge", {"unit": _change("东村", "西村")}, "手工") == "王明 merge：将村(社区)由 东村 改为 西村：手工"


def _history_lines(shown: str) -> list[str]:
    return shown[shown.index("历史记录" if "历史记录" in shown else "History"):].splitlines()


def test_show_words_the_history_names_the_department_and_keeps_json_machine_form(cli, register):
    entry = cli.add("S03", "某工地拖欠农民工工资", "东村", "--level", "significant", as_of="2026-06-01")
    cli("assign", entry, "--leader", "王明", "--task-force", "劳资纠纷专班", "--dept", "LABOUR", as_of="2026-06-02")
    cli("regrade", entry, "--level", "major", "--reason", "群众聚集风险上升", as_of="2026-06-03")
    cli("close", entry, "--verified-by", "李华", "--resolution", "已清偿", as_of="2026-06-04")
    zh = cli("--lang", "zh", "show", entry).stdout
    assert "tester 将等级由较大调为重大：群众聚集风险上升" in zh and "tester 销号（核验人 李华）：已清偿" in zh
    assert "责任部门   劳动保障中心" in zh and "类别       社会矛盾" in zh
    history = "\n".join(_history_lines(zh))
    assert not re.search(r"\b(assign|regrade|close|add|level|leader)\b", history), history
    en = cli("--lang", "en", "show", entry).stdout
    assert "tester regraded it from Significant" in en or "tester regraded it from significant" in en.lower()
    assert "Labour and Social Security Centre" in en
    codes = cli("show", entry, "--codes").stdout
    assert "责任部门   LABOUR" in codes and "类别       S " in codes
    machine = json.loads(cli("show", entry, "--format", "json").stdout)
    assert machine["department"] == "LABOUR" and machine["category"] == "S"
    assert [event["action"] for event in machine["history"]] == ["add", "assign", "regrade", "close"]
    assert machine["history"][2]["changes"] == {"level": {"old": "significant", "new": "major"}}


def test_list_and_summary_name_departments_and_codes_stay_in_json_csv_and_the_codes_view(cli, register):
    entry = cli.add("S03", "某工地拖欠农民工工资", "东村", as_of="2026-06-01")
    cli("assign", entry, "--leader", "王明", "--due", "2026-06-20", as_of="2026-06-02")
    assert "劳动保障中心 王明" in cli("list").stdout
    assert "LABOUR 王明" in cli("list", "--codes").stdout
    assert cli.json("list", "--format", "json")[0]["department"] == "LABOUR"
    assert ",LABOUR," in cli("list", "--format", "csv").stdout
    summary = cli("summary").stdout
    overdue = summary[summary.index("逾期事项"):]
    assert "劳动保障中心 王明" in overdue
    assert "LABOUR 王明" in cli("summary", "--codes").stdout
    markdown = cli("report", "--format", "markdown").stdout
    assert "| 劳动保障中心 |" in markdown[markdown.index("## 逾期事项"):]


def _times(shown: str) -> list[str]:
    return re.findall(r"\d{4}-\d\d-\d\d (\d\d):\d\d:\d\d", "\n".join(_history_lines(shown)))


def test_history_times_are_local_and_the_heading_names_the_zone(cli, register, monkeypatch):
    entry = cli.add("S03", "某工地拖欠农民工工资", "东村")
    stored = cli.json("show", entry, "--format", "json")["history"][0]["at"]
    assert stored.endswith("Z")  # stored in UTC, whatever the zone shown
    utc_hour = int(stored[11:13])
    cli("config", "set", "timezone", "Asia/Shanghai")
    shown = cli("show", entry).stdout
    assert "历史记录（记录时间为 Asia/Shanghai）" in shown
    assert int(_times(shown)[0]) == (utc_hour + 8) % 24
    assert cli.json("show", entry, "--format", "json")["history"][0]["at"] == stored
    cli("config", "unset", "timezone")
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    try:
        shown = cli("--lang", "en", "show", entry).stdout
        assert "History (times in UTC)" in shown and int(_times(shown)[0]) == utc_hour
    finally:
        monkeypatch.undo()
        time.tzset()


def test_an_unknown_timezone_is_refused_with_a_sentence(cli):
    assert "no time zone 'Mars/Olympus'" in cli("config", "set", "timezone", "Mars/Olympus", code=1).stderr
