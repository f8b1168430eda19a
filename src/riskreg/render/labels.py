"""Display names shared by every renderer, and the Chinese of the terminal's and Markdown's headings."""

from collections.abc import Callable
from typing import Any

STATUS_LABELS = ("open", "mitigated", "closed", "consolidated")

_LIST_TITLES = {
    "overdue": "Overdue",
    "due_soon": "Due within {due_soon_days}",
    "unaccountable": "Not accountable (missing one of the four ones)",
    "stale": "Stale (no change for {stale_days})",
    "awaiting_consolidation": "Watch over, awaiting consolidation",
}

# The English text is the key (as with gettext); the words match the HTML report and the spreadsheet headers.
_ZH = {
    "as of": "截至", "{days} days to start": "距开始还有 {days} 天", "{days} day to start": "距开始还有 {days} 天",
    "day {n}": "第 {n} 天", "over": "已结束", "report": "风险责任清单报告",
    "By level and status": "按风险等级和状态", "By level": "按风险等级", "By category": "按类别",
    "By department": "按责任部门", "By unit": "按村（社区）",
    "level": "等级", "open": "待化解", "mitigated": "管控中", "closed": "已销号", "consolidated": "已巩固",
    "code": "编码", "category": "类别", "name": "名称", "dept": "部门", "unit": "村(社区)", "active": "在办",
    "overdue": "逾期", "unaccountable": "四个一不全", "due soon": "即将到期", "stale": "无进展", "all": "全部",
    "id": "编号", "risk": "编码", "title": "标题", "status": "状态", "department": "责任部门",
    "leader": "牵头领导", "owner": "责任", "due": "完成时限", "late": "逾期天数", "left": "剩余天数",
    "last change": "最近变动", "watch until": "观察期至", "days_overdue": "逾期天数", "days_left": "剩余天数",
    "last_change": "最近变动", "watch_until": "观察期至", "due_soon": "即将到期",
    "Overdue": "逾期事项", "Due within {due_soon_days}": "{due_soon_days}内到期",
    "Not accountable (missing one of the four ones)": "四个一不全的事项",
    "Stale (no change for {stale_days})": "{stale_days}无进展", "Watch over, awaiting consolidation": "观察期满，待巩固",
    "Since {date}: {added} added, {closed} closed, {reopened} reopened.":
        "自 {date} 起：新增 {added}，销号 {closed}，重新打开 {reopened}。",
    "… and {n} more: {command}": "…… 另有 {n} 项：{command}", " (retired)": "（已停用）",
    "History chain: {events} events, the last one's hash {head}.": "历史记录 {events} 条，末条哈希 {head}。",
    "History chain: {events} event, its hash {head}.": "历史记录 {events} 条，末条哈希 {head}。",
    # `list` and `show`, in the spreadsheet's words
    "due / flags": "时限/标记", "flags": "标记", "escalated": "已提级", "Entry {id}": "事项 {id}", "History": "历史记录",
    "detail": "详情", "lead official": "牵头领导", "task force": "工作专班", "plan": "工作方案", "deadline": "完成时限",
    "first deadline": "原定时限", "extensions": "延期次数", "emergency plan": "应急预案", "interim measures": "管控措施",
    "escalated to": "提级至", "escalation reason": "提级原因", "verified by": "核验人", "resolution": "化解情况",
    "closed on": "销号日期", "reopened": "重新打开次数", "added on": "登记日期", "on": "日期",
    "at (UTC)": "记录时间 (UTC)", "actor": "操作人", "action": "操作", "details": "详情",
}

# Rows per list in the text, Markdown and HTML reports: a county has tens of thousands needing attention, and
# a mail or a screen of them helps nobody. Counts stay exact; JSON and CSV list everything.
LISTED_ROWS = 200
_FULL_LIST = {"overdue": "riskreg list --overdue", "due_soon": "riskreg list --due-soon",
              "unaccountable": "riskreg list --unaccountable"}


def listed(items: list, list_name: str, count: int, lang: str) -> tuple[list, str | None]:
    """The first LISTED_ROWS of a list of `count` items, and the line naming the command that lists the rest
    (None when nothing is left out)."""
    kept = items[:LISTED_ROWS]
    if count <= len(kept):
        return kept, None
    command = _FULL_LIST.get(list_name, "riskreg report --format json")
    return kept, translator(lang)("… and {n} more: {command}").format(n=f"{count - len(kept):,}", command=command)


def translator(lang: str) -> Callable[[str], str]:
    """Headings in the display language: Chinese for zh, the English key itself otherwise."""
    return (lambda text: _ZH.get(text, text)) if lang == "zh" else (lambda text: text)


def chain_line(chain: dict[str, Any], lang: str) -> str:
    """The report's footer: the history it saw, which `riskreg check --against` proves is still held."""
    sentence = ("History chain: {events} event, its hash {head}." if chain["events"] == 1
                else "History chain: {events} events, the last one's hash {head}.")
    return translator(lang)(sentence).format(events=f"{chain['events']:,}", head=chain["head"])


def campaign_phrase(campaign: dict[str, Any], as_of: str, lang: str) -> str:
    """Where the campaign stands on the report's day: days to its start, which day of it, or over."""
    t = translator(lang)
    days = campaign["days_to_start"]
    if days > 0:
        return t("{days} day to start" if days == 1 else "{days} days to start").format(days=days)
    if as_of > campaign["end"]:
        return t("over")
    return t("day {n}").format(n=1 - days)


def list_titles(windows: dict[str, int], lang: str = "en") -> dict[str, str]:
    """The report's list titles, in the report's order, naming the windows it was built with."""
    t = translator(lang)
    return {name: t(title).format(**day_phrases(windows, lang)) for name, title in _LIST_TITLES.items()}


def day_phrases(windows: dict[str, int], lang: str) -> dict[str, str]:
    """Each window as a phrase for a heading: "3日", "1 day", "7 days"."""
    if lang == "zh":
        return {key: f"{n}日" for key, n in windows.items()}
    return {key: f"{n} day" if n == 1 else f"{n} days" for key, n in windows.items()}

# Catalogue colour names to Rich styles (Rich's "orange" is not a standard colour).
RICH_COLOURS = {"red": "bold red", "orange": "dark_orange", "yellow": "yellow", "blue": "blue"}

# Columns every attention list shares; each list adds one of its own.
LIST_BASE = ("id", "risk", "title", "unit", "level", "status", "department", "leader", "due")
