"""Turn a tmux capture (`capture-pane -e`: text with colour escapes) into an HTML page Chromium can photograph.

The page is a terminal: a monospace font whose CJK glyphs are exactly two Latin
cells wide (Noto Sans Mono CJK SC), so the PNG shows the alignment the terminal
had, not one an HTML layout invented. That font draws box rules, dashes and
ellipses two cells wide, as East Asian fonts do, where a terminal gives them one;
they come from DejaVu Sans Mono scaled to one cell instead.

    python scripts/terminal_html.py CAPTURE WIDTH > page.html
"""

import io
import sys

from rich.console import Console
from rich.terminal_theme import DIMMED_MONOKAI
from rich.text import Text

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@font-face {{ font-family: 'One cell'; src: local('DejaVu Sans Mono');
              unicode-range: U+2010-206F, U+2190-21FF, U+2500-257F; size-adjust: 83.06%; }}
body {{ margin: 0; background: {background}; }}
pre {{ margin: 0; padding: 12px 14px; color: {foreground}; background: {background};
       font: 15px/1.35 'One cell', 'Noto Sans Mono CJK SC', monospace; }}
</style></head><body><pre>{code}</pre></body></html>
"""


def main(capture: str, width: int) -> None:
    with open(capture, encoding="utf-8") as handle:
        text = Text.from_ansi(handle.read().rstrip("\n"))
    console = Console(record=True, width=width, color_system="truecolor", file=io.StringIO())
    console.print(text, soft_wrap=True)  # the capture is already laid out: never rewrap it
    sys.stdout.write(console.export_html(theme=DIMMED_MONOKAI, inline_styles=True, code_format=PAGE))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
