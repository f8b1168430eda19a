"""The spreadsheet's columns: the field table's spreadsheet fields, headed in the vocabulary's words, and how
header text is matched.

Reading (riskreg.exchange.sheet_read), row checking (sheet_rows) and writing (sheet_write) all use these
columns; riskreg.fields says which fields they are and riskreg.vocabulary (`header.*`) what they are called.
"""

import re
from dataclasses import dataclass

from riskreg.fields import FIELDS, Field
from riskreg.vocabulary import WORDS


@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    en: str
    kind: str = "text"  # text, long (multi-line), int, date, or derived (export only)


# The town ledger's own columns, in its order (编号 … 应急预案); the field table's other spreadsheet fields
# follow in the table's order, so a round trip keeps what riskreg adds and a new field needs no line here.
TOWN_LEDGER = ("id", "risk", "category", "unit", "title", "detail", "level", "status", "department", "leader",
               "task_force", "plan", "due", "contingency")
_KINDS = {"id": "int", "code": "text", "short": "text", "long": "long", "date": "date"}  # field kind -> cell kind


def _column(field: Field) -> Column:
    return Column(field.name, *WORDS[field.header], _KINDS[field.kind] if field.stored else "derived")


# Columns of the sheet alone, not fields of an entry (riskreg.fields): 进展情况, the entry's latest note, and
# 版本, its version (the id of its latest history event), which `import --update` reads back to tell an entry
# changed in the register since the export. A plain import reads past 版本.
SHEET_ONLY = (Column("note", *WORDS["header.note"], "long"), Column("version", *WORDS["header.version"]))
COLUMNS = tuple(_column(FIELDS[name]) for name in (
    *TOWN_LEDGER, *(name for name, field in FIELDS.items() if field.sheet and name not in TOWN_LEDGER))) + SHEET_ONLY
BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED = ("risk", "unit", "title")  # the rest have defaults: general level, open, the risk's lead department
STATUS_NAMES = {key.removeprefix("status."): words for key, words in WORDS.items() if key.startswith("status.")}


def header(column: Column, lang: str) -> str:
    return column.en if lang == "en" else column.zh


def normalise(text: str) -> str:
    """Header and name matching ignores case, spaces, underscores and full-width brackets: 村（社区） is 村(社区)."""
    return re.sub(r"[\s_\-]+", "", str(text).replace("（", "(").replace("）", ")")).casefold()


HEADERS = {normalise(name): c.field for c in COLUMNS for name in (c.zh, c.en, c.field)}
