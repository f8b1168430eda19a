"""The coordinator's desk: the ledger, the filter bar and search, the selected entry, the summary, and a key for
every action. Nothing here decides anything: the desk (riskreg.tui.desk) reads and writes through the domain."""

import gc
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from riskreg.errors import RiskregError
from riskreg.escaping import visible
from riskreg.messages import N_, NP_, Message, in_language
from riskreg.tui.actions import ACTIONS, Action, changed_only, label
from riskreg.tui.desk import Desk
from riskreg.tui.detail import Detail
from riskreg.tui.filters import read_filter
from riskreg.tui.forms import Confirm, Form
from riskreg.tui.keys import Keys
from riskreg.tui.ledger import Ledger
from riskreg.tui.summary import Summary
from riskreg.vocabulary import word

POLL_SECONDS = 3.0  # how often the chain head is read: one indexed row, so others' changes show within seconds


class DeskApp(App[None]):
    TITLE = "riskreg"
    CSS = """
    #bars { height: 1; }
    #bars Input { border: none; height: 1; padding: 0 1; width: 1fr; background: $boost; }
    #bars Input:focus { background: $accent 30%; }
    #ledger { height: 1fr; }
    #detail { height: 45%; border-top: solid $primary; }
    #summary { display: none; height: 1fr; }
    #status { height: auto; max-height: 3; padding: 0 1; background: $panel; }
    .summary #summary { display: block; }
    .summary #ledger, .summary #detail { display: none; }
    """
    BINDINGS = [
        Binding("q", "quit", show=False), Binding("question_mark", "keys", show=False),
        Binding("slash", "focus('search')", show=False), Binding("f", "focus('filter')", show=False),
        Binding("s", "summary", show=False), Binding("escape", "back", show=False),
        Binding("ctrl+r", "reload", show=False),
        *(Binding(action.key, f"act('{action.key}')", show=False) for action in ACTIONS),
    ]

    ENABLE_COMMAND_PALETTE = False  # Textual's own palette speaks English only; every action has its key here

    def __init__(self, desk: Desk, *, poll: float = POLL_SECONDS) -> None:
        super().__init__()
        self.desk, self.poll_seconds = desk, poll
        self.known_head: tuple[int, str] | None = None
        self._shown_entry: tuple[Any, ...] | None = None  # what the detail pane was laid out from

    def say(self, text: str | Message, *, error: bool = False) -> None:
        """One line in the status bar: what was done, or why it was refused (in red)."""
        shown = visible(self.desk.shown(str(in_language(text, self.desk.lang))))  # a sentence may quote stored text
        self.query_one("#status", Static).update(Text(shown, style="bold red" if error else ""))

    def compose(self) -> ComposeResult:
        lang = self.desk.lang
        with Horizontal(id="bars"):
            yield Input(placeholder=str(in_language(N_("f: filter — status, level, department, village, flag, "
                                                       "leader=NAME"), lang)), id="filter")
            yield Input(placeholder=str(in_language(N_("/: search the text"), lang)), id="search")
        yield Ledger(self.desk, id="ledger")
        yield Detail(id="detail")
        yield Summary(self.desk, id="summary")
        yield Static(str(in_language(N_("?: keys  q: quit"), lang)), id="status", markup=False)

    def on_mount(self) -> None:
        ledger = self.query_one(Ledger)
        ledger.show(ledger.wanted)
        ledger.focus()
        self.show_entry(ledger.selected)
        self.known_head = self.desk.head()
        self.set_interval(self.poll_seconds, self.poll)
        # Start-up leaves some hundred thousand objects (Textual's, SQLAlchemy's) that live as long as the screen;
        # left to the collector, each of its full passes walks them all, a pause of ~60 ms on whatever key it
        # falls. Frozen once the first frame is drawn, they are no longer walked.
        self.call_after_refresh(gc.freeze)

    def on_unmount(self) -> None:
        gc.unfreeze()  # the screen is closing: what it kept may go (a test or benchmark opens many in one process)

    # ------------------------------------------------------------------ reading

    def poll(self) -> None:
        """Another process wrote (the chain head moved): read the screen again, the cursor on the same entry."""
        try:
            if self.desk.head() != self.known_head:
                self.refresh_all()
        except RiskregError as err:  # the register out of reach for a moment (a server restarting): say so, go on
            self.say(self.desk.said(err), error=True)

    def refresh_all(self, keep: int | None = None) -> None:
        ledger = self.query_one(Ledger)
        self.known_head = self.desk.head()
        ledger.show(ledger.wanted, keep=keep if keep is not None else ledger.selected)
        self.show_entry(ledger.selected)
        if self.has_class("summary"):
            self.query_one(Summary).show()

    def show_entry(self, entry_id: int | None) -> None:
        from riskreg.render.entry import entry_view

        pane = self.query_one(Detail)
        if entry_id is None:
            self._shown_entry = None
            pane.show(Text(str(in_language(N_("No entry matches."), self.desk.lang))))
            return
        entry, catalogue = self.desk.entry(entry_id), self.desk.catalogue()
        shown = (entry, pane.text_width)
        if shown == self._shown_entry:  # laying an entry's history out is the costly part of a key; it is unchanged
            return
        self._shown_entry = shown
        pane.show(entry_view(entry, catalogue["levels"], self.desk.lang, catalogue["names"], self.desk.zone))

    def on_ledger_highlighted(self, event: Ledger.Highlighted) -> None:
        self.show_entry(self.query_one(Ledger).selected)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id not in ("filter", "search"):
            return
        ledger = self.query_one(Ledger)
        try:
            wanted = self.desk.read(read_filter, self.query_one("#filter", Input).value,
                                    self.query_one("#search", Input).value)
            ledger.show(wanted, keep=ledger.selected)
        except RiskregError as err:
            self.say(self.desk.said(err), error=True)
            return
        self.show_entry(ledger.selected)
        self.say(NP_("{n} entry shown{more}.", "{n} entries shown{more}.", len(ledger.ids),
                     more="+" if ledger.more else ""))
        ledger.focus()

    # ------------------------------------------------------------------ keys

    def action_help_quit(self) -> None:
        """ctrl+c quits, as in every terminal program (Textual would say, in English, to press ctrl+q)."""
        self.exit()

    def action_focus(self, name: str) -> None:
        self.query_one(f"#{name}", Input).focus()

    def action_back(self) -> None:
        self.query_one(Ledger).focus()

    def action_reload(self) -> None:
        self.desk.catalogue().clear()
        self._shown_entry = None  # its level and department names too
        self.refresh_all()

    def action_keys(self) -> None:
        self.push_screen(Keys(self.desk.lang))

    def action_summary(self) -> None:
        self.toggle_class("summary")
        if self.has_class("summary"):
            self.query_one(Summary).show()
        else:
            self.query_one(Ledger).focus()

    def action_act(self, key: str) -> None:
        action = next(action for action in ACTIONS if action.key == key)
        entry_id = self.query_one(Ledger).selected if action.on_entry else None
        if action.on_entry and entry_id is None:
            self.say(N_("No entry is selected."), error=True)
            return
        entry = self.desk.entry(entry_id) if action.prefill else None
        fields = [(name, label(text, self.desk.lang),
                   str(entry.get(name) or "") if entry is not None and name in action.prefill else "")
                  for name, text in action.fields]

        def filled(values: dict[str, str] | None) -> None:
            if values is None:
                return
            if action.confirm is None:
                self.perform(action, entry_id, changed_only(action, entry, values))
                return
            question = N_(action.confirm.msgid, id=entry_id)
            self.push_screen(Confirm(question, self.desk.lang), lambda yes: yes and self.perform(
                action, entry_id, changed_only(action, entry, values)))

        if fields:
            self.push_screen(Form(_title(action, entry_id, self.desk.lang), fields, self.desk.lang), filled)
        else:
            filled({})

    def perform(self, action: Action, entry_id: int | None, values: dict[str, str]) -> None:
        try:
            done = action.run(self.desk, entry_id, values)
        except RiskregError as err:
            self.say(self.desk.said(err), error=True)
            return
        self.say(done)
        touched = done.params.get("id")  # every sentence an action says names the entry it changed
        if action.key == "u" or touched is None:  # an undo may change any entry
            self.refresh_all(keep=entry_id)
            return
        self.known_head = self.desk.head()
        ledger = self.query_one(Ledger)
        ledger.show_one(touched)
        self.show_entry(ledger.selected)


def _title(action: Action, entry_id: int | None, lang: str) -> str:
    title = label(action.title, lang)
    return f"{word('heading.entry', lang).format(id=entry_id)} — {title}" if entry_id is not None else title
