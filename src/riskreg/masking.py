"""Masks resident identity numbers and mobile numbers in any text riskreg prints.

riskreg records problems, not people; free text may still carry a number
someone typed in, so every output masks by default.
"""

import re
from collections.abc import Callable
from typing import Any

# Numbers are matched on a copy of the text with full-width digits made ASCII (one character for one, so
# positions hold), and may be written in groups: 138 1234 5678, 138-1234-5678, +86 138…, 360426 19900101 123X.
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
# Resident identity number: 6 + 8 + 3 digits, then a digit or X, not inside a longer run of digits.
# The 11 digits after the first 6 (birth date and sequence) are masked.
_ID_NUMBER = re.compile(r"(?<!\d)\d{6} ?(\d{8} ?\d{3})[\dXx](?!\d)")
# Mainland mobile number: 1, then 3-9, then 9 digits, perhaps after +86 / 0086 / 86; the middle 4 are masked.
_MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[ -]?)?1[3-9]\d[ -]?(\d{4})[ -]?\d{4}(?!\d)")
# Eleven digits, perhaps grouped: every number masked holds such a run, so text without one needs no masking.
NUMBER_RUN = re.compile(r"\d(?:[ -]?\d){10}")


def mask_text(text: str) -> str:
    plain = text.translate(_ASCII_DIGITS)
    hidden = [match.span(1) for pattern in (_ID_NUMBER, _MOBILE) for match in pattern.finditer(plain)]
    if not hidden:
        return text
    chars = list(text)
    for start, end in hidden:
        for position in range(start, end):
            if plain[position].isdigit():  # group separators stay, so the shape of the number still reads
                chars[position] = "*"
    return "".join(chars)


def masked_json(value: Any, encode: Callable[[Any], str]) -> str:
    """`value` as JSON by `encode`, masked. JSON (without ensure_ascii) writes digits as they are, so one
    C-speed search of the encoded text tells whether the value needs the walk over its strings."""
    text = encode(value)
    return encode(mask(value)) if NUMBER_RUN.search(text) else text


def mask(value: Any) -> Any:
    """Mask every string inside dicts, lists and tuples; other values pass through."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: mask(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask(item) for item in value]
    return value
