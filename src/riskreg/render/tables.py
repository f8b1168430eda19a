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
from riskreg.fields import FIELDS
from riskreg.render.labels import (LIST_BASE, RICH_COLOURS, STATUS_LABELS, campaign_phrase, chain_line, list_count,
                                   list_titles, listed, scope_line, total_key)
from riskreg.vocabulary import code_word, words

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
_WRAPPING = {"field.title": 8, "column.name": 8, "column.owner": 6, "column.details": 20, "field.unit": 4,
             # the English-only catalogue view's columns, named by their headings
             "unit": 4, "中文": 10, "English": 10, "departments": 8}


def _literal(heading: str) -> str:
    return heading


def _table(title: str, *columns: str, numeric_from: int | None = None,
           t: Callable[[str], str] = _literal) -> Table:
    """A table whose columns are vocabulary keys headed by t (or, in the English-only catalogue and trend
    views, the headings themselves); the column decides wrapping."""
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
    for name, style in (("overdue", "bold red"), ("due_soon", "dark_orange"), ("accountable", ""),
                        ("escalated", "magenta"), ("stale", "dim")):
        if name == "accountable":
            if not row["accountable"] and row["status"] in ("open", "mitigated"):
                flags.append(Text(t("flag.unaccountable"), style="yellow"))
        elif row.get(name):
            flags.append(Text(t(f"flag.{name}"), style=style))
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
    t = words(lang)
    table = _table("", "field.id", "field.risk", "field.unit", "field.title", "field.level", "field.status",
                   "column.owner", "column.due_flags", t=t)
    table.columns[0].justify = "right"
    table.pad_edge = False  # the cells the edges would pad are what an 80-column terminal lacks
    table.collapse_padding = True
    for row in rows:
        table.add_row(_text(row["id"]), _text(row["risk"]), _text(row["unit"]), _text(row["title"]),
                      _level(row["level"], levels), _text(code_word("status", row["status"], lang)), _owner(row), _due(row, t))
    return table


# The fields `show` lists: these first (the spreadsheet's order, with the deadline's history beside the
# deadline), then any other field but the id and the flags, in the field table's order.
_SHOWN_FIRST = ("risk", "category", "unit", "title", "detail", "level", "status", "department", "leader", "task_force",
                "plan", "due", "original_due", "extensions", "contingency", "measures", "escalated_to",
                "escalation_reason", "verified_by", "resolution", "closed_on", "watch_until", "reopen_count",
                "created_on", "updated_on")
_SHOWN = (*_SHOWN_FIRST, *(name for name, field in FIELDS.items()
                           if field.kind not in ("id", "flag") and name not in _SHOWN_FIRST))


def entry_view(entry: dict[str, Any], levels: Levels, lang: str = "en") -> RenderableType:
    t = words(lang)
    fields = Table(title=_text(t("heading.entry").format(id=entry["id"]), "table.title"), title_justify="left",
                   box=box.SIMPLE, show_header=False)
    fields.add_column(style="bold")
    fields.add_column()
    for key in _SHOWN:
        value = entry[key]
        if value is None or (FIELDS[key].kind == "count" and not value):
            continue
        shown = (_level_path(entry["history"], value, levels) if key == "level"
                 else _text(code_word("status", value, lang) if key == "status" else value))
        fields.add_row(t(FIELDS[key].label), shown)
    fields.add_row(t("field.flags"), _flags(entry, t))
    history = _table(t("heading.history"), "column.on", "column.at", "column.actor", "column.action", "column.details",
                     t=t)
    for event in entry["history"]:
        details = [f"{k}: {_short(v['old'])} → {_short(v['new'])}" for k, v in event["changes"].items()]
        if event["text"]:
            details.insert(0, event["text"])
        history.add_row(_text(event["on"]), _text(event["at"][:19].replace("T", " ")), _text(event["actor"]),
                        _text(code_word("action", event["action"], lang)), _text("\n".join(details)))
    return Group(fields, history)


_PATH_ON_ONE_LINE = 56  # cells: what an 80-column terminal leaves beside the field names


def _level_path(history: list[dict[str, Any]], level: str, levels: Levels) -> Text:
    """The level and, when it ever changed, how it got there: 一般风险 → 较大风险 (2026-07-02) → 重大风险 (2026-07-09),
    each step an event that changed it (a regrade, its undo, an import)."""
    steps = [(event["changes"]["level"]["new"], event["on"]) for event in history
             if "level" in event["changes"] and event["changes"]["level"]["new"] is not None]
    if len(steps) < 2 or steps[-1][0] != level:  # a history that disagrees is `check`'s to report, not show's
        return _level(level, levels)
    path = _level(steps[0][0], levels)
    for code, on in steps[1:]:
        path.append(" → ")
        path.append_text(_level(code, levels))
        path.append(f" ({on})")
    if cell_len(path.plain) > _PATH_ON_ONE_LINE:  # a step a line, so that an 80-column terminal cuts none
        path = Text("\n→ ").join(path.split(" → "))
    return path


def _short(value: Any, limit: int = 60) -> str:
    text = "—" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _group_table(title: str, first: str, rows: Iterable[dict[str, Any]], t: Callable[[str], str],
                 key: str = "code") -> Table:
    with_name = key == "code"
    # "active" heads the key `open`, which counts open and mitigated entries
    table = _table(title, first, *(["column.name"] if with_name else []), "column.active", "flag.overdue",
                   "flag.unaccountable", "status.closed", numeric_from=2 if with_name else 1, t=t)
    for row in rows:
        name = [_text(row["name"] + (t("phrase.retired") if row["retired"] else ""))] if with_name else []
        table.add_row(_text(row[key]), *name, _text(row["open"]),
                      _text(row["overdue"], "bold red" if row["overdue"] else ""),
                      _text(row["unaccountable"], "yellow" if row["unaccountable"] else ""), _text(row["closed"]))
    return table


_EXTRA_HEADERS = {"days_overdue": "column.late", "days_left": "column.left", "last_change": "field.updated_on",
                  "watch_until": "field.watch_until"}


def _attention_table(title: str, items: list[dict[str, Any]], count: int, levels: Levels,
                     t: Callable[[str], str]) -> Table:
    extra = [k for k in (items[0] if items else {}) if k not in LIST_BASE]
    table = _table(f"{title}: {count}", "field.id", "field.risk", "field.title", "field.unit", "field.level",
                   "column.owner", "column.due", *(_EXTRA_HEADERS[k] for k in extra), t=t)
    for item in items:
        table.add_row(_text(item["id"]), _text(item["risk"]), _text(item["title"]), _text(item["unit"]),
                      _level(item["level"], levels), _owner(item), _text(item["due"]), *(_text(item[k]) for k in extra))
    return table


SUMMARY_ROWS = 20  # overdue entries the summary shows; a county has thousands, and a screen holds a few dozen


def report_view(report: dict[str, Any], *, full: bool, lang: str = "en") -> RenderableType:
    """The summary (full=False: counts and the overdue list) or the whole text report, headed in `lang`."""
    t = words(lang)
    levels = {lv["code"]: lv for lv in report["levels"]}
    head = _text(f"{report['title']} — {t('phrase.as_of')} {report['as_of']}", "bold")
    if scope := scope_line(report, lang):
        head.append(visible(f"\n{scope}"), "bold")
    if report["campaign"]:
        c = report["campaign"]
        head.append(visible(f"\n{c['name']} {c['start']} – {c['end']}: {campaign_phrase(c, report['as_of'], lang)}"))
    comma = "，" if lang == "zh" else ", "
    counts = [f"{t(total_key(k))} {v}" for k, v in report["totals"].items()]
    split = list(report["totals"]).index("overdue")  # statuses on one line, flags on the next: each fits 80 cells
    head.append(f"\n{comma.join(counts[:split])}\n{comma.join(counts[split:])}", style="")
    by_level = _table(t("heading.by_level_status"), "field.level", *(f"status.{s}" for s in STATUS_LABELS),
                      numeric_from=1, t=t)
    for code, counts in report["by_level_status"].items():
        by_level.add_row(_level(code, levels), *(_text(counts[s]) for s in STATUS_LABELS))
    parts: list[RenderableType] = [
        head, by_level,
        _group_table(t("heading.by_category"), "field.category", report["by_category"], t),
        _group_table(t("heading.by_department"), "column.dept", report["by_department"], t),
        _group_table(t("heading.by_unit"), "field.unit", report["by_unit"], t, key="unit"),
    ]
    titles = list_titles(report["windows"], lang)
    for name in (titles if full else ("overdue",)):
        count = list_count(report, name)
        items, more = listed(report, name, lang)
        parts.append(_attention_table(titles[name], items, count, levels, t))
        if more:
            parts.append(Text(more, style="dim"))
    if report["since"]:
        parts.append(Text(t("phrase.since").format(**report["since"])))
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


def problems_table(headings: list[str], rows: Iterable[list[Any]]) -> Table:
    """A refused import's problems, one a line: row, column, value, reason. The reason wraps; the value folds."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column(headings[0], justify="right", no_wrap=True)
    table.add_column(headings[1], no_wrap=True, overflow="fold", max_width=24)
    table.add_column(headings[2], overflow="fold", max_width=40)
    table.add_column(headings[3], min_width=max(20, cell_len(headings[3])), overflow="fold")
    for row in rows:
        table.add_row(*(_text(value) for value in row))
    return table
