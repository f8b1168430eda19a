"""What `riskreg send` says around the report: the mail's subject and the chat robots' Markdown summary.

Both take the report dict every renderer takes. Counts come from its totals, which stay exact when its lists
are cut short, so the summary never counts a list's length.
"""

from typing import Any

from riskreg.escaping import markdown_text, visible
from riskreg.render.labels import campaign_phrase, day_phrases, scope_line
from riskreg.vocabulary import words

def _chat(text: str) -> str:
    """Stored text as Markdown shows it; a masked number's stars full-width (138＊＊＊＊5678), since not every
    robot's Markdown reads a backslash escape."""
    return markdown_text(text).replace("\\*", "＊")


# The headline counts, in the order the subject and the summary give them (the HTML report's first tiles).
HEADLINE = ("active", "overdue", "unaccountable", "due_soon")


def _counts(report: dict[str, Any], lang: str) -> list[str]:
    t = words(lang)
    totals = report["totals"]
    values = {"active": totals["open"] + totals["mitigated"], "overdue": totals["overdue"],
              "unaccountable": totals["unaccountable"], "due_soon": totals["due_soon"]}
    days = day_phrases(report["windows"], lang)
    return [t("mail.count").format(word=t(f"count.{key}").format(**days), n=values[key]) for key in HEADLINE]


def mail_subject(report: dict[str, Any], lang: str) -> str:
    """One line: the title (and whose checklist), the day and the headline counts."""
    t = words(lang)
    title = report["title"] or "riskreg"
    if scope := scope_line(report, lang):
        title = f"{title} · {scope}"
    subject = t("mail.subject").format(title=title, as_of=report["as_of"],
                                       counts=t("mail.separator").join(_counts(report, lang)))
    return " ".join(visible(subject).split())  # a header is one line, whatever a title holds


def chat_summary(report: dict[str, Any], lang: str, *, shown: int) -> str:
    """Markdown for a group chat: the title and day, the campaign day, the headline counts, and the first
    `shown` overdue items with their department and lead official, then how many more there are."""
    t = words(lang)
    departments = {row["code"]: row["name"] for row in report["by_department"]}
    lines = [f"### {_chat(report['title'] or 'riskreg')} {report['as_of']}"]
    if scope := scope_line(report, lang):
        lines.append(f"**{_chat(scope)}**")
    if c := report["campaign"]:
        lines.append(t("mail.campaign_day").format(name=_chat(c["name"]),
                                                   phrase=campaign_phrase(c, report["as_of"], lang)))
    lines.append(f"**{t('mail.separator').join(_counts(report, lang))}**")
    overdue = report["totals"]["overdue"]
    if overdue:
        lines += ["", f"**{_bracketed(t('heading.overdue'), overdue, lang)}**"]
        items = report["overdue"][:shown]
        lines += [_item(item, departments, t, lang) for item in items]
        if overdue > len(items):
            lines.append(t("mail.chat_more").format(n=f"{overdue - len(items):,}"))
    return "\n".join(lines) + "\n"


def _bracketed(text: str, inside: Any, lang: str) -> str:
    return f"{text}（{inside}）" if lang == "zh" else f"{text} ({inside})"


def _item(item: dict[str, Any], departments: dict[str, str], t, lang: str) -> str:
    department = departments.get(item["department"], item["department"]) or t("mail.none")
    leader = item["leader"] or t("mail.no_leader")
    late = t("mail.days_late").format(n=item["days_overdue"]) if item.get("days_overdue") is not None else ""
    parts = [f"#{item['id']} " + _bracketed(_chat(item["title"]), _chat(item["unit"]), lang),
             _chat(department), _chat(leader), late]
    return "- " + " · ".join(part for part in parts if part)
