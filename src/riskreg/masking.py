"""Masks resident identity numbers and mobile numbers in any text riskreg prints.

riskreg records problems, not people; free text may still carry a number
someone typed in, so every output masks by default.
"""

import re
from collections.abc import Callable
from typing import Any

# 17 digits then a digit or X, not inside a longer run of digits.
_ID_NUMBER = re.compile(r"(?<!\d)(\d{6})\d{11}([\dXx])(?!\d)")
# Mainland mobile numbers: 1, then 3-9, then 9 digits.
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
# Everything masked holds eleven digits in a row, so text without such a run needs no masking.
NUMBER_RUN = re.compile(r"\d{11}")


def mask_text(text: str) -> str:
    text = _ID_NUMBER.sub(lambda m: m.group(1) + "*" * 11 + m.group(2), text)
    return _MOBILE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


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
