"""`riskreg tui`, the coordinator's desk, driven key by key with Textual's Pilot on a real register (both backends).

Each action is checked by what it left in the register, read back through the command line (`show --format json`),
so the desk is held to record exactly what the command of the same name records."""

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import date

import pytest

from conftest import AS_OF, Cli

TODAY = date.fromisoformat(AS_OF)


def desk_app(lang: str = "en", *, unmasked: bool = False, poll: float = 3600):
    """The app `riskreg --as-of AS_OF --lang LANG tui` opens, on the test's register (RISKREG_DB)."""
    from riskreg import messages
    from riskreg.cli.desk import open_desk
    from riskreg.cli.state import State
    from riskreg.tui.app import DeskApp
    from riskreg.zones import UTC

    messages.use(lang)
    state = State(as_of=AS_OF, lang=lang)
    state.zone = lambda: UTC  # the history's times in one zone, whatever the machine's
    return DeskApp(open_desk(state, unmasked=unmasked), poll=poll)


def drive(scenario: Callable, lang: str = "en", size: tuple[int, int] = (100, 30), **kwargs):
    """Run `scenario(app, pilot)` in a headless desk; its return value."""
    app = desk_app(lang, **kwargs)

    async def run():
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            result = await scenario(app, pilot)
            await pilot.pause()
        return result

    try:
        return asyncio.run(run())
    finally:
        app.desk.register.engine.dispose()


def status(app) -> str:
    """The status line's sentence, whole (the screen may wrap it)."""
    return str(app.query_one("#status").content)


def screen_text(app) -> str:
    """The screen as a person reads it: each line's characters, no colour (Chinese two cells wide)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, force_terminal=True,
                      color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


async def fill(pilot, **values: str) -> None:
    """Type into the open form (by field name) and save it."""
    from textual.widgets import Input

    for name, value in values.items():
        pilot.app.screen.query_one(f"#field-{name}", Input).value = value
    await pilot.press("ctrl+s")
    await pilot.pause()


async def typed_in(pilot, box: str, text: str) -> None:
    """Focus the filter bar (`f`) or the search box (`/`) by its key, type `text`, press Enter."""
    from textual.widgets import Input

    await pilot.press("f" if box == "filter" else "slash")
    pilot.app.query_one(f"#{box}", Input).value = text
    await pilot.press("enter")
    await pilot.pause()


def history(cli: Cli, entry_id: int) -> list[dict]:
    return cli.json("show", str(entry_id), "-f", "json")["history"]


@pytest.fixture
def three(cli: Cli, register) -> list[int]:
    """Three entries: 1 overdue and led by 王明 (a mobile number in its title), 2 with a note, 3 plain."""
    ids = [cli.add(title="工地拖欠工资 电话13812345678"), cli.add("S03", "燃气管道老化", "西村"), cli.add()]
    cli("assign", str(ids[0]), "--leader", "王明", "--due", "2026-06-20")
    cli("note", str(ids[1]), "燃气公司已排查")
    return ids


def test_ledger_and_detail_show_entries_masked(cli, three):
    async def scenario(app, pilot):
        from riskreg.tui.ledger import Ledger

        ledger = app.query_one(Ledger)
        title = str(ledger.get_row_at(0)[-1])
        detail = screen_text(app)
        await pilot.press("down")
        return ledger.ids, title, detail, screen_text(app)

    ids, title, first, second = drive(scenario, size=(120, 80))
    assert ids == three
    assert title == "工地拖欠工资 电话138****5678"
    assert "13812345678" not in first and "138****5678" in first and "王明" in first
    assert "燃气公司已排查" in second  # the note, in the history's sentences


def test_unmasked_shows_numbers_as_stored(cli, three):
    async def scenario(app, pilot):
        from riskreg.tui.ledger import Ledger

        return str(app.query_one(Ledger).get_row_at(0)[-1])

    assert drive(scenario, unmasked=True) == "工地拖欠工资 电话13812345678"


def test_the_ledger_is_paged_as_the_cursor_goes(cli, register, tmp_path):
    from riskreg.tui.desk import PAGE

    many = PAGE + 30
    cli("import", _sheet(tmp_path, many))  # a quick way to a register of more than a page

    async def scenario(app, pilot):
        from riskreg.tui.ledger import Ledger

        ledger = app.query_one(Ledger)
        first = len(ledger.ids)
        ledger.move_cursor(row=first - 1)
        await pilot.pause()
        return first, ledger.ids, ledger.more

    first, ids, more = drive(scenario)
    assert first == PAGE
    assert ids == list(range(1, many + 1)) and not more


def _sheet(folder, n: int):
    from conftest import sheet_file

    return sheet_file(folder / "many.csv", [["风险编码", "标题", "村(社区)"], *(["S03", f"事项{i}", "东村"] for i in range(n))])


@pytest.mark.parametrize("typed, expected", [
    ("overdue", [1]), ("逾期", [1]), ("leader=王明", [1]), ("西村", [2]), ("待化解 unit=东村", [1, 3]),
    ("general", [1, 2, 3]), ("劳动保障中心", [1, 2, 3]), ("closed", []),
])
def test_filter_bar_reads_the_one_vocabulary(cli, three, typed, expected):
    async def scenario(app, pilot):
        from riskreg.tui.ledger import Ledger

        await typed_in(pilot, "filter", typed)
        return app.query_one(Ledger).ids, status(app), app.focused

    ids, said, focused = drive(scenario)
    assert ids == expected, said
    assert said.startswith(f"{len(expected)} entr")
    assert focused.id == "ledger"


def test_a_refused_filter_word_is_one_sentence_and_keeps_the_ledger(cli, three):
    async def scenario(app, pilot):
        from riskreg.tui.ledger import Ledger

        await typed_in(pilot, "filter", "overdue status=火星")
        return app.query_one(Ledger).ids, status(app)

    ids, said = drive(scenario)
    assert ids == three
    assert said.startswith("There is no status '火星'; use one of: open 待化解")
    zh_ids, zh_said = drive(scenario, lang="zh")
    assert zh_ids == three and zh_said.startswith("没有状态 '火星'；请用以下之一：open 待化解"), zh_said


def test_a_filter_named_wrong_is_refused(cli, three):
    async def scenario(app, pilot):
        await typed_in(pilot, "filter", "colour=red")
        return status(app)

    assert drive(scenario) == ("'colour=red' is no filter: before = write status, level, dept, unit or leader, and "
                               "after it a word.")


def test_search_with_slash_is_list_search(cli, three):
    async def scenario(app, pilot):
        from riskreg.tui.ledger import Ledger

        await typed_in(pilot, "search", "燃气")
        found = app.query_one(Ledger).ids
        await typed_in(pilot, "search", "x")
        return found, status(app)

    found, refused = drive(scenario)
    assert found == [2] == [row["id"] for row in cli.json("list", "--search", "燃气", "-f", "json")]
    assert refused == "--search needs at least 2 characters, not 'x'."


def test_q_quits_and_question_mark_lists_every_key(cli, three):
    async def scenario(app, pilot):
        from riskreg.tui.keys import Keys

        await pilot.press("question_mark")
        shown = isinstance(app.screen, Keys)
        await pilot.press("escape")
        back = not isinstance(app.screen, Keys)
        await pilot.press("q")
        return shown, back, app.is_running

    assert drive(scenario) == (True, True, False)


@pytest.mark.pure
def test_no_command_but_tui_imports_textual():
    """`riskreg --help`, a command's help and `tui --help` itself leave Textual unimported."""
    for argv in (["--help"], ["list", "--help"], ["tui", "--help"], ["--version"]):
        probe = (f"import sys, runpy; sys.argv = ['riskreg', *{argv!r}]\n"
                 "try:\n    runpy.run_module('riskreg', run_name='__main__')\nexcept SystemExit:\n    pass\n"
                 "print('textual' in sys.modules)")
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
        assert done.stdout.rstrip().endswith("False"), (argv, done.stdout, done.stderr)


def test_a_command_run_leaves_textual_unimported(cli, three):
    probe = ("import sys, runpy; sys.argv = ['riskreg', 'list']\n"
             "try:\n    runpy.run_module('riskreg', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print('textual' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert "燃气管道老化" in done.stdout and done.stdout.rstrip().endswith("False"), done.stdout + done.stderr


async def act(pilot, key: str, entry_id: int | None = None, answer: str = "y", **values: str) -> None:
    """Put the cursor on `entry_id`, press the action's key, fill its form (if it has one) and answer its question
    (if it asks one)."""
    from riskreg.tui.forms import Confirm, Form
    from riskreg.tui.ledger import Ledger

    if entry_id is not None:
        ledger = pilot.app.query_one(Ledger)
        ledger.move_cursor(row=ledger.ids.index(entry_id))
        await pilot.pause()
    await pilot.press(key)
    await pilot.pause()
    if isinstance(pilot.app.screen, Form):
        await fill(pilot, **values)
    if isinstance(pilot.app.screen, Confirm):
        await pilot.press(answer)
        await pilot.pause()


def _closed_in_may(cli: Cli) -> int:
    """An entry added and closed on 1 May: its 30-day watch is over by AS_OF."""
    entry_id = cli.add("S03", "五月已销号", "南村", as_of="2026-05-01")
    cli("close", str(entry_id), "--verified-by", "李华", "--resolution", "已清偿", as_of="2026-05-01")
    return entry_id


def _escalated(cli: Cli) -> int:
    cli("escalate", "3", "--to", "县人社局", "--reason", "跨部门")
    return 3


ACTION_CASES = [  # (key, the entry acted on (or a function making it), form values, the event it records, fields)
    ("a", None, dict(risk="S03", title="新发现的欠薪", unit="北村", due="2026-07-31"), "add", {"status": "open"}),
    ("o", 3, dict(leader="李四", due="2026-07-31", task_force="专班"), "assign", {"leader": "李四"}),
    ("n", 3, dict(note="已走访"), "note", {}),
    ("m", 3, dict(measures="每日巡查"), "mitigate", {"status": "mitigated"}),
    ("c", 3, dict(verified_by="李华", resolution="已清偿"), "close", {"status": "closed"}),
    ("k", _closed_in_may, {}, "consolidate", {"status": "consolidated"}),
    ("r", _closed_in_may, dict(reason="又有人上访"), "reopen", {"status": "open"}),
    ("x", 3, dict(escalated_to="县人社局", reason="跨部门"), "escalate", {"escalated_to": "县人社局"}),
    ("X", _escalated, dict(reason="已协调"), "escalate", {"escalated_to": None}),
    ("e", 3, dict(title="更正后的标题", reason="录错了"), "edit", {"title": "更正后的标题"}),
    ("g", 3, dict(level="major", reason="人数增加"), "regrade", {"level": "major"}),
    ("v", 3, dict(reason="重复登记", duplicate_of="1"), "void", {"status": "voided"}),
]


@pytest.mark.parametrize("key, target, values, action, fields", ACTION_CASES,
                         ids=[case[3] + ("_clear" if case[0] == "X" else "") for case in ACTION_CASES])
def test_every_action_records_what_its_command_records(cli, three, key, target, values, action, fields):
    entry_id = target(cli) if callable(target) else target

    async def scenario(app, pilot):
        await act(pilot, key, entry_id, **values)
        return status(app)

    said = drive(scenario)
    entry_id = entry_id or 4
    shown = cli.json("show", str(entry_id), "-f", "json")
    event = shown["history"][-1]
    assert (event["action"], event["actor"], event["on"]) == (action, "tester", AS_OF), said
    assert {name: shown[name] for name in fields} == fields
    assert said.startswith(f"Entry {entry_id}: "), said
    if "reason" in values:  # in the event's text, or (escalate's) among its changes
        assert values["reason"] in (event["text"] or "") + str(event["changes"])


def test_unvoid_and_undo_from_the_desk(cli, three):
    cli("void", "2", "--reason", "重复")

    async def scenario(app, pilot):
        await typed_in(pilot, "filter", "voided")
        await act(pilot, "V", 2, reason="不是重复")
        back = status(app)
        await act(pilot, "u", answer="n")
        kept = status(app)
        await act(pilot, "u")
        return back, kept, status(app)

    back, kept, undone = drive(scenario)
    assert back == "Entry 2: back on the ledger, open."
    assert kept == back  # answered no: nothing undone
    assert undone == "Entry 2: undid unvoiding."
    assert cli.json("show", "2", "-f", "json")["status"] == "voided"
    assert [event["action"] for event in history(cli, 2)][-3:] == ["void", "unvoid", "undo"]


def test_void_asks_first_and_no_changes_nothing(cli, three, snapshot):
    before = snapshot()

    async def scenario(app, pilot):
        await act(pilot, "v", 1, answer="n", reason="重复登记")
        return status(app)

    drive(scenario)
    assert snapshot() == before


@pytest.mark.parametrize("key, values, sentence", [
    ("k", {}, "Entry 1 is open; `consolidate` applies only to closed entries."),
    ("r", dict(reason="x"), "Entry 1 is open; `reopen` applies only to closed or consolidated entries."),
    ("g", dict(level="general", reason="同前"), "Entry 1 is already graded general; nothing changed."),
    ("c", dict(verified_by="李华"), "The resolution must not be empty."),
    ("g", dict(level="purple", reason="x"), "There is no level 'purple'; use one of: major 重大 red, significant 较大 "
                                             "orange, general 一般 yellow, low 低 blue."),
    ("v", dict(reason="x", duplicate_of="一"), "The entry it duplicates is given by its number, not '一'."),
    ("a", dict(risk="S99", title="t", unit="东村"), "There is no risk 'S99'; use one of: "),
])
def test_a_refusal_is_one_sentence_and_changes_nothing(cli, three, snapshot, key, values, sentence):
    before = snapshot()

    async def scenario(app, pilot):
        await act(pilot, key, 1, **values)
        return status(app)

    assert drive(scenario).startswith(sentence)
    assert snapshot() == before


def test_a_refusal_in_chinese(cli, three, snapshot):
    async def scenario(app, pilot):
        await act(pilot, "k", 1)
        return status(app)

    said = drive(scenario, lang="zh")
    assert said.startswith("条目 1 ") and "consolidate" in said and "待化解" in said, said


def test_changes_by_another_process_show_and_the_cursor_stays(cli, three):
    """The desk holds no lock while idle, so a command writes while it is open; the next look at the chain head
    reads the screen again, the cursor still on the entry it was on."""
    async def scenario(app, pilot):
        from riskreg.tui.ledger import Ledger

        ledger = app.query_one(Ledger)
        ledger.move_cursor(row=1)
        await pilot.pause()
        cli("note", "2", "别处写的进展")  # another connection, as another riskreg would
        new = cli.add(title="别处登记的")
        await pilot.pause(0.6)  # two polls
        return ledger.ids, ledger.selected, new, screen_text(app)

    ids, selected, new, screen = drive(scenario, size=(120, 60), poll=0.2)
    assert ids == [*three, new] and selected == 2
    assert "别处写的进展" in screen


def test_summary_toggles_with_s(cli, three):
    async def scenario(app, pilot):
        from textual.widgets import Sparkline

        await pilot.press("s")
        await pilot.pause()
        shown = screen_text(app), list(app.query_one(Sparkline).data)
        await pilot.press("s")
        await pilot.pause()
        return shown, screen_text(app)

    (summary, trend), ledger = drive(scenario, lang="zh", size=(80, 40))
    assert "在办 3" in summary and "逾期 1" in summary and "按风险等级" in summary and "按责任部门" in summary
    assert len(trend) == 30 and trend[-1] == 3
    assert "编号" in ledger and "按风险等级" not in ledger


def test_no_color_is_respected(cli, three, monkeypatch):
    async def scenario(app, pilot):
        return app.no_color, app.export_screenshot()

    assert "#af8700" in drive(scenario)[1]  # the general level's and the unaccountable flag's dark_goldenrod
    monkeypatch.setenv("NO_COLOR", "1")
    no_color, svg = drive(scenario)
    assert no_color and "#af8700" not in svg


def test_after_an_action_only_its_row_is_read_again(cli, three):
    """Closing an entry under the filter `open` takes its row away; an entry added shows at the end."""
    async def scenario(app, pilot):
        from riskreg.tui.ledger import Ledger

        ledger = app.query_one(Ledger)
        await typed_in(pilot, "filter", "open")
        await act(pilot, "c", 3, verified_by="李华", resolution="已清偿")
        closed = list(ledger.ids)
        await act(pilot, "a", risk="S03", title="新登记", unit="北村")
        return closed, list(ledger.ids), str(ledger.get_row("4")[-1])

    closed, added, title = drive(scenario)
    assert closed == [1, 2] and added == [1, 2, 4] and title == "新登记"


def test_a_masked_number_typed_back_is_refused(cli, three):
    """The correction form starts with the title as the screen shows it (138****5678); saving the stars would lose
    the number, so it is refused, unless the desk was opened with --unmasked (then the number is there whole)."""

    async def scenario(app, pilot):
        await act(pilot, "e", 1, detail="补充说明", reason="补充")  # the title, masked, left as it came
        kept = status(app)
        await act(pilot, "e", 1, title="工地拖欠工资 电话138****5678 另一处", reason="补充")
        return kept, status(app)

    kept, refused = drive(scenario)
    assert kept == "Entry 1: corrected detail."  # the masked title was not sent: it is unchanged
    assert refused.startswith("'工地拖欠工资 电话138****5678 另一处' holds a number as the screen masks it")
    after_detail = history(cli, 1)
    assert after_detail[-1]["changes"] == {"detail": {"old": None, "new": "补充说明"}}

    async def unmasked(app, pilot):
        await act(pilot, "e", 1, title="工地拖欠工资 电话13812345678 另一处", reason="补充")
        return status(app)

    assert drive(unmasked, unmasked=True) == "Entry 1: corrected title."


def test_ctrl_c_quits(cli, three):
    async def scenario(app, pilot):
        await pilot.press("ctrl+c")
        return app.is_running

    assert drive(scenario) is False


def test_escape_cancels_a_form_and_an_empty_ledger_has_nothing_to_act_on(cli, three, snapshot):
    before = snapshot()

    async def scenario(app, pilot):
        from riskreg.tui.forms import Form

        await pilot.press("n")
        opened = isinstance(app.screen, Form)
        await pilot.press("escape")
        await pilot.pause()
        cancelled = not isinstance(app.screen, Form)
        await typed_in(pilot, "filter", "closed")
        await pilot.press("n")
        await pilot.pause()
        return opened, cancelled, isinstance(app.screen, Form), status(app)

    assert drive(scenario) == (True, True, False, "No entry is selected.")
    assert snapshot() == before
