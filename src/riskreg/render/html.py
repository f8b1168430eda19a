"""The nightly report as one self-contained HTML file, for a phone or a mail client.

Every style is an inline attribute (mail clients drop <style> blocks and
external sheets), layout is tables and blocks no wider than 720px, there are
no scripts, images or links to fetch, and the charts are inline SVG. Gmail and
Outlook do not draw inline SVG, so the numbers behind each chart are also
printed as text beneath it.
"""

from html import escape
from collections.abc import Callable
from typing import Any

from riskreg import __version__
from riskreg.render import labels
from riskreg.render.labels import campaign_phrase, chain_line, day_phrases, rows_in_reading_order, scope_line
from riskreg.render.svg import bar_chart, line_chart
from riskreg.vocabulary import words

Words = Callable[[str], str]  # a vocabulary key to its word in the report's language, windows filled in

COLOURS = {"red": "#cf222e", "orange": "#e16f24", "yellow": "#bf8700", "blue": "#0969da"}
SERIES_COLOURS = {"open": "#0969da", "overdue": "#cf222e", "closed": "#1a7f37"}
FONT = ("-apple-system,BlinkMacSystemFont,'Segoe UI','PingFang SC','Hiragino Sans GB','Microsoft YaHei',"
        "'Noto Sans CJK SC',sans-serif")

def _e(value: Any) -> str:
    return "—" if value is None else escape(str(value))


def _heading(text: str) -> str:
    return (f'<h2 style="font-size:17px;line-height:1.3;margin:28px 0 10px;padding:0 0 4px;'
            f'border-bottom:2px solid #d0d7de;color:#1f2328;">{escape(text)}</h2>')


def _tiles(report: dict[str, Any], t: Words) -> str:
    totals = report["totals"]
    tiles = [("active", totals["open"] + totals["mitigated"], "#0969da"), ("overdue", totals["overdue"], "#cf222e"),
             ("unaccountable", totals["unaccountable"], "#bf8700"), ("due_soon", totals["due_soon"], "#e16f24"),
             ("stale", totals["stale"], "#57606a"), ("closed", totals["closed"] + totals["consolidated"], "#1a7f37")]
    cells = []
    for key, value, colour in tiles:
        cells.append(f'<td width="33%" style="width:33%;padding:4px;vertical-align:top;">'
                     f'<div style="border:1px solid #d0d7de;border-radius:6px;padding:10px 8px;text-align:center;">'
                     f'<div data-count="{key}" style="font-size:26px;font-weight:bold;line-height:1.1;color:{colour};">{value}</div>'
                     f'<div style="font-size:13px;color:#57606a;margin-top:4px;">{escape(t(f"count.{key}"))}</div></div></td>')
    rows = "".join("<tr>" + "".join(cells[i:i + 3]) + "</tr>" for i in range(0, len(cells), 3))
    return f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:8px 0;">{rows}</table>'


def _level_badge(code: str, levels: dict[str, dict[str, str]]) -> str:
    level = levels.get(code, {"name": code, "colour": ""})
    colour = COLOURS.get(level["colour"], "#57606a")
    return (f'<span style="display:inline-block;padding:1px 6px;border-radius:10px;font-size:12px;'
            f'color:#ffffff;background:{colour};white-space:nowrap;">{escape(level["name"])}</span>')


def _item(item: dict[str, Any], levels: dict[str, dict[str, str]], departments: dict[str, str], t: Words) -> str:
    """One attention item as a block: stacks on a phone instead of a nine-column table."""
    colour = COLOURS.get(levels.get(item["level"], {}).get("colour", ""), "#57606a")
    owner = departments.get(item["department"], item["department"] or "")
    leader = escape(item["leader"]) if item["leader"] else f'<span style="color:#cf222e;">{escape(t("mail.no_leader"))}</span>'
    if item.get("days_overdue") is not None:
        due = f'{_e(item["due"])} <b style="color:#cf222e;">{escape(t("mail.days_late").format(n=item["days_overdue"]))}</b>'
    elif item["due"]:
        due = _e(item["due"])
    else:
        due = f'<span style="color:#cf222e;">{escape(t("mail.no_due"))}</span>'
    return (f'<div data-entry="{item["id"]}" style="border-left:4px solid {colour};padding:6px 10px;margin:0 0 10px;background:#f6f8fa;">'
            f'<div style="font-size:15px;font-weight:bold;color:#1f2328;">#{item["id"]} {_e(item["title"])}</div>'
            f'<div style="font-size:13px;color:#57606a;margin-top:2px;">{_e(item["unit"])} · {_e(item["risk"])} · '
            f'{_level_badge(item["level"], levels)}</div>'
            f'<div style="font-size:13px;color:#1f2328;margin-top:2px;">{escape(t("mail.owner"))}: {escape(owner)} {leader}'
            f' · {escape(t("mail.due"))}: {due}</div></div>')


def _items(report: dict[str, Any], list_name: str, levels: dict[str, dict[str, str]], departments: dict[str, str],
           t: Words) -> str:
    """The entries of a list the report holds, and how many more it left out."""
    items = report[list_name]
    if not items:
        return f'<p style="color:#57606a;margin:4px 0;">{escape(t("mail.none"))}</p>'
    blocks = "".join(_item(item, levels, departments, t) for item in items)
    if more := report.get("more", {}).get(list_name, 0):
        blocks += f'<p style="color:#57606a;">{escape(t("mail.more").format(n=f"{more:,}"))}</p>'
    return blocks


_TH = "padding:6px 4px;border-bottom:2px solid #d0d7de;font-size:13px;color:#57606a;"
_TD = "padding:6px 4px;border-bottom:1px solid #eaeef2;font-size:14px;"


def _group_table(rows: list[dict[str, Any]], t: Words) -> str:
    head = "".join(f'<th align="{"left" if i == 0 else "right"}" style="{_TH}text-align:{"left" if i == 0 else "right"};">{escape(h)}</th>'
                   for i, h in enumerate((t("mail.column.name"), t("count.active"), t("count.overdue"),
                                          t("mail.column.unaccountable"), t("count.closed"))))
    body = []
    for row in rows:
        if not any(row[key] for key in ("open", "overdue", "unaccountable", "closed")):
            continue  # a phone screen is short: groups with nothing on the ledger are left out
        name = row["name"] + (t("phrase.retired") if row["retired"] else "")
        numbers = "".join(
            f'<td align="right" style="{_TD}text-align:right;{"color:#cf222e;font-weight:bold;" if key == "overdue" and row[key] else ""}">{row[key]}</td>'
            for key in ("open", "overdue", "unaccountable", "closed"))
        body.append(f'<tr><td style="{_TD}">{escape(name)}</td>{numbers}</tr>')
    return (f'<table width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%;">'
            f'<tr>{head}</tr>{"".join(body)}</table>')


def _trend(trend: dict[str, Any], t: Words) -> str:
    days = trend["days"]
    labels = [d["day"][5:] for d in days]
    series = [(t("count.active" if key == "open" else f"count.{key}"), SERIES_COLOURS[key], [d[key] for d in days])
              for key in ("open", "overdue", "closed")]
    chart = line_chart(labels, series, title=f'{t("mail.heading.trend")} {trend["from"]} – {trend["to"]}')
    # The numbers for clients that drop SVG: the first day, every week back from today, and today.
    shown = sorted({0, *range(len(days) - 1, -1, -7)})
    cells = "".join(f'<tr><td style="{_TD}">{d["day"]}</td>'
                    + "".join(f'<td align="right" style="{_TD}text-align:right;">{d[k]}</td>' for k in ("open", "overdue", "closed"))
                    + "</tr>" for d in (days[i] for i in shown))
    head = "".join(f'<th align="{"left" if i == 0 else "right"}" style="{_TH}text-align:{"left" if i == 0 else "right"};">{escape(h)}</th>'
                   for i, h in enumerate((t("mail.column.day"), t("count.active"), t("count.overdue"), t("count.closed"))))
    return (f'<div style="margin:8px 0;">{chart}</div>'
            f'<table width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;width:100%;margin-top:6px;">'
            f'<tr>{head}</tr>{cells}</table>')


def report_html(report: dict[str, Any], trend: dict[str, Any] | None, *, lang: str = "zh") -> str:
    days = day_phrases(report["windows"], "en" if lang == "en" else "zh")
    word = words(lang)

    def t(key: str) -> str:
        return word(key).format(**days) if key in ("count.due_soon", "count.stale") else word(key)

    levels = {lv["code"]: lv for lv in report["levels"]}
    departments = {row["code"]: row["name"] for row in report["by_department"]}
    title = report["title"] or "riskreg"
    scope = scope_line(report, lang)
    sub = f'{escape(t("phrase.as_of"))} {report["as_of"]}'
    if report["campaign"]:
        c = report["campaign"]
        sub += f' · {escape(c["name"])} {c["start"]} – {c["end"]} · {escape(campaign_phrase(c, report["as_of"], lang))}'
    bars = [(lv["name"], COLOURS.get(lv["colour"], "#57606a"), report["by_level"][code]) for code, lv in levels.items()]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{escape(title)}{' · ' + escape(scope) if scope else ''} {report['as_of']}</title></head>",
        f'<body style="margin:0;padding:0;background:#ffffff;color:#1f2328;font-family:{FONT};">',
        f'<div style="max-width:720px;margin:0 auto;padding:12px 14px 24px;font-family:{FONT};line-height:1.45;">',
        f'<h1 style="font-size:21px;line-height:1.3;margin:4px 0 2px;color:#1f2328;">{escape(title)}</h1>',
        *([f'<h2 style="font-size:17px;line-height:1.3;margin:2px 0 2px;color:#1f2328;">{escape(scope)}</h2>']
          if scope else []),
        f'<p style="font-size:14px;color:#57606a;margin:0 0 8px;">{sub}</p>',
        _tiles(report, t),
    ]
    if report["since"]:
        parts.append(f'<p style="font-size:14px;margin:4px 0;">{escape(t("phrase.since").format(**report["since"]))}</p>')
    if trend is not None:
        parts += [_heading(t("mail.heading.trend")), _trend(trend, t)]
    parts += [
        _heading(f'{t("heading.overdue")} ({labels.list_count(report, "overdue")})'),
        _items(report, "overdue", levels, departments, t),
        _heading(f'{t("mail.heading.unaccountable")} ({labels.list_count(report, "unaccountable")})'),
        _items(report, "unaccountable", levels, departments, t),
        _heading(t("mail.heading.by_level")), bar_chart(bars, title=t("mail.heading.by_level")),
        _heading(t("heading.by_department")), _group_table(rows_in_reading_order(report, "department", lang), t),
        _heading(t("heading.by_category")), _group_table(report["by_category"], t),
        f'<p style="font-size:12px;color:#8c959f;margin-top:28px;">{escape(t("mail.footer").format(version=__version__))}</p>',
        f'<p style="font-size:12px;color:#8c959f;word-break:break-all;">{escape(chain_line(report["chain"], lang))}</p>',
        "</div></body></html>",
    ]
    return "\n".join(parts) + "\n"
