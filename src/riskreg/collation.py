"""The order people read names in: pinyin under Chinese, code points under English.

Chinese readers look a village or a department up by its pinyin (北村, 东村, 南社区, 西村), as a dictionary
orders it. The first level of GB2312 (3,755 common characters) is itself ordered by pinyin, so for names made
of those characters (and ASCII) the GB2312 bytes are the sort key: no library, no start-up cost, which keeps
`summary` within its start-up budget (benchmarks/run.py). A table holding any rarer character (垭, 垸, 畈: second
level GB2312 is ordered by radical, and outside GB2312 there is no order at all) is sorted by pypinyin's
readings instead, imported only then (it loads its dictionaries, about half a second). Both read a polyphonic
character by its usual reading; pypinyin also knows the phrases (重庆 chóng).

Only rows about to be shown are sorted: aggregated tables (a summary's units and departments) are small. JSON
and CSV keep their documented order, and `list --sort unit` its database order, so no listing is ever held
whole in memory to be sorted.
"""

from collections.abc import Callable, Iterable
from typing import TypeVar

Row = TypeVar("Row")
_LEVEL_ONE_END = 0xD7  # GB2312 rows 16-55 (B0-D7): the first level, in pinyin order; A1-A9 are symbols


def _gb2312_key(name: str) -> bytes | None:
    """The name's GB2312 bytes when every character is ASCII, a symbol or a first-level character, else None."""
    try:
        encoded = name.encode("gb2312")
    except UnicodeEncodeError:
        return None
    if any(ord(char) >= 0x80 and char.encode("gb2312")[0] > _LEVEL_ONE_END for char in name):
        return None
    return encoded


def _pinyin_keys(names: list[str]) -> dict[str, tuple]:
    from pypinyin import Style, lazy_pinyin

    return {name: (tuple(lazy_pinyin(name, style=Style.TONE3, errors=lambda text: list(text))), name)
            for name in names}


def in_reading_order(rows: Iterable[Row], name: Callable[[Row], str], lang: str) -> list[Row]:
    """`rows` sorted by `name` as a reader of `lang` expects: pinyin for zh, code points for en."""
    rows = list(rows)
    if lang == "en":
        return sorted(rows, key=name)
    names = [name(row) for row in rows]
    keys: dict[str, object] = {text: _gb2312_key(text) for text in names}
    if any(key is None for key in keys.values()):
        keys = _pinyin_keys(names)
    return sorted(rows, key=lambda row: keys[name(row)])
