"""Masks resident identity numbers and mobile numbers in any text riskreg prints.

riskreg records problems, not people; free text may still carry a number
someone typed in, so every output masks by default.

Numbers are matched on the text as NFKC normalises it, character by character,
with zero-width characters left out: full-width digits and Ｘ, U+3000 and other
spaces, full-width and small hyphens and dots all read as their ASCII selves,
and 138\u200b1234\u200b5678 reads as 13812345678. Each normalised character
remembers the character it came from, so the digits are masked where they
stand in the text as typed. Numbers may be written in groups of any size, up to
three separators between any two digits: 138 1234 5678, 1381 234 5678,
138-1234-5678, 138.1234.5678, 138/1234/5678, (138)1234-5678, 1 3 8 1 2 3 4 5 6
7 8, +86 138…, 360426 19900101 123X, 110105-1949-1231-002X.
"""

import json
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from riskreg.messages import N_, Message


# Invisible characters that may sit inside a number: soft hyphen, Mongolian vowel separator, zero-width
# space / joiners / marks, bidirectional embeddings and isolates, word joiner and invisible operators, BOM.
ZERO_WIDTH = ((0xAD, 0xAD), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064),
              (0x2066, 0x206F), (0xFEFF, 0xFEFF))
# Dashes NFKC leaves alone but people write between digit groups all the same (ー: a katakana long mark, as
# Japanese input methods type a dash).
_DASHES = "\u2010-\u2015\u2212\u30fc"
# What may stand between two digits of one number, on normalised text. Not commas: 13,800,000,000 is money.
_SEPARATORS = f" .\\-/_(){_DASHES}"
_GAP = f"[{_SEPARATORS}]{{0,3}}"  # 138 - 1234 - 5678, (138)1234, 1 3 8


def _digits(count: int, digit: str = "\\d") -> str:
    """`count` digits (or what stands for them), perhaps with a gap between any two."""
    return f"{digit}(?:{_GAP}{digit}){{{count - 1}}}"


# Every character whose NFKC form holds a digit, an X or a separator lies in these blocks; a test scans all
# of Unicode to prove it (tests/test_masking.py), so a newer Unicode version cannot slip one past.
NFKC_BLOCKS = ((0xA0, 0xBE), (0x2E3, 0x2E3), (0x2000, 0x2093), (0x213B, 0x2189), (0x2460, 0x24EA),
               (0x3000, 0x3000), (0x3251, 0x325F), (0x32B1, 0x32CB), (0x3358, 0x33FE), (0xFB29, 0xFB29),
               (0xFE19, 0xFE63), (0xFF08, 0xFF58), (0x1D417, 0x1D6A1), (0x1D7CE, 0x1D7FF), (0x1F100, 0x1F147),
               (0x1FBF0, 0x1FBF9))


def nfkc_matters(form: str) -> bool:
    """Whether a character's NFKC form can take part in a number: it holds a digit, an X or a plus, or it is
    all separators (a space followed by a combining accent, as NFKC spells ¨, is none)."""
    return any(ch.isdigit() or ch in "Xx+" for ch in form) or all(ch in " .-/_()" for ch in form)


def _forms() -> dict[str, str]:
    """Character -> what it reads as when matching: its NFKC form, or nothing for a zero-width character."""
    forms = {}
    for start, end in NFKC_BLOCKS:
        for code in range(start, end + 1):
            form = unicodedata.normalize("NFKC", chr(code))
            if form != chr(code) and nfkc_matters(form):
                forms[chr(code)] = form
    forms.update((chr(code), "") for start, end in ZERO_WIDTH for code in range(start, end + 1))
    return forms


_FORMS = _forms()


def _ranges(codes: list[int]) -> str:
    """A regex class's body for these code points, as ranges: one class of a few hundred single characters
    scans several times slower."""
    spans: list[list[int]] = []
    for code in sorted(codes):
        if spans and spans[-1][1] == code - 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in spans)


# Text holding none of these is its own normalised form. Characters beyond the BMP are all in: naming the few
# that matter one by one makes the search several times slower, and they are rare in a ledger.
_RESHAPED = re.compile(f"[{_ranges([ord(ch) for ch in _FORMS if ord(ch) < 0x10000])}\U00010000-\U0010ffff]")
# Eleven digits, perhaps grouped: every number masked holds such a run in its normalised text; and text holding
# nothing _RESHAPED finds is its own normalised text.
NUMBER_RUN = re.compile(f"\\d(?:[{_SEPARATORS}]*\\d){{10}}")


def _id_number(hidden: str) -> re.Pattern[str]:
    """On normalised text. Resident identity number: 6 + 8 + 3 digits, then a digit or X, not inside a longer
    run of digits; the 11 after the first 6 (birth date and sequence) are masked, `hidden` stands for them."""
    return re.compile(f"(?<!\\d){_digits(6)}{_GAP}({_digits(11, hidden)}){_GAP}[\\dXx](?!\\d)")


def _mobile(hidden: str) -> re.Pattern[str]:
    """Mainland mobile number: 1, then 3-9, then 9 digits, perhaps after +86 / 0086 / 86; the middle 4 are
    masked, `hidden` stands for them."""
    return re.compile(f"(?<!\\d)(?:(?:\\+|00)?86{_GAP})?1{_GAP}[3-9]{_GAP}\\d{_GAP}({_digits(4, hidden)}){_GAP}"
                      f"{_digits(4)}(?!\\d)")


_ID_NUMBER, _MOBILE = _id_number("\\d"), _mobile("\\d")
# The same numbers as mask_text leaves them: one pattern for both, so masker and detector never drift.
# A star may come back typed full-width (＊) by an input method in full-width mode: still a masked digit.
_MASKED = (_id_number("[*＊]"), _mobile("[*＊]"))


def may_need_masking(text: str) -> bool:
    """False only when `text` holds no number to mask: the one shortcut every masking path takes (a C-speed
    search, docs/PERFORMANCE.md). JSON without ensure_ascii writes digits and separators as they are, so it
    answers for encoded JSON too."""
    return NUMBER_RUN.search(text) is not None or _RESHAPED.search(text) is not None


def normalised(text: str) -> tuple[str, list[int] | None]:
    """The text numbers are matched on, and for each of its characters the index of the character of `text` it
    came from (None: the same index, nothing needed normalising)."""
    if not _RESHAPED.search(text):
        return text, None
    parts, origin, copied = [], [], 0
    for found in _RESHAPED.finditer(text):
        start = found.start()
        form = _FORMS.get(found.group(), found.group())
        parts += (text[copied:start], form)
        origin += [*range(copied, start), *[start] * len(form)]
        copied = start + 1
    parts.append(text[copied:])
    origin += range(copied, len(text))
    return "".join(parts), origin


def mask_text(text: str) -> str:
    if not may_need_masking(text):
        return text
    plain, origin = normalised(text)
    ids = list(_ID_NUMBER.finditer(plain))
    # Eleven digits that begin an identity number written in groups are part of it, not a mobile number.
    mobiles = [match for match in _MOBILE.finditer(plain)
               if not any(match.start() < other.end() and other.start() < match.end() for other in ids)]
    hidden = {position if origin is None else origin[position]
              for match in ids + mobiles for position in range(*match.span(1))
              if plain[position].isdigit()}  # separators stay, so the shape of the number still reads
    if not hidden:
        return text
    return "".join("*" if index in hidden else ch for index, ch in enumerate(text))


def masked_number(text: str) -> str | None:
    """The first number in `text` as mask_text leaves it (138****5678, 360426***********1), else None."""
    if "*" not in text and "＊" not in text:
        return None
    plain, origin = normalised(text)
    for pattern in _MASKED:
        if found := pattern.search(plain):
            start, end = found.start(), found.end() - 1
            return text[start:end + 1] if origin is None else text[origin[start]:origin[end] + 1]
    return None


def masked_reason(value: Any) -> Message | None:
    """Why an import refuses `value`, if it is text holding a number riskreg masked: a masked copy imported
    would store the stars for good over the real number."""
    if isinstance(value, str) and (form := masked_number(value)):
        return N_("holds a masked number ({form}); import the unmasked export, or pass --accept-masked", form=form)
    return None


_ITEMS_PER_DUMP = 1000


def masked(data: Any) -> Any:
    """`data` with identity and mobile numbers masked in every string inside dicts, lists and tuples.

    Dumped as JSON and searched first (may_need_masking), so a large report without numbers is not walked
    string by string; long lists are dumped a thousand items at a time, so a county report is never held
    twice over as one string.
    """
    if isinstance(data, dict) and any(isinstance(value, (dict, list)) for value in data.values()):
        return {key: masked(value) for key, value in data.items()}
    if isinstance(data, list) and len(data) > _ITEMS_PER_DUMP:
        return [item for start in range(0, len(data), _ITEMS_PER_DUMP)
                for item in masked(data[start:start + _ITEMS_PER_DUMP])]
    return _mask(data) if may_need_masking(json.dumps(data, ensure_ascii=False, default=str)) else data


def masked_json(value: Any, encode: Callable[[Any], str]) -> str:
    """`value` as JSON by `encode` (without ensure_ascii), masked: encoded once, and again masked only when
    its text may hold a number."""
    text = encode(value)
    return encode(_mask(value)) if may_need_masking(text) else text


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: _mask(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask(item) for item in value]
    return value
