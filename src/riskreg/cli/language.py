"""The language of a run, known before Click parses anything, and the help text put into it.

Click prints usage errors and `--help` while it parses, before the global callback runs, so the language
is read from the arguments here first: `--lang`, then $RISKREG_LANG, the config file and the locale, as the
callback resolves it (riskreg.cli.settings). Typer attaches help text when the app is declared; the tree of
commands is built afresh for every run, so its help is translated in place once the language is known.
"""

from typing import Any

from riskreg import messages

_GLOBAL_VALUE_OPTIONS = ("--db", "--as-of", "--actor", "--lang")


def early_lang(args: list[str]) -> str:
    """The language `riskreg ARGS` will speak; a bad --lang or config file is left for the callback to refuse."""
    import os

    option = os.environ.get("RISKREG_LANG")
    position = 0
    while position < len(args) and args[position].startswith("-") and args[position] != "--":
        name, equals, value = args[position].partition("=")
        if name in _GLOBAL_VALUE_OPTIONS and not equals:
            value = args[position + 1] if position + 1 < len(args) else ""
            position += 1
        if name == "--lang":
            option = value
        position += 1
    if option in messages.LANGUAGES:  # known without the config file (or platformdirs and tomllib to find it)
        return option
    from riskreg.cli.settings import Config, load_config, resolve_lang
    from riskreg.errors import RiskregError

    try:
        settings = load_config()
    except RiskregError:  # a broken config file is the callback's to report, in words
        settings = Config()
    return resolve_lang(None, settings)


def speak(command: Any, lang: str) -> None:
    """Use `lang` for every message, and put the help of `command` and everything under it into it."""
    messages.use(lang)
    speak_in(command, lang)


def speak_in(command: Any, lang: str) -> None:
    """Put the help of `command` and everything under it into `lang`; commands not built yet, when they are."""
    from riskreg.cli.lazy import LazyCommands
    from riskreg.cli.usage import RiskregContext

    command.context_class = RiskregContext  # its usage line and help page in words too
    for attribute in ("help", "short_help", "rich_help_panel"):
        text = getattr(command, attribute, None)
        if isinstance(text, str):
            setattr(command, attribute, messages.translate(text, lang))
    for param in command.params:
        for attribute in ("help", "rich_help_panel"):
            text = getattr(param, attribute, None)
            if isinstance(text, str):
                setattr(param, attribute, messages.translate(text, lang))
    subs = getattr(command, "commands", {})
    if isinstance(subs, LazyCommands):
        subs.lang = lang  # the commands not built yet are translated when they are
    for sub in subs.built() if isinstance(subs, LazyCommands) else subs.values():
        speak_in(sub, lang)
