"""Where output goes: the terminal (colour if it is one), a pipe (never escape codes), or a file written atomically.

Every report, listing, export and message goes out through the writers here (say, write_json,
write_json_lines, write, print_view, write_view), and they alone mask identity and mobile numbers, unless the command was
given --unmasked: a command hands over plain data and never calls the mask itself (an import-linter
contract in pyproject.toml holds the rest of riskreg to that).
"""

import contextlib
import io
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from riskreg.errors import Problem, RiskregError
from riskreg.messages import N_, Message, in_language


def say(message: str | Message, *, err: bool = False, unmasked: bool = False) -> None:
    """A message, an error or a warning, in the language of the run: it may quote file names, headers and stored
    text, so identity and mobile numbers are masked (unless --unmasked) and control characters escaped."""
    import typer

    from riskreg.escaping import visible
    message = str(in_language(message))
    typer.echo(visible(message if unmasked else _masked(message)), err=err)


def shown(text: str, *, unmasked: bool) -> str:
    """Stored text as the output shows it (masked unless --unmasked), where it is not written through the
    output: a workbook named after a village must not put a mobile number in a masked export's file name, and
    `import --update` takes a cell holding the masked form for the stored text unchanged."""
    return text if unmasked else _masked(text)


def masked_form(text: str) -> str | None:
    """The masked number in typed text (138****5678), if it holds one: text typed back from a masked screen, which
    would store the stars for good over the real number."""
    from riskreg.masking import masked_number

    return masked_number(text)


def as_shown(*data: Any, exact: tuple[str, ...] = ()) -> list[Any]:
    """`data` masked as every writer masks it, for output that leaves by another way (a mail, a chat robot)."""
    return _as_shown(data, False, exact)


def write_json(data: Any, output: Path | None = None, *, unmasked: bool, exact: tuple[str, ...] = ()) -> None:
    """A report or a listing as JSON, masked as it is encoded: each item is encoded once, and again, masked,
    only when its text may hold a number (docs/PERFORMANCE.md). The keys of `data` in `exact` are never masked."""
    from riskreg.render.plain import json_chunks

    _write_chunks(json_chunks(data, masking=_masking_encoder(unmasked), exact=exact), output, private=unmasked)


def write_json_lines(items: Iterable[Any], output: Path | None = None, *, unmasked: bool) -> None:
    """One JSON object a line (the lossless export), masked as each is encoded, like write_json."""
    from riskreg.render.plain import json_lines

    _write_chunks(json_lines(items, masking=_masking_encoder(unmasked)), output, private=unmasked)


def write(render: Callable[..., Iterable[str] | Iterable[bytes]], *data: Any, output: Path | None = None,
          unmasked: bool, exact: tuple[str, ...] = (), binary: bool = False) -> None:
    """What `render` makes of `data`, masked first (streamed rows as they come), to stdout or `output`."""
    _write_chunks(render(*_as_shown(data, unmasked, exact)), output, private=unmasked, binary=binary)


def print_view(view: Callable[..., Any], *data: Any, unmasked: bool, exact: tuple[str, ...] = ()) -> None:
    """A Rich view of `data`, masked first, on the terminal (the view escapes the text it shows)."""
    _print(view(*_as_shown(data, unmasked, exact)))


def write_view(view: Callable[..., Any], *data: Any, output: Path | None = None, unmasked: bool,
               exact: tuple[str, ...] = ()) -> None:
    """A Rich view of `data`, masked first: drawn on a terminal, else as plain 120-column text (a file, a pipe)."""
    if output is None and sys.stdout.isatty():
        print_view(view, *data, unmasked=unmasked, exact=exact)
    else:
        write(lambda *shown: [_text_of(view(*shown))], *data, output=output, unmasked=unmasked, exact=exact)


def _as_shown(data: tuple[Any, ...], unmasked: bool, exact: tuple[str, ...]) -> list[Any]:
    return list(data) if unmasked else [_masked(part, exact) for part in data]


def _masked(data: Any, exact: tuple[str, ...] = ()) -> Any:
    """`data` with identity and mobile numbers masked in every string; an iterator stays one, each item masked
    as it is read; the keys of a dict named in `exact` (riskreg's own hash) are left as they are."""
    from riskreg.masking import mask_text, masked

    if isinstance(data, str):
        return mask_text(data)
    if isinstance(data, Iterator):
        return map(masked, data)
    if exact and isinstance(data, dict):
        return {key: value if key in exact else masked(value) for key, value in data.items()}
    return masked(data)


def _masking_encoder(unmasked: bool) -> Callable[[Any, Callable[[Any], str]], str] | None:
    if unmasked:
        return None
    from riskreg.masking import masked_json

    return masked_json


def _print(renderable: Any) -> None:
    from rich.console import Console

    Console(highlight=False, soft_wrap=False).print(renderable)


def _text_of(renderable: Any, width: int = 120) -> str:
    """Plain text of a Rich renderable: no colour, a fixed width, so files are reproducible."""
    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, force_terminal=False, no_color=True, width=width, highlight=False).print(renderable)
    return buffer.getvalue()


def _write_chunks(chunks: Iterable[str] | Iterable[bytes], output: Path | None = None, *, private: bool = False,
                 binary: bool = False) -> None:
    if output is None and binary:
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
        return
    if output is None:
        if sys.stdout.isatty():  # no stored text may drive the terminal (JSON escapes these itself)
            from riskreg.escaping import visible

            chunks = map(visible, chunks)
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    write_atomically(output, chunks, binary=binary, private=private)


def write_atomically(path: Path, chunks: Iterable[str] | Iterable[bytes], *, binary: bool = False,
                     private: bool = False) -> None:
    """Write beside the target, then rename: readers see the old file or the whole new one. `private`
    (unmasked output, which may hold identity and mobile numbers) is readable by its owner only.

    A symlink keeps pointing at the file it names; a device, descriptor or FIFO is written to in place."""
    import tempfile

    target = Path(path).expanduser().absolute()
    if _written_in_place(target):
        _write_in_place(target, chunks, binary=binary)
        return
    target = Path(os.path.realpath(target))
    try:
        fd, temp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp")
    except OSError as err:
        raise RiskregError(N_("Cannot write {target}: {strerror}.", target=target, strerror=err.strerror)) from None
    held = _held_renames.get()
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600 if private else 0o644)
        if held is None:
            os.replace(temp, target)
        else:
            held.append((temp, target))
    except BaseException as err:
        Path(temp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise RiskregError(N_("Cannot write {target}: {strerror}.", target=target, strerror=err.strerror)) from None
        raise


# The renames all_or_none holds back: (the written temporary file, its target), or None outside one.
_held_renames: ContextVar[list[tuple[str, Path]] | None] = ContextVar("riskreg_held_renames", default=None)


@contextlib.contextmanager
def all_or_none() -> Iterator[None]:
    """Files written atomically inside the block appear together when it ends, or none of them does: each is
    written beside its target as usual, and renamed over it only once every one is written. A split report that
    cannot write its seventh file leaves the first six as they were, as a failed command should."""
    held: list[tuple[str, Path]] = []
    token = _held_renames.set(held)
    try:
        yield
        for temp, target in held:
            try:
                os.replace(temp, target)
            except OSError as err:
                raise RiskregError(N_("Cannot write {target}: {strerror}.", target=target,
                                          strerror=err.strerror)) from None
    finally:
        _held_renames.reset(token)
        for temp, _ in held:
            Path(temp).unlink(missing_ok=True)  # those renamed are gone already


def make_folder(folder: Path, *, private: bool) -> None:
    """A folder for files to go in, made if missing; one made for unmasked files is its owner's alone, like them."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700 if private else 0o777)
    except OSError as err:
        raise RiskregError(N_("Cannot make the folder {folder}: {strerror}.", folder=folder, strerror=err.strerror)) from None


def _written_in_place(target: Path) -> bool:
    """/dev/stdout, /proc/self/fd/3, a FIFO: renaming a file over such a name would replace the name, not feed
    whatever reads it."""
    return target.parts[1:2] in (("dev",), ("proc",)) or (target.exists() and not target.is_file())


def _write_in_place(target: Path, chunks: Iterable[str] | Iterable[bytes], *, binary: bool) -> None:
    try:
        with (target.open("wb") if binary else target.open("w", encoding="utf-8", newline="")) as handle:
            for chunk in chunks:
                handle.write(chunk)
    except OSError as err:
        raise RiskregError(N_("Cannot write {target}: {strerror}.", target=target, strerror=err.strerror)) from None


_SHOWN_VALUE = 40  # characters of a value in the stderr table; the --errors file has each value whole
# Rich lays a table out at about 0.6 ms a row (40,000 problems took 28 s); past this many the terminal gets the
# plain aligned lines too (40,000 in under a second), still every one of them.
RICH_PROBLEMS = 1_000


def show_problems(problems: list[Problem], noun: str, *, lang: str, unmasked: bool) -> None:
    """Every problem of a refused import on stderr, under its summary: a Rich table on a terminal (up to
    RICH_PROBLEMS), plain aligned text (no colour, no box) for a pipe, a log or a longer list. Values masked unless
    --unmasked, each on one line and cut short."""
    headings, rows = _problem_rows(problems, noun, lang, unmasked)
    for row in rows:
        value = " ⏎ ".join(row[2].splitlines())
        row[2] = value if len(value) <= _SHOWN_VALUE else value[:_SHOWN_VALUE - 1] + "…"
    if sys.stderr.isatty() and len(rows) <= RICH_PROBLEMS:
        from rich.console import Console

        from riskreg.render.tables import problems_table

        Console(stderr=True, highlight=False).print(problems_table(headings, rows))
        return
    from riskreg.escaping import visible
    from riskreg.render.plain import aligned

    sys.stderr.writelines(aligned(headings, [[visible(str(cell)) for cell in row] for row in rows]))
    sys.stderr.flush()


def write_problems(path: Path, problems: list[Problem], noun: str, *, lang: str, unmasked: bool) -> None:
    """The problems as CSV for the village to fix its sheet by, written atomically: UTF-8 with a byte-order mark
    (so Excel and WPS read the Chinese), headings in the --lang language, values masked unless --unmasked."""
    import itertools

    from riskreg.escaping import csv_cell
    from riskreg.render.plain import to_csv

    headings, rows = _problem_rows(problems, noun, lang, unmasked)
    keyed = ({heading: csv_cell(value) for heading, value in zip(headings, row)} for row in rows)
    write_atomically(path, itertools.chain(["\ufeff"], to_csv(keyed, headings)), private=unmasked)


def _problem_rows(problems: list[Problem], noun: str, lang: str, unmasked: bool) -> tuple[list[str], list[list[Any]]]:
    from riskreg.vocabulary import word

    headings = [word(f"column.{key}", lang) for key in (noun, "column", "value", "reason")]
    rows = [[problem.row, problem.column, problem.value, in_language(problem.reason, lang)] for problem in problems]
    return headings, rows if unmasked else _masked(rows)


def progress(items: Iterable[Any], description: Message, total: int | None = None) -> Iterable[Any]:
    """A Rich progress bar on stderr while it is a terminal; nothing at all otherwise (cron, pipes, files)."""
    if not sys.stderr.isatty():
        return items
    from rich.console import Console
    from rich.progress import track

    return track(items, description=description.translated(), total=total, console=Console(stderr=True), transient=True)


def working(description: Message) -> Any:
    """A spinner on stderr while it is a terminal, for one long step (building a report)."""
    import contextlib

    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(description.translated())
