"""`?`: every key of the desk and what it does, in the reader's language."""

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from riskreg.messages import N_, in_language
from riskreg.tui.actions import ACTIONS, label

MOVING = (("↑ ↓ PgUp PgDn", N_("move through the ledger (more is read as you go)")),
          ("/", N_("search the text of entries and their notes (Enter applies)")),
          ("f", N_("filter: status, level, department, village, flag; leader=NAME (Enter applies)")),
          ("Esc", N_("back to the ledger")), ("s", N_("summary, and back")),
          ("ctrl+r", N_("read everything again")), ("?", N_("these keys")), ("q", N_("quit")))


class Keys(ModalScreen[None]):
    DEFAULT_CSS = """
    Keys { align: center middle; }
    Keys > VerticalScroll { width: 76; max-width: 100%; height: auto; max-height: 100%; border: round $accent;
                            background: $surface; }
    Keys Static { width: 100%; }
    """
    BINDINGS = [Binding("escape,question_mark,q", "close", show=False)]

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, what in MOVING:
            table.add_row(key, str(in_language(what, self.lang)))
        for action in ACTIONS:
            table.add_row(action.key, label(action.title, self.lang))
        with VerticalScroll():
            yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)
