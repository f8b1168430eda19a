"""An entry's fields: one table saying what each is and which formats carry it.

`list --format json|csv` and the JSON Lines export carry every field, in this table's order (a documented
contract). The others choose by the columns below: JSON Lines import reads the stored fields and rebuilds the
derived ones; history events may change only the replayed ones, which `check` and undo replay; a spreadsheet
has a column for each `sheet` field. People read a field under its vocabulary words (riskreg.vocabulary):
`field.<name>` where `show` labels it, `header.<name>` as a spreadsheet heading.

The store's Entry model stays the schema; a test holds the stored fields here and its columns equal.
Adding a field: one line here, the column on Entry, a migration, and its words in the vocabulary.

Pure data: every layer may import this module, and it imports nothing.
"""

from dataclasses import dataclass

# What a field holds: kinds decide how an import checks a value and how a spreadsheet writes it.
KINDS = {
    "id": "the entry's number",
    "code": "a catalogue or status code, one line",
    "short": "text on one line, up to a title's length",
    "long": "text of many lines, up to a plan's length",
    "date": "a day, YYYY-MM-DD",
    "count": "a whole number from 0",
    "flag": "true or false, worked out when listed",
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    stored: bool = True  # a column of the entry table; False: worked out when listed (category, the flags)
    replayed: bool = False  # set by history events alone: replaying an entry's events gives its value
    required: bool = False  # every stored entry has a value (a JSON Lines line without one is refused)
    sheet: bool = False  # a spreadsheet column (export and import)

    @property
    def one_line(self) -> bool:
        return self.kind in ("code", "short")

    @property
    def label(self) -> str:
        """The vocabulary key of the field's label in `show`."""
        return f"field.{self.name}"

    @property
    def header(self) -> str:
        """The vocabulary key of the field's spreadsheet heading."""
        return f"header.{self.name}"


def _replayed(name: str, kind: str, *, required: bool = False, sheet: bool = True) -> Field:
    return Field(name, kind, replayed=True, required=required, sheet=sheet)


def _flag(name: str) -> Field:
    return Field(name, "flag", stored=False)


FIELDS: dict[str, Field] = {f.name: f for f in (
    Field("id", "id", sheet=True),
    _replayed("risk", "code", required=True),
    Field("category", "code", stored=False, sheet=True),  # the risk's category
    _replayed("unit", "short", required=True),
    _replayed("title", "short", required=True),
    _replayed("level", "code", required=True),
    _replayed("status", "code", required=True),
    _replayed("department", "code", required=True),
    _replayed("leader", "short"),
    _replayed("due", "date"),
    _flag("accountable"), _flag("overdue"), _flag("due_soon"), _flag("stale"), _flag("escalated"),
    _replayed("task_force", "long"),
    _replayed("plan", "long"),
    _replayed("contingency", "long"),
    _replayed("detail", "long"),
    _replayed("measures", "long"),
    _replayed("original_due", "date", sheet=False),
    _replayed("extensions", "count", required=True, sheet=False),
    _replayed("escalated_to", "short"),
    _replayed("escalation_reason", "long"),
    _replayed("verified_by", "short"),
    _replayed("resolution", "long"),
    _replayed("closed_on", "date"),
    _replayed("watch_until", "date"),  # fixed at closing, so a later catalogue change does not move it
    _replayed("reopen_count", "count", required=True, sheet=False),
    Field("created_on", "date", required=True, sheet=True),  # the first event's day
    Field("updated_on", "date", required=True),  # the last event's day: what "stale" is measured from
)}

LISTED = tuple(FIELDS)  # `list --format json|csv` and the JSON Lines export, in this order
REQUIRED = tuple(name for name, f in FIELDS.items() if f.required)
DATES = frozenset(name for name, f in FIELDS.items() if f.kind == "date")
