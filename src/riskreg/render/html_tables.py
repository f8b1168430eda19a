"""The HTML report's tables: counts by department, category and village, and the trend's numbers.

Plain tables with inline styles, as the rest of the report (render/html.py): mail clients drop <style> blocks.
"""

from collections.abc import Callable
from html import escape
from typing import Any

from riskreg.render.svg import line_chart

Words = Callable[[str], str]  # a vocabulary key to its word in the report's language, windows filled in

SERIES_COLOURS = {"open": "#0969da", "overdue": "#cf222e", "closed": "#1a7f37"}
GROUP_COUNTS = ("open", "overdue", "unaccountable", "closed")
_TH = "padding:6px 4px;border-bottom:2px solid #d0d7de;font-size:13px;color:#57606a;"
_TD = "padding:6px 4px;border-bottom:1px solid #eaeef2;font-size:14px;"


def _head(titles: tuple[str, ...]) -> str:
    """A header row: the first column left, the numbers right."""
    return "".join(f'<th align="{"left" if i == 0 else "right"}" style="{_TH}text-align:{"left" if i == 0 else "right"};">'
                   f'{escape(title)}</th>' for i, title in enumerate(titles))


def group_table(rows: list[dict[str, Any]], t: Words, *, name: Callable[[dict[str, Any]], str]) -> str:
    """Rows of the report's by_department, by_category or by_unit: active, overdue, missing one of the four
    ones, closed; `name` gives a row's first cell."""
    head = _head((t("mail.column.name"), t("count.active"), t("count.overdue"), t("mail.column.unaccountable"),
                  t("count.closed")))
    body = []
    for row in rows:
        if not any(row[key] for key in GROUP_COUNTS):
            continue  # a phone screen is short: groups with nothing on the ledger are left out
        numbers = "".join(
            f'<td align="right" style="{_TD}text-align:right;{"color:#cf222e;font-weight:bold;" if key == "overdue" and row[key] else ""}">{row[key]}</td>'
            for key in GROUP_COUNTS)
        body.append(f'<tr data-row="{escape(name(row))}"><td style="{_TD}">{escape(name(row))}</td>{numbers}</tr>')
    return (f'<table width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%;">'
            f'<tr>{head}</tr>{"".join(body)}</table>')


def trend_section(trend: dict[str, Any], t: Words) -> str:
    """The chart of active, overdue and closed per day, and its numbers for clients that drop SVG."""
    days = trend["days"]
    labels = [d["day"][5:] for d in days]
    series = [(t("count.active" if key == "open" else f"count.{key}"), SERIES_COLOURS[key], [d[key] for d in days])
              for key in ("open", "overdue", "closed")]
    chart = line_chart(labels, series, title=f'{t("mail.heading.trend")} {trend["from"]} – {trend["to"]}')
    # The first day, every week back from today, and today.
    shown = sorted({0, *range(len(days) - 1, -1, -7)})
    cells = "".join(f'<tr><td style="{_TD}">{d["day"]}</td>'
                    + "".join(f'<td align="right" style="{_TD}text-align:right;">{d[k]}</td>' for k in ("open", "overdue", "closed"))
                    + "</tr>" for d in (days[i] for i in shown))
    head = _head((t("mail.column.day"), t("count.active"), t("count.overdue"), t("count.closed")))
    return (f'<div style="margin:8px 0;">{chart}</div>'
            f'<table width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%;margin-top:6px;">'
            f'<tr>{head}</tr>{cells}</table>')
