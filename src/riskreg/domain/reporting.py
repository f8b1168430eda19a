"""The nightly report and the summary, as plain data aggregated in SQL.

Built for a county register of a million entries (docs/PERFORMANCE.md), the
report never reads the wide entry table. Every entry and its flags are counted
in two scans of narrow indexes in key order (domain/tallies.py), and each list
holds its first entries by deadline, read from the partial indexes that lead
with it, and counts the rest (`riskreg.report/2`, domain/attention.py). So the
cost is the same in a tidy register and in one where nearly everything is
active and overdue. Every renderer (tables, text, Markdown, HTML, JSON, CSV)
takes this one dict.
"""

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from riskreg.domain.attention import COUNTED_HERE, ESCALATED, LIST_LIMIT, LISTS, attention_list, list_counts
from riskreg.domain.catalogue_sync import read_settings
from riskreg.domain.tallies import FLAGS, GROUP_COUNTS, empty_part, tally
from riskreg.store.chain import current_head
from riskreg.store.models import COUNTED, NOT_VOIDED, Category, Department, Entry, History, Level, Risk
from riskreg.domain.queries import Flags, count_where
from riskreg.domain.scope import Scope

SCHEMAS = {2: "riskreg.report/2", 1: "riskreg.report/1"}  # report/1 (every list entire) is kept for one release


def _name(lang: str):
    return (lambda model: getattr(model, "en" if lang == "en" else "zh"))


def _group_rows(session: Session, model, name, active: dict, closed: Counter, used: Counter,
                every: bool = True, also: str | None = None) -> list[dict]:
    """Catalogue rows (categories or departments) in catalogue order; retired ones only while entries use them.
    A scoped report (`every` false) keeps only the rows its entries use, and `also`, the department it is for."""
    rows = []
    for row in session.exec(select(model).order_by(model.rank, model.code)):
        if not used[row.code] and row.code != also and (row.retired or not every):
            continue
        counts = active.get(row.code, {})
        rows.append({"code": row.code, "name": name(row), "retired": bool(row.retired),
                     "open": counts.get("open", 0), "overdue": counts.get("overdue", 0),
                     "unaccountable": counts.get("unaccountable", 0), "closed": closed[row.code]})
    return rows


def build_report(session: Session, flags: Flags, *, since: date | None = None, lang: str = "zh",
                 lists: tuple[str, ...] = LISTS, list_limit: int | None = LIST_LIMIT, scope: Scope = Scope(),
                 schema: int = 2) -> dict[str, Any]:
    """The report of `scope` (the whole register by default): riskreg.report/2, each list its first `list_limit`
    entries by deadline (all when None) with `more` counting the rest; `lists` picks the lists (the summary
    shows the first overdue items only). `schema=1` gives riskreg.report/1: every list entire, no `more`."""
    return _reports(session, flags, since=since, lang=lang, lists=lists, list_limit=list_limit, scope=scope,
                    split=False, schema=schema)[None]


def department_reports(session: Session, flags: Flags, *, since: date | None = None, lang: str = "zh",
                       list_limit: int | None = LIST_LIMIT, scope: Scope = Scope(),
                       schema: int = 2) -> dict[str, dict[str, Any]]:
    """One report per department, by code in catalogue order, each what build_report gives for that
    department. Built in one pass: every aggregate is grouped by department too and each list read once (its
    first `list_limit` entries per department), then split here over those small results. Every current
    department gets one, with nothing open or not (a nightly mail that says so); a retired one only while
    entries in scope use it."""
    return _reports(session, flags, since=since, lang=lang, lists=LISTS, list_limit=list_limit, scope=scope,
                    split=True, schema=schema)


def _reports(session: Session, flags: Flags, *, since: date | None, lang: str, lists: tuple[str, ...],
             list_limit: int | None, scope: Scope, split: bool, schema: int) -> dict[Any, dict[str, Any]]:
    if schema == 1:
        list_limit, lists = None, tuple(name for name in lists if name != ESCALATED)
    today = flags.today
    name = _name(lang)
    settings = read_settings(session)
    levels = session.exec(select(Level).order_by(Level.rank)).all()
    category_of = dict(session.exec(select(Risk.code, Risk.category)).all())
    where = scope.conditions
    keys = [Entry.department] if split else []
    tallied = tally(session, flags, [lv.code for lv in levels], category_of, where, split,
                    one_department=scope.department is not None)
    listed = {list_name: attention_list(session, flags, list_name, limit=list_limit, where=where, per_department=split)
              for list_name in lists}
    uncounted = {list_name: list_counts(session, flags, list_name, where, keys)
                 for list_name in COUNTED_HERE if list_name in lists and list_limit is not None}
    changes = _since(session, since, where, split) if since else {}
    # The history these reports saw, so a copy kept elsewhere proves later that the register still holds it.
    chain = current_head(session.connection()).as_report()

    if split:
        parts = [row.code for row in session.exec(select(Department).order_by(Department.rank, Department.code))
                 if not row.retired or row.code in tallied]
    else:
        parts = [None]
    reports = {}
    for part in parts:
        counts = tallied.get(part) or empty_part([lv.code for lv in levels])
        matrix, used, closed, active = counts["matrix"], counts["used"], counts["closed"], counts["active"]
        by_status = {status: sum(matrix[level][status] for level in matrix) for status in COUNTED}
        totals = {"all": sum(by_status.values()), **by_status, **{flag: counts["flags"][flag] for flag in FLAGS}}
        every = not (split or where)
        department = part if split else scope.department
        by_category = _group_rows(session, Category, name, active["category"], closed["category"],
                                  used["category"], every)
        by_department = _group_rows(session, Department, name, active["department"], closed["department"],
                                    used["department"], every, also=department)
        by_unit = [{"unit": unit, **{key: active["unit"].get(unit, {}).get(key, 0) for key in GROUP_COUNTS},
                    "closed": closed_count} for unit, closed_count in counts["unit_closed"].items()]
        report: dict[str, Any] = {
            "schema": SCHEMAS[schema],
            "as_of": today.isoformat(),
            "title": settings.title_en if lang == "en" else settings.title_zh,
            "scope": (Scope(department=part, unit=scope.unit, leader=scope.leader) if split else scope).as_json(),
            "campaign": _campaign(settings, today, lang),
            "levels": [{"code": lv.code, "name": name(lv), "colour": lv.colour} for lv in levels],
            "windows": flags.windows,
            "totals": totals,
            "by_level": {level: matrix[level]["open"] + matrix[level]["mitigated"] for level in matrix},
            "by_level_status": matrix,
            "by_category": by_category,
            "by_department": by_department,
            "by_unit": by_unit,
        }
        for list_name, items in listed.items():
            report[list_name] = [item for item in items if item["department"] == part] if split else items
        if schema != 1:
            counts = {**totals, **{list_name: uncounted.get(list_name, {}).get(part, 0) for list_name in COUNTED_HERE}}
            report["limit"] = list_limit
            report["more"] = {name: counts[name] - len(report[name]) if list_limit is not None else 0
                              for name in lists}
        report["since"] = changes.get(part, _no_changes(since)) if since else None
        report["chain"] = chain
        reports[part] = report
    return reports


def _since(session: Session, since: date, where: list, split: bool) -> dict[Any, dict[str, Any]]:
    """The changes since the day, per department when split (else under None), through the entries: scoped, and
    never a voided entry's."""
    keys = [Entry.department] if split else []
    changes: dict[Any, dict[str, Any]] = {}
    for *part, action, count in session.execute(
            select(*keys, History.action, func.count()).join(Entry, Entry.id == History.entry_id)
            .where(History.on >= since, History.action.in_(tuple(_SINCE)), NOT_VOIDED, *where)
            .group_by(*keys, History.action)):
        changes.setdefault(part[0] if split else None, _no_changes(since))[_SINCE[action]] = count
    for *part, up, down in _regraded(session, since, where, keys):
        changes.setdefault(part[0] if split else None, _no_changes(since)).update(
            regraded_up=int(up), regraded_down=int(down))
    return changes


def _regraded(session: Session, since: date, where: list, keys: list) -> list:
    """Regradings since the day, up (to a level ranked before the old one: major is first) and down. Only the
    regrade events are read, along ix_history_action_on, each joined to its old and new level's rank."""
    old, new = aliased(Level), aliased(Level)
    return session.execute(
        select(*keys, count_where(new.rank < old.rank), count_where(new.rank > old.rank))
        .select_from(History)
        .join(Entry, Entry.id == History.entry_id)
        .join(old, old.code == History.changes[("level", "old")].as_string())
        .join(new, new.code == History.changes[("level", "new")].as_string())
        .where(History.action == "regrade", History.on >= since, NOT_VOIDED, *where)
        .group_by(*keys)).all()


_SINCE = {"add": "added", "close": "closed", "reopen": "reopened"}


def _no_changes(since: date) -> dict[str, Any]:
    return {"date": since.isoformat(), "added": 0, "closed": 0, "reopened": 0, "regraded_up": 0, "regraded_down": 0}


def _campaign(settings: Any, today: date, lang: str) -> dict[str, Any] | None:
    if settings.campaign_start is None:
        return None
    return {"name": settings.campaign_en if lang == "en" else settings.campaign_zh,
            "start": settings.campaign_start.isoformat(), "end": settings.campaign_end.isoformat(),
            "days_to_start": (settings.campaign_start - today).days}

