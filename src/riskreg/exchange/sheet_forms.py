"""What makes a ledger sheet a form to fill in: drop-down lists of the accepted words, and a 填表说明 sheet.

`export --split` sends each department or village its own ledger (riskreg.exchange.sheet_write adds these to
it). The instructions and the lists are in the --lang language and use the catalogue's own names, so what
comes back is in words `import` reads. The columns are named by field and looked up in sheet_columns, so a
column added there (the entry's version) is named here once it exists, and one that does not is left out.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from riskreg.exchange.sheet_columns import BY_FIELD, COLUMNS, REQUIRED, STATUS_NAMES, header
from riskreg.store.models import VOIDED, Department, Risk
from riskreg.vocabulary import word, words

FILL = ("department", "leader", "task_force", "plan", "due", "measures", "note")  # the four ones, then progress
CHECK_OFF = ("verified_by", "resolution", "closed_on")
KEEP = ("id", "version")  # how a returned row is matched to its entry, and whether the entry changed since
BLANK_ROWS = 200  # rows below the entries that also get the drop-downs, for entries added on the sheet


@dataclass
class Form:
    """The words a workbook's drop-downs offer (retired departments are refused on import, so they are not
    offered), and whose checklist it is: one Form is loaded, then named for each workbook."""

    levels: list[str]
    statuses: list[str]
    departments: list[str]
    risks: list[str]  # `S03 拖欠农民工工资`: the code with its name, which import reads as the code
    name: str = ""

    @classmethod
    def load(cls, session: Session, levels: dict[str, dict[str, str]], lang: str) -> "Form":
        """`levels` as riskreg.exchange.sheet_write.Names holds them, so the list offers the ledger's words."""
        pick = (lambda row: row.en if lang == "en" else row.zh)
        in_use = session.exec(select(Department).where(Department.retired == False)  # noqa: E712
                              .order_by(Department.rank))
        risks = session.exec(select(Risk).where(Risk.retired == False).order_by(Risk.rank, Risk.code))  # noqa: E712
        return cls(levels=[level["name"] for level in levels.values()],
                   statuses=[word(f"status.{code}", lang) for code in STATUS_NAMES if code != VOIDED],
                   departments=[pick(d) for d in in_use], risks=[f"{r.code} {pick(r)}" for r in risks])

    def lists(self) -> dict[str, list[str]]:
        """The field each drop-down is on, and what it offers."""
        return {"level": self.levels, "status": self.statuses, "department": self.departments, "risk": self.risks}


def add_form(book: Any, ledger: Any, form: Form, entries: int, lang: str, today: date) -> None:
    """The 填表说明 sheet after the ledger, and a hidden 选项 sheet its drop-downs read from: the ledger stays
    sheet 1, where import and older riskreg versions look for it."""
    t = words(lang)
    _instructions(book, form, entries, lang, today)
    choices = book.sheet(t("sheet.choices"), [24] * len(form.lists()), freeze="A2", hidden=True)
    lists = form.lists()
    choices.headings([header(BY_FIELD[field], lang) for field in lists])
    for row in range(max(map(len, lists.values()))):
        choices.append([choices.cell(offered[row] if row < len(offered) else None) for offered in lists.values()])
    position = {c.field: index for index, c in enumerate(COLUMNS, 1)}
    for column, (field, offered) in enumerate(lists.items(), 1):
        if offered:  # 风险编码 on the blank rows only: the entries' own cells hold the bare code, which stays valid
            first = entries + 2 if field == "risk" else 2
            ledger.choose(position[field], first, entries + 1 + BLANK_ROWS,
                          choices.column_range(column, 2, len(offered) + 1), t("sheet.pick"))


def _instructions(book: Any, form: Form, entries: int, lang: str, today: date) -> None:
    t = words(lang)
    join = t("sheet.list_separator").join
    named = (lambda fields: join(header(BY_FIELD[f], lang) for f in fields if f in BY_FIELD))
    rows = [
        (t("sheet.form_for"), t("sheet.form_count").format(name=form.name, count=entries, date=today.isoformat())),
        (t("sheet.form_fill"), named(FILL)),
        (t("sheet.form_check_off"), named(CHECK_OFF)),
        (t("sheet.form_keep"), named(KEEP)),
        *((t("sheet.form_words").format(column=header(BY_FIELD[field], lang)), join(offered))
          for field, offered in form.lists().items() if field != "risk"),  # the catalogue's risks: its drop-down
        (t("sheet.form_dates"), t("sheet.form_date_format").format(example=today.isoformat())),
        (t("sheet.form_new"), t("sheet.form_new_rows").format(needed=named(REQUIRED),
                                                               risk=header(BY_FIELD["risk"], lang))),
        (t("sheet.form_return"), t("sheet.form_send_back")),
    ]
    sheet = book.sheet(t("sheet.instructions"), [18, 80], freeze="A2")
    sheet.headings([t("sheet.form_item"), t("sheet.form_how")])
    for item, how in rows:
        sheet.append([sheet.cell(item, "bold"), sheet.cell(how, "wrap")])
