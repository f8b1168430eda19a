"""The desk (`riskreg tui`) on the register RISKREG_DB, saved by Textual as an SVG screenshot.

    python scripts/tui_screenshot.py AS_OF OUT.svg [WIDTH HEIGHT]    # scripts/screenshots.sh runs it (zh, 100×30)
"""

import asyncio
import sys
from pathlib import Path

from riskreg import messages
from riskreg.cli.desk import open_desk
from riskreg.cli.state import State
from riskreg.tui.app import DeskApp


async def shoot(as_of: str, out: Path, size: tuple[int, int]) -> None:
    messages.use("zh")
    app = DeskApp(open_desk(State(as_of=as_of, lang="zh"), unmasked=False))
    async with app.run_test(size=size) as pilot:
        await pilot.press("down")
        await pilot.pause()
        out.write_text(app.export_screenshot(title="riskreg tui"), encoding="utf-8")


if __name__ == "__main__":
    width, height = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (100, 30)
    asyncio.run(shoot(sys.argv[1], Path(sys.argv[2]), (width, height)))
    print(f"wrote {sys.argv[2]}")
