"""One workbook per department or village: the entries grouped, and a safe, distinct file name for each.

A file is named after whose checklist it is (责任清单-派出所.xlsx), and that name is stored text: a village may be
typed as `../x`, `a/b`, `CON`, with a colon or a control character, or 300 characters long. Each name is made
safe on Windows, macOS and Linux alike, and two that come out the same there (where case and Unicode
normalisation may not tell names apart) get -2, -3, … rather than one overwriting the other.
"""

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

MAX_NAME_BYTES = 200  # of the 255 a file name may take (ext4, NTFS): room for -N and the atomic writer's temporary name
_FORBIDDEN = frozenset('\\/:*?"<>|')  # separators on any system, and what Windows refuses in a name


def group_rows(rows: Iterable[dict[str, Any]], field: str) -> dict[str, list[dict[str, Any]]]:
    """The rows by their value of `field`, in the order of that value, so file names and their -N are stable."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[field], []).append(row)
    return dict(sorted(groups.items()))


def file_names(owners: list[str], prefix: str, suffix: str = ".xlsx") -> list[str]:
    """A distinct, safe file name for each owner, in order: `prefix-owner` + `suffix`. The prefix means no name
    is a Windows device name (CON, NUL, COM1) or starts with a dot."""
    taken: set[str] = set()
    names = []
    for owner in owners:
        stem = _truncated(f"{prefix}-{_safe(owner)}")
        name, n = stem + suffix, 1
        while _same(name) in taken:
            n += 1
            name = f"{stem}-{n}{suffix}"
        taken.add(_same(name))
        names.append(name)
    return names


def _safe(text: str) -> str:
    """Path separators, characters Windows refuses, control and format characters (bidirectional overrides
    among them) become _; runs of spaces become one; no leading or trailing dots or spaces."""
    text = "".join(" " if unicodedata.category(ch) == "Zs"
                   else "_" if ch in _FORBIDDEN or unicodedata.category(ch)[0] in "CZ" else ch
                   for ch in unicodedata.normalize("NFC", text))
    return re.sub(r" +", " ", text).strip(" .") or "_"


def _truncated(stem: str) -> str:
    return stem.encode()[:MAX_NAME_BYTES].decode(errors="ignore").rstrip(" .")


def _same(name: str) -> str:
    """What a case-insensitive, normalising file system (Windows, macOS) takes a name to be."""
    return unicodedata.normalize("NFC", name).casefold()
