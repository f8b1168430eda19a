"""The small forms the action keys open, and the question void and undo ask first.

A form is a column of labelled inputs; Enter moves to the next one and, on the last, submits; Escape cancels.
It returns what was typed (empty inputs left out) and knows nothing of the register: riskreg.tui.actions calls the
domain with it.
"""

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from riskreg.messages import N_, Message, in_language

_CSS = """
Form, Confirm { align: center middle; }
Form > Vertical, Confirm > Vertical {
    width: 72; max-width: 100%; height: auto; max-height: 100%; border: round $accent; padding: 0 1;
    background: $surface;
}
Form VerticalScroll { height: auto; max-height: 18; }
Form Label { margin-top: 0; color: $text-muted; }
Form Input { border: none; height: 1; padding: 0; background: $boost; }
Form Input:focus { background: $accent 30%; }
.title { text-style: bold; }
.hint { color: $text-muted; }
"""


class Form(ModalScreen[dict[str, str] | None]):
    DEFAULT_CSS = _CSS
    BINDINGS = [Binding("escape", "cancel", show=False), Binding("ctrl+s", "submit", show=False)]

    def __init__(self, title: str, fields: list[tuple[str, str, str]], lang: str) -> None:
        """`fields`: (name, label, value the input starts with)."""
        super().__init__()
        self.heading, self.fields, self.lang = title, fields, lang

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.heading, classes="title", markup=False)
            with VerticalScroll():
                for name, label, value in self.fields:
                    yield Label(label, markup=False)
                    yield Input(value=value, id=f"field-{name}")
            yield Static(in_language(N_("Enter: next, and on the last field save; Escape: cancel."), self.lang),
                         classes="hint", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        position = inputs.index(event.input)
        if position + 1 < len(inputs):
            inputs[position + 1].focus()
        else:
            self.action_submit()

    def action_submit(self) -> None:
        self.dismiss({name: self.query_one(f"#field-{name}", Input).value for name, _, _ in self.fields
                      if self.query_one(f"#field-{name}", Input).value.strip()})

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(ModalScreen[bool]):
    """A yes-or-no question: y (or Enter) goes ahead, n or Escape does not."""

    DEFAULT_CSS = _CSS
    BINDINGS = [Binding("y,enter", "answer(True)", show=False), Binding("n,escape", "answer(False)", show=False)]

    def __init__(self, question: Message, lang: str) -> None:
        super().__init__()
        self.question, self.lang = question, lang

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(str(in_language(self.question, self.lang)), classes="title", markup=False)
            yield Static(in_language(N_("y: yes; n or Escape: no."), self.lang), classes="hint", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

