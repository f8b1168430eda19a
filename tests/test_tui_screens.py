"""The desk's screens as a person reads them, at 80×24 and 120×40, in Chinese and English: each compared with its
text in tests/golden/tui/ (Chinese two cells wide, colour left out; the history's wall-clock times, which differ
on every run, read as YYYY-MM-DD hh:mm).

After a deliberate change: RISKREG_TUI_REGENERATE=1 python -m pytest tests/test_tui_screens.py, then read the diff.
"""

import os
import re
from pathlib import Path

import pytest

from test_tui import act, drive, screen_text, three  # noqa: F401 - three is a fixture

GOLDEN = Path(__file__).parent / "golden" / "tui"
_WALL_CLOCK = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?")


async def _ledger(app, pilot):
    pass


async def _summary(app, pilot):
    await pilot.press("s")


async def _keys(app, pilot):
    await pilot.press("question_mark")


async def _close_form(app, pilot):
    await pilot.press("c")


SCREENS = {"ledger": _ledger, "summary": _summary, "keys": _keys, "close": _close_form}
CASES = [(screen, lang, size) for screen in ("ledger", "summary") for lang in ("zh", "en")
         for size in ((80, 24), (120, 40))] + [("keys", "zh", (80, 24)), ("close", "zh", (80, 24)),
                                                ("keys", "en", (80, 24))]


@pytest.mark.parametrize("screen, lang, size", CASES, ids=[f"{s}-{lang}-{w}x{h}" for s, lang, (w, h) in CASES])
def test_screen_is_as_recorded(cli, three, screen, lang, size):  # noqa: F811
    async def scenario(app, pilot):
        await SCREENS[screen](app, pilot)
        await pilot.pause()
        return screen_text(app)

    text = _WALL_CLOCK.sub("YYYY-MM-DD hh:mm", drive(scenario, lang=lang, size=size))
    lines = text.splitlines()
    assert len(lines) == size[1]
    golden = GOLDEN / f"{screen}-{lang}-{size[0]}x{size[1]}.txt"
    if os.environ.get("RISKREG_TUI_REGENERATE"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
