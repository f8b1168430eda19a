"""Where output goes: the terminal (colour if it is one), a pipe (never escape codes), or a file written atomically."""

import io
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from riskreg.errors import RiskregError


def mask_unless(data: Any, unmasked: bool) -> Any:
    """`data` with identity and mobile numbers masked in every string, unless the user asked for it unmasked."""
    if unmasked:
        return data
    from riskreg.masking import masked

    return masked(data)


def shown(message: str, *, unmasked: bool = False) -> str:
    """A message as the user sees it: it may quote file names, headers and stored text, so identity and mobile
    numbers are masked (unless --unmasked) and control characters escaped."""
    from riskreg.escaping import visible
    from riskreg.masking import mask_text

    return visible(message if unmasked else mask_text(message))


def say(message: str, *, err: bool = False, unmasked: bool = False) -> None:
    import typer

    typer.echo(shown(message, unmasked=unmasked), err=err)


def print_renderable(renderable: Any) -> None:
    from rich.console import Console

    Console(highlight=False, soft_wrap=False).print(renderable)


def renderable_text(renderable: Any, width: int = 120) -> str:
    """Plain text of a Rich renderable: no colour, a fixed width, so files are reproducible."""
    from rich.console import Console

    buffer = io.StringIO()
    Console(file=buffer, force_terminal=False, no_color=True, width=width, highlight=False).print(renderable)
    return buffer.getvalue()


def write_chunks(chunks: Iterable[str], output: Path | None = None, *, private: bool = False) -> None:
    if output is None:
        if sys.stdout.isatty():  # no stored text may drive the terminal (JSON escapes these itself)
            from riskreg.escaping import visible

            chunks = map(visible, chunks)
        for chunk in chunks:
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    write_atomically(output, chunks, private=private)


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
        raise RiskregError(f"Cannot write {target}: {err.strerror}.") from None
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600 if private else 0o644)
        os.replace(temp, target)
    except BaseException as err:
        Path(temp).unlink(missing_ok=True)
        if isinstance(err, OSError):
            raise RiskregError(f"Cannot write {target}: {err.strerror}.") from None
        raise


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
        raise RiskregError(f"Cannot write {target}: {err.strerror}.") from None


def progress(items: Iterable[Any], description: str, total: int | None = None) -> Iterable[Any]:
    """A Rich progress bar on stderr while it is a terminal; nothing at all otherwise (cron, pipes, files)."""
    if not sys.stderr.isatty():
        return items
    from rich.console import Console
    from rich.progress import track

    return track(items, description=description, total=total, console=Console(stderr=True), transient=True)


def working(description: str) -> Any:
    """A spinner on stderr while it is a terminal, for one long step (building a report)."""
    import contextlib

    if not sys.stderr.isatty():
        return contextlib.nullcontext()
    from rich.console import Console

    return Console(stderr=True).status(description)
