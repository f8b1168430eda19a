"""Keep riskreg's message catalogues with Babel: extract, update, compile (docs/TRANSLATING.md).

    python scripts/messages.py extract   # src/riskreg/locale/riskreg.pot from the code, Click and Typer
    python scripts/messages.py update    # merge it into zh and en riskreg.po (new sentences to translate)
    python scripts/messages.py compile   # the .mo files the wheel ships and riskreg reads
    python scripts/messages.py all       # the three in turn

Babel is a development tool (the `test` extras); riskreg itself reads the .mo with the standard library.
Three kinds of sentence are found:
- calls of N_ / NP_ (riskreg.messages) and of `_` / `ngettext` in Click and Typer, by Babel's Python extractor;
- help text where Typer takes it: `help=` and `rich_help_panel=` of any call, the docstring of a function
  decorated as a command or callback, and a module's PANEL (no marker: Typer needs the plain string);
- nothing else: a test (tests/test_messages.py) walks the command tree and fails on help text not found here.
"""

import ast
import inspect
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "riskreg"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "riskreg.pot"
LANGUAGES = ("zh", "en")
RISKREG_KEYWORDS = {"N_": None, "NP_": (1, 2)}
# Typer's own words (help sections, "default:", "Aborted!"): it carries its own Click, which says the rest
# without gettext; riskreg.cli.usage says those in words.
LIBRARY_MODULES = {"typer": ("core", "_click/parser")}
LIBRARY_HELP = {"typer": ("completion", "_click/decorators")}  # --install-completion's help, --help's own
LIBRARY_KEYWORDS = {"_": None, "ngettext": (1, 2)}


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "riskreg.po"


def extract() -> Catalog:
    """Every sentence in riskreg's code and Click's and Typer's, as a template."""
    catalogue = Catalog(project="riskreg", charset="utf-8")
    for path in sorted(PACKAGE.rglob("*.py")):
        where = str(path.relative_to(ROOT))
        for lineno, message in [*_marked(path, RISKREG_KEYWORDS), *_help_text(path)]:
            catalogue.add(message, locations=[(where, lineno)])
    for package, modules in LIBRARY_MODULES.items():
        base = Path(__import__(package).__file__).parent
        for module in modules:
            for lineno, message in _marked(base / f"{module}.py", LIBRARY_KEYWORDS):
                catalogue.add(message, locations=[(f"{package}/{module}.py", lineno)])
    for package, modules in LIBRARY_HELP.items():
        base = Path(__import__(package).__file__).parent
        for module in modules:
            for lineno, message in _help_text(base / f"{module}.py"):
                catalogue.add(message, locations=[(f"{package}/{module}.py", lineno)])
    return catalogue


def _marked(path: Path, keywords: dict) -> Iterator[tuple[int, str | tuple[str, str]]]:
    with path.open("rb") as source:
        for lineno, funcname, messages, _ in extract_python(source, keywords, [], {"encoding": "utf-8"}):
            spec = keywords[funcname]
            if spec is None and isinstance(messages, str):
                yield lineno, messages
            elif spec is None and messages and isinstance(messages[0], str):
                yield lineno, messages[0]
            elif spec is not None and all(isinstance(messages[i - 1], str) for i in spec):
                yield lineno, tuple(messages[i - 1] for i in spec)


def _help_text(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in ("help", "rich_help_panel"):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                yield node.value.lineno, node.value.value
        elif isinstance(node, ast.FunctionDef) and any(_is_command(d) for d in node.decorator_list):
            if docstring := ast.get_docstring(node, clean=True):
                yield node.body[0].lineno, docstring
        elif isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["PANEL"]:
            if isinstance(node.value, ast.Constant):
                yield node.lineno, node.value.value


def _is_command(decorator: ast.expr) -> bool:
    call = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(call, ast.Attribute) and call.attr in ("command", "callback")


def update(template: Catalog) -> None:
    """Merge the template into each language's catalogue; English starts as the msgid itself."""
    for lang in LANGUAGES:
        path = po_path(lang)
        if path.exists():
            with path.open("rb") as handle:
                catalogue = read_po(handle, locale=lang)
            catalogue.update(template, no_fuzzy_matching=True, update_header_comment=False)
            catalogue.obsolete.clear()  # a sentence the code no longer says is gone (git keeps it)
        else:
            catalogue = Catalog(locale=lang, project="riskreg", charset="utf-8")
            for message in template:
                if message.id:
                    catalogue.add(message.id, locations=message.locations)
        if lang == "en":
            for message in catalogue:
                if message.id and (not _translated(message) or "fuzzy" in message.flags):
                    message.string = message.id if isinstance(message.id, str) else tuple(message.id)
                    message.flags.discard("fuzzy")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalogue, width=120, sort_output=True, include_lineno=False)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return all(strings)


def _as_written(message) -> bool:
    return message.string == message.id or (isinstance(message.id, tuple | list)
                                             and tuple(message.string) == tuple(message.id))


def compiled(lang: str) -> bytes:
    import io

    with po_path(lang).open("rb") as handle:
        catalogue = read_po(handle, locale=lang)
    # A sentence its own translation (all of English, today) need not be read at start-up: gettext falls back to
    # the msgid, and English plurals to n == 1, as the catalogue would.
    for message in [message for message in catalogue if message.id and _as_written(message)]:
        catalogue.delete(message.id, message.context)
    out = io.BytesIO()
    write_mo(out, catalogue)
    return out.getvalue()


def compile_all() -> None:
    for lang in LANGUAGES:
        po_path(lang).with_suffix(".mo").write_bytes(compiled(lang))


def write_template(catalogue: Catalog) -> None:
    LOCALE.mkdir(parents=True, exist_ok=True)
    with TEMPLATE.open("wb") as handle:
        write_po(handle, catalogue, width=120, sort_output=True, include_lineno=False, omit_header=True)


def main(step: str) -> None:
    if step in ("extract", "all"):
        write_template(extract())
    if step in ("update", "all"):
        with TEMPLATE.open("rb") as handle:
            update(read_po(handle))
    if step in ("compile", "all"):
        compile_all()
    if step not in ("extract", "update", "compile", "all"):
        sys.exit(inspect.getdoc(sys.modules[__name__]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
