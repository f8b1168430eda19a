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
from riskreg.render.packed import STACKED, Fitted, Packed
from riskreg.render.labels import (LIST_BASE, RICH_COLOURS, STATUS_LABELS, campaign_phrase, chain_line, list_count,
                                   list_titles, listed, rows_in_reading_order, scope_line, total_key)
from riskreg.vocabulary import code_word, words

Levels = dict[str, dict[str, str]]  # code -> {"name", "colour"}
Names = dict[str, dict[str, str]]  # "department" or "category" -> code -> name; empty to show codes


def cell(value: Any, style: str = "") -> Text:
    if value is None:
        return Text("—", style="dim")
    if isinstance(value, bool):
        return Text("yes" if value else "no", style=style)
    return Text(visible(str(value)), style=style)


def level_cell(code: str, levels: Levels, short: bool = False) -> Text:
    """The level's name in its colour; `short` drops 风险 (重大风险 → 重大), for a table short of room."""
    level = levels.get(code, {"name": code, "colour": ""})
    name = level["name"].removesuffix("风险") if short else level["name"]
    return cell(name, RICH_COLOURS.get(level["colour"], ""))


# Columns of prose that may wrap; codes, dates and counts never do, so narrow
# terminals squeeze the prose instead of cutting a deadline or a level in half.
_WRAPPING = {"field.title": 8, "column.name": 8, "column.owner": 6, "column.event": 20, "field.unit": 4,
             "catalogue.unit": 4, "catalogue.zh": 10, "catalogue.en": 10, "catalogue.departments_column": 8}


def table_of(title: str, *columns: str, numeric_from: int | None = None,
           t: Callable[[str], str]) -> Table:
    """A table whose columns are vocabulary keys headed by t; the column decides wrapping."""
    table = Table(title=cell(title, "table.title"), title_justify="left", box=box.SIMPLE_HEAD, show_edge=False)
    for i, column in enumerate(columns):
        heading = t(column)
        # a prose column may wrap its cells, never its heading (a Chinese heading could break anywhere)
        min_width = max(_WRAPPING[column], cell_len(heading)) if column in _WRAPPING else None
        table.add_column(heading, justify="right" if numeric_from is not None and i >= numeric_from else "left",
                         no_wrap=column not in _WRAPPING, min_width=min_width,
                         overflow="fold" if column in _WRAPPING else "ellipsis")
    return table


def _whole(table: Table, index: int, names: Iterable[Any]) -> None:
    """Widen a names column to its widest name (up to a stacked department's width): a village folded in two
    ("工业园社/区") reads as two; the titles beside it give way instead."""
    widest = max((cell_len(visible(str(name))) for name in names if name), default=0)
    if widest <= STACKED:
        table.columns[index].no_wrap = True  # a wrapping column is where Rich takes its rounding from
    else:
        table.columns[index].min_width = STACKED


def flags_cell(row: dict[str, Any], t: Callable[[str], str], separator: str = " ") -> Text:
    flags = []
    for name, style in (("overdue", RICH_COLOURS["red"]), ("due_soon", RICH_COLOURS["orange"]), ("accountable", ""),
                        ("escalated", "magenta"), ("stale", "dim")):
        if name == "accountable":
            if not row["accountable"] and row["status"] in ("open", "mitigated"):
                flags.append(Text(t("flag.unaccountable"), style=RICH_COLOURS["yellow"]))
        elif row.get(name):
            flags.append(Text(t(f"flag.{name}"), style=style))
    return Text(separator).join(flags)


def _owner(row: dict[str, Any], departments: dict[str, str]) -> Packed:
    """The department and the lead official, on one line or two, neither name ever split."""
    department = departments.get(row["department"], row["department"])
    return Packed([cell(department or "—"), *([cell(row["leader"])] if row["leader"] else [])])


def _due(row: dict[str, Any], t: Callable[[str], str]) -> Packed:
    """The deadline and its flags: on one line when the column is wide enough, else stacked, none cut."""
    due = cell(row["due"], "bold red" if row.get("overdue") else "")
    flags = flags_cell(row, t, "\n").split("\n") if "accountable" in row else []
    return Packed([due, *flags])


def entries_table(rows: Iterable[dict[str, Any]], levels: Levels, lang: str = "en", names: Names | None = None,
                  title: str = "") -> Fitted:
    """Eight columns that fit 80 cells: owner is department + lead official, flags beside the deadline or, in a
    narrow terminal, under it; where even that does not fit (English words are longer), the risk code gives way.
    Headings, statuses and flags follow `lang` (in Chinese, the words of the reports and the spreadsheet);
    departments are named by `names` (none: by code)."""
    t = words(lang)
    departments = (names or {}).get("department", {})
    rows = list(rows)
    return Fitted([_entries_layout(rows, levels, lang, t, departments, title, risk) for risk in (True, False)])


def _entries_layout(rows: list[dict[str, Any]], levels: Levels, lang: str, t: Callable[[str], str],
                    departments: dict[str, str], title: str, risk: bool) -> Table:
    table = table_of(title, "field.id", *(["field.risk"] if risk else []), "field.unit", "field.title", "field.level",
                   "field.status", "column.owner", "column.due_flags", t=t)
    table.columns[0].justify = "right"
    table.pad_edge = False  # the cells the edges would pad are what an 80-column terminal lacks
    table.collapse_padding = True
    _whole(table, 2 if risk else 1, (row["unit"] for row in rows))
    for row in rows:
        table.add_row(cell(row["id"]), *([cell(row["risk"])] if risk else []), cell(row["unit"]),
                      cell(row["title"]), level_cell(row["level"], levels),
                      cell(code_word("status", row["status"], lang)), _owner(row, departments), _due(row, t))
    return table


def group_table(title: str, first: str, rows: Iterable[dict[str, Any]], t: Callable[[str], str],
                 key: str = "code") -> Table:
    with_name = key == "code"
    # "active" heads the key `open`, which counts open and mitigated entries
    table = table_of(title, first, *(["column.name"] if with_name else []), "column.active", "flag.overdue",
                   "flag.unaccountable", "status.closed", numeric_from=2 if with_name else 1, t=t)
    for row in rows:
        name = [cell(row["name"] + (t("phrase.retired") if row["retired"] else ""))] if with_name else []
        table.add_row(cell(row[key]), *name, cell(row["open"]),
                      cell(row["overdue"], "bold red" if row["overdue"] else ""),
                      cell(row["unaccountable"], RICH_COLOURS["yellow"] if row["unaccountable"] else ""),
                      cell(row["closed"]))
    return table


_EXTRA_HEADERS = {"days_overdue": "column.late", "days_left": "column.left", "last_change": "field.updated_on",
                  "watch_until": "field.watch_until"}


def _attention_table(title: str, items: list[dict[str, Any]], count: int, levels: Levels,
                     t: Callable[[str], str], departments: dict[str, str]) -> Fitted:
    """A list of entries needing attention; where the width is short, the risk code goes first, then the level
    is shortened, then the deadline goes when a day count stands for it, before any name is split."""
    extra = [k for k in (items[0] if items else {}) if k not in LIST_BASE]
    layouts = [{}, {"risk": False}, {"risk": False, "short": True}]
    if extra:
        layouts.append({"risk": False, "short": True, "due": False})
    return Fitted([_attention_layout(f"{title}{t('punct.colon')}{count}", items, extra, levels, t, departments, **layout)
                   for layout in layouts])


def _attention_layout(title: str, items: list[dict[str, Any]], extra: list[str], levels: Levels,
                      t: Callable[[str], str], departments: dict[str, str], *, risk: bool = True, short: bool = False,
                      due: bool = True) -> Table:
    columns = ("field.id", *(["field.risk"] if risk else []), "field.title", "field.unit", "field.level",
               "column.owner", *(["column.due"] if due else []), *(_EXTRA_HEADERS[k] for k in extra))
    table = table_of(title, *columns, t=t)
    _whole(table, columns.index("field.unit"), (item["unit"] for item in items))
    for item in items:
        table.add_row(cell(item["id"]), *([cell(item["risk"])] if risk else []), cell(item["title"]),
                      cell(item["unit"]), level_cell(item["level"], levels, short), _owner(item, departments),
                      *([cell(item["due"])] if due else []), *(cell(item[k]) for k in extra))
    return table


SUMMARY_ROWS = 20  # overdue entries the summary shows; a county has thousands, and a screen holds a few dozen


def report_view(report: dict[str, Any], *, full: bool, lang: str = "en", codes: bool = False) -> RenderableType:
    """The summary (full=False: counts and the overdue list) or the whole text report, headed in `lang`; the
    lists name each owner's department (by code with `codes`)."""
    t = words(lang)
    departments = {} if codes else {row["code"]: row["name"] for row in report["by_department"]}
    levels = {lv["code"]: lv for lv in report["levels"]}
    head = cell(f"{report['title']} — {t('phrase.as_of')} {report['as_of']}", "bold")
    if scope := scope_line(report, lang):
        head.append(visible(f"\n{scope}"), "bold")
    if report["campaign"]:
        c = report["campaign"]
        head.append(visible(f"\n{c['name']} {c['start']} – {c['end']}: {campaign_phrase(c, report['as_of'], lang)}"))
    comma = "，" if lang == "zh" else ", "
    counts = [f"{t(total_key(k))} {v}" for k, v in report["totals"].items()]
    split = list(report["totals"]).index("overdue")  # statuses on one line, flags on the next: each fits 80 cells
    head.append(f"\n{comma.join(counts[:split])}\n{comma.join(counts[split:])}", style="")
    by_level = table_of(t("heading.by_level_status"), "field.level", *(f"status.{s}" for s in STATUS_LABELS),
                      numeric_from=1, t=t)
    for code, counts in report["by_level_status"].items():
        by_level.add_row(level_cell(code, levels), *(cell(counts[s]) for s in STATUS_LABELS))
    parts: list[RenderableType] = [
        head, by_level,
        group_table(t("heading.by_category"), "field.category", report["by_category"], t),
        group_table(t("heading.by_department"), "column.dept", rows_in_reading_order(report, "department", lang), t),
        group_table(t("heading.by_unit"), "field.unit", rows_in_reading_order(report, "unit", lang), t, key="unit"),
    ]
    titles = list_titles(report["windows"], lang)
    for name in (titles if full else ("overdue",)):
        count = list_count(report, name)
        items, more = listed(report, name, lang)
        parts.append(_attention_table(titles[name], items, count, levels, t, departments))
        if more:
            parts.append(Text(more, style="dim"))
    if report["since"]:
        parts.append(Text(t("phrase.since").format(**report["since"])))
    if full:
        parts.append(Text(chain_line(report["chain"], lang), style="dim"))
    return Group(*parts)


def catalogue_view(data: dict[str, Any], lang: str = "en") -> RenderableType:
    t = words(lang)
    retired = t("catalogue.retired")
    head = cell(f"{data['title']['zh']} / {data['title']['en']}", "bold")
    head.append("\n" + t("catalogue.watch").format(days=data["consolidation_days"]), style="")
    if data["campaign"]:
        head.append(visible("\n" + t("catalogue.campaign").format(**data["campaign"])))
    levels = table_of(t("catalogue.levels"), "catalogue.code", "catalogue.zh", "catalogue.en", "catalogue.colour", t=t)
    for lv in data["levels"]:
        levels.add_row(cell(lv["code"]), cell(lv["zh"], RICH_COLOURS[lv["colour"]]), cell(lv["en"]), cell(lv["colour"]))
    departments = table_of(t("catalogue.departments"), "catalogue.code", "catalogue.zh", "catalogue.en", "", t=_or_blank(t))
    for d in data["departments"]:
        departments.add_row(cell(d["code"]), cell(d["zh"]), cell(d["en"]), cell(retired if d["retired"] else ""))
    risks = table_of(t("catalogue.risks"), "catalogue.code", "catalogue.zh", "catalogue.en", "catalogue.departments_column",
                   "catalogue.watch_days", "", t=_or_blank(t))
    for category in data["categories"]:
        risks.add_row(cell(category["code"], "bold"), cell(category["zh"], "bold"),
                      cell(category["en"], "bold"), "", "", cell(retired if category["retired"] else ""))
        for r in category["risks"]:
            risks.add_row(cell(r["code"]), cell(r["zh"]), cell(r["en"]), cell("/".join(r["departments"])),
                          cell(r["consolidation_days"]), cell(retired if r["retired"] else ""))
    parts: list[RenderableType] = [head, levels, departments, risks]
    if data["units"]:
        units = table_of(t("catalogue.units"), "catalogue.unit", "", t=_or_blank(t))
        for u in data["units"]:
            units.add_row(cell(u["name"]), cell(retired if u["retired"] else ""))
        parts.append(units)
    return Group(*parts)


def _or_blank(t: Callable[[str], str]) -> Callable[[str], str]:
    """t for headed columns; a column without a heading (the retired mark) stays without one."""
    return lambda key: key and t(key)


def trend_table(trend: dict[str, Any], lang: str = "en") -> Table:
    """One row per day; a bar of active entries with the overdue share in red, so the shape shows at a glance."""
    t = words(lang)
    days = trend["days"]
    highest = max((d["open"] for d in days), default=0) or 1
    table = table_of(t("heading.trend").format(start=trend["from"], end=trend["to"]), "column.day", "column.active",
                     "flag.overdue", "status.closed", "", numeric_from=1, t=lambda key: key and t(key))
    table.columns[-1].justify = "left"
    for d in days:
        width = round(30 * d["open"] / highest)
        late = min(width, round(30 * d["overdue"] / highest))
        bar = Text("█" * late, style=RICH_COLOURS["red"]) + Text("█" * (width - late), style=RICH_COLOURS["blue"])
        table.add_row(cell(d["day"]), cell(d["open"]), cell(d["overdue"], "bold red" if d["overdue"] else ""),
                      cell(d["closed"]), bar)
    return table


def problems_table(headings: list[str], rows: Iterable[list[Any]]) -> Table:
    """A refused import's problems, one a line: row, column, value, reason. The reason wraps; the value folds."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    table.add_column(headings[0], justify="right", no_wrap=True)
    table.add_column(headings[1], no_wrap=True, overflow="fold", max_width=24)
    table.add_column(headings[2], overflow="fold", max_width=40)
    table.add_column(headings[3], min_width=max(20, cell_len(headings[3])), overflow="fold")
    for row in rows:
        table.add_row(*(cell(value) for value in row))
    return table
