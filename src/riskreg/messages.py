"""Every sentence riskreg says, in Chinese or English: gettext catalogues, read with the standard library.

The sentences live in `locale/<lang>/LC_MESSAGES/riskreg.po` (Babel keeps them: `python scripts/messages.py`);
the compiled `.mo` ships in the wheel and is all that is read at run time, on first use, so `--help` stays fast.

Code below the command line does not know the language: it writes `N_("… {name} …", name=…)`, a Message that
holds the English msgid and its values, and the command line translates it where it is shown. Help text,
docstrings and panel titles are plain strings that the extractor (scripts/messages.py) finds by their place;
Click's and Typer's own words ("Usage:", "Error:", "Options") are in the same catalogue, read through the
standard gettext domain Click calls.
"""

import gettext
import os
from functools import cache
from pathlib import Path

DOMAIN = "riskreg"
LANGUAGES = ("zh", "en")
LOCALE_DIR = Path(__file__).parent / "locale"
_current = {"lang": "zh"}


class Message:
    """A sentence to translate where it is shown: the English msgid (a str.format template) and its values.

    A value that is itself a Message is translated in the same language. str() is the English sentence, so code
    and tests that never choose a language read what they always read."""

    __slots__ = ("msgid", "plural", "n", "params", "stop", "lower")

    def __init__(self, msgid: str, /, **params: object) -> None:
        self.msgid, self.params = msgid, params
        self.plural: str | None = None  # NP_: the English plural, chosen by the count n
        self.n = 1
        self.stop = True  # False: said as a clause of a longer sentence, without its full stop
        self.lower = False  # True: that clause starts in lower case (English; Chinese has no case)

    def translated(self, lang: str | None = None) -> str:
        lang = lang or _current["lang"]
        catalogue = _catalogue(lang)
        text = catalogue.ngettext(self.msgid, self.plural, self.n) if self.plural else catalogue.gettext(self.msgid)
        if self.params or self.plural is not None:
            text = text.format(**{"n": self.n, **{key: in_language(value, lang) for key, value in self.params.items()}})
        if self.lower:
            text = text[:1].lower() + text[1:]
        return text if self.stop else text.rstrip(".。")

    def __str__(self) -> str:
        return self.translated("en")

    # A Python caller that never chooses a language compares and searches the English sentence, as before.
    def __eq__(self, other: object) -> bool:
        return str(self) == (str(other) if isinstance(other, Message) else other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __contains__(self, text: str) -> bool:
        return text in str(self)

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, {self.params!r})"


class Both:
    """A word known in both languages already (a pair of riskreg.vocabulary, a catalogue name), to go into a
    Message as a value: no msgid, the pair itself is its translation."""

    __slots__ = ("zh", "en")

    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh, en

    def translated(self, lang: str | None = None) -> str:
        return self.en if (lang or _current["lang"]) == "en" else self.zh

    def __str__(self) -> str:
        return self.en


class Joined:
    """Values said one after another (Messages among them, each in the same language), with the separator
    of each language between them."""

    __slots__ = ("items", "zh", "en")

    def __init__(self, items: list[object], zh: str = "；", en: str = "; ") -> None:
        self.items, self.zh, self.en = items, zh, en

    def translated(self, lang: str | None = None) -> str:
        lang = lang or _current["lang"]
        return (self.en if lang == "en" else self.zh).join(str(in_language(item, lang)) for item in self.items)

    def __str__(self) -> str:
        return self.translated("en")


def N_(msgid: str, /, **params: object) -> Message:  # noqa: N802 - gettext's name for "marked, translated later"
    return Message(msgid, **params)


def NP_(singular: str, plural: str, n: int, /, **params: object) -> Message:  # noqa: N802
    """A sentence with a count in it: `{n}` is the count; Chinese has one form, English two."""
    message = Message(singular, **params)
    message.plural, message.n = plural, n
    return message


def clause(text: object, *, lower: bool = False) -> object:
    """A sentence (a Message, an error, or text) to go inside another, without its full stop; `lower`: after a
    column's name, as a reason, so English starts in lower case too."""
    text = getattr(text, "message", text)
    if isinstance(text, Message):
        inner = Message(text.msgid, **text.params)
        inner.plural, inner.n, inner.stop, inner.lower = text.plural, text.n, False, lower
        return inner
    text = str(text).rstrip(".")
    return text[:1].lower() + text[1:] if lower else text


def in_language(text: object, lang: str | None = None) -> object:
    """A Message translated; anything else (a name, a number, a path) as it is."""
    return text.translated(lang) if isinstance(text, Message | Both | Joined) else text


def translate(text: str, lang: str | None = None) -> str:
    """A plain string the extractor found (help text, a panel title) in `lang`, or as it is when untranslated."""
    return _catalogue(lang or _current["lang"]).gettext(text) if text else text


def use(lang: str) -> None:
    """Speak `lang` from now on: riskreg's messages and Click's and Typer's own words.

    Click calls the standard gettext functions, which take their language from $LANGUAGE (it outranks LC_ALL and
    LANG, for messages only) and their catalogue from the global domain, so both point at riskreg's here."""
    _current["lang"] = lang
    os.environ["LANGUAGE"] = lang
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)


def current() -> str:
    return _current["lang"]


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, str(LOCALE_DIR), languages=[lang], fallback=True)
