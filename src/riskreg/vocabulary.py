"""Every word a person reads, in Chinese and English: one table, keyed by the word's use.

The key names the use, not the renderer: `status.*` and `flag.*` are the same words wherever a status or
a flag is shown; `field.*` labels an entry's fields (`show`); `header.*` heads a spreadsheet's column;
`column.*` heads a terminal or Markdown table's; `heading.*` titles a section; `count.*` labels a count of
entries (the HTML report's tiles, charts and tables, the spreadsheet's summary); `sheet.*` and `mail.*` are
the spreadsheet's and the HTML report's own wording; `phrase.*` holds the short sentences around the
numbers; `action.*` names a history event. Where one idea is worded differently in two places (the list of
entries missing one of the four ones is "Not accountable (missing one of the four ones)" in the terminal and
"Missing one of the four ones" in the HTML report), each place has its own key, so changing one never
changes the other by surprise.

Pure data and three small lookups: every layer may import this module, and it imports nothing.
"""

from collections.abc import Callable

WORDS: dict[str, tuple[str, str]] = {  # key -> (zh, en)
    # Statuses, and the word over the totals' sum
    "status.open": ("待化解", "open"), "status.mitigated": ("管控中", "mitigated"),
    "status.closed": ("已销号", "closed"), "status.consolidated": ("已巩固", "consolidated"),
    "status.voided": ("作废", "voided"),
    "total.all": ("全部", "all"),
    # Flags, under a deadline and in the totals
    "flag.overdue": ("逾期", "overdue"), "flag.due_soon": ("即将到期", "due soon"),
    "flag.unaccountable": ("四个一不全", "unaccountable"), "flag.escalated": ("已提级", "escalated"),
    "flag.stale": ("无进展", "stale"),
    # An entry's fields as `show` labels them (the spreadsheet's words; riskreg.fields names them)
    "field.id": ("编号", "id"), "field.risk": ("编码", "risk"), "field.category": ("类别", "category"),
    "field.unit": ("村(社区)", "unit"), "field.title": ("标题", "title"), "field.detail": ("详情", "detail"),
    "field.level": ("等级", "level"), "field.status": ("状态", "status"),
    "field.department": ("责任部门", "department"), "field.leader": ("牵头领导", "lead official"),
    "field.task_force": ("工作专班", "task force"), "field.plan": ("工作方案", "plan"),
    "field.due": ("完成时限", "deadline"), "field.original_due": ("原定时限", "first deadline"),
    "field.extensions": ("延期次数", "extensions"), "field.contingency": ("应急预案", "emergency plan"),
    "field.measures": ("管控措施", "interim measures"), "field.escalated_to": ("提级至", "escalated to"),
    "field.escalation_reason": ("提级原因", "escalation reason"), "field.verified_by": ("核验人", "verified by"),
    "field.resolution": ("化解情况", "resolution"), "field.closed_on": ("销号日期", "closed on"),
    "field.watch_until": ("观察期至", "watch until"), "field.reopen_count": ("重新打开次数", "reopened"),
    "field.created_on": ("登记日期", "added on"), "field.updated_on": ("最近变动", "last change"),
    "field.flags": ("标记", "flags"),
    # An entry's fields as a spreadsheet heads its columns (export writes these; import also reads them)
    "header.id": ("编号", "ID"), "header.risk": ("风险编码", "Risk code"), "header.category": ("类别", "Category"),
    "header.unit": ("村(社区)", "Unit"), "header.title": ("标题", "Title"), "header.detail": ("详情", "Details"),
    "header.level": ("风险等级", "Level"), "header.status": ("状态", "Status"),
    "header.department": ("责任部门", "Department"), "header.leader": ("牵头领导", "Lead official"),
    "header.task_force": ("工作专班", "Task force"), "header.plan": ("工作方案", "Plan"),
    "header.due": ("完成时限", "Deadline"), "header.contingency": ("应急预案", "Emergency plan"),
    "header.measures": ("管控措施", "Interim measures"), "header.escalated_to": ("提级至", "Escalated to"),
    "header.escalation_reason": ("提级原因", "Escalation reason"), "header.verified_by": ("核验人", "Verified by"),
    "header.resolution": ("化解情况", "Resolution"), "header.closed_on": ("销号日期", "Closed on"),
    "header.watch_until": ("观察期至", "Watch until"), "header.created_on": ("登记日期", "Added on"),
    "header.note": ("进展情况", "Progress"), "header.version": ("版本", "Version"),
    # The spreadsheet's own wording
    "sheet.ledger": ("风险台账", "Ledger"), "sheet.by_department": ("按部门汇总", "By department"),
    "sheet.total": ("合计", "Total"),
    "sheet.counted": ("截至 {date}，统计本次导出的条目", "As of {date}, counting the exported entries"),
    # The workbooks `export --split` sends out to be filled in: file name, instructions, drop-downs
    "sheet.form_for": ("责任清单", "Checklist"), "sheet.instructions": ("填表说明", "Instructions"),
    "sheet.choices": ("选项", "Choices"), "sheet.list_separator": ("、", ", "),
    "sheet.form_item": ("项目", "Item"), "sheet.form_how": ("说明", "How"),
    "sheet.form_count": ("{name}：{count} 项，{date} 导出", "{name}: {count} entries, exported {date}"),
    "sheet.form_fill": ("请填写", "Fill in"), "sheet.form_check_off": ("销号时填写", "To check off, fill in"),
    "sheet.form_keep": ("请勿修改", "Do not change"), "sheet.form_words": ("{column}可填", "{column}: one of"),
    "sheet.form_dates": ("日期格式", "Dates"),
    "sheet.form_date_format": ("年-月-日，例如 {example}", "year-month-day, e.g. {example}"),
    "sheet.form_new": ("新增事项", "New items"),
    "sheet.form_new_rows": ("写在台账末尾的空行，编号留空；须填{needed}（{risk}从下拉列表中选择）。",
                            "Add them in the blank rows below the ledger, leaving the ID empty; each needs {needed} "
                            "(pick the {risk} from the drop-down list)."),
    "sheet.form_return": ("填好后", "When done"),
    "sheet.form_send_back": ("保存为 .xlsx，交回汇总人；不要改动表头，台账保持为第一个工作表。",
                             "Save as .xlsx and send it back to the coordinator; keep the headings, and the ledger "
                             "as the first sheet."),
    "sheet.pick": ("请从下拉列表中选择。", "Choose from the drop-down list."),
    # Table columns (terminal and Markdown) that are not a field's label
    "column.owner": ("责任", "owner"), "column.due": ("完成时限", "due"), "column.due_flags": ("时限/标记", "due / flags"),
    "column.late": ("逾期天数", "late"), "column.left": ("剩余天数", "left"),
    "column.code": ("编码", "code"), "column.name": ("名称", "name"), "column.dept": ("部门", "dept"),
    "column.active": ("在办", "active"), "column.leader": ("牵头领导", "leader"),
    "column.day": ("日期", "day"),
    # Markdown heads its lists' extra columns with the JSON key in English
    "column.days_overdue": ("逾期天数", "days_overdue"), "column.days_left": ("剩余天数", "days_left"),
    "column.last_change": ("最近变动", "last_change"), "column.watch_until": ("观察期至", "watch_until"),
    # `show`'s history
    "column.on": ("日期", "on"), "column.at": ("记录时间", "at"), "column.actor": ("操作人", "actor"),
    "column.action": ("操作", "action"), "column.details": ("详情", "details"),
    "column.event": ("经过", "what happened"),
    # A refused import's problems (the stderr table and the --errors file handed back to a village)
    "column.row": ("行号", "row"), "column.line": ("行号", "line"), "column.column": ("列", "column"),
    "column.value": ("填写内容", "value"), "column.reason": ("问题", "reason"),
    # `catalogue show`: the catalogue's own tables (its names stand in both languages side by side)
    "catalogue.watch": ("销号后观察期：{days} 天", "watch after closing: {days} days"),
    "catalogue.campaign": ("专项工作：{zh} / {en}，{start} – {end}", "campaign: {zh} / {en}, {start} – {end}"),
    "catalogue.levels": ("风险等级", "Levels"), "catalogue.departments": ("部门", "Departments"),
    "catalogue.risks": ("风险（牵头部门在前）", "Risks (lead department first)"), "catalogue.units": ("村（社区）", "Units"),
    "catalogue.code": ("编码", "code"), "catalogue.zh": ("中文", "中文"), "catalogue.en": ("英文", "English"),
    "catalogue.colour": ("颜色", "colour"), "catalogue.departments_column": ("部门", "departments"),
    "catalogue.watch_days": ("观察期", "watch"), "catalogue.unit": ("村（社区）", "unit"),
    "catalogue.retired": ("已停用", "retired"),
    # `import --update --dry-run`: the action each changed cell becomes (the command's name in English)
    "update.reopen": ("重新打开", "reopen"), "update.mitigate": ("管控", "mitigate"), "update.close": ("销号", "close"),
    "update.consolidate": ("巩固", "consolidate"), "update.void": ("作废", "void"), "update.edit": ("更正", "edit"),
    "update.assign": ("指定责任", "assign"), "update.assign (extension)": ("延期", "assign (extension)"),
    "update.escalate": ("提级", "escalate"), "update.regrade": ("调整等级", "regrade"), "update.note": ("进展记录", "note"),
    # Section headings
    "heading.by_level_status": ("按风险等级和状态", "By level and status"), "heading.by_level": ("按风险等级", "By level"),
    "heading.by_category": ("按类别", "By category"), "heading.by_department": ("按责任部门", "By department"),
    "heading.by_unit": ("按村（社区）", "By unit"), "heading.entry": ("事项 {id}", "Entry {id}"),
    "heading.history": ("历史记录（记录时间为 {zone}）", "History (times in {zone})"),
    "heading.overdue": ("逾期事项", "Overdue"), "heading.due_soon": ("{due_soon_days}内到期", "Due within {due_soon_days}"),
    "heading.unaccountable": ("四个一不全的事项", "Not accountable (missing one of the four ones)"),
    "heading.stale": ("{stale_days}无进展", "Stale (no change for {stale_days})"),
    "heading.awaiting_consolidation": ("观察期满，待巩固", "Watch over, awaiting consolidation"),
    "heading.trend": ("在办、逾期、已销号（按日），{start} – {end}", "Active, overdue and closed, {start} – {end}"),
    # Counts of entries: the HTML report's tiles, charts and tables, the spreadsheet's summary
    "count.active": ("在办", "Active"), "count.overdue": ("逾期", "Overdue"),
    "count.unaccountable": ("四个一不全", "Not accountable"), "count.due_soon": ("{due_soon_days}内到期", "Due within {due_soon_days}"),
    "count.stale": ("{stale_days}无进展", "No change for {stale_days}"), "count.closed": ("已销号", "Closed"),
    # The HTML report's own wording
    "mail.heading.trend": ("近况：在办、逾期、已销号（按日）", "Daily: active, overdue and closed"),
    "mail.heading.by_level": ("按风险等级（在办）", "Active by level"),
    "mail.heading.unaccountable": ("四个一不全的事项", "Missing one of the four ones"),
    "mail.column.name": ("名称", "Name"), "mail.column.unaccountable": ("四个一不全", "Not acc."),
    "mail.column.day": ("日期", "Day"), "mail.owner": ("责任", "Owner"), "mail.due": ("时限", "Due"),
    "mail.none": ("无", "None"), "mail.days_late": ("逾期 {n} 天", "{n} days late"),
    "mail.days_left": ("还剩 {n} 天", "{n} days left"), "mail.escalated_to": ("提级至 {to}", "escalated to {to}"),
    "mail.heading.escalated": ("提级协调的事项", "Escalated for coordination"),
    "mail.no_due": ("未定完成时限", "no deadline"), "mail.no_leader": ("未定牵头领导", "no lead official"),
    "mail.more": ("…… 另有 {n} 项", "… and {n} more"),
    "mail.footer": ("riskreg {version} 生成；电话和身份证号已打码。",
                    "Made by riskreg {version}; phone and identity numbers are masked."),
    # What `riskreg send` puts around the report: the mail's subject, the chat robots' summary
    "mail.subject": ("【{title}】{as_of}：{counts}", "[{title}] {as_of}: {counts}"),
    "mail.count": ("{word} {n}", "{word} {n}"), "mail.separator": ("，", ", "),
    "mail.chat_more": ("…… 另有 {n} 项逾期，见完整报告。", "… and {n} more overdue, in the full report."),
    "mail.campaign_day": ("{name}：{phrase}", "{name}: {phrase}"),
    # Short sentences around the numbers
    "phrase.as_of": ("截至", "as of"), "phrase.retired": ("（已停用）", " (retired)"),
    "phrase.days_to_start": ("距开始还有 {days} 天", "{days} days to start"),
    "phrase.day_to_start": ("距开始还有 {days} 天", "{days} day to start"),
    "phrase.day_n": ("第 {n} 天", "day {n}"), "phrase.over": ("已结束", "over"),
    "phrase.since": ("自 {date} 起：新增 {added}，销号 {closed}，重新打开 {reopened}，升级 {regraded_up}，降级 {regraded_down}。",
                     "Since {date}: {added} added, {closed} closed, {reopened} reopened, {regraded_up} graded up, "
                     "{regraded_down} graded down."),
    # A scoped report's heading: whose 责任清单 it is
    "phrase.scope": ("责任清单：{parts}", "Checklist of {parts}"),
    "phrase.scope_department": ("责任部门 {name}", "department {name}"),
    "phrase.scope_unit": ("村（社区） {name}", "unit {name}"),
    "phrase.scope_leader": ("牵头领导 {name}", "lead official {name}"),
    "phrase.more": ("…… 另有 {n} 项：{command}", "… and {n} more: {command}"),
    "phrase.chain_one": ("历史记录 {events} 条，末条哈希 {head}。", "History chain: {events} event, its hash {head}."),
    "phrase.chain_many": ("历史记录 {events} 条，末条哈希 {head}。",
                          "History chain: {events} events, the last one's hash {head}."),
    # The shell's own sentences
    "shell.nested": ("已在 riskreg shell 中：直接输入命令即可，exit 退出。",
                     "You are already in the riskreg shell: type commands here; `exit` leaves."),
    # History actions, as a sentence names them ("undid the regrade of …"); JSON and the hash chain keep the code
    "action.add": ("登记", "add"), "action.assign": ("指定责任", "assignment"), "action.note": ("进展记录", "note"),
    "action.mitigate": ("管控", "mitigation"), "action.close": ("销号", "closing"),
    "action.escalate": ("提级", "escalation"), "action.consolidate": ("巩固", "consolidation"),
    "action.reopen": ("重新打开", "reopening"), "action.edit": ("更正", "correction"),
    "action.regrade": ("调整等级", "regrade"), "action.undo": ("撤销", "undo"), "action.void": ("作废", "voiding"),
    "action.unvoid": ("恢复", "unvoiding"), "action.duplicate": ("重复标记", "duplicate record"),
    "punct.colon": ("：", ": "),  # before a count or a name in a heading or a line
    # `show`'s history in words (riskreg.render.history): each event one sentence, its actor before it; a reason
    # or note follows after a colon
    "event.add": ("登记：{fields}", "added it: {fields}"),
    "event.assign": ("指定{fields}", "set {fields}"),
    "event.set_one": ("将{field}定为 {new}", "set the {field} to {new}"),
    "event.change": ("将{field}由 {old} 改为 {new}", "changed the {field} from {old} to {new}"),
    "event.correct": ("将{field}由 {old} 更正为 {new}", "corrected the {field} from {old} to {new}"),
    "event.clear": ("清除{field}（原为 {old}）", "cleared the {field} (was {old})"),
    "event.extend": ("将完成时限由 {old} 延至 {new}（第 {n} 次延期）",
                     "extended the deadline from {old} to {new} (extension {n})"),
    "event.note": ("记录进展", "noted"),
    "event.mitigate": ("落实管控措施：{measures}", "put interim measures in place: {measures}"),
    "event.measures": ("更新管控措施：{measures}", "updated the interim measures: {measures}"),
    "event.close": ("销号（核验人 {verified_by}）：{resolution}；观察期至 {watch_until}",
                    "closed it (verified by {verified_by}): {resolution}; watch until {watch_until}"),
    "event.consolidate": ("观察期满，确认巩固", "marked it consolidated after the watch"),
    "event.reopen": ("重新打开（第 {n} 次）", "reopened it (time {n})"),
    "event.escalate": ("提级至 {to}", "escalated it to {to}"),
    "event.escalate_clear": ("解除提级（原提级至 {to}）", "cleared the escalation to {to}"),
    "event.regrade": ("将等级由{old}调为{new}", "regraded it from {old} to {new}"),
    "event.void": ("作废", "voided it"),
    "event.void_duplicate": ("作废，与事项 {id} 重复", "voided it as a duplicate of entry {id}"),
    "event.unvoid": ("恢复为{status}", "restored it as {status}"),
    "event.duplicate": ("将事项 {id} 作为本事项的重复项作废", "voided entry {id} as a duplicate of this one"),
    "event.undo": ("撤销 {on} 的{action}", "undid the {action} of {on}"),
    "event.from_sheet": ("（据 {source} 第 {row} 行）", " (from {source} row {row})"),
}


def word(key: str, lang: str) -> str:
    """The word for `key` in `lang`: English for en, Chinese otherwise (Chinese first)."""
    zh, en = WORDS[key]
    return en if lang == "en" else zh


def code_word(kind: str, code: str, lang: str) -> str:
    """The word for a stored code of `kind` ("status", "action"), or the code itself when the table has none
    (a register edited by hand may hold any text, and showing it must not fail)."""
    return word(f"{kind}.{code}", lang) if f"{kind}.{code}" in WORDS else code


def words(lang: str) -> Callable[[str], str]:
    """`word` with the language fixed: a renderer's `t`."""
    return lambda key: word(key, lang)
