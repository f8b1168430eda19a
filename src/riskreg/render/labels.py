"""What the reports share around the vocabulary (riskreg.vocabulary): the lists, their titles and the
footer, campaign and "and n more" lines."""

from typing import Any

from riskreg.collation import in_reading_order
from riskreg.vocabulary import word, words

STATUS_LABELS = ("open", "mitigated", "closed", "consolidated")
LIST_NAMES = ("overdue", "due_soon", "unaccountable", "stale", "awaiting_consolidation")  # the report's lists, in order


def total_key(name: str) -> str:
    """The vocabulary key of one of the report's totals: all, a status or a flag."""
    return "total.all" if name == "all" else f"status.{name}" if name in STATUS_LABELS else f"flag.{name}"


# Where the rest of a capped list is: every entry of it, streamed (riskreg.report/2 lists the first N by deadline).
_FULL_LIST = {"overdue": "riskreg list --overdue", "due_soon": "riskreg list --due-soon",
              "unaccountable": "riskreg list --unaccountable", "stale": "riskreg list --stale"}


def list_count(report: dict[str, Any], list_name: str) -> int:
    """How many entries the list has: those the report holds and the `more` it left out."""
    return len(report[list_name]) + report.get("more", {}).get(list_name, 0)


def listed(report: dict[str, Any], list_name: str, lang: str) -> tuple[list, str | None]:
    """The entries of a list the report holds, and the line saying how many more there are and which command
    lists them (None when nothing is left out)."""
    more = report.get("more", {}).get(list_name, 0)
    if not more:
        return report[list_name], None
    command = _FULL_LIST.get(list_name, "riskreg report --format json --limit 0")
    return report[list_name], word("phrase.more", lang).format(n=f"{more:,}", command=command)


def chain_line(chain: dict[str, Any], lang: str) -> str:
    """The report's footer: the history it saw, which `riskreg check --against` proves is still held."""
    sentence = word("phrase.chain_one" if chain["events"] == 1 else "phrase.chain_many", lang)
    return sentence.format(events=f"{chain['events']:,}", head=chain["head"])


def scope_line(report: dict[str, Any], lang: str) -> str | None:
    """Whose report it is (责任清单：责任部门 劳动保障中心（LABOUR）), or None for the whole register's."""
    scope = report.get("scope") or {}
    names = {row["code"]: row["name"] for row in report["by_department"]}
    code = scope.get("department")
    shown = {"department": code and (f"{names[code]}（{code}）" if lang == "zh" else f"{names[code]} ({code})"),
             "unit": scope.get("unit"), "leader": scope.get("leader")}
    parts = [word(f"phrase.scope_{key}", lang).format(name=name) for key, name in shown.items() if name]
    if not parts:
        return None
    return word("phrase.scope", lang).format(parts=("；" if lang == "zh" else "; ").join(parts))


def campaign_phrase(campaign: dict[str, Any], as_of: str, lang: str) -> str:
    """Where the campaign stands on the report's day: days to its start, which day of it, or over."""
    days = campaign["days_to_start"]
    if days > 0:
        return word("phrase.day_to_start" if days == 1 else "phrase.days_to_start", lang).format(days=days)
    if as_of > campaign["end"]:
        return word("phrase.over", lang)
    return word("phrase.day_n", lang).format(n=1 - days)


def list_titles(windows: dict[str, int], lang: str = "en") -> dict[str, str]:
    """The report's list titles, in the report's order, naming the windows it was built with."""
    t = words(lang)
    return {name: t(f"heading.{name}").format(**day_phrases(windows, lang)) for name in LIST_NAMES}


def day_phrases(windows: dict[str, int], lang: str) -> dict[str, str]:
    """Each window as a phrase for a heading: "3日", "1 day", "7 days"."""
    if lang == "zh":
        return {key: f"{n}日" for key, n in windows.items()}
    return {key: f"{n} day" if n == 1 else f"{n} days" for key, n in windows.items()}

# Catalogue colour names to Rich styles readable on dark and light terminal themes alike: the 16 ANSI colours
# are the theme's to choose, and its blue is often near-invisible on black, its yellow on white; these 256-colour
# tones keep a contrast of about 4:1 or more against either. The level's word is always printed with its colour,
# so colour is never the only signal (and NO_COLOR, pipes and files have none).
RICH_COLOURS = {"red": "bold red3", "orange": "dark_orange3", "yellow": "dark_goldenrod", "blue": "dodger_blue2"}

# Columns every attention list shares; each list adds one of its own.
LIST_BASE = ("id", "risk", "title", "unit", "level", "status", "department", "leader", "due")


def rows_in_reading_order(report: dict[str, Any], section: str, lang: str) -> list[dict[str, Any]]:
    """The report's counts by department or by unit as tables show them: by name, in pinyin order under zh and
    code point order under en (riskreg.collation). Categories keep the catalogue's order; JSON keeps the report's."""
    rows = report[f"by_{section}"]
    if section == "category":
        return rows
    return in_reading_order(rows, (lambda row: row["unit"]) if section == "unit" else (lambda row: row["name"]), lang)
