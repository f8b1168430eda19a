"""`show`: one entry's fields, then its history, each event a sentence (riskreg.render.history).

Department and category are shown by name (unless the reader asked for codes); the history's wall-clock times
in the reader's zone, which the column's heading names.
"""

from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from riskreg.fields import FIELDS
from riskreg.render.history import Wording, event_sentence
from riskreg.render.packed import Prose
from riskreg.render.tables import Levels, Names, cell, flags_cell, level_cell, table_of
from riskreg.vocabulary import code_word, words
from riskreg.zones import UTC, Zone, local_time

# The fields `show` lists: these first (the spreadsheet's order, with the deadline's history beside the
# deadline), then any other field but the id and the flags, in the field table's order.
_SHOWN_FIRST = ("risk", "category", "unit", "title", "detail", "level", "status", "department", "leader", "task_force",
                "plan", "due", "original_due", "extensions", "contingency", "measures", "escalated_to",
                "escalation_reason", "verified_by", "resolution", "closed_on", "watch_until", "reopen_count",
                "created_on", "updated_on")
_SHOWN = (*_SHOWN_FIRST, *(name for name, field in FIELDS.items()
                           if field.kind not in ("id", "flag") and name not in _SHOWN_FIRST))
_NAMED = {"department": "department", "category": "category"}  # field -> the kind of code names (Names) word


def entry_view(entry: dict[str, Any], levels: Levels, lang: str = "en", names: Names | None = None,
               zone: Zone = UTC) -> RenderableType:
    """The entry and its history. `names`: codes to names (none: codes as stored); `zone`: the zone the history's
    times are shown in, and its name for the heading."""
    t = words(lang)
    names = names or {}
    fields = Table(title=cell(t("heading.entry").format(id=entry["id"]), "table.title"), title_justify="left",
                   box=box.SIMPLE, show_header=False)
    fields.add_column(style="bold")
    fields.add_column()
    for key in _SHOWN:
        value = entry[key]
        if value is None or (FIELDS[key].kind == "count" and not value):
            continue
        if key == "level":
            shown = _level_path(entry["history"], value, levels)
        elif key == "status":
            shown = cell(code_word("status", value, lang))
        else:
            shown = cell(names.get(_NAMED.get(key, ""), {}).get(value, value))
        fields.add_row(t(FIELDS[key].label), shown)
    fields.add_row(t("field.flags"), flags_cell(entry, t))
    wording = Wording(lang, levels, names.get("department", {}))
    history = table_of(t("heading.history").format(zone=zone[1]), "column.on", "column.at", "column.event", t=t)
    for event in entry["history"]:
        history.add_row(cell(event["on"]), cell(local_time(event["at"], zone[0])),
                        Prose(cell(event_sentence(event, wording))))
    return Group(fields, history)


_PATH_ON_ONE_LINE = 56  # cells: what an 80-column terminal leaves beside the field names


def _level_path(history: list[dict[str, Any]], level: str, levels: Levels) -> Text:
    """The level and, when it ever changed, how it got there: 一般风险 → 较大风险 (2026-07-02) → 重大风险 (2026-07-09),
    each step an event that changed it (a regrade, its undo, an import)."""
    steps = [(event["changes"]["level"]["new"], event["on"]) for event in history
             if "level" in event["changes"] and event["changes"]["level"]["new"] is not None]
    if len(steps) < 2 or steps[-1][0] != level:  # a history that disagrees is `check`'s to report, not show's
        return level_cell(level, levels)
    path = level_cell(steps[0][0], levels)
    for code, on in steps[1:]:
        path.append(" → ")
        path.append_text(level_cell(code, levels))
        path.append(f" ({on})")
    if cell_len(path.plain) > _PATH_ON_ONE_LINE:  # a step a line, so that an 80-column terminal cuts none
        path = Text("\n→ ").join(path.split(" → "))
    return path
