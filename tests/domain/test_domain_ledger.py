"""Ledger rules called directly on a Session: which action each status allows, history, the watch and undo.

The CLI tests (tests/test_lifecycle.py) are the contract for what users see; these check the same rules one
layer down, fast, and without parsing any output. Which action each status allows is the documented table
(conftest.DOC_ALLOWED), not the code's own.
"""

import pytest
from conftest import DOC_ALLOWED, built_once

from riskreg.domain import corrections, ledger, voiding
from riskreg.domain.catalogue import parse_catalogue
from riskreg.domain.catalogue_sync import apply_catalogue
from riskreg.domain.queries import show_entry
from riskreg.errors import InvalidInput, InvalidTransition, NotFound
from riskreg.store.models import STATUSES

# Each action with valid arguments, and the status it leaves an entry in (None: unchanged).
ACTIONS = {
    "assign": ((ledger.assign,), {"leader": "王明"}, None),
    "note": ((ledger.add_note, ), {"text": "电话回访，情绪稳定"}, None),
    "mitigate": ((ledger.mitigate,), {"measures": "设置警戒线，雨天撤离"}, "mitigated"),
    "close": ((ledger.close,), {"verified_by": "李强", "resolution": "已整改"}, "closed"),
    "escalate": ((ledger.escalate,), {"to": "区应急局", "reason": "需要专项资金"}, None),
    "consolidate": ((ledger.consolidate,), {}, "consolidated"),
    "reopen": ((ledger.reopen,), {"reason": "再次跳闸"}, "open"),
    "edit": ((corrections.edit,), {"title": "某工地拖欠农民工工资（二期）", "reason": "标题写错"}, None),
    "regrade": ((corrections.regrade,), {"level": "major", "reason": "涉及人数增加"}, None),
    "void": ((voiding.void,), {"reason": "重复登记"}, "voided"),
    "unvoid": ((voiding.unvoid,), {"reason": "并非重复"}, "open"),  # voided from open (bring_to)
}


def new_entry(domain, today: str = "2026-05-01", **fields) -> int:
    return domain.write(ledger.add_entry, risk="S03", title="某工地拖欠农民工工资", unit="东村", today=today, force=True, **fields)


def bring_to(status: str):
    """A builder of entry 1 in `status`, brought there by the domain functions before 2026-07-01."""
    def build(domain) -> None:
        entry_id = new_entry(domain)
        if status == "mitigated":
            domain.write(ledger.mitigate, entry_id, measures="每周巡查", today="2026-05-05")
        if status in ("closed", "consolidated"):  # closed on 2026-05-10: the watch ends on 2026-06-09
            domain.write(ledger.close, entry_id, verified_by="李强", resolution="已交房", today="2026-05-10")
        if status == "consolidated":
            domain.write(ledger.consolidate, entry_id, today="2026-06-09")
        if status == "voided":
            domain.write(voiding.void, entry_id, reason="登记错误", today="2026-05-05")
    return build


BRING_TO = {status: bring_to(status) for status in STATUSES}


@pytest.fixture
def entry_in(request, status):
    """Entry 1, in the status the test is parametrized with."""
    built_once(request, BRING_TO[status])
    return 1


def act(domain, action: str, entry_id: int, today: str = "2026-07-01"):
    (function,), kwargs, _ = ACTIONS[action]
    if action == "note":
        return domain.write(function, entry_id, kwargs["text"], today=today)
    return domain.write(function, entry_id, today=today, **kwargs)


def history(domain, entry_id: int) -> list[dict]:
    return domain.read(show_entry, entry_id)["history"]


TABLE = [(status, action) for status in STATUSES for action in ACTIONS]


@pytest.mark.parametrize("status, action", [p for p in TABLE if p[1] in DOC_ALLOWED[p[0]]])
def test_an_allowed_action_changes_the_status_and_records_one_event(domain_register, entry_in, status, action):
    entry_id = entry_in
    before = history(domain_register, entry_id)
    act(domain_register, action, entry_id)
    shown = domain_register.read(show_entry, entry_id)
    assert shown["status"] == (ACTIONS[action][2] or status)
    assert shown["history"][:-1] == before
    assert (shown["history"][-1]["action"], shown["history"][-1]["on"]) == (action, "2026-07-01")


@pytest.mark.parametrize("status, action", [p for p in TABLE if p[1] not in DOC_ALLOWED[p[0]]])
def test_a_refused_action_is_one_sentence_and_writes_nothing(domain_register, entry_in, snapshot, status, action):
    entry_id = entry_in
    before = snapshot()
    with pytest.raises(InvalidTransition) as refused:
        act(domain_register, action, entry_id)
    allowed = " or ".join(s for s in STATUSES if action in DOC_ALLOWED[s])
    assert str(refused.value) == f"Entry {entry_id} is {status}; `{action}` applies only to {allowed} entries."
    assert snapshot() == before


@pytest.mark.parametrize("action", ACTIONS)
def test_an_action_on_a_missing_entry_is_not_found(domain_register, action):
    with pytest.raises(NotFound, match=r"^There is no entry 7 in the register\.$"):
        act(domain_register, action, 7)


def test_every_change_is_an_event_with_old_and_new_values(domain_register):
    entry_id = new_entry(domain_register, today="2026-06-01", level="major", due="2026-06-30")
    act(domain_register, "assign", entry_id, today="2026-06-02")
    act(domain_register, "note", entry_id, today="2026-06-03")
    act(domain_register, "mitigate", entry_id, today="2026-06-04")
    act(domain_register, "close", entry_id, today="2026-06-05")
    act(domain_register, "reopen", entry_id, today="2026-06-06")
    events = history(domain_register, entry_id)
    assert [(e["action"], e["on"], e["actor"]) for e in events] == [
        ("add", "2026-06-01", "tester"), ("assign", "2026-06-02", "tester"), ("note", "2026-06-03", "tester"),
        ("mitigate", "2026-06-04", "tester"), ("close", "2026-06-05", "tester"), ("reopen", "2026-06-06", "tester")]
    add, assign, note, mitigate, close, reopen = events
    assert add["changes"]["risk"] == {"old": None, "new": "S03"}
    assert add["changes"]["department"] == {"old": None, "new": "LABOUR"}  # the risk's lead department
    assert add["changes"]["due"] == add["changes"]["original_due"] == {"old": None, "new": "2026-06-30"}
    assert assign["changes"] == {"leader": {"old": None, "new": "王明"}}
    assert (note["changes"], note["text"]) == ({}, "电话回访，情绪稳定")
    assert mitigate["changes"]["status"] == {"old": "open", "new": "mitigated"}
    assert close["changes"]["status"] == {"old": "mitigated", "new": "closed"}
    assert close["changes"]["watch_until"] == {"old": None, "new": "2026-07-05"}
    assert reopen["text"] == "再次跳闸"
    assert reopen["changes"]["reopen_count"] == {"old": 0, "new": 1}
    assert reopen["changes"]["watch_until"] == {"old": "2026-07-05", "new": None}


def test_a_deadline_moved_later_counts_as_an_extension_and_one_brought_forward_does_not(domain_register):
    entry_id = new_entry(domain_register, due="2026-06-30")
    assert domain_register.write(ledger.assign, entry_id, due="2026-07-10")["extensions"] == {"old": 0, "new": 1}
    assert "extensions" not in domain_register.write(ledger.assign, entry_id, due="2026-07-05")
    shown = domain_register.read(show_entry, entry_id)
    assert (shown["due"], shown["original_due"], shown["extensions"]) == ("2026-07-05", "2026-06-30", 1)


def test_a_change_dated_before_the_last_one_is_refused(domain_register, snapshot):
    entry_id = new_entry(domain_register, today="2026-07-01")
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        act(domain_register, "assign", entry_id, today="2026-06-30")
    assert str(refused.value) == ("Entry 1 last changed on 2026-07-01; a change to it cannot be dated 2026-06-30, "
                                  "before that (check --as-of).")
    assert snapshot() == before


# --- the watch period -----------------------------------------------------------------------------------


def test_the_watch_ends_the_catalogues_days_after_the_closing_date(domain_register, snapshot):
    entry_id = new_entry(domain_register)
    watch_until = domain_register.write(ledger.close, entry_id, verified_by="李强", resolution="已整改",
                                        on="2026-06-20")
    assert watch_until.isoformat() == "2026-07-20"  # 30 days, the bundled catalogue's default
    before = snapshot()
    with pytest.raises(InvalidTransition) as refused:
        domain_register.write(ledger.consolidate, entry_id, today="2026-07-19")
    assert str(refused.value) == "Entry 1 is under watch until 2026-07-20; it can be consolidated from that day."
    assert snapshot() == before
    domain_register.write(ledger.consolidate, entry_id, today="2026-07-20")
    assert domain_register.read(show_entry, entry_id, today="2026-07-20")["status"] == "consolidated"


def test_a_risk_may_set_its_own_watch(domain_register, bundled_catalogue):
    from riskreg.domain.catalogue import bundled_catalogue_path

    text = bundled_catalogue_path().read_text(encoding="utf-8").replace(
        "departments: [LABOUR]\n", "departments: [LABOUR]\n        consolidation_days: 60\n")
    with domain_register.register.session(write=True) as session:
        assert apply_catalogue(session, parse_catalogue(text)).changed == ["risk S03 (consolidation_days)"]
    entry_id = new_entry(domain_register)
    watch_until = act(domain_register, "close", entry_id)
    assert watch_until.isoformat() == "2026-08-30"


@pytest.mark.parametrize("on, sentence", [
    ("2026-04-30", "Entry 1 was added on 2026-05-01; it cannot be closed on 2026-04-30."),
    ("2026-07-02", "The closing date 2026-07-02 is in the future (today is 2026-07-01)."),
])
def test_a_closing_date_outside_the_entrys_life_is_refused(domain_register, snapshot, on, sentence):
    entry_id = new_entry(domain_register)
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        domain_register.write(ledger.close, entry_id, verified_by="李强", resolution="已整改", on=on)
    assert str(refused.value) == sentence
    assert snapshot() == before


# --- undo -----------------------------------------------------------------------------------------------


def test_undo_walks_back_through_the_changes_and_records_each_undo(domain_register):
    entry_id = new_entry(domain_register)
    act(domain_register, "assign", entry_id)
    act(domain_register, "mitigate", entry_id)
    assert domain_register.write(ledger.undo) == (entry_id, "mitigate")
    assert domain_register.write(ledger.undo) == (entry_id, "assign")
    shown = domain_register.read(show_entry, entry_id)
    assert (shown["status"], shown["leader"], shown["measures"]) == ("open", None, None)
    assert [(e["action"], e["text"]) for e in shown["history"][-2:]] == [
        ("undo", "undoes mitigate of 2026-07-01"), ("undo", "undoes assign of 2026-07-01")]
    assert shown["history"][-1]["changes"] == {"leader": {"old": "王明", "new": None}}


@pytest.mark.parametrize("entries, sentence", [(0, "There is nothing to undo.")])
def test_undo_refuses_with_a_sentence_and_writes_nothing(domain_register, snapshot, entries, sentence):
    for _ in range(entries):
        new_entry(domain_register)
    before = snapshot()
    with pytest.raises(InvalidTransition) as refused:
        domain_register.write(ledger.undo)
    assert str(refused.value) == sentence
    assert snapshot() == before


# --- corrections: edit and regrade ------------------------------------------------------------------------


def _checks(domain) -> list[str]:
    from riskreg.domain.integrity import run_checks

    with domain.register.session() as session:
        return run_checks(session)


def test_edit_and_regrade_record_old_and_new_values_and_undo_reverts_them(domain_register):
    entry_id = new_entry(domain_register)
    changes = domain_register.write(corrections.edit, entry_id, title="拖欠工资（二期）", unit="西村", risk="s01",
                                    detail="涉及23人", reason="村里报错了")
    assert changes == {"title": {"old": "某工地拖欠农民工工资", "new": "拖欠工资（二期）"},
                       "unit": {"old": "东村", "new": "西村"}, "risk": {"old": "S03", "new": "S01"},
                       "detail": {"old": None, "new": "涉及23人"}}
    assert domain_register.write(corrections.regrade, entry_id, level="红", reason="人数增加") == "major"
    history = domain_register.read(show_entry, entry_id)["history"]
    assert [(e["action"], e["text"]) for e in history[1:]] == [("edit", "村里报错了"), ("regrade", "人数增加")]
    assert history[-1]["changes"] == {"level": {"old": "general", "new": "major"}}
    assert _checks(domain_register) == []
    assert domain_register.write(ledger.undo) == (entry_id, "regrade")
    assert domain_register.write(ledger.undo) == (entry_id, "edit")
    shown = domain_register.read(show_entry, entry_id)
    assert (shown["title"], shown["unit"], shown["risk"], shown["detail"], shown["level"]) == (
        "某工地拖欠农民工工资", "东村", "S03", None, "general")
    assert _checks(domain_register) == []


@pytest.mark.parametrize("call, kwargs, sentence", [
    ("edit", {"reason": "无"}, "Nothing to edit: give at least one of the title, detail, unit or risk."),
    ("edit", {"title": "某工地拖欠农民工工资", "reason": "无"}, "Entry 1 already has those values; nothing changed."),
    ("edit", {"title": "新标题", "reason": " "}, "The reason must not be empty."),
    ("edit", {"risk": "Z99", "reason": "无"}, "There is no risk 'Z99'; use one of: G01, "),
    ("regrade", {"level": "general", "reason": "无"}, "Entry 1 is already graded general; nothing changed."),
    ("regrade", {"level": "特大", "reason": "无"}, "There is no level '特大'; use one of: major 重大 red, "),
])
def test_a_refused_correction_is_one_sentence_and_writes_nothing(domain_register, snapshot, call, kwargs, sentence):
    new_entry(domain_register)
    before = snapshot()
    with pytest.raises((InvalidInput, NotFound)) as refused:
        domain_register.write(getattr(corrections, call), 1, **kwargs)
    assert str(refused.value).startswith(sentence)
    assert snapshot() == before
