"""The nightly report and the summary, as plain data aggregated in SQL.

Counts are GROUP BY queries over the indexed status/department/risk columns and
lists are filtered queries, so the cost follows the size of the answer, not the
ledger. Every renderer (tables, text, markdown, JSON, CSV) takes this one dict.
"""

from datetime import date
from typing import Any

from sqlalchemy import case, func, or_
from sqlmodel import Session, select

from riskreg.catalogue_sync import read_settings
from riskreg.models import STATUSES, Category, Department, Entry, History, Level, Risk
from riskreg.queries import Flags

REPORT_SCHEMA = "riskreg.report/1"
LISTS = ("overdue", "due_soon", "unaccountable", "stale", "awaiting_consolidation")


def _count(condition) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _group_counts(flags: Flags) -> list:
    return [
        _count(flags.active).label("open"),
        _count(flags.overdue).label("overdue"),
        _count(flags.unaccountable).label("unaccountable"),
        _count(Entry.status.in_(("closed", "consolidated"))).label("closed"),
    ]


def _name(lang: str):
    return (lambda model: getattr(model, "en" if lang == "en" else "zh"))


def build_report(session: Session, today: date, *, since: date | None = None, lang: str = "zh") -> dict[str, Any]:
    flags = Flags(today)
    name = _name(lang)
    settings = read_settings(session)

    totals_row = session.execute(select(
        func.count(Entry.id).label("all"),
        *(_count(Entry.status == status).label(status) for status in STATUSES),
        _count(flags.overdue).label("overdue"),
        _count(flags.unaccountable).label("unaccountable"),
        _count(flags.stale).label("stale"),
        _count(flags.due_soon).label("due_soon"),
    )).one()
    totals = {key: int(value) for key, value in totals_row._mapping.items()}

    levels = session.exec(select(Level).order_by(Level.rank)).all()
    matrix = {lv.code: dict.fromkeys(STATUSES, 0) for lv in levels}
    for level, status, count in session.execute(
            select(Entry.level, Entry.status, func.count()).group_by(Entry.level, Entry.status)):
        matrix[level][status] = count

    by_category = [
        _group_row(row) for row in session.execute(
            select(Category.code, name(Category).label("name"), Category.retired, *_group_counts(flags))
            .select_from(Category).outerjoin(Risk, Risk.category == Category.code)
            .outerjoin(Entry, Entry.risk == Risk.code)
            .group_by(Category.code, Category.rank, Category.zh, Category.en, Category.retired)
            .having(or_(Category.retired == False, func.count(Entry.id) > 0))  # noqa: E712
            .order_by(Category.rank, Category.code))
    ]
    by_department = [
        _group_row(row) for row in session.execute(
            select(Department.code, name(Department).label("name"), Department.retired, *_group_counts(flags))
            .select_from(Department).outerjoin(Entry, Entry.department == Department.code)
            .group_by(Department.code, Department.rank, Department.zh, Department.en, Department.retired)
            .having(or_(Department.retired == False, func.count(Entry.id) > 0))  # noqa: E712
            .order_by(Department.rank, Department.code))
    ]
    by_unit = [
        {"unit": row.unit, **{k: int(row._mapping[k]) for k in ("open", "overdue", "unaccountable", "closed")}}
        for row in session.execute(select(Entry.unit, *_group_counts(flags)).group_by(Entry.unit).order_by(Entry.unit))
    ]

    report: dict[str, Any] = {
        "schema": REPORT_SCHEMA,
        "as_of": today.isoformat(),
        "title": settings.title_en if lang == "en" else settings.title_zh,
        "campaign": _campaign(settings, today, lang),
        "levels": [{"code": lv.code, "name": name(lv), "colour": lv.colour} for lv in levels],
        "totals": totals,
        "by_level": {level: matrix[level]["open"] + matrix[level]["mitigated"] for level in matrix},
        "by_level_status": matrix,
        "by_category": by_category,
        "by_department": by_department,
        "by_unit": by_unit,
    }
    for list_name in LISTS:
        report[list_name] = attention_list(session, flags, list_name)
    report["since"] = _since(session, since) if since else None
    return report


def _group_row(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    return {"code": data["code"], "name": data["name"], "retired": bool(data["retired"]),
            **{k: int(data[k]) for k in ("open", "overdue", "unaccountable", "closed")}}


def attention_list(session: Session, flags: Flags, list_name: str) -> list[dict[str, Any]]:
    condition = {
        "overdue": flags.overdue,
        "due_soon": flags.due_soon,
        "unaccountable": flags.unaccountable,
        "stale": flags.stale,
        "awaiting_consolidation": flags.awaiting_consolidation,
    }[list_name]
    query = (select(Entry.id, Entry.risk, Entry.title, Entry.unit, Entry.level, Entry.status, Entry.department,
                    Entry.leader, Entry.due, Entry.updated_on, Entry.watch_until)
             .where(condition).order_by(Entry.due.is_(None), Entry.due, Entry.id))
    items = []
    for row in session.execute(query):
        item = {key: getattr(row, key) for key in
                ("id", "risk", "title", "unit", "level", "status", "department", "leader")}
        item["due"] = row.due.isoformat() if row.due else None
        if list_name == "overdue":
            item["days_overdue"] = (flags.today - row.due).days
        elif list_name == "due_soon":
            item["days_left"] = (row.due - flags.today).days
        elif list_name == "stale":
            item["last_change"] = row.updated_on.isoformat()
        elif list_name == "awaiting_consolidation":
            item["watch_until"] = row.watch_until.isoformat()
        items.append(item)
    return items


def _since(session: Session, since: date) -> dict[str, Any]:
    counts = dict(session.execute(
        select(History.action, func.count()).where(History.on >= since, History.action.in_(("add", "close", "reopen")))
        .group_by(History.action)).all())
    return {"date": since.isoformat(), "added": counts.get("add", 0), "closed": counts.get("close", 0),
            "reopened": counts.get("reopen", 0)}


def _campaign(settings: Any, today: date, lang: str) -> dict[str, Any] | None:
    if settings.campaign_start is None:
        return None
    return {"name": settings.campaign_en if lang == "en" else settings.campaign_zh,
            "start": settings.campaign_start.isoformat(), "end": settings.campaign_end.isoformat(),
            "days_to_start": (settings.campaign_start - today).days}

