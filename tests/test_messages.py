"""Every sentence in both languages: the catalogues hold what the code says, in good Chinese, compiled.

The catalogues are kept with scripts/messages.py (docs/TRANSLATING.md); these tests fail when a sentence in the
code, a help text or one of Typer's own words is missing from either, when a Chinese one still has an English
word of the vocabulary in it, or when a .mo is older than its .po.
"""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from babel.messages.pofile import read_po
from conftest import installed_riskreg

from riskreg.cli import app
from riskreg.messages import LOCALE_DIR, translate
from riskreg.vocabulary import WORDS

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.pure


def _script():
    spec = importlib.util.spec_from_file_location("messages_script", ROOT / "scripts" / "messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCRIPT = _script()


def _catalogue(lang: str):
    with SCRIPT.po_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def _strings(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, tuple | list) else (message.string,)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_sentence_in_the_code_is_in_the_catalogue(lang):
    catalogue = _catalogue(lang)
    missing = []
    for message in SCRIPT.extract():
        if not message.id:
            continue
        found = catalogue.get(message.id)
        if found is None or "fuzzy" in found.flags or not all(_strings(found)):
            missing.append(f"{message.id!r} ({message.locations[0][0]})")
    assert not missing, f"not translated in {lang} (python scripts/messages.py all, then translate):\n" + \
        "\n".join(missing)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_compiled_catalogue_is_the_current_one(lang):
    assert (LOCALE_DIR / lang / "LC_MESSAGES" / "riskreg.mo").read_bytes() == SCRIPT.compiled(lang), \
        "python scripts/messages.py compile"


def _help_texts(command, path=("riskreg",)):
    for attribute in ("help", "short_help", "rich_help_panel"):
        if getattr(command, attribute, None):
            yield " ".join(path), getattr(command, attribute)
    for param in command.params:
        for attribute in ("help", "rich_help_panel"):
            if getattr(param, attribute, None):
                yield f"{' '.join(path)} {param.name}", getattr(param, attribute)
    for name, sub in getattr(command, "commands", {}).items():
        yield from _help_texts(sub, (*path, name))


def test_every_help_text_is_in_chinese():
    """Help the extractor did not find (a new place Typer takes text from) fails here, not on a user's screen."""
    untranslated = [f"{where}: {text!r}" for where, text in _help_texts(typer.main.get_command(app))
                    if translate(text, "zh") == text]
    assert not untranslated, "\n".join(untranslated)


# English words a Chinese sentence may hold because they are codes, not words: the program, formats, zones.
_CODES = {"riskreg", "xlsx", "csv", "json", "jsonl", "utc", "acc"}
# What a Chinese sentence may quote as it is: `code`, --options, {placeholders}, VARIABLES and METAVARS,
# %(printf)s, URLs and file names.
_QUOTED = re.compile(r"`[^`]*`|--?[a-z][a-z-]*|\{[^}]*\}|\$?\b[A-Z][A-Z_]+\b|%\([a-z_]+\)s|\S+://\S*|"
                     r"\S+\.(?:db|json|yaml)\b")


def _english_words() -> set[str]:
    words = {word.lower() for _, en in WORDS.values() for word in re.findall(r"[A-Za-z]{3,}", en)}
    return words - _CODES


def test_no_chinese_sentence_holds_an_english_word_of_the_vocabulary():
    english = _english_words()
    found = []
    for message in _catalogue("zh"):
        for text in _strings(message):
            if not message.id or not text:
                continue
            words = {word.lower() for word in re.findall(r"[A-Za-z]+", _QUOTED.sub(" ", text))} & english
            if words:
                found.append(f"{text!r}: {', '.join(sorted(words))}")
    assert not found, "\n".join(found)


def test_the_help_speaks_the_chosen_language(cli):
    zh = cli("--lang", "zh", "list", "--help", as_of=None).stdout
    assert zh.startswith("用法: riskreg list") and "选项:" in zh and "只看已过完成时限的在办条目。" in zh
    assert "Usage" not in zh and "Options" not in zh and "Show this message" not in zh
    en = cli("--lang", "en", "list", "--help", as_of=None).stdout
    assert en.startswith("Usage: riskreg list") and "Only active entries past their deadline." in en


@pytest.mark.parametrize("argv, zh, en", [
    (["list", "--bogus"], "错误：没有这个选项：--bogus", "Error: No such option: --bogus"),
    (["show"], "错误：缺少参数 'ID'。", "Error: Missing argument 'ID'."),
    (["frobnicate"], "错误：没有 'frobnicate' 这个命令。", "Error: No such command 'frobnicate'."),
    (["list", "--limit", "x"], "错误：'--limit' 的值无效：不是整数", "Error: Invalid value for '--limit': not a whole number"),
])
def test_usage_errors_speak_the_chosen_language(cli, argv, zh, en):
    said = cli.runner.invoke(app, ["--lang", "zh", *argv])
    assert said.exit_code == 2 and zh in said.stderr and "输入“riskreg" in said.stderr, said.stderr
    assert "Usage" not in said.stderr and "Try" not in said.stderr
    said = cli.runner.invoke(app, ["--lang", "en", *argv])
    assert said.exit_code == 2 and en in said.stderr and "Try 'riskreg" in said.stderr, said.stderr


def test_the_language_comes_from_the_environment_the_config_file_and_the_locale(cli, monkeypatch):
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    assert cli("--help", as_of=None).stdout.startswith("Usage:")
    monkeypatch.setenv("RISKREG_LANG", "zh")
    assert cli("--help", as_of=None).stdout.startswith("用法:")
    monkeypatch.delenv("RISKREG_LANG")
    cli("config", "set", "lang", "zh")
    assert cli("--help", as_of=None).stdout.startswith("用法:")
    assert cli("--lang", "en", "--help", as_of=None).stdout.startswith("Usage:")


def test_the_installed_command_reads_the_compiled_catalogue_without_babel():
    """The entry point users run: Chinese help from the .mo, and neither Babel nor the register's libraries
    imported to find the language."""
    probe = ("import sys, runpy; sys.argv = ['riskreg', '--lang', 'zh', '--help']\n"
             "try:\n    runpy.run_module('riskreg', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in ('babel', 'sqlalchemy', 'sqlmodel', 'rich', 'yaml') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("用法: riskreg") and done.stdout.rstrip().endswith("[]"), done.stdout + done.stderr
    shown = subprocess.run([*installed_riskreg(), "--lang", "zh", "--help"], capture_output=True, text=True, timeout=60)
    assert "选项:" in shown.stdout
