"""Masking of identity and mobile numbers however they are written (issue 11, item 4)."""

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from riskreg.masking import (NFKC_BLOCKS, ZERO_WIDTH, mask_text, masked, masked_json, masked_number, may_need_masking,
                             nfkc_matters)

pytestmark = pytest.mark.pure


@pytest.mark.parametrize("text, expected", [
    ("身份证11010519491231002Ｘ。", "身份证110105***********Ｘ。"),  # a full-width Ｘ at the end
    ("110105-19491231-002X", "110105-********-***X"),  # hyphenated
    ("１３８－１２３４－５６７８", "１３８－****－５６７８"),  # full-width digits and hyphens
    ("138\u30001234\u30005678", "138\u3000****\u30005678"),  # ideographic spaces
    ("１３８．１２３４．５６７８", "１３８．****．５６７８"),  # full-width dots
    ("138.1234.5678", "138.****.5678"),
    ("138\u200b1234\u200c56\u200d78", "138\u200b****\u200c56\u200d78"),  # zero-width characters inside
    ("1\u206038\ufeff1234 5678", "1\u206038\ufeff**** 5678"),
    ("110105\u200b19491231\u2060002X", "110105\u200b********\u2060***X"),
    ("138 - 1234 - 5678", "138 - **** - 5678"),
    ("电话：138—1234—5678", "电话：138—****—5678"),  # dashes
    ("2026-07-01 10:00, id 1234567", "2026-07-01 10:00, id 1234567"),
    ("1380-1234-5678-9", "1380-1234-5678-9"),  # 4 + 4 + 4 + 1 is no mobile number
    ("110105-1949-1231-002X", "110105-****-****-***X"),  # groups of any size
    ("1101 0519 4912 3100 26", "1101 05** **** **** *6"),
    ("1381 234 5678", "138* *** 5678"),
    ("1 3 8 1 2 3 4 5 6 7 8", "1 3 8 * * * * 5 6 7 8"),
    ("（138）1234-5678", "（138）****-5678"),  # brackets, full-width too
    ("138/1234/5678 或 138_1234_5678", "138/****/5678 或 138_****_5678"),
    ("１３８ー１２３４ー５６７８", "１３８ー****ー５６７８"),  # a katakana long mark as the dash
    ("涉案金额13,800,000,000元", "涉案金额13,800,000,000元"),  # commas group money, not numbers to hide
])
def test_written_forms(text, expected):
    assert mask_text(text) == expected


def test_every_character_nfkc_makes_a_digit_x_or_separator_is_in_the_scanned_blocks():
    # masking.py normalises only the characters in NFKC_BLOCKS (a scan of all of Unicode at import would cost
    # a fifth of a second); this proves no other character matters, for the Unicode data of this Python.
    outside = [hex(code) for code in range(0x80, 0x110000)
               if not any(start <= code <= end for start, end in NFKC_BLOCKS)
               and (form := unicodedata.normalize("NFKC", chr(code))) != chr(code) and nfkc_matters(form)]
    assert outside == []


# --- properties ---------------------------------------------------------------------------------------

ZERO_WIDTH_CHARS = [chr(code) for start, end in ZERO_WIDTH for code in range(start, end + 1)]
SEPARATORS = [" ", "-", ".", "\u3000", "\u00a0", "\u2002", "－", "．", "\ufe63", "\u2010", "—", "\u2212", "/", "_",
              "(", ")", "（", "）", "ー"]


def _nfkc_digits(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())


def _digit_forms(digit: int) -> list[str]:
    # ASCII, full-width, and the five mathematical digit styles
    return [str(digit), chr(0xFF10 + digit), *(chr(0x1D7CE + 10 * style + digit) for style in range(5))]


@st.composite
def _groups(draw, total: int) -> tuple[int, ...]:
    """Sizes of groups that `total` digits are written in: any split, from one run to one digit a group."""
    cuts = sorted(draw(st.sets(st.integers(1, total - 1), max_size=total - 1)))
    return tuple(b - a for a, b in zip([0, *cuts], [*cuts, total]))


@st.composite
def _written(draw, digits: str, groups: tuple[int, ...]) -> str:
    """`digits` in groups of the given sizes, each digit in any form, any separator (up to three characters)
    between groups and zero-width characters anywhere inside."""
    pieces, at = [], 0
    for number, size in enumerate(groups):
        if number:
            pieces.append("".join(draw(st.lists(st.sampled_from(SEPARATORS), max_size=3))))
        for ch in digits[at:at + size]:
            pieces.append(draw(st.sampled_from(_digit_forms(int(ch)) if ch.isdigit() else ["X", "x", "Ｘ", "ｘ"])))
        at += size
    out = []
    for number, piece in enumerate(pieces):
        if number:
            out.append("".join(draw(st.lists(st.sampled_from(ZERO_WIDTH_CHARS), max_size=2))))
        out.append(piece)
    return "".join(out)


_NO_DIGITS = st.text(st.characters(blacklist_categories=("Cs",)).filter(lambda ch: not _nfkc_digits(ch)), max_size=12)


@st.composite
def _id_number(draw) -> tuple[str, str, str]:
    """(an identity number as written, its birth date, the digits that may show)."""
    region = draw(st.text("0123456789", min_size=6, max_size=6))
    birth = draw(st.text("0123456789", min_size=8, max_size=8))
    sequence = draw(st.text("0123456789", min_size=3, max_size=3))
    last = draw(st.sampled_from("0123456789X"))
    written = draw(_written(region + birth + sequence + last, draw(_groups(18))))
    return written, birth, region + (last if last.isdigit() else "")


@st.composite
def _mobile(draw) -> tuple[str, str, str]:
    """(a mobile number as written, its middle four digits, the digits that may show)."""
    head = "1" + draw(st.sampled_from("3456789")) + draw(st.sampled_from("0123456789"))
    middle = draw(st.text("0123456789", min_size=4, max_size=4))
    tail = draw(st.text("0123456789", min_size=4, max_size=4))
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "0086-", "＋８６\u3000"]))
    return prefix + draw(_written(head + middle + tail, draw(_groups(11)))), middle, _nfkc_digits(prefix) + head + tail


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=_NO_DIGITS, number=st.one_of(_id_number(), _mobile()), after=_NO_DIGITS)
def test_no_birth_date_or_middle_digits_survive(before, number, after):
    written, secret, shown = number
    text = f"{before}{written}{after}"
    out = mask_text(text)
    assert _nfkc_digits(out) == shown  # every other digit became *, however the number was written
    assert out.count("*") - text.count("*") == (len(secret) if len(secret) == 4 else 11)  # birth date + sequence
    assert may_need_masking(text)  # the shortcut never skips a number to mask


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from("0123456789１３８Xx -.\u3000\u200b－．①⑩ab中"), max_size=40) | st.text(max_size=40))
def test_text_without_such_numbers_is_unchanged_and_the_shortcut_never_misses(text):
    out = mask_text(text)
    if len(_nfkc_digits(text)) < 11:
        assert out == text
    if out != text:
        assert may_need_masking(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=_NO_DIGITS, number=st.one_of(_id_number(), _mobile()), after=_NO_DIGITS)
def test_a_number_riskreg_masked_is_recognised_however_it_was_written(before, number, after):
    text = f"{before}{number[0]}{after}"
    out = mask_text(text)
    assert out != text
    found = masked_number(out)
    assert found is not None and found in out and "*" in found
    assert masked_number(text) is None or "*" in before + after  # the number as typed is no masked one


# Ledger text as towns write it: Chinese, dates, amounts, counts, punctuation, stars used as bullets or ratings.
_LEDGER = st.text(st.sampled_from("东村西村工地拖欠农民工工资纠纷化解稳控责任部门完成时限年月日户人元万、，。：；（）()"
                                  "-/ 0123456789.*★※"), max_size=60)


@settings(max_examples=400, deadline=None)
@given(_LEDGER)
def test_ordinary_ledger_text_is_not_taken_for_masked(text):
    if masked_number(text) is not None:  # only text holding a number's shape with its digits starred
        assert mask_text(text.replace("*", "0")) != text.replace("*", "0")


@pytest.mark.parametrize("text", ["拖欠工资*3户，涉及金额12.5万元", "★★★重点：2026年7月1日前化解", "3**5", "138*1234*5678",
                                  "评分**********", "13812345678", "编号1381234****"])
def test_text_riskreg_did_not_mask_is_not_taken_for_masked(text):
    assert masked_number(text) is None


@pytest.mark.parametrize("text, form", [
    ("联系138****5678", "138****5678"), ("身份证360426***********1。", "360426***********1"),
    ("１３８－****－５６７８", "１３８－****－５６７８"), ("+86 138 **** 5678", "+86 138 **** 5678"),
    ("110105-****-****-***X", "110105-****-****-***X"),
])
def test_masked_forms_are_named(text, form):
    assert masked_number(text) == form


def test_every_path_masks_the_same_way():
    text = "联系１３８\u200b1234－5678"
    assert masked({"a": [text] * 3000})["a"][-1] == mask_text(text) == "联系１３８\u200b****－5678"
    import json

    assert json.loads(masked_json({"t": text}, lambda v: json.dumps(v, ensure_ascii=False)))["t"] == mask_text(text)
