"""The installed `riskreg tui` in a real terminal (tmux, 100×30): it opens on the register, `/` searches, the
screen shows what was found, and `q` quits."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from test_terminal import _tmux

DONE = "__riskreg_tui_done__"


def _screen(tmux: list[str], env: dict[str, str]) -> str:
    return subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True, text=True, check=True, timeout=30,
                          env=env).stdout


def _until(tmux: list[str], env: dict[str, str], seen: str) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        screen = _screen(tmux, env)
        if seen in screen:
            return screen
        time.sleep(0.2)
    pytest.fail(f"{seen!r} never showed; the screen:\n{_screen(tmux, env)}")


@pytest.mark.sqlite_only  # the terminal is the subject; the desk on PostgreSQL is tests/test_tui.py's
def test_installed_tui_searches_and_quits_in_a_terminal(cli, register):
    cli.add(title="燃气管道老化", unit="西村")
    cli.add(title="某工地拖欠农民工工资", unit="东村")
    riskreg = Path(sys.executable).with_name("riskreg")
    tmux = [_tmux(), "-L", f"riskreg-tui-{uuid.uuid4().hex[:8]}", "-f", os.devnull]
    server_env = {"PATH": os.environ["PATH"], "HOME": str(register.parent), "LANG": "C.UTF-8", "TERM": "xterm-256color"}
    run = (f"env RISKREG_DB={register} XDG_CONFIG_HOME={os.environ['XDG_CONFIG_HOME']} RISKREG_ACTOR=tester "
           f"{riskreg} --lang zh --as-of 2026-07-01 tui; echo {DONE}; sleep 60")
    subprocess.run([*tmux, "new-session", "-d", "-x", "100", "-y", "30", run], check=True, timeout=30, env=server_env)
    try:
        opened = _until(tmux, server_env, "某工地拖欠")  # the title, as much of it as 100 columns leave
        assert "编号" in opened and "燃气管道老化" in opened
        for keys in (["/"], ["-l", "燃气"], ["Enter"]):
            time.sleep(0.5)  # keys typed faster than a person types may reach the screen before it listens
            subprocess.run([*tmux, "send-keys", *keys], check=True, timeout=30, env=server_env)
        found = _until(tmux, server_env, "显示 1 项")
        assert "燃气管道老化" in found and "某工地拖欠" not in found.split("事项 1")[0]
        time.sleep(0.5)
        subprocess.run([*tmux, "send-keys", "q"], check=True, timeout=30, env=server_env)
        _until(tmux, server_env, DONE)
    finally:
        subprocess.run([*tmux, "kill-server"], check=False, timeout=30, env=server_env)
