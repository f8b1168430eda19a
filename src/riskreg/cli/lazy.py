"""The top-level commands, each imported and turned into a Click command only when a run asks for it.

Typer converts every command's signature into Click parameters when the app is called (~36 commands, a third
of `riskreg --help`), yet a run uses one command, and the top-level help page only each command's name, panel
and summary, which the Typer declaration holds. So the commands are listed by name with their module here, a
run imports the module of the command it runs, and only the help page imports them all (for their docstrings).
Completion and "Did you mean" need only the names.
"""

import importlib
import inspect
from collections.abc import Iterator, Mapping
from typing import Any

import typer
from typer.main import get_command_from_info, get_command_name, get_group_from_info, solve_typer_info_defaults
from typer.models import TyperInfo

from riskreg.messages import translate


class LazyCommands(Mapping[str, Any]):
    """The commands of the modules' Typer apps (each added to the group without a name), by name, in the order
    given: `{"ledger": ("add", "assign", …), …}` for riskreg.cli.ledger's `app`."""

    def __init__(self, package: str, commands: dict[str, tuple[str, ...]], *, rich_markup_mode: Any) -> None:
        self._modules = {name: f"{package}.{module}" for module, names in commands.items() for name in names}
        self._built: dict[str, Any] = {}
        self._markup = rich_markup_mode
        self.lang: str | None = None  # set by riskreg.cli.language.speak: commands built later are translated

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            declared = self._declared(name)
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
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __contains__(self, name: object) -> bool:
        return name in self._modules  # Mapping's would build it

    def _declared(self, name: str) -> Any:
        """The command's declaration in its module's app: a CommandInfo, or a TyperInfo for a group."""
        app = importlib.import_module(self._modules[name]).app
        return declarations(app)[name]

    def built(self) -> list[Any]:
        return list(self._built.values())

    def outline(self, name: str) -> tuple[bool, str | None, str]:
        """Whether the command is hidden, its panel and its summary, as its Click command would give them,
        without building it."""
        if name in self._built:
            built = self._built[name]
            return built.hidden, getattr(built, "rich_help_panel", None), summary(built.short_help, built.help)
        declared = self._declared(name)
        if isinstance(declared, TyperInfo):
            declared = solve_typer_info_defaults(declared)
            text = declared.help
        else:
            text = inspect.getdoc(declared.callback) if declared.help is None else inspect.cleandoc(declared.help)
        panel, short, text = (_said(value, self.lang) for value in (declared.rich_help_panel, declared.short_help, text))
        return declared.hidden, panel, summary(short, text)


def declarations(app: typer.Typer) -> dict[str, Any]:
    """What an app added without a name gives its group, by name, in Typer's order: its commands, then its groups."""
    declared = {command.name or get_command_name(command.callback.__name__): command
                for command in app.registered_commands}
    declared.update((solve_typer_info_defaults(group).name, group) for group in app.registered_groups)
    return declared


def summary(short_help: str | None, help_text: str | None) -> str:
    """A command's line on its group's help page: its short help, else its help's whole first paragraph."""
    return short_help or (help_text or "").split("\n\n")[0]


def _said(text: Any, lang: str | None) -> Any:
    return translate(text, lang) if lang and isinstance(text, str) else text
