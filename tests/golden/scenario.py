"""The golden scenario: a register built step by step, then every command in every format.

The register as of 2026-07-01 (entries 1-9 typed in, 101-102 from a jsonl
export, 103-105 from a workbook, 106-107 from a CSV):

| id  | risk | status       | what shows                                                              |
|-----|------|--------------|-------------------------------------------------------------------------|
| 1   | S03  | open         | overdue, accountable, deadline extended; a mobile and an ID in its text; its add undone (voided) and unvoided |
| 2   | G01  | open         | overdue, unaccountable, stale (level typed as 红)                        |
| 3   | P01  | open         | due soon (deadline typed T-58), escalated; English text                 |
| 4   | H02  | mitigated    | overdue, measures updated; a note by another --actor                    |
| 5   | S01  | closed       | awaiting consolidation (watch ended 2026-06-19)                         |
| 6   | G03  | consolidated | consolidation first refused under watch; English text                   |
| 7   | S04  | open         | unaccountable, stale, on a risk the second catalogue retires            |
| 8   | H03  | open         | closed, reopened; a note and an escalation both undone                  |
| 9   | S06  | closed       | under watch (S06 watches 14 days); an ID number in its detail           |
| 101 | P05  | mitigated    | imported (jsonl): due soon                                              |
| 102 | G07  | closed       | imported (jsonl): watch ends today                                      |
| 103-105 |  | open, closed | imported from a workbook (merged title and unit cells, colours, serials) |
| 106-107 |  | open         | imported from a GB18030 CSV through a header mapping                   |
| 108 | S03  | voided       | a duplicate of 1, voided: counted nowhere, shown by `list --status voided` |

After the reports, the ledger is backed up, copied, changed in `shell`, restored
and checked; a register of the first schema is upgraded. Names are unique; each names the expected file of its step.
"""

import contextlib
import shutil
from datetime import date, datetime
from pathlib import Path

from golden.capture import step

INPUTS = Path(__file__).parent / "inputs"
OLD_REGISTER = Path(__file__).parent.parent / "fixtures" / "register-schema-1.db"  # made by riskreg's first schema

WORKBOOK = "in/东村上报.xlsx"
OLD_LEDGER = "in/旧台账.csv"
BAD_SHEET = "in/bad.csv"


def make_inputs(work: Path) -> None:
    """The files the scenario imports and loads, in `work/in`; `work/out` for what it writes."""
    (work / "out").mkdir()
    shutil.copytree(INPUTS, work / "in")
    shutil.copyfile(OLD_REGISTER, work / "in/old.db")
    (work / "in/old.db").chmod(0o644)  # as registers were made before riskreg kept them private: check warns
    _village_workbook(work / WORKBOOK)
    # As WPS saves a CSV: GB18030, with headers of the town's own, mapped by in/mapping.yaml.
    (work / OLD_LEDGER).write_bytes(
        "隐患名称,所在村,风险类型编码,等级,整改时限\n"
        "采石场运输车辆扬尘扰民,北村,P03,较大,2026年7月6日\n"
        "Unlicensed fireworks storage behind the shop,南社区,P05,red,2026/7/20\n".encode("gb18030"))
    (work / BAD_SHEET).write_text("风险编码,村(社区),标题,风险等级\nS03,东村,拖欠工资,特大\nX99,西村,,一般\n",
                                  encoding="utf-8")


def _village_workbook(path: Path) -> None:
    """A village's report as towns keep them: a merged title row, a unit merged down its rows, a blank row,
    an unknown column, levels by colour, a department by name, dates as dates, a serial number and text."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "上报"
    sheet.append(["东村、西村 2026年6月隐患排查上报表"])
    sheet.merge_cells("A1:M1")
    sheet.append(["序号", "风险编码", "村（社区）", "标题", "风险等级", "责任部门", "牵头领导", "工作专班", "完成时限",
                  "状态", "核验人", "化解情况", "销号日期", "登记日期", "备注"])
    sheet.append([1, "H01", "东村", "化工厂违规储存原料", "红", "EMERG", "张强", "安全生产专班",
                  datetime(2026, 6, 30), None, None, None, None, datetime(2026, 6, 22), "联系人手机15012345678"])
    sheet.append([2, "H04", None, "Summer swimming below the dam", "橙", "宣传文化中心", None, None,
                  (date(2026, 7, 16) - date(1899, 12, 30)).days, "待化解", None, None, None, "2026/6/23", None])
    sheet.merge_cells("C3:C4")
    sheet.append([])
    sheet.append([3, "S02", "西村", "非法集资宣传单", "一般", None, "周敏", "防非宣传组", "2026-06-25",
                  "已销号", "镇综治中心", "已收缴宣传单并劝返", "2026年6月24日", "2026-06-20", None])
    workbook.save(path)


def _help_steps() -> list:
    commands = ["init", "catalogue", "catalogue check", "catalogue load", "catalogue show", "config", "config show",
                "config path", "config set", "config unset", "add", "assign", "note", "mitigate", "close",
                "consolidate", "reopen", "escalate", "edit", "regrade", "list", "show", "shell", "summary", "report", "trend", "send", "schedule", "check",
                "backup", "restore", "undo", "copy", "export", "import"]
    return ([step("help", "--help", as_of=None), step("help-short-option", "-h", as_of=None),
             step("no-arguments", as_of=None), step("version", "--version", as_of=None),
             step("show-completion-bash", "--show-completion", "bash", as_of=None)]
            + [step(f"help-{command.replace(' ', '-')}", *command.split(), "--help", as_of=None)
               for command in commands])


def _building_steps() -> list:
    return [
        step("init", "init", as_of="2026-05-01"),
        step("init-again", "init", as_of="2026-05-01"),
        step("init-other-catalogue", "--db", "out/other.db", "init", "--catalogue", "in/catalogue-v2.yaml",
             as_of="2026-05-01"),
        step("init-into-a-folder", "--db", "out", "init", as_of="2026-05-01"),
        step("catalogue-show", "catalogue", "show"),
        # Entries 1-8 first, each added on its own day (ids follow the order of the adds) ...
        step("add-1", "add", "S03", "--title", "某工地拖欠农民工工资，工人代表电话13912345678", "--unit", "东村",
             "--level", "significant", "--detail", "投诉人身份证号11010519491231002X，涉及农民工23人",
             as_of="2026-06-01"),
        step("undo-voids-an-add", "undo", as_of="2026-06-01"),
        step("unvoid-1", "unvoid", "1", "--reason", "误撤销", as_of="2026-06-01"),
        step("add-2", "add", "G01", "--title", "退役士兵安置待遇诉求", "--unit", "西村", "--level", "红",
             "--due", "2026-06-28", as_of="2026-06-03"),
        step("add-3", "add", "P01", "--title", "Night market brawls near the bus station", "--unit", "南社区",
             as_of="2026-06-20"),
        step("add-4", "add", "H02", "--title", "后山滑坡隐患", "--unit", "东村", "--level", "low", "--dept", "WATER",
             as_of="2026-06-01"),
        step("add-5", "add", "S01", "--title", "小区逾期交房", "--unit", "西村", as_of="2026-05-01"),
        step("add-6", "add", "G03", "--title", "Demolition compensation claim by three households", "--unit", "南社区",
             "--level", "significant", as_of="2026-05-01"),
        step("add-7", "add", "S04", "--title", "乡道急弯缺少护栏", "--unit", "北村", as_of="2026-05-15"),
        step("add-8", "add", "H03", "--title", "Overloaded transformer in summer heat", "--unit", "西村",
             as_of="2026-05-05"),
        # ... then their lives, roughly in date order (only each entry's own events must run forward in time).
        step("assign-5", "assign", "5", "--leader", "赵刚", "--task-force", "房地产纠纷专班", "--plan", "督促开发商交房",
             "--due", "2026-05-31", as_of="2026-05-02"),
        step("assign-6", "assign", "6", "--leader", "Zhang Min", "--task-force", "Resettlement team",
             "--plan", "Verify the valuation and pay", "--due", "2026-05-31", as_of="2026-05-02"),
        step("close-8", "close", "8", "--verified-by", "供电所", "--resolution", "已更换变压器", as_of="2026-05-06"),
        step("close-6", "close", "6", "--verified-by", "Zhang Min", "--resolution", "Compensation paid in full",
             "--on", "2026-05-10", as_of="2026-05-10"),
        step("reopen-8", "reopen", "8", "--reason", "高温再次跳闸，联系人13512345678", as_of="2026-05-20"),
        step("close-5", "close", "5", "--verified-by", "李华", "--resolution", "已交房并办理产权证", "--on", "2026-05-20",
             as_of="2026-05-21"),
        step("consolidate-6-under-watch", "consolidate", "6", as_of="2026-06-01"),
        step("assign-1", "assign", "1", "--leader", "王明", "--task-force", "劳资纠纷专班", "--plan", "约谈企业，限期清偿",
             "--due", "2026-06-20", "--contingency", "集体讨薪时启动应急处置预案", as_of="2026-06-02"),
        step("assign-4", "assign", "4", "--leader", "刘洋", "--task-force", "地灾防治专班", "--plan", "设置监测点，汛前排危",
             "--due", "2026-06-25", as_of="2026-06-02"),
        step("mitigate-4", "mitigate", "4", "--measures", "每周巡查，设置警示牌", as_of="2026-06-10"),
        step("consolidate-6", "consolidate", "6", as_of="2026-06-10"),
        step("assign-1-extend", "assign", "1", "--due", "2026-06-25", as_of="2026-06-15"),
        step("catalogue-check", "catalogue", "check", "in/catalogue-v2.yaml", as_of="2026-06-22"),
        step("catalogue-load-dry-run", "catalogue", "load", "in/catalogue-v2.yaml", "--dry-run", as_of="2026-06-22"),
        step("catalogue-load", "catalogue", "load", "in/catalogue-v2.yaml", as_of="2026-06-22"),
        step("catalogue-load-again", "catalogue", "load", "in/catalogue-v2.yaml", as_of="2026-06-22"),
        step("add-on-retired-risk", "add", "S04", "--title", "又一处急弯", "--unit", "北村", as_of="2026-06-22"),
        step("add-9", "add", "S06", "--title", "电动车楼道违规充电", "--unit", "南社区", "--detail",
             "住户王某（身份证110105199003072316）多次在楼道充电", as_of="2026-06-23"),
        step("close-9", "close", "9", "--verified-by", "物业", "--resolution", "已安装集中充电桩", "--on", "2026-06-24",
             as_of="2026-06-24"),
        step("assign-3-campaign-deadline", "assign", "3", "--leader", "Li Wei", "--dept", "POLICE", "--task-force",
             "Night market patrol", "--plan", "Joint patrols Friday to Sunday", "--due", "T-58", as_of="2026-06-25"),
        step("escalate-3", "escalate", "3", "--to", "县公安局（值班电话13800138000）", "--reason", "涉及跨辖区流动摊贩，需县级协调",
             as_of="2026-06-26"),
        *_import_steps(),
        step("note-1", "note", "1", "已约谈施工方，承诺7月底前支付", as_of="2026-06-28"),
        step("note-8-by-mistake", "note", "8", "误记：已恢复供电", as_of="2026-06-29"),
        step("undo-note-8", "undo", as_of="2026-06-29"),
        step("mitigate-4-update", "--actor", "李四", "mitigate", "4", "--measures", "每日巡查，雨天撤离坡下住户",
             as_of="2026-06-29"),
        step("escalate-8", "escalate", "8", "--to", "区供电公司", "--reason", "需要增容改造", as_of="2026-06-30"),
        step("undo-escalate-8", "undo", as_of="2026-06-30"),
        step("show-8-after-undo", "show", "8"),
        step("add-108-duplicate", "add", "S03", "--title", "工地欠薪（东村重复上报）", "--unit", "东村", as_of="2026-06-30"),
        step("void-108-duplicate-of-1", "void", "108", "--reason", "与1号重复", "--duplicate-of", "1", as_of="2026-06-30"),
        step("void-108-again", "void", "108", "--reason", "再次作废", as_of="2026-06-30"),
        step("note-108-voided", "note", "108", "已回访", as_of="2026-06-30"),
        step("list-status-voided", "list", "--status", "voided"),
        step("show-108-voided", "show", "108"),
    ]


def _import_steps() -> list:
    on = {"as_of": "2026-06-26"}
    return [
        step("import-jsonl-dry-run", "import", "in/county.jsonl", "--dry-run", **on),
        step("import-jsonl", "import", "in/county.jsonl", **on),
        step("import-jsonl-again", "import", "in/county.jsonl", **on),
        step("import-jsonl-with-mapping", "import", "in/county.jsonl", "--mapping", "in/mapping.yaml", **on),
        step("import-xlsx-dry-run", "import", WORKBOOK, "--dry-run", **on),
        step("import-xlsx-dry-run-unmasked", "--lang", "en", "import", WORKBOOK, "--dry-run", "--unmasked", **on),
        step("import-xlsx", "import", WORKBOOK, **on),
        step("import-xlsx-again", "import", WORKBOOK, **on),
        step("import-csv-mapping", "import", OLD_LEDGER, "--mapping", "in/mapping.yaml", **on),
        step("import-csv-bad-rows", "import", BAD_SHEET, **on),
        step("import-unknown-suffix", "import", "in/mapping.yaml", **on),
        step("import-missing-file", "import", "in/missing.jsonl", **on),
    ]


LANGS = (("zh", ()), ("en", ("--lang", "en")))


def _list_steps() -> list:
    steps = []
    for lang, option in LANGS:
        for fmt in ("table", "json", "csv"):
            steps.append(step(f"list-{fmt}-{lang}", *option, "list", "--format", fmt))
    steps += [step(f"list-{fmt}-unmasked", "list", "--format", fmt, "--unmasked") for fmt in ("table", "json", "csv")]
    filters = {
        "overdue": ["--overdue"], "due-soon": ["--due-soon"], "unaccountable": ["--unaccountable"],
        "status-open": ["--status", "open"], "status-mitigated": ["--status", "mitigated"],
        "status-closed": ["--status", "closed"], "status-consolidated": ["--status", "consolidated"],
        "status-active": ["--status", "active"], "risk": ["--risk", "s03"], "category": ["--category", "G"],
        "dept": ["--dept", "COMP"], "unit": ["--unit", "东村"], "level-zh": ["--level", "重大"],
        "level-colour": ["--level", "red"], "limit": ["--limit", "3"],
        "combined": ["--status", "active", "--dept", "EMERG", "--format", "csv"],
    }
    steps += [step(f"list-{name}", "list", *args) for name, args in filters.items()]
    return steps


def _show_steps() -> list:
    steps = []
    for entry in ("1", "3", "6", "7", "101", "103"):
        for lang, option in LANGS:
            for fmt in ("table", "json"):
                steps.append(step(f"show-{entry}-{fmt}-{lang}", *option, "show", entry, "--format", fmt))
    steps += [step(f"show-1-{fmt}-unmasked", "show", "1", "--format", fmt, "--unmasked") for fmt in ("table", "json")]
    return steps


REPORT_FORMATS = ("text", "markdown", "json", "csv", "html")
REPORT_SUFFIX = {"text": "txt", "markdown": "md", "json": "json", "csv": "csv", "html": "html"}


def _report_steps() -> list:
    steps = [step("summary-zh", "summary", installed=True), step("summary-en", "--lang", "en", "summary"),
             step("summary-unmasked", "summary", "--unmasked")]
    for fmt in REPORT_FORMATS:
        for lang, option in LANGS:
            steps.append(step(f"report-{fmt}-{lang}", *option, "report", "--format", fmt))
        steps.append(step(f"report-{fmt}-unmasked", "report", "--format", fmt, "--unmasked"))
        out = f"out/report.{REPORT_SUFFIX[fmt]}"
        steps.append(step(f"report-{fmt}-output", "report", "--format", fmt, "--output", out, files=(out,)))
    steps += [
        step("report-unmasked-output", "report", "--format", "json", "--unmasked", "-o", "out/private.json",
             files=("out/private.json",)),
        step("report-since-text", "report", "--since", "2026-06-25"),
        step("report-since-json", "report", "--format", "json", "--since", "-7d"),
        step("report-fail-on-overdue", "report", "--format", "csv", "--fail-on-overdue"),
        step("report-bad-since", "report", "--since", "last week"),
        step("report-output-missing-folder", "report", "-o", "out/missing/report.txt"),
        step("report-unknown-format", "report", "--format", "pdf"),
        step("summary-dept", "summary", "--dept", "劳动保障中心"),
        step("summary-leader-en", "--lang", "en", "summary", "--leader", "王明"),
        step("report-markdown-dept", "report", "--format", "markdown", "--dept", "POLICE"),
        step("report-json-unit", "report", "--format", "json", "--unit", "东村"),
        step("report-split-json", "report", "--format", "json", "--split", "dept", "--output-dir", "out/depts",
             files=("out/depts/LABOUR.json", "out/depts/CULT.json")),
        step("report-split-no-folder", "report", "--split", "dept"),
        step("report-unknown-dept", "report", "--dept", "人社局"),
        step("send-nothing-to-send-to", "send"),  # tests/test_send.py and test_robots.py send to real servers
        step("send-not-an-address", "send", "--to", "王明"),
    ]
    for fmt in ("table", "json", "csv"):
        for lang, option in LANGS:
            steps.append(step(f"trend-{fmt}-{lang}", *option, "trend", "--format", fmt))
    steps += [step("trend-days", "trend", "--days", "7"), step("trend-since-campaign", "trend", "--since", "T-70"),
              step("trend-days-zero", "trend", "--days", "0")]
    for lang, option in LANGS:
        steps += [step(f"catalogue-show-table-{lang}", *option, "catalogue", "show"),
                  step(f"catalogue-show-json-{lang}", *option, "catalogue", "show", "--format", "json")]
    return steps


def _export_steps() -> list:
    steps = [
        step("export-jsonl", "export"),
        step("export-jsonl-unmasked", "export", "--unmasked", "--output", "out/all.jsonl", files=("out/all.jsonl",)),
        step("export-jsonl-filtered", "export", "--format", "jsonl", "--status", "closed", "--limit", "1"),
        step("export-jsonl-masked", "export", "--masked", "--limit", "1"),
        step("export-xlsx-stdout", "export", "--format", "xlsx"),
    ]
    for lang, option in LANGS:
        steps += [step(f"export-csv-{lang}", *option, "export", "--format", "csv"),
                  step(f"export-xlsx-{lang}", *option, "export", "--format", "xlsx", "-o", f"out/ledger-{lang}.xlsx",
                       files=(f"out/ledger-{lang}.xlsx",))]
    steps += [
        step("export-csv-bom", "export", "--format", "csv", "--bom", "--output", "out/ledger.csv",
             files=("out/ledger.csv",)),
        step("export-csv-unmasked", "export", "--format", "csv", "--unmasked"),
        step("export-xlsx-unmasked", "export", "--format", "xlsx", "--unmasked", "-o", "out/private.xlsx",
             files=("out/private.xlsx",)),
        step("export-xlsx-filtered", "export", "--format", "xlsx", "--overdue", "-o", "out/overdue.xlsx",
             files=("out/overdue.xlsx",)),
        step("export-unknown-format", "export", "--format", "xml"),
    ]
    return steps


def _error_steps() -> list:
    """Usage errors (exit 2) and user errors (exit 1), each with its one sentence."""
    return [
        step("unknown-command", "frobnicate"),
        step("unknown-option", "list", "--bogus"),
        step("missing-option", "add", "S03", "--title", "无村名"),
        step("missing-argument", "note"),
        step("id-not-a-number", "show", "abc"),
        step("id-zero", "show", "0"),
        step("lang-unknown", "--lang", "fr", "list"),
        step("list-format-unknown", "list", "--format", "xml"),
        step("list-limit-negative", "list", "--limit", "-1"),
        step("list-status-unknown", "list", "--status", "lost"),
        step("list-level-unknown", "list", "--level", "特大"),
        step("as-of-countdown", "list", as_of="T-5"),
        step("as-of-bad-date", "list", as_of="2026-13-01"),
        step("show-unknown-id", "show", "999"),
        step("note-unknown-id", "note", "999", "无此条目"),
        step("add-unknown-risk", "add", "X99", "--title", "未知风险", "--unit", "东村"),
        step("add-unknown-level", "add", "S03", "--title", "等级不明", "--unit", "东村", "--level", "特大"),
        step("add-unknown-dept", "add", "S03", "--title", "部门不明", "--unit", "东村", "--dept", "NOPE"),
        step("assign-nothing", "assign", "1"),
        step("assign-bad-date", "assign", "1", "--due", "tomorrow"),
        step("assign-closed", "assign", "5", "--leader", "某人"),
        step("close-in-the-future", "close", "3", "--verified-by", "某人", "--resolution", "已处理", "--on", "2026-07-05"),
        step("consolidate-open", "consolidate", "1"),
        step("reopen-open", "reopen", "1", "--reason", "无"),
        step("escalate-same-again", "escalate", "3", "--to", "县公安局（值班电话13800138000）", "--reason",
             "涉及跨辖区流动摊贩，需县级协调"),
        step("note-backdated", "note", "1", "补记", as_of="2026-06-01"),
        step("edit-nothing", "edit", "1", "--reason", "无"),
        step("edit-without-reason", "edit", "1", "--title", "新标题"),
        step("regrade-closed", "regrade", "5", "--level", "major", "--reason", "无"),
        step("escalate-clear-not-escalated", "escalate", "1", "--clear", "--reason", "已协调"),
        step("catalogue-check-bad", "catalogue", "check", "in/catalogue-bad.yaml"),
        step("catalogue-load-missing", "catalogue", "load", "in/missing.yaml"),
        step("missing-register", "--db", "out/missing.db", "list"),
    ]


def _config_steps() -> list:
    config = "xdg-config/riskreg/config.toml"
    return [
        step("config-path", "config", "path"),
        step("config-show-defaults", "config", "show"),
        step("config-set-lang", "config", "set", "lang", "en", files=(config,)),
        step("config-set-stale-days", "config", "set", "stale_days", "30", files=(config,)),
        step("config-show-json", "config", "show", "--format", "json"),
        step("config-show-table", "config", "show"),
        step("list-with-config-stale-days", "list", "--format", "csv"),
        step("config-set-unknown-key", "config", "set", "colour", "red"),
        step("config-set-bad-days", "config", "set", "due_soon_days", "soon"),
        step("config-unset-lang", "config", "unset", "lang", files=(config,)),
        step("config-unset-stale-days", "config", "unset", "stale_days", files=(config,)),
        step("config-unset-again", "config", "unset", "lang"),
    ]


SHELL_INPUT = """list --status open
show 2
note 2 "已电话联系，对方电话13700001111"
riskreg list --overdue --format csv
frobnicate
list --bogus
--as-of 2026-07-02 list
note 2 "unclosed
help note
exit
"""


def _tamper_with_copy(work: Path) -> None:
    """Edit the copy behind riskreg's back, as `check` exists to notice: an entry's status its history denies."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(work / "out/copy.db")) as db, db:
        db.execute("UPDATE entry SET status = 'consolidated' WHERE id = 2")


def _upkeep_steps() -> list:
    return [
        step("check", "check"),
        step("backup", "backup", "out/backup.db", files=("out/backup.db",)),
        step("copy", "copy", "--to", "out/copy.db"),
        step("copy-list", "--db", "out/copy.db", "list", "--format", "csv", "--unmasked"),
        step("copy-check", "--db", "out/copy.db", "check"),
        step("copy-to-existing", "copy", "--to", "out/copy.db"),
        step("import-jsonl-new-ids", "--db", "out/copy.db", "import", "in/county.jsonl", "--new-ids"),
        # Corrections on the copy, so that the register the later steps restore and check stays as it was
        step("regrade-1-on-copy", "--db", "out/copy.db", "regrade", "1", "--level", "重大", "--reason", "欠薪人数增至40人"),
        step("edit-2-on-copy", "--db", "out/copy.db", "edit", "2", "--unit", "北村", "--level", "significant",
             "--reason", "核实后更正所在村，诉求已缓和"),
        step("escalate-clear-3-on-copy", "--db", "out/copy.db", "escalate", "3", "--clear", "--reason",
             "县公安局已牵头联合整治"),
        step("show-1-regraded-on-copy", "--db", "out/copy.db", "show", "1"),
        step("report-since-regraded-on-copy", "--db", "out/copy.db", "report", "--since", "2026-07-01"),
        step("undo-escalate-clear-on-copy", "--db", "out/copy.db", "undo"),
        step("check-finds-tampering", "--db", "out/copy.db", "check", before=_tamper_with_copy),
        step("shell", "shell", stdin=SHELL_INPUT),
        step("show-2-after-shell", "show", "2"),
        step("restore", "restore", "out/backup.db"),
        step("show-2-after-restore", "show", "2"),
        step("check-after-restore", "check"),
        step("restore-missing-file", "restore", "out/missing.db"),
        step("upgrade-old-register", "--db", "in/old.db", "list", "--format", "csv",
             files=("in/old.db.schema-1.bak",)),
        step("check-upgraded-register", "--db", "in/old.db", "check"),
    ]


STEPS = [*_help_steps(), *_building_steps(), *_list_steps(), *_show_steps(), *_report_steps(), *_export_steps(),
         *_error_steps(), *_config_steps(), *_upkeep_steps()]
