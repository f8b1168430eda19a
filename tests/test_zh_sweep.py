"""Issue 15's sweep: the paths a Chinese reader meets when something is wrong, run under --lang zh, say no English
word of the vocabulary; the same paths under --lang en still say the English sentences other tests quote.

Each path is driven as a user drives it: a broken catalogue file, a register changed behind riskreg's back, a
masked copy imported, a sheet with a column riskreg has no field for, a forged JSON Lines export, a returned sheet
previewed, `catalogue show`, mistyped command lines and every command's help at 80 and 60 columns.
"""

import json
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import fill_in, sheet_file
from test_messages import _QUOTED, _english_words

from riskreg.cli import app

_COMMAND = re.compile(r"riskreg(?: [a-z]+)*")  # a command line quoted: its words are names, not English
_VALUE = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")  # a value quoted from what the user gave, as typed


def _english(text: str, *data: str) -> list[str]:
    """The lines of `text` holding an English word of the vocabulary outside codes, options, quoted values and
    `data` (paths, and names the user or the catalogue gave in English)."""
    english = _english_words()
    found = []
    for line in text.splitlines():
        plain = line
        for value in data:
            plain = plain.replace(str(value), " ")
        plain = _QUOTED.sub(" ", _VALUE.sub(" ", _COMMAND.sub(" ", plain)))
        if {word.lower() for word in re.findall(r"[A-Za-z]+", plain)} & english:
            found.append(line)
    return found


def _said(cli, *args: str, lang: str = "zh", code: int | None = None) -> str:
    result = cli.runner.invoke(app, ["--lang", lang, "--as-of", "2026-07-01", *map(str, args)])
    if code is not None:
        assert result.exit_code == code, (args, result.stdout, result.stderr)
    return result.stdout + result.stderr


_CATALOGUE = """version: 1
levels:
  - {code: major, zh: 重大风险, en: major, colour: red}
  - {code: significant, zh: 较大风险, en: significant, colour: orange}
  - {code: general, zh: 一般风险, en: general, colour: yellow}
  - {code: low, zh: 低风险, en: low, colour: blue}
departments:
  - {code: COMP, zh: 综治中心, en: Centre}
categories:
  - code: S
    zh: 社会矛盾
    en: Disputes
    risks:
      - {code: S01, zh: 拖欠工资, en: Arrears, departments: [COMP]}
"""

# (what is changed in the catalogue above, the English sentence, its Chinese)
_BROKEN = [
    (("version: 1", "version: 7"), "catalogue format version 7 is not supported (this riskreg reads 1)",
     "不支持第 7 版目录格式"),
    (("version: 1\n", "version: 1\nfoo: 1\n"), "unknown key 'foo' in the catalogue; allowed keys are campaign,",
     "目录中有未知的键 'foo'；允许的键为 `campaign`、"),
    (("departments:\n  - {code: COMP, zh: 综治中心, en: Centre}\n", ""), "the catalogue lacks 'departments'.",
     "目录缺少 `departments`。"),
    (("colour: red", "colour: pink"), "colour 'pink' is not one of red, orange, yellow, blue.",
     "颜色 'pink' 不在 `red`、`orange`、`yellow`、`blue` 之中。"),
    (("code: low", "code: tiny"), "level 'tiny' is not one of major, significant, general, low.",
     "等级 'tiny' 不在"),
    (("{code: COMP, zh: 综治中心, en: Centre}", "{code: COMP, zh: '', en: Centre}"), "department zh is empty.",
     "部门 的 `zh`为空。"),
    (("{code: COMP, zh: 综治中心", "{code: comp, zh: 综治中心"),
     "department code 'comp' must be a capital letter then up to 31 capitals", "部门编码 'comp' 须以大写字母开头"),
    (("departments: [COMP]", "departments: [LAND]"),
     "risk S01 names department 'LAND', which the catalogue does not list.", "风险 S01 列出的部门 'LAND' 不在目录的部门中。"),
    (("departments: [COMP]", "departments: [COMP, COMP]"), "risk S01 names department 'COMP' twice.",
     "风险 S01 两次列出部门 'COMP'。"),
    (("en: Arrears,", "en: Arrears, consolidation_days: -1,"),
     "consolidation_days must be a whole number from 0 to 3650, not '-1'.", "`consolidation_days`须为 0 到 3650 之间的整数"),
    (("version: 1\n", "version: 1\ncampaign: {zh: 省运会, en: Games, start: 2026-09-15, end: 2026-09-01}\n"),
     "the campaign ends before it starts.", "专项工作的结束日期早于开始日期。"),
    (("version: 1\n", "version: 1\ncampaign: {zh: 省运会, en: Games, start: 2026-9-1, end: 2026-09-15}\n"),
     "campaign start must be a date written YYYY-MM-DD, not '2026-9-1'.", "`campaign` 的 `start`须为 YYYY-MM-DD 格式的日期"),
    (("levels:\n", "levels: &a\n"), "anchors and aliases (&, *) are not allowed in a catalogue.", "目录中不允许使用锚点和别名"),
    (("version: 1\n", "version: 1: 2\n"), "not valid YAML: mapping values are not allowed here.",
     "不是有效的 YAML：此处不能写“键: 值”"),
    (("en: Disputes\n", 'en: "Disputes\n'), "not valid YAML: found unexpected end of stream.",
     "不是有效的 YAML：文件意外结束"),
    (("version: 1\n", "version: 1\n\tfoo: 1\n"), "not valid YAML: found character '\\t' that cannot start any token.",
     "出现了不能出现在这里的字符 '\\t'"),
    (("departments: [COMP]", "departments: [COMP"), "not valid YAML: expected ',' or ']', but got",
     "此处应为 ',' 或 ']'，却是"),
]


@pytest.mark.pure
@pytest.mark.parametrize("change, en, zh", _BROKEN, ids=[en[:30] for _, en, _ in _BROKEN])
def test_a_broken_catalogue_file_is_refused_in_the_chosen_language(cli, tmp_path, change, en, zh):
    assert change[0] in _CATALOGUE
    path = tmp_path / "catalogue.yaml"
    path.write_text(_CATALOGUE.replace(*change), encoding="utf-8")
    said = _said(cli, "catalogue", "check", path, code=1)
    assert said.startswith(f"错误：{path}:") and zh in said, said
    assert not _english(said, path), said
    assert en in _said(cli, "catalogue", "check", path, lang="en", code=1)


@pytest.mark.pure
def test_the_sound_catalogue_of_this_sweep_is_sound(cli, tmp_path):
    path = tmp_path / "catalogue.yaml"
    path.write_text(_CATALOGUE, encoding="utf-8")
    _said(cli, "catalogue", "check", path, code=0)


@pytest.mark.sqlite_only
def test_check_reports_a_register_changed_behind_its_back_in_chinese(cli, register, tmp_path):
    closed = cli.add()
    cli("close", closed, "--verified-by", "李华", "--resolution", "已整改")
    other = cli.add(title="消防通道堵塞")
    with sqlite3.connect(register) as conn:
        conn.execute(f"UPDATE entry SET verified_by = NULL WHERE id = {closed}")
        conn.execute(f"UPDATE entry SET leader = '张三' WHERE id = {other}")
        conn.execute("DROP TRIGGER history_no_delete")
        conn.execute("DROP TRIGGER entry_search_note")
    conn.close()
    said = _said(cli, "check", code=1)
    assert f"事项 {closed} 已销号，但缺少核验人、化解情况或销号日期。" in said
    assert f"事项 {other}：`leader` 为 '张三'，而历史记录表明应为 （空）。" in said
    assert "历史记录的只增保护 `history_no_delete` 缺失" in said and "搜索索引的触发器 `entry_search_note` 缺失" in said
    assert not _english(said, register), said
    en = _said(cli, "check", lang="en", code=1)
    assert f"entry {closed} is closed without a verifier, resolution or closing date." in en
    assert f"entry {other}: leader is '张三' but its history says None." in en
    assert "the append-only guard history_no_delete on history is missing: history can be changed unseen." in en


def test_a_masked_copy_and_a_stray_column_are_refused_in_chinese(cli, register, tmp_path):
    masked = sheet_file(tmp_path / "masked.csv", [["风险编码", "村(社区)", "标题"], ["S03", "东村", "工头电话138****5678"]])
    said = _said(cli, "import", masked, code=1)
    assert "含有打码的号码（138****5678）；请导入未打码的导出文件，或加 --accept-masked" in said, said
    assert not _english(said, masked), said
    assert "holds a masked number (138****5678); import the unmasked export, or pass --accept-masked" in \
        _said(cli, "import", masked, lang="en", code=1)

    stray = sheet_file(tmp_path / "stray.csv", [["风险编码", "村(社区)", "标题", "联系电话", None],
                                                ["S03", "东村", "拖欠工资", "王五", "表外的字"]])
    said = _said(cli, "import", stray, code=1)
    assert (f"{stray}：联系电话（D 列），如 '王五'；E 列（无表头），如 '表外的字' 中的数据在台账中没有对应的字段，因此一条也"
            "没有导入；请用 --mapping 文件的一行（如 `联系电话: detail`）给它指定字段，或用 --ignore 联系电话 --ignore E 略过。"
            ) in said, said
    assert not _english(said, stray), said
    assert (f"{stray}: columns 联系电话 (D), e.g. '王五'; E (no header), e.g. '表外的字' hold data riskreg has no field "
            "for, so nothing was imported; give it a field with a --mapping line (such as `联系电话: detail`) or leave "
            "them out with --ignore 联系电话 --ignore E.") in _said(cli, "import", stray, lang="en", code=1)


def test_a_forged_json_lines_export_is_refused_in_chinese(cli, register, tmp_path, monkeypatch):
    cli.add()
    exported = tmp_path / "town.jsonl"
    cli("export", "--output", exported)
    forged = json.loads(exported.read_text(encoding="utf-8"))
    forged["title"] = "改过的标题"
    forged["history"][0]["on"] = "2026-7-1"
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(forged, ensure_ascii=False) + "\n", encoding="utf-8")
    replayed = dict(forged, history=json.loads(exported.read_text(encoding="utf-8"))["history"])
    mismatch = tmp_path / "mismatch.jsonl"
    mismatch.write_text(json.dumps(replayed, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.setenv("RISKREG_DB", str(tmp_path / "fresh.db"))
    cli("init")
    said = _said(cli, "import", mismatch, code=1)
    assert "事项 1：`title` 为 '改过的标题'，而历史记录表明应为 '某工地拖欠农民工工资'" in said, said
    assert not _english(said, mismatch), said
    assert "entry 1: title is '改过的标题' but its history says '某工地拖欠农民工工资'" in \
        _said(cli, "import", mismatch, lang="en", code=1)
    said = _said(cli, "import", bad, code=1)
    assert "第 1 条历史记录的日期 '2026-7-1' 不是 YYYY-MM-DD 格式的日期" in said, said
    assert not _english(said, bad, " history "), said  # the JSON key, as the file names it


def test_the_dry_run_of_a_returned_sheet_names_its_actions_in_chinese(cli, register, tmp_path):
    entry = cli.add()
    sent = tmp_path / "sent.xlsx"
    cli("export", "--format", "xlsx", "--output", sent)
    returned = fill_in(sent, tmp_path / "back.xlsx", {entry: {"风险等级": "重大", "完成时限": "2026-07-31",
                                                              "标题": "拖欠工资（二期）"}})
    said = _said(cli, "import", "--update", returned, "--dry-run", code=0)
    assert "重大风险（调整等级）\n" in said and "（指定责任）\n" in said and "（更正）\n" in said, said
    assert not _english(said, returned.name), said
    en = _said(cli, "import", "--update", returned, "--dry-run", lang="en", code=0)
    assert "  (regrade)\n" in en and "  (assign)\n" in en and "  (edit)\n" in en, en


def test_catalogue_show_heads_its_tables_in_chinese(cli, register, bundled_catalogue):
    said = _said(cli, "catalogue", "show", code=0)
    assert "销号后观察期：30 天" in said and "风险（牵头部门在前）" in said and " 编码 " in said, said
    names = [bundled_catalogue.title_en, *(item.en for kind in (bundled_catalogue.departments,
                                                              bundled_catalogue.categories, bundled_catalogue.risks)
                                           for item in kind)]
    # the catalogue's own English names stand beside the Chinese, folded over lines: only their words are data
    data = {word for name in names for word in re.findall(r"[A-Za-z]+", name)}
    assert not _english(said, *sorted(data, key=len, reverse=True)), said
    en = _said(cli, "catalogue", "show", lang="en", code=0)
    assert "watch after closing: 30 days" in en and "Risks (lead department first)" in en


_BAD_LINES = [
    ["list", "--bogus"], ["show"], ["show", "1", "2"], ["list", "--format", "xml"], ["list", "--limit"],
    ["add", "S03"], ["list", "--limit", "-5"], ["frobnicate"], ["catalogue", "frob"], ["catalogue", "shwo"],
    ["list", "--overdue=3"], ["trend", "--days", "x"], ["list", "-x"], ["check", "--against", "/nonexistent.json"],
    ["check", "--against", "/"], ["restore", "/"], ["--as-of", "x", "list"], ["--lang", "fr", "list"],
    ["list", "--level", "x"], ["export", "--format", "x"], ["send", "--robot", "x"], ["list", "--limit", "1", "2"],
    ["config", "get"], ["config", "set", "lang", "fr"], ["void", "1"], ["schedule", "--at", "25:00"],
]


@pytest.mark.pure
@pytest.mark.parametrize("argv", _BAD_LINES, ids=" ".join)
def test_a_mistyped_command_line_is_refused_in_chinese(cli, argv):
    result = cli.runner.invoke(app, ["--lang", "zh", *argv] if argv[0] != "--lang" else argv)
    said = result.stdout + result.stderr
    assert result.exit_code in (1, 2) and "错误：" in said and "Error" not in said and "Usage" not in said, said
    assert not _english(said, "/nonexistent.json"), said


def _commands(command, path=()):
    yield path
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        if not sub.hidden:
            yield from _commands(sub, (*path, name))


_WIDE = r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"


def _help(path: tuple[str, ...], lang: str, capsys) -> str:
    """`riskreg --lang LANG PATH --help` as a terminal of $COLUMNS shows it (CliRunner would force 80 columns)."""
    import typer

    try:
        typer.main.get_command(app).main(["--lang", lang, *path, "--help"], prog_name="riskreg", standalone_mode=False)
    except SystemExit:
        pass
    return capsys.readouterr().out


@pytest.mark.pure
@pytest.mark.parametrize("columns", [80, 60])
def test_every_help_page_wraps_chinese_by_its_width_and_never_inside_a_word(monkeypatch, capsys, columns):
    import typer

    from riskreg.cli.wrapping import cells

    monkeypatch.setenv("COLUMNS", str(columns))
    problems = []
    for path in _commands(typer.main.get_command(app)):
        page = _help(path, "zh", capsys)
        assert page.startswith("用法: riskreg"), page
        for line in page.splitlines():
            words = line.split()
            if cells(line) > columns - 2 and not (len(words) <= 2 and cells(words[-1]) > columns // 2):
                problems.append(f"{' '.join(path)}: over {columns - 2} cells: {line!r}")
            if re.search(f"{_WIDE} {_WIDE}", line):
                problems.append(f"{' '.join(path)}: a space between Chinese characters: {line!r}")
        tokens = re.compile(r"\$[A-Z_]+|--[a-z][a-z-]*[a-z]")
        split = set(tokens.findall(page)) - set(tokens.findall(_help(path, "en", capsys)))
        if split:
            problems.append(f"{' '.join(path)}: split or unknown: {sorted(split)}")
        for line in page.splitlines():
            if re.search(r"(^|\s)-{1,2}$", line.rstrip()) or re.search(r"\$[A-Z_]*$", line.rstrip()):
                problems.append(f"{' '.join(path)}: a token split at the line's end: {line!r}")
    assert not problems, "\n".join(problems)


def test_wrapping_keeps_every_character_in_its_place():
    """An opening mark waiting for the next piece took a closing mark's place after it: 默认值（）。下一句 came out
    as 默认值）。（下一句. An ideographic space is two cells, as the line's width counts it."""
    from riskreg.cli.wrapping import cells, fill

    for text in ("默认值（）。下一句", "a（）b", "（「」）", "一二三\u3000四五六七八九十"):
        for width in (6, 9, 14, 80):
            lines = fill(text, width).split("\n")
            assert "".join(lines).replace("\u3000", "") == text.replace("\u3000", ""), (text, width, lines)
    assert fill("一二三\u3000四五六七", 13) == "一二三\u3000四五\n六七"  # it ran to 14 cells: 一二三\u3000四五六
