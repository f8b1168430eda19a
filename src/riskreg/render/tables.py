"""Rich renderables for the terminal (and for the plain-text report).

Every cell and title that shows user or catalogue text is a `Text`, never
markup, so a title containing "[red]" prints as typed, with its control
characters escaped (riskreg.escaping.visible). Rich measures CJK characters as
two cells, which keeps Chinese names aligned.
"""

from collections.abc import Callable, Iterable
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from riskreg.escaping import visible
from riskreg.render.labels import (LIST_BASE, RICH_COLOURS, STATUS_LABELS, campaign_phrase, chain_line, list_titles,
                                   listed, translator)

Levels = dict[str, dict[str, str]]  # code -> {"name", "colour"}


def _text(value: Any, style: str = "") -> Text:
    if value is None:
        return Text("—", style="dim")
    if isinstance(value, bool):
        return Text("yes" if value else "no", style=style)
    return Text(visible(str(value)), style=style)


def _level(code: str, levels: Levels) -> Text:
    level = levels.get(code, {"name": code, "colour": ""})
    return _text(level["name"], RICH_COLOURS.get(level["colour"], ""))


# Columns of prose that may wrap; codes, dates and counts never do, so narrow
# terminals squeeze the prose instead of cutting a deadline or a level in half.
_WRAPPING = {"title": 8, "name": 8, "owner": 6, "details": 20, "unit": 4, "中文": 10, "English": 10,
             "departments": 8}


def _table(title: str, *columns: str, numeric_from: int | None = None,
           t: Callable[[str], str] = translator("en")) -> Table:
    """A table whose columns are named in English (which also decides wrapping) and headed in t's language."""
    table = Table(title=_text(title, "table.title"), title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    for i, column in enumerate(columns):
        heading = t(column)
        # a prose column may wrap its cells, never its heading (a Chinese heading could break anywhere)
        min_width = max(_WRAPPING[column], cell_len(heading)) if column in _WRAPPING else None
        table.add_column(heading, justify="right" if numeric_from is not None and i >= numeric_from else "left",
                         no_wrap=column not in _WRAPPING, min_width=min_width,
                         overflow="fold" if column in _WRAPPING else "ellipsis")
    return table


def _flags(row: dict[str, Any], t: Callable[[str], str], separator: str = " ") -> Text:
    flags = []
    for name, label, style in (("overdue", "overdue", "bold red"), ("due_soon", "due soon", "dark_orange"),
                               ("accountable", "", ""),
                               ("escalated", "escalated", "magenta"), ("stale", "stale", "dim")):
        if name == "accountable":
            if not row["accountable"] and row["status"] in ("open", "mitigated"):
                flags.append(Text(t("unaccountable"), style="yellow"))
        elif row.get(name):
            flags.append(Text(t(label), style=style))
    return Text(separator).join(flags)


def _owner(row: dict[str, Any]) -> Text:
    owner = _text(row["department"] or "—")
    if row["leader"]:
        owner.append(" " + visible(row["leader"]))
    return owner


def _due(row: dict[str, Any], t: Callable[[str], str]) -> Text:
    due = _text(row["due"], "bold red" if row.get("overdue") else "")
    # One flag a line: the column is only as wide as its widest word, so an 80-column table never crops it.
    flags = _flags(row, t, "\n") if "accountable" in row else Text()
    return Text.assemble(due, "\n", flags) if flags else due


def entries_table(rows: Iterable[dict[str, Any]], levels: Levels, lang: str = "en") -> Table:
    """Eight columns that fit 80 cells: owner is department + lead official, flags sit under the deadline.
    Headings, statuses and flags follow `lang` (in Chinese, the words of the reports and the spreadsheet)."""
    t = translator(lang)
    table = _table("", "id", "risk", "unit", "title", "level", "status", "owner", "due / flags", t=t)
    table.columns[0].justify = "right"
    table.pad_edge = False  # the cells the edges would pad are what an 80-column terminal lacks
    table.collapse_padding = True
    for row in rows:
        table.add_row(_text(row["id"]), _text(row["risk"]), _text(row["unit"]), _text(row["title"]),
                      _level(row["level"], levels), _text(t(row["status"])), _owner(row), _due(row, t))
    return table


_ENTRY_LABELS = {
    "risk": "risk", "category": "category", "unit": "unit", "title": "title", "detail": "detail",
    "level": "level", "status": "status", "department": "department", "leader": "lead official",
    "task_force": "task force", "plan": "plan", "due": "deadline", "original_due": "first deadline",
    "extensions": "extensions", "contingency": "emergency plan", "measures": "interim measures",
    "escalated_to": "escalated to", "escalation_reason": "escalation reason", "verified_by": "verified by",
    "resolution": "resolution", "closed_on": "closed on", "watch_until": "watch until",
    "reopen_count": "reopened", "created_on": "added on", "updated_on": "last change",
}


def entry_view(entry: dict[str, Any], levels: Levels, lang: str = "en") -> RenderableType:
    t = translator(lang)
    fields = Table(title=_text(t("Entry {id}").format(id=entry["id"]), "table.title"), title_justify="left", box=box.SIMPLE,
                   show_header=False)
    fields.add_column(style="bold")
    fields.add_column()
    for key, label in _ENTRY_LABELS.items():
        value = entry[key]
        if value is None or (key in ("extensions", "reopen_count") and not value):
            continue
        shown = _level(value, levels) if key == "level" else _text(t(value) if key == "status" else value)
        fields.add_row(t(label), shown)
    fields.add_row(t("flags"), _flags(entry, t))
    history = _table(t("History"), "on", "at (UTC)", "actor", "action", "details", t=t)
    for event in entry["history"]:
        details = [f"{k}: {_short(v['old'])} → {_short(v['new'])}" for k, v in event["changes"].items()]
        if event["text"]:
            details.insert(0, event["text"])
        history.add_row(_text(event["on"]), _text(event["at"][:19].replace("T", " ")), _text(event["actor"]),
                        _text(event["action"]), _text("\n".join(details)))
    return Group(fields, history)


def _short(value: Any, limit: int = 60) -> str:
    text = "—" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _group_table(title: str, first: str, rows: Iterable[dict[str, Any]], t: Callable[[str], str],
                 key: str = "code") -> Table:
    with_name = key == "code"
    # "active" heads the key `open`, which counts open and mitigated entries
    table = _table(title, first, *(["name"] if with_name else []), "active", "overdue", "unaccountable", "closed",
                   numeric_from=2 if with_name else 1, t=t)
    for row in rows:
        name = [_text(row["name"] + (t(" (retired)") if row["retired"] else ""))] if with_name else []
        table.add_row(_text(row[key]), *name, _text(row["open"]),
                      _text(row["overdue"], "bold red" if row["overdue"] else ""),
                      _text(row["unaccountable"], "yellow" if row["unaccountable"] else ""), _text(row["closed"]))
    return table


_EXTRA_HEADERS = {"days_overdue": "late", "days_left": "left", "last_change": "last change", "watch_until": "watch until"}


def _attention_table(title: str, items: list[dict[str, Any]], count: int, levels: Levels,
                     t: Callable[[str], str]) -> Table:
    extra = [k for k in (items[0] if items else {}) if k not in LIST_BASE]
    table = _table(f"{title}: {count}", "id", "risk", "title", "unit", "level", "owner", "due",
                   *(_EXTRA_HEADERS[k] for k in extra), t=t)
    for item in items:
        table.add_row(_text(item["id"]), _text(item["risk"]), _text(item["title"]), _text(item["unit"]),
                      _level(item["level"], levels), _owner(item), _text(item["due"]), *(_text(item[k]) for k in extra))
    return table


SUMMARY_ROWS = 20  # overdue entries the summary shows; a county has thousands, and a screen holds a few dozen


def report_view(report: dict[str, Any], *, full: bool, lang: str = "en") -> RenderableType:
    """The summary (full=False: counts and the overdue list) or the whole text report, headed in `lang`."""
    t = translator(lang)
    levels = {lv["code"]: lv for lv in report["levels"]}
    head = _text(f"{report['title']} — {t('as of')} {report['as_of']}", "bold")
    if report["campaign"]:
        c = report["campaign"]
        head.append(visible(f"\n{c['name']} {c['start']} – {c['end']}: {campaign_phrase(c, report['as_of'], lang)}"))
    comma = "，" if lang == "zh" else ", "
    counts = [f"{t(k.replace('_', ' '))} {v}" for k, v in report["totals"].items()]
    split = list(report["totals"]).index("overdue")  # statuses on one line, flags on the next: each fits 80 cells
    head.append(f"\n{comma.join(counts[:split])}\n{comma.join(counts[split:])}", style="")
    by_level = _table(t("By level and status"), "level", *STATUS_LABELS, numeric_from=1, t=t)
    for code, counts in report["by_level_status"].items():
        by_level.add_row(_level(code, levels), *(_text(counts[s]) for s in STATUS_LABELS))
    parts: list[RenderableType] = [
        head, by_level,
        _group_table(t("By category"), "category", report["by_category"], t),
        _group_table(t("By department"), "dept", report["by_department"], t),
        _group_table(t("By unit"), "unit", report["by_unit"], t, key="unit"),
    ]
    titles = list_titles(report["windows"], lang)
    for name in (titles if full else ("overdue",)):
        count = report["totals"].get(name, len(report[name]))  # awaiting_consolidation has no total
        items, more = listed(report[name], name, count, lang)
        parts.append(_attention_table(titles[name], items, count, levels, t))
        if more:
            parts.append(Text(more, style="dim"))
    if report["since"]:
        parts.append(Text(t("Since {date}: {added} added, {closed} closed, {reopened} reopened.").format(**report["since"])))
    if full:
        parts.append(Text(chain_line(report["chain"], lang), style="dim"))
    return Group(*parts)


def catalogue_view(data: dict[str, Any]) -> RenderableType:
    head = _text(f"{data['title']['zh']} / {data['title']['en']}", "bold")
    head.append(f"\nwatch after closing: {data['consolidation_days']} days", style="")
    if data["campaign"]:
        c = data["campaign"]
        head.append(visible(f"\ncampaign: {c['zh']} / {c['en']}, {c['start']} – {c['end']}"))
    levels = _table("Levels", "code", "中文", "English", "colour")
    for lv in data["levels"]:
        levels.add_row(_text(lv["code"]), _text(lv["zh"], RICH_COLOURS[lv["colour"]]), _text(lv["en"]), _text(lv["colour"]))
    departments = _table("Departments", "code", "中文", "English", "")
    for d in data["departments"]:
        departments.add_row(_text(d["code"]), _text(d["zh"]), _text(d["en"]), _text("retired" if d["retired"] else ""))
    risks = _table("Risks (lead department first)", "code", "中文", "English", "departments", "watch", "")
    for category in data["categories"]:
        risks.add_row(_text(category["code"], "bold"), _text(category["zh"], "bold"),
                      _text(category["en"], "bold"), "", "", _text("retired" if category["retired"] else ""))
        for r in category["risks"]:
            risks.add_row(_text(r["code"]), _text(r["zh"]), _text(r["en"]), _text("/".join(r["departments"])),
                          _text(r["consolidation_days"]), _text("retired" if r["retired"] else ""))
    parts: list[RenderableType] = [head, levels, departments, risks]
    if data["units"]:
        units = _table("Units", "unit", "")
        for u in data["units"]:
            units.add_row(_text(u["name"]), _text("retired" if u["retired"] else ""))
        parts.append(units)
    return Group(*parts)


def trend_table(trend: dict[str, Any]) -> Table:
    """One row per day; a bar of active entries with the overdue share in red, so the shape shows at a glance."""
    days = trend["days"]
    highest = max((d["open"] for d in days), default=0) or 1
    table = _table(f"Active, overdue and closed, {trend['from']} – {trend['to']}", "day", "active", "overdue", "closed", "",
                   numeric_from=1)
    table.columns[-1].justify = "left"
    for d in days:
        width = round(30 * d["open"] / highest)
        late = min(width, round(30 * d["overdue"] / highest))
        bar = Text("█" * late, style="red") + Text("█" * (width - late), style="blue")
        table.add_row(_text(d["day"]), _text(d["open"]), _text(d["overdue"], "bold red" if d["overdue"] else ""),
                      _text(d["closed"]), bar)
    return table
