"""The nightly report and the summary, as plain data aggregated in SQL.

Built for a county register of a million entries (docs/PERFORMANCE.md), the
report never reads the wide entry table. Every entry is counted in two scans
of narrow indexes in key order (risk × department × level × status, and
unit × status); the flags (overdue, unaccountable, stale, due soon) are counted
over the small partial index of active entries, and the lists come from the
partial indexes of active and closed entries. The cost follows the number of
entries needing attention, not the ledger. Every renderer (tables, text,
markdown, JSON, CSV) takes this one dict.
"""

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import String, func, type_coerce
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from riskreg.domain.catalogue_sync import read_settings
from riskreg.store.chain import current_head
from riskreg.store.models import ACTIVE, COUNTED, NOT_VOIDED, Category, Department, Entry, History, Level, Risk
from riskreg.domain.queries import Flags, count_where

REPORT_SCHEMA = "riskreg.report/1"
LISTS = ("overdue", "due_soon", "unaccountable", "stale", "awaiting_consolidation")
_FLAGS = ("overdue", "unaccountable", "stale", "due_soon")
_GROUP_KEYS = ("open", "overdue", "unaccountable", "closed")
_LIST_BASE = ("id", "risk", "title", "unit", "level", "status", "department", "leader")


def _name(lang: str):
    return (lambda model: getattr(model, "en" if lang == "en" else "zh"))


def _active_counts(session: Session, flags: Flags, column=None) -> dict[Any, dict[str, int]]:
    """Active entries and their flags, per value of `column` (or in all, under the key None)."""
    keys = [column] if column is not None else []
    query = (select(*keys, func.count().label("open"), *(count_where(getattr(flags, flag)).label(flag) for flag in _FLAGS))
             .where(flags.active).group_by(*keys))
    return {(row[0] if keys else None): {key: int(row._mapping[key]) for key in ("open", *_FLAGS)}
            for row in session.execute(query)}


def _group_rows(session: Session, model, name, active: dict, closed: Counter, used: Counter) -> list[dict]:
    """Catalogue rows (categories or departments) in catalogue order; retired ones only while entries use them."""
    rows = []
    for row in session.exec(select(model).order_by(model.rank, model.code)):
        if row.retired and not used[row.code]:
            continue
        counts = active.get(row.code, {})
        rows.append({"code": row.code, "name": name(row), "retired": bool(row.retired),
                     "open": counts.get("open", 0), "overdue": counts.get("overdue", 0),
                     "unaccountable": counts.get("unaccountable", 0), "closed": closed[row.code]})
    return rows


def build_report(session: Session, flags: Flags, *, since: date | None = None, lang: str = "zh",
                 lists: tuple[str, ...] = LISTS, list_limit: int | None = None) -> dict[str, Any]:
    """The report; `lists` and `list_limit` trim its lists (the summary shows the first overdue items only)."""
    today = flags.today
    name = _name(lang)
    settings = read_settings(session)
    levels = session.exec(select(Level).order_by(Level.rank)).all()
    category_of = dict(session.exec(select(Risk.code, Risk.category)).all())

    # Every entry, counted along ix_entry_groups: a few hundred (risk, department, level, status) groups.
    matrix = {lv.code: dict.fromkeys(COUNTED, 0) for lv in levels}
    used: dict[str, Counter] = {"category": Counter(), "department": Counter()}
    closed: dict[str, Counter] = {"category": Counter(), "department": Counter()}
    for risk, department, level, status, count in session.execute(
            select(Entry.risk, Entry.department, Entry.level, Entry.status, func.count()).where(NOT_VOIDED)
            .group_by(Entry.risk, Entry.department, Entry.level, Entry.status)):
        matrix[level][status] += count
        for kind, code in (("category", category_of[risk]), ("department", department)):
            used[kind][code] += count
            if status not in ACTIVE:
                closed[kind][code] += count
    by_status = {status: sum(matrix[level][status] for level in matrix) for status in COUNTED}
    active_totals = _active_counts(session, flags).get(None, dict.fromkeys(_FLAGS, 0))
    totals = {"all": sum(by_status.values()), **by_status, **{flag: active_totals[flag] for flag in _FLAGS}}

    active_by_risk = _active_counts(session, flags, Entry.risk)
    active_by_category: dict[str, Counter] = {}
    for risk, counts in active_by_risk.items():
        active_by_category.setdefault(category_of[risk], Counter()).update(counts)
    by_category = _group_rows(session, Category, name, active_by_category, closed["category"],
                              used["category"])
    by_department = _group_rows(session, Department, name,
                                _active_counts(session, flags, Entry.department), closed["department"],
                                used["department"])

    # Units along ix_entry_unit_status, in the database's order of unit names.
    unit_closed: dict[str, int] = {}
    for unit, status, count in session.execute(
            select(Entry.unit, Entry.status, func.count()).where(NOT_VOIDED)
            .group_by(Entry.unit, Entry.status).order_by(Entry.unit)):
        unit_closed[unit] = unit_closed.get(unit, 0) + (0 if status in ACTIVE else count)
    active_by_unit = _active_counts(session, flags, Entry.unit)
    by_unit = [{"unit": unit, "open": active_by_unit.get(unit, {}).get("open", 0),
                "overdue": active_by_unit.get(unit, {}).get("overdue", 0),
                "unaccountable": active_by_unit.get(unit, {}).get("unaccountable", 0), "closed": closed_count}
               for unit, closed_count in unit_closed.items()]

    report: dict[str, Any] = {
        "schema": REPORT_SCHEMA,
        "as_of": today.isoformat(),
        "title": settings.title_en if lang == "en" else settings.title_zh,
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
    for list_name in lists:
        report[list_name] = attention_list(session, flags, list_name, limit=list_limit)
    report["since"] = _since(session, since) if since else None
    # The history this report saw, so a copy kept elsewhere proves later that the register still holds it.
    report["chain"] = current_head(session.connection()).as_report()
    return report


def attention_list(session: Session, flags: Flags, list_name: str, *, limit: int | None = None) -> list[dict[str, Any]]:
    """One of the report's lists, ordered by deadline (none last), then id; read from a partial index."""
    condition, extra = {
        "overdue": (flags.overdue, None),
        "due_soon": (flags.due_soon, None),
        "unaccountable": (flags.unaccountable, None),
        "stale": (flags.stale, Entry.updated_on),
        "awaiting_consolidation": (flags.awaiting_consolidation, Entry.watch_until),
    }[list_name]
    # Days come back as stored (ISO text on SQLite, dates on PostgreSQL) and are parsed once per distinct
    # day: a county's list repeats a few hundred deadlines over tens of thousands of rows.
    days_columns = [type_coerce(column, String) for column in (Entry.due, extra) if column is not None]
    query = (select(*(getattr(Entry, key) for key in _LIST_BASE), *days_columns).where(condition)
             .order_by(Entry.due.is_(None), Entry.due, Entry.id).limit(limit))
    today = flags.today
    shared: dict[Any, Any] = {}  # one copy of each code, unit and name: a long list repeats them
    days: dict[Any, tuple[date, str]] = {}

    def day(value: Any) -> tuple[date, str]:
        known = days.get(value)
        if known is None:
            parsed = value if isinstance(value, date) else date.fromisoformat(value)
            known = days[value] = (parsed, parsed.isoformat())
        return known

    items = []
    for row in session.connection().execute(query):  # Core rows: the ORM's row processing doubled the cost
        item = {key: shared.setdefault(value, value) for key, value in zip(_LIST_BASE, row)}
        due = row[len(_LIST_BASE)]
        due_day, item["due"] = day(due) if due is not None else (None, None)
        if list_name == "overdue":
            item["days_overdue"] = (today - due_day).days
        elif list_name == "due_soon":
            item["days_left"] = (due_day - today).days
        elif list_name == "stale":
            item["last_change"] = day(row[-1])[1]
        elif list_name == "awaiting_consolidation":
            item["watch_until"] = day(row[-1])[1]
        items.append(item)
    return items


def _since(session: Session, since: date) -> dict[str, Any]:
    counts = dict(session.execute(
        select(History.action, func.count()).join(Entry, Entry.id == History.entry_id)
        .where(History.on >= since, History.action.in_(("add", "close", "reopen")), NOT_VOIDED)
        .group_by(History.action)).all())
    return {"date": since.isoformat(), "added": counts.get("add", 0), "closed": counts.get("close", 0),
            "reopened": counts.get("reopen", 0), **_regraded(session, since)}


def _regraded(session: Session, since: date) -> dict[str, int]:
    """Regradings since the day, up (to a level ranked before the old one: major is first) and down. Only the
    regrade events are read, along ix_history_action_on, each joined to its old and new level's rank."""
    old, new = aliased(Level), aliased(Level)
    up, down = session.execute(
        select(count_where(new.rank < old.rank), count_where(new.rank > old.rank))
        .select_from(History)
        .join(old, old.code == History.changes[("level", "old")].as_string())
        .join(new, new.code == History.changes[("level", "new")].as_string())
        .where(History.action == "regrade", History.on >= since)).one()
    return {"regraded_up": int(up), "regraded_down": int(down)}


def _campaign(settings: Any, today: date, lang: str) -> dict[str, Any] | None:
    if settings.campaign_start is None:
        return None
    return {"name": settings.campaign_en if lang == "en" else settings.campaign_zh,
            "start": settings.campaign_start.isoformat(), "end": settings.campaign_end.isoformat(),
            "days_to_start": (settings.campaign_start - today).days}

