"""Listings, one entry and the report, read on a Session from a small register whose every number is known.

The flags follow /work/shared/register-semantics.md: overdue, due soon, stale and unaccountable count active
entries only; due soon runs from today to today + 7 days inclusive, and an overdue entry is not due soon.
"""

from datetime import date

import pytest
from conftest import built_once

from riskreg.domain import ledger
from riskreg.domain.queries import EntryFilter, list_entries, show_entry
from riskreg.domain.attention import attention_list
from riskreg.domain.reporting import build_report
from riskreg.errors import InvalidInput, NotFound

AS_OF = "2026-07-01"


def add(domain, today: str, risk: str = "S03", unit: str = "东村", **fields) -> int:
    return domain.write(ledger.add_entry, risk=risk, title=f"{risk} 隐患", unit=unit, today=today, force=True, **fields)


def close(domain, entry_id: int, today: str) -> None:
    domain.write(ledger.close, entry_id, verified_by="李强", resolution="已整改", today=today)


# --- due soon and overdue at their boundaries -------------------------------------------------------------

DEADLINES = {  # entry id: (due, status), all added on 2026-06-01
    1: ("2026-06-30", "open"),       # overdue by a day
    2: ("2026-07-01", "open"),       # due today: due soon, not overdue
    3: ("2026-07-08", "open"),       # the last day of the due-soon window
    4: ("2026-07-09", "open"),       # beyond it
    5: (None, "open"),               # no deadline: neither
    6: ("2026-06-01", "closed"),     # past its deadline, but not active
    7: ("2026-06-30", "mitigated"),  # mitigated entries are active
}


def build_deadlines(domain) -> None:
    for entry_id, (due, status) in DEADLINES.items():
        assert add(domain, "2026-06-01", due=due) == entry_id
        if status == "closed":
            close(domain, entry_id, "2026-06-05")
        elif status == "mitigated":
            domain.write(ledger.mitigate, entry_id, measures="每周巡查", today="2026-06-05")


@pytest.fixture
def deadlines(request):
    return built_once(request, build_deadlines)


def test_overdue_and_due_soon_flags_at_their_boundaries(deadlines):
    rows = deadlines.read(list_entries)
    assert {row["id"]: (row["overdue"], row["due_soon"]) for row in rows} == {
        1: (True, False), 2: (False, True), 3: (False, True), 4: (False, False), 5: (False, False),
        6: (False, False), 7: (True, False)}


@pytest.mark.parametrize("wanted, ids", [
    (EntryFilter(overdue=True), [1, 7]),
    (EntryFilter(due_soon=True), [2, 3]),
    (EntryFilter(status="active"), [1, 2, 3, 4, 5, 7]),
    (EntryFilter(status="Closed"), [6]),
    (EntryFilter(status="mitigated", overdue=True), [7]),
])
def test_filters_select_by_status_and_flag(deadlines, wanted, ids):
    assert [row["id"] for row in deadlines.read(list_entries, wanted)] == ids


@pytest.mark.parametrize("wanted, ids", [
    (EntryFilter(after=3), [4, 5, 6]),  # the next page of a screen: the ids after the last one shown
    (EntryFilter(after=3, overdue=True), [7]),
    (EntryFilter(after=7), []),
])
def test_after_gives_the_next_page_in_id_order(deadlines, wanted, ids):
    assert [row["id"] for row in deadlines.read(list_entries, wanted, limit=3)] == ids


def test_after_pages_a_search_too(domain_register):
    found = [add(domain_register, AS_OF) for _ in range(5)]
    for entry_id in found[1:]:
        domain_register.write(ledger.add_note, entry_id, "燃气管道巡查")
    assert [row["id"] for row in domain_register.read(list_entries, EntryFilter(search="燃气", after=found[2]))] == found[3:]


def test_the_attention_lists_count_the_days(deadlines):
    due_soon, overdue = (deadlines.read(attention_list, name) for name in ("due_soon", "overdue"))
    assert [(item["id"], item["days_left"]) for item in due_soon] == [(2, 0), (3, 7)]
    assert [(item["id"], item["days_overdue"]) for item in overdue] == [(1, 1), (7, 1)]


def test_the_flags_follow_the_day_asked_about(deadlines):
    overdue = EntryFilter(overdue=True)
    assert [row["id"] for row in deadlines.read(list_entries, overdue, today="2026-06-30")] == []
    assert sorted(row["id"] for row in deadlines.read(list_entries, overdue, today="2026-07-09")) == [1, 2, 3, 7]


def test_a_relative_deadline_counts_from_the_effective_date(domain_register):
    entry_id = add(domain_register, AS_OF, due="+7d")
    assert domain_register.read(show_entry, entry_id)["due"] == "2026-07-08"


@pytest.mark.parametrize("wanted, error, sentence", [
    (EntryFilter(status="pending"), NotFound,
     "There is no status 'pending'; use one of: open 待化解, mitigated 管控中, closed 已销号, consolidated 已巩固, "
     "voided 作废, active 在办."),
    (EntryFilter(risk="X99"), NotFound,
     "There is no risk 'X99'; use one of: G01, "),
])
def test_an_unknown_filter_value_is_one_sentence(domain_register, wanted, error, sentence):
    with pytest.raises(error) as refused:
        domain_register.read(list_entries, wanted)
    assert str(refused.value).startswith(sentence)


def test_show_of_a_missing_entry_is_not_found(domain_register):
    with pytest.raises(NotFound, match=r"^There is no entry 3 in the register\.$"):
        domain_register.read(show_entry, 3)


# --- the report on a small known register ------------------------------------------------------------------


def build_known(domain) -> None:
    """As of 2026-07-01:

    | id | risk | unit | level       | status       | due        | notes                                   |
    |----|------|------|-------------|--------------|------------|-----------------------------------------|
    | 1  | S03  | 东村 | significant | open         | 2026-06-25 | accountable, 6 days overdue, stale      |
    | 2  | G01  | 西村 | major       | open         | 2026-07-03 | unaccountable, due in 2 days            |
    | 3  | H02  | 东村 | general     | closed       | —          | watch ended 2026-06-19: awaiting        |
    | 4  | S01  | 西村 | low         | consolidated | —          |                                         |
    """
    add(domain, "2026-06-10", level="significant")
    domain.write(ledger.assign, 1, leader="王明", task_force="专班", plan="一案一策", due="2026-06-25",
                 today="2026-06-20")
    add(domain, "2026-06-28", risk="G01", unit="西村", level="major", due="2026-07-03")
    add(domain, "2026-05-01", risk="H02")
    close(domain, 3, "2026-05-20")
    add(domain, "2026-04-01", risk="S01", unit="西村", level="low")
    close(domain, 4, "2026-04-10")
    domain.write(ledger.consolidate, 4, today="2026-05-15")


@pytest.fixture
def known(request):
    return built_once(request, build_known)


def report(domain, **kwargs) -> dict:
    return domain.read(build_report, **kwargs)


def _group(code: str, open_: int = 0, overdue: int = 0, unaccountable: int = 0, closed: int = 0) -> tuple:
    return code, open_, overdue, unaccountable, closed


def test_report_totals_and_levels(known):
    data = report(known)
    assert (data["schema"], data["as_of"]) == ("riskreg.report/2", AS_OF)
    assert data["totals"] == {"all": 4, "open": 2, "mitigated": 0, "closed": 1, "consolidated": 1,
                              "overdue": 1, "unaccountable": 1, "stale": 1, "due_soon": 1}
    assert data["by_level"] == {"major": 1, "significant": 1, "general": 0, "low": 0}
    assert data["by_level_status"]["low"] == {"open": 0, "mitigated": 0, "closed": 0, "consolidated": 1}
    assert data["chain"]["events"] == 8


def test_report_groups_count_active_as_open_and_consolidated_as_closed(known):
    data = report(known, lang="en")
    rows = [(r["code"], r["open"], r["overdue"], r["unaccountable"], r["closed"]) for r in data["by_category"]]
    assert rows == [_group("S", open_=1, overdue=1, closed=1), _group("G", open_=1, unaccountable=1),
                    _group("P"), _group("H", closed=1)]
    assert data["by_category"][0]["name"] == "Social and economic disputes"
    labour = next(r for r in data["by_department"] if r["code"] == "LABOUR")
    assert (labour["open"], labour["overdue"], labour["closed"]) == (1, 1, 0)
    # Units come in the database's order of names, which differs between SQLite and PostgreSQL.
    assert {r["unit"]: (r["open"], r["overdue"], r["unaccountable"], r["closed"]) for r in data["by_unit"]} == {
        "东村": (1, 1, 0, 1), "西村": (1, 0, 1, 1)}


def test_report_lists_and_since(known):
    data = report(known, since=date(2026, 5, 15))
    assert [(i["id"], i["days_overdue"]) for i in data["overdue"]] == [(1, 6)]
    assert [(i["id"], i["days_left"]) for i in data["due_soon"]] == [(2, 2)]
    assert [i["id"] for i in data["unaccountable"]] == [2]
    assert [(i["id"], i["last_change"]) for i in data["stale"]] == [(1, "2026-06-20")]
    assert [(i["id"], i["watch_until"]) for i in data["awaiting_consolidation"]] == [(3, "2026-06-19")]
    assert data["since"] == {"date": "2026-05-15", "added": 2, "closed": 1, "reopened": 0,
                             "regraded_up": 0, "regraded_down": 0}
