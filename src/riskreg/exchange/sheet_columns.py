"""The spreadsheet's columns: each field's header in Chinese and English, and how header text is matched.

Reading (riskreg.exchange.sheet_read), row checking (sheet_rows) and writing (sheet_write) all use this one
table; it is kept small and on its own so a project-wide field table can replace it in one place.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    en: str
    kind: str = "text"  # text, long (multi-line), int, date, or derived (export only)


# The spreadsheet's columns, in order. The first fourteen are the town ledger's
# own (编号 … 应急预案); the rest carry what riskreg adds, so a round trip keeps it.
COLUMNS = (
    Column("id", "编号", "ID", "int"),
    Column("risk", "风险编码", "Risk code"),
    Column("category", "类别", "Category", "derived"),
    Column("unit", "村(社区)", "Unit"),
    Column("title", "标题", "Title"),
    Column("detail", "详情", "Details", "long"),
    Column("level", "风险等级", "Level"),
    Column("status", "状态", "Status"),
    Column("department", "责任部门", "Department"),
    Column("leader", "牵头领导", "Lead official"),
    Column("task_force", "工作专班", "Task force", "long"),
    Column("plan", "工作方案", "Plan", "long"),
    Column("due", "完成时限", "Deadline", "date"),
    Column("contingency", "应急预案", "Emergency plan", "long"),
    Column("measures", "管控措施", "Interim measures", "long"),
    Column("escalated_to", "提级至", "Escalated to"),
    Column("escalation_reason", "提级原因", "Escalation reason", "long"),
    Column("verified_by", "核验人", "Verified by"),
    Column("resolution", "化解情况", "Resolution", "long"),
    Column("closed_on", "销号日期", "Closed on", "date"),
    Column("watch_until", "观察期至", "Watch until", "date"),
    Column("created_on", "登记日期", "Added on", "date"),
)
BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED = ("risk", "unit", "title")
STATUS_NAMES = {"open": ("待化解", "open"), "mitigated": ("管控中", "mitigated"),
                "closed": ("已销号", "closed"), "consolidated": ("已巩固", "consolidated")}


def header(column: Column, lang: str) -> str:
    return column.en if lang == "en" else column.zh


def normalise(text: str) -> str:
    """Header and name matching ignores case, spaces, underscores and full-width brackets: 村（社区） is 村(社区)."""
    return re.sub(r"[\s_\-]+", "", str(text).replace("（", "(").replace("）", ")")).casefold()


HEADERS = {normalise(name): c.field for c in COLUMNS for name in (c.zh, c.en, c.field)}
