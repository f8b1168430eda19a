"""The top-level commands, each turned into a Click command only when a run asks for it.

Typer converts every command's signature into Click parameters when the app is called (~36 commands, a third
of `riskreg --help`), yet a run uses one command, and the top-level help page only each command's name, panel
and summary, which the Typer declaration holds. Completion and "Did you mean" need only the names.
"""

import inspect
from collections.abc import Iterator, Mapping
from typing import Any

import typer
from typer.main import get_command_from_info, get_command_name, get_group_from_info, solve_typer_info_defaults
from typer.models import TyperInfo

from riskreg.messages import translate


class LazyCommands(Mapping[str, Any]):
    """The commands of Typer apps added to a group without a name, as Typer would flatten them, by name."""

    def __init__(self, apps: tuple[typer.Typer, ...], *, rich_markup_mode: Any) -> None:
        self._declared: dict[str, Any] = {}
        for app in apps:  # Typer's order: an app's commands, then its named groups
            for command in app.registered_commands:
                self._declared[command.name or get_command_name(command.callback.__name__)] = command
            for group in app.registered_groups:
                self._declared[solve_typer_info_defaults(group).name] = group
        self._built: dict[str, Any] = {}
        self._markup = rich_markup_mode
        self.lang: str | None = None  # set by riskreg.cli.language.speak: commands built later are translated

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            declared = self._declared[name]
            if isinstance(declared, TyperInfo):
                built = get_group_from_info(declared, pretty_exceptions_short=True, suggest_commands=True,
                                            rich_markup_mode=self._markup)
            else:
                built = get_command_from_info(declared, pretty_exceptions_short=True, rich_markup_mode=self._markup)
            if self.lang:
                from riskreg.cli.language import speak_in

                speak_in(built, self.lang)
            self._built[name] = built
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._declared)

    def __len__(self) -> int:
        return len(self._declared)

    def built(self) -> list[Any]:
        return list(self._built.values())

    def outline(self, name: str) -> tuple[bool, str | None, str]:
        """Whether the command is hidden, its panel and its summary, as its Click command would give them,
        without building it."""
        if name in self._built:
            built = self._built[name]
            return built.hidden, getattr(built, "rich_help_panel", None), summary(built.short_help, built.help)
        declared = self._declared[name]
        if isinstance(declared, TyperInfo):
            declared = solve_typer_info_defaults(declared)
            text = declared.help
        else:
            text = inspect.getdoc(declared.callback) if declared.help is None else inspect.cleandoc(declared.help)
        panel, short, text = (_said(value, self.lang) for value in (declared.rich_help_panel, declared.short_help, text))
        return declared.hidden, panel, summary(short, text)


def summary(short_help: str | None, help_text: str | None) -> str:
    """A command's line on its group's help page: its short help, else its help's whole first paragraph."""
    return short_help or (help_text or "").split("\n\n")[0]


def _said(text: Any, lang: str | None) -> Any:
    return translate(text, lang) if lang and isinstance(text, str) else text
