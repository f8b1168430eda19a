"""The spreadsheet's columns: the field table's spreadsheet fields, headed in the vocabulary's words, and how
header text is matched.

Reading (riskreg.exchange.sheet_read), row checking (sheet_rows) and writing (sheet_write) all use these
columns; riskreg.fields says which fields they are and riskreg.vocabulary (`header.*`) what they are called.
"""

from dataclasses import dataclass

from riskreg.domain.words import normalise, status_words
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
STATUS_NAMES = status_words()


def header(column: Column, lang: str) -> str:
    return column.en if lang == "en" else column.zh


# Headings towns write for riskreg's columns, met in real ledgers (风险隐患排查台账, 矛盾纠纷排查化解台账,
# 责任清单). 化解措施 and 整改措施 say how a risk will be resolved, which is the four ones' 工作方案 (plan);
# riskreg's measures (管控措施) are the interim controls while it is open, as 防控措施 and 稳控措施 are.
# A description (问题描述, 基本情况) is the detail; a short name (隐患名称, 风险隐患) the title.
ALIASES = {
    "title": ("隐患名称", "风险隐患", "风险名称", "风险点", "隐患内容", "矛盾纠纷", "纠纷名称", "事项", "事项名称",
              "风险隐患名称", "问题"),
    "detail": ("问题描述", "基本情况", "具体情况", "隐患描述", "风险描述", "情况描述", "存在问题", "主要问题",
               "风险隐患描述", "纠纷简况", "简要情况"),
    "unit": ("所在村", "村居", "村(居)", "村社区", "所属村居", "所属村", "所属村(社区)", "所在村(社区)", "所在村居",
             "所在社区", "村(社区)名称", "村别", "属地"),
    "department": ("责任单位", "牵头单位", "牵头部门", "主责单位", "主责部门", "责任科室"),
    "leader": ("责任领导", "包案领导", "包保领导", "分管领导", "化解责任人", "包案责任人"),
    "task_force": ("专班", "工作专班成员"),
    "plan": ("化解措施", "整改措施", "化解方案", "整改方案", "处置方案"),
    "measures": ("防控措施", "稳控措施", "临时管控措施", "管控措施"),
    "due": ("整改时限", "化解时限", "完成时间", "完成时限", "整改期限", "办结时限", "时限要求", "计划完成时间"),
    "level": ("等级", "风险级别", "隐患等级", "风险等级"),
    "category": ("风险类别", "风险类型", "隐患类别", "类型", "纠纷类型"),
    "contingency": ("应急处置预案", "应急处置措施", "应急措施"),
    "resolution": ("化解结果", "整改情况", "处置结果", "销号情况"),
    "verified_by": ("验收人", "核查人"),
    "closed_on": ("销号时间", "化解时间", "办结时间"),
    "created_on": ("排查时间", "排查日期", "发现时间", "登记时间"),
    "note": ("工作进展", "进展", "化解进展", "推进情况", "备注"),
}
# The row-number column: numbers only the rows of this sheet (编号 is the entry's own number).
ROW_NUMBER = frozenset(map(normalise, ("序号", "No.", "No", "行号", "#")))
HEADERS = {normalise(name): field for field, names in ALIASES.items() for name in names}
HEADERS.update({normalise(name): c.field for c in BY_FIELD.values() for name in (c.zh, c.en, c.field)})
