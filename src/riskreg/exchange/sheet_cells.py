"""One spreadsheet cell read as its column's type: a date, a whole number, or text (a code or name is looked up
by riskreg.exchange.sheet_checks, through sheet_columns.normalise).

Each function checks one cell on its own and raises InvalidInput with a short reason (no column, no row:
riskreg.exchange.sheet_checks puts those in the Problem), so a row's every bad cell is reported, not its first.
Numbers and dates are read as NFKC normalises them, as a Chinese input method in full-width mode types them
(２０２６／７／３１ is a date, １２ a number), as codes and names are matched (Ｓ０２ is S02). Free text is kept as
written (clean_text only trims it).
"""

import re
import unicodedata
from datetime import date, datetime, time
from typing import Any

from riskreg.dates import EARLIEST, FORMS, LATEST, written_date
from riskreg.domain.ledger import MAX_ID, MAX_TEXT, MAX_TITLE, clean_text
from riskreg.errors import InvalidInput
from riskreg.exchange.sheet_book import Formula
from riskreg.exchange.sheet_columns import Column
from riskreg.exchange.sheet_read import blank
from riskreg.messages import N_, clause


def nfkc(value: Any) -> Any:
    """Text as NFKC normalises it (full-width letters, digits and punctuation as ASCII); other values as they are."""
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


def shown(value: Any) -> str:
    """A cell as a problem report quotes it: as the sheet shows it, "" when empty."""
    if blank(value):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


_NO_YEAR = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]?|\d{1,2}[-/]\d{1,2}")  # 12月5日, 12/5


def sheet_date(value: Any) -> date:
    """A date as spreadsheets hold it: a real date, an Excel serial number (a number cell of a workbook), or text
    as the command line reads it (riskreg.dates.written_date: 2026-07-01, 2026/7/1, 2026.7.1, 2026年7月1日)."""
    day = None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        day = _serial(value)
    elif isinstance(value, str):  # text, as a CSV file holds every cell: 46010 there is a number, not a day
        text = nfkc(value).strip()
        day = written_date(text)
        if day is None and text.startswith("长期"):
            raise InvalidInput(N_("a long-term item has no deadline; leave the cell empty"))
        if day is None and _NO_YEAR.fullmatch(text):
            raise InvalidInput(N_("no year; write the year too, as in 2026年12月5日"))
    if day is None:
        raise InvalidInput(N_("not a date (write {forms})", forms=FORMS))
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(N_("out of range ({earliest} to {latest})", earliest=EARLIEST, latest=LATEST))
    return day


def _serial(number: float) -> date | None:
    if number != int(number) or not 1 <= number <= 400_000:
        return None
    from openpyxl.utils.datetime import from_excel

    return from_excel(int(number)).date()


# Excel and WPS keep 15 significant digits of a number: an identity number typed into a number cell is stored
# with its last digits already changed (360426198001011234 comes back as …011328), so it is never taken as text.
MAX_EXACT = 10**15
# They show a number of up to 11 digits whole in a General cell (a mobile number), and a longer one in scientific
# form with six significant digits, which is what they write to CSV: 1.23457E+11.
MAX_SHOWN_WHOLE = 10**11
_SCIENTIFIC = re.compile(r"[+-]?\d+(\.\d+)?[eE]\+?\d{1,3}")
# What a formula that failed shows, and what every reader (and Excel's CSV) gives for it: text like any other.
_ERROR_VALUES = frozenset(("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                           "#GETTING_DATA"))


def lost(value: Any) -> InvalidInput | None:
    """Why a cell's value as written is already lost from the file, None when it is not: a long number stored
    as a number (its last digits changed) or saved to CSV in scientific form (all but its first digits gone), a
    formula's error value (#N/A), a formula saved without its value (sheet_book.Formula)."""
    if (isinstance(value, str) and _SCIENTIFIC.fullmatch(text := nfkc(value).strip())
            and abs(float(text)) >= MAX_SHOWN_WHOLE):
        return InvalidInput(N_("a long number saved to CSV in scientific form, which keeps only its first digits; "
                               "format the column as text (文本) in the workbook, type the number again and save "
                               "the CSV again"))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) >= MAX_EXACT:
        return InvalidInput(N_("a number of more than 15 digits stored as a number, so the spreadsheet program "
                               "has already changed its last digits; format the column as text (文本) and type "
                               "the number again"))
    if isinstance(value, str) and value.strip().upper() in _ERROR_VALUES:
        return InvalidInput(N_("a formula's error value, so the value it was to give is in no cell; correct the "
                               "formula (or type the value) and save the sheet again"))
    if isinstance(value, Formula):
        return InvalidInput(N_("a formula with no saved value (the file was not saved by a spreadsheet program); "
                               "open it in Excel, WPS or LibreOffice and save it, or type the value"))
    return None


def _text(value: Any, column: Column) -> str | None:
    if isinstance(value, bool) or isinstance(value, (date, datetime)):
        raise InvalidInput(N_("should be text"))
    if isinstance(value, float) and value == int(value):
        value = int(value)
    short = column.kind == "text"
    try:
        return clean_text(str(value), column.field.replace("_", " "), limit=MAX_TITLE if short else MAX_TEXT,
                          multiline=not short)
    except InvalidInput as err:  # "The title contains control characters." reads, after the column, as a reason
        raise InvalidInput(clause(err, lower=True)) from None


def _whole(value: Any) -> int:
    number = nfkc(value).strip() if isinstance(value, str) else value
    if isinstance(number, str) and re.fullmatch(r"\d+(\.0+)?", number):
        number = float(number)
    if isinstance(number, float) and number == int(number):
        number = int(number)
    if not isinstance(number, int) or isinstance(number, bool) or not 0 < number <= MAX_ID:
        raise InvalidInput(N_("not a positive whole number"))
    return number


def cell(value: Any, column: Column) -> Any:
    """The cell as its column's type, None when empty; InvalidInput with the reason when it is not one."""
    if blank(value):
        return None
    if (reason := lost(value)) is not None:
        raise reason
    if column.kind == "int":
        return _whole(value)
    if column.kind == "date":
        return sheet_date(value)
    return _text(value, column)
