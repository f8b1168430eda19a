"""`riskreg summary` as a coordinator sees it: in a real terminal (tmux) at 80 and 120 columns.

CliRunner checks what riskreg writes; this checks what a terminal makes of it,
with Chinese names two cells wide: every line fits, no name is split, and the
numbers of each table stand under their headings.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from rich.cells import cell_len

from conftest import unavailable

DONE = "__riskreg_done__"
LONG_NAMES = ("安全生产与自然灾害", "自然资源和规划所", "统筹城乡发展办", "工业园社区")


def _tmux() -> str:
    tmux = shutil.which("tmux")
    if tmux is None:
        unavailable("tmux is not installed (apt-get install tmux)")
    return tmux


def _in_terminal(width: int, command: list[str], env: dict[str, str], height: int = 300) -> list[str]:
    """The screen of a `width`-column tmux window after `command` ran in it (its first `height` lines)."""
    tmux = [_tmux(), "-L", f"riskreg-test-{uuid.uuid4().hex[:8]}", "-f", os.devnull]
    script = f"env {' '.join(shlex.quote(f'{k}={v}') for k, v in env.items())} {shlex.join(command)}; echo {DONE}; sleep 60"
    # A clean environment for the server: the suite's COLUMNS would override the window's width.
    server_env = {"PATH": os.environ["PATH"], "HOME": env["HOME"], "LANG": "C.UTF-8"}
    subprocess.run([*tmux, "new-session", "-d", "-x", str(width), "-y", str(height), script], check=True, timeout=30,
                   env=server_env)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            screen = subprocess.run([*tmux, "capture-pane", "-p", "-J", "-S", "0", "-E", str(height - 1)], capture_output=True,
                                    text=True, check=True, timeout=30, env=server_env).stdout.splitlines()
            if any(line.startswith(DONE) for line in screen):
                return [line.rstrip() for line in screen[:next(i for i, line in enumerate(screen) if line.startswith(DONE))]]
            time.sleep(0.2)
        pytest.fail(f"the summary did not finish in a {width}-column terminal: {screen}")
    finally:
        subprocess.run([*tmux, "kill-server"], check=False, timeout=30, env=server_env)


def _riskreg_in_terminal(width: int, register: Path, command: str) -> list[str]:
    """The screen of `riskreg --lang zh COMMAND` on the test's register, every line of which fits the width."""
    riskreg = Path(sys.executable).with_name("riskreg")
    env = {key: os.environ[key] for key in ("RISKREG_DB", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "PATH")}
    env["HOME"] = str(register.parent)
    screen = _in_terminal(width, [str(riskreg), "--lang", "zh", "--as-of", "2026-07-01", command], env)
    assert all(cell_len(line) <= width for line in screen), [line for line in screen if cell_len(line) > width]
    return screen


def _token_ends(line: str) -> list[int]:
    """The terminal column where each space-separated word of a line ends."""
    ends, column, in_word = [], 0, False
    for char in line:
        if char == " " and in_word:
            ends.append(column)
        in_word = char != " "
        column += cell_len(char)
    return ends + [column] if in_word else ends


def _tables(screen: list[str], titles: tuple[str, ...]) -> dict[str, tuple[str, list[str]]]:
    """Header and body rows of each titled table (a title, a header, a rule, then indented rows)."""
    found = {}
    for at, line in enumerate(screen):
        if line in titles:
            header, rule = screen[at + 1], screen[at + 2]
            assert set(rule) == {"─"}, f"no rule under the header of {line!r}: {rule!r}"
            body = []
            for row in screen[at + 3:]:
                if not row.startswith(" "):
                    break
                body.append(row)
            found[line] = (header, body)
    return found


@pytest.mark.sqlite_only  # the terminal, not the backend, is under test
@pytest.mark.parametrize("width", [80, 120])
def test_summary_in_a_real_terminal_keeps_chinese_columns_aligned(cli, isolated_env, width):
    cli("init")
    for risk, title, unit in (("H01", "危化品仓库超量储存，存在重大火灾隐患", "工业园社区"),
                              ("S03", "某工地拖欠农民工工资，电话13912345678", "东村"),
                              ("P01", "老旧小区燃气管道腐蚀", "南社区")):
        cli.add(risk, title, unit, "--level", "major", as_of="2026-06-01")
    cli("assign", "1", "--leader", "孙副镇长", "--dept", "LAND", "--due", "2026-06-20", as_of="2026-06-02")
    screen = _riskreg_in_terminal(width, isolated_env, "summary")
    text = "\n".join(screen)
    assert "\ufffd" not in text
    for name in (*LONG_NAMES, "孙副镇长"):  # the overdue list drops or shortens columns before it splits a name
        assert name in text, f"{name} is missing or split in the {width}-column summary"
    assert "13912345678" not in text.replace("\n", "")  # masked, wrapped or not
    tables = _tables(screen, ("按风险等级和状态", "按类别", "按责任部门", "按村（社区）"))  # headings follow --lang
    assert len(tables) == 4
    for title, (header, body) in tables.items():
        assert body, f"{title} has no rows"
        counts = _token_ends(header)[-4:]  # the four count columns, right-aligned under their headings
        for row in body:
            assert _token_ends(row)[-4:] == counts, f"{title}: {row!r} is not aligned with {header!r}"
    overdue = screen.index("逾期事项：1")
    assert "逾期天数" in screen[overdue + 1]  # the last column's heading, not cropped at the edge
    rule = next(i for i in range(overdue + 1, len(screen)) if set(screen[i]) == {"─"})  # headers may wrap
    assert screen[rule + 1].split()[0] == "1"


@pytest.mark.sqlite_only
@pytest.mark.parametrize("width", [80, 120])
def test_list_in_a_real_terminal_uses_its_width_and_keeps_names_and_flags_whole(cli, isolated_env, width):
    cli("init")
    cli.add("H01", "危化品仓库超量储存，存在重大火灾隐患", "工业园社区", "--level", "major", as_of="2026-06-01")
    cli("assign", "1", "--leader", "孙副镇长", "--dept", "LAND", "--due", "2026-06-20", as_of="2026-06-02")
    cli.add("S03", "某工地拖欠农民工工资", "东村", as_of="2026-06-01")
    screen = _riskreg_in_terminal(width, isolated_env, "list")
    text = "\n".join(screen)
    for whole in ("自然资源和规划所", "孙副镇长", "2026-06-20", "四个一不全", "无进展", "时限/标记"):
        assert whole in text, f"{whole} is split in the {width}-column list"
    first = next(line for line in screen if line.lstrip().startswith("1 "))
    if width == 120:  # room enough: the flags beside the deadline
        assert "2026-06-20 逾期 四个一不全" in first
        assert max(cell_len(line) for line in screen) > 110  # the titles take the rest of the width


@pytest.mark.sqlite_only
def test_the_shell_completes_options_with_tab_and_ctrl_c_drops_only_the_line(cli, isolated_env):
    cli("init")
    riskreg = Path(sys.executable).with_name("riskreg")
    env = {key: os.environ[key] for key in ("RISKREG_DB", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "PATH")}
    env["HOME"] = str(isolated_env.parent)
    tmux = [_tmux(), "-L", f"riskreg-test-{uuid.uuid4().hex[:8]}", "-f", os.devnull]
    server_env = {"PATH": os.environ["PATH"], "HOME": env["HOME"], "LANG": "C.UTF-8"}
    script = (f"env {' '.join(shlex.quote(f'{k}={v}') for k, v in env.items())} {shlex.quote(str(riskreg))} "
              f"--lang en shell; echo {DONE} $?; sleep 60")

    def screen() -> str:
        return subprocess.run([*tmux, "capture-pane", "-p", "-J"], capture_output=True, text=True, check=True,
                              timeout=30, env=server_env).stdout

    def wait_for(text: str) -> str:
        deadline = time.monotonic() + 30
        while text not in (shown := screen()) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert text in shown, shown
        return shown

    subprocess.run([*tmux, "new-session", "-d", "-x", "120", "-y", "50", script], check=True, timeout=30,
                   env=server_env)
    try:
        wait_for("riskreg> ")
        subprocess.run([*tmux, "send-keys", "list --unacc", "Tab"], check=True, timeout=30, env=server_env)
        wait_for("riskreg> list --unaccountable")
        subprocess.run([*tmux, "send-keys", "C-c"], check=True, timeout=30, env=server_env)
        wait_for("^C")
        subprocess.run([*tmux, "send-keys", "exit", "Enter"], check=True, timeout=30, env=server_env)
        assert f"{DONE} 0" in wait_for(DONE)  # Ctrl-C left the shell running; exit ended it cleanly
    finally:
        subprocess.run([*tmux, "kill-server"], check=False, timeout=30, env=server_env)


def test_a_days_work_in_chinese_shows_no_english_word(isolated_env, tmp_path):
    """Issue 15's test: the README's "A day's work", run as written in a real terminal under RISKREG_LANG=zh,
    shows no English word of the vocabulary outside codes (S03, COMP), ids and dates."""
    from test_messages import _english_words

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    day = readme.split("## A day's work\n\n```sh\n", 1)[1].split("```", 1)[0]
    script = tmp_path / "day.sh"
    script.write_text(f"riskreg init\n{day}", encoding="utf-8")
    riskreg = Path(sys.executable).with_name("riskreg")
    env = {key: os.environ[key] for key in ("RISKREG_DB", "XDG_CONFIG_HOME", "XDG_DATA_HOME")}
    env.update(PATH=f"{riskreg.parent}:{os.environ['PATH']}", HOME=str(tmp_path), RISKREG_LANG="zh",
               RISKREG_TODAY="2026-07-01", RISKREG_ACTOR="综治办", TZ="Asia/Shanghai")
    screen = _in_terminal(120, ["bash", str(script)], env, height=1000)
    assert any("台账" in line for line in screen) and any("王明" in line for line in screen), screen
    english = _english_words()
    found = [line for line in screen
             if {word.lower() for word in re.findall(r"(?<![A-Za-z0-9_.])[A-Za-z]+(?![A-Za-z0-9_])", line)
                 if not word.isupper()} & english]
    assert not found, "\n".join(found)
