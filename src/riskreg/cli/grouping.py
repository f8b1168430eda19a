"""Plain help with the commands grouped the way a coordinator thinks: set-up, daily work, reports, upkeep.

Click's plain help, not Typer's Rich panels: Rich and the Markdown parser it
brings cost `riskreg --help` more than Typer itself (docs/PERFORMANCE.md).
Each command's `rich_help_panel` names its group; its whole first paragraph is
shown, wrapped, rather than Click's first sentence cut at 45 characters.
Usage errors are put in plain words too (plain_words).
"""

import re
from typing import Any

from typer.core import TyperGroup

from riskreg.cli.lazy import LazyCommands, summary
from riskreg.cli.wrapping import joined
from riskreg.messages import translate


class GroupedHelp(TyperGroup):
    def format_commands(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {}
        for name in self.list_commands(ctx):
            hidden, panel, line = self._outline(ctx, name)
            if not hidden:
                sections.setdefault(panel or translate("Commands"), []).append((name, joined(line.splitlines())))
        for title, rows in sections.items():
            with formatter.section(title):
                formatter.write_dl(rows)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # in the order declared, as Typer's; its items() would build every lazy command

    def _outline(self, ctx: Any, name: str) -> tuple[bool, str | None, str]:
        if isinstance(self.commands, LazyCommands):  # the page lists them all: build none
            return self.commands.outline(name)
        command = self.get_command(ctx, name)
        if command is None:
            return True, None, ""
        return command.hidden, getattr(command, "rich_help_panel", None), summary(command.short_help, command.help)


# Typer 0.29 checks parameters with pydantic and passes its wording on; say it as a person would.
_PYDANTIC_WORDING = (
    (re.compile(r"^Value error, "), ""),
    (re.compile(r"^Input should be a valid integer, unable to parse string as an integer"), "not a whole number"),
    (re.compile(r"^Input should be greater than or equal to (\d+)"), r"must be \1 or more"),
    (re.compile(r"^Input should be less than or equal to (\d+)"), r"must be \1 or less"),
)


def plain_words(message: str) -> str:
    for pattern, plain in _PYDANTIC_WORDING:
        message = pattern.sub(plain, message)
    return message
