"""The xlsx writer's formatting: fills and fonts, widths fitted to CJK text, date formats, frozen panes, filters.

Plain data in: cell values and a style word for each ("heading", "bold", "date", "late", "wrap", or a level
colour); nothing here knows what an entry is. Sheets are written in openpyxl's streaming mode, so memory stays
flat; openpyxl is imported only when a workbook is made, so `--help` does not pay for it.
"""

import unicodedata
from datetime import date
from typing import Any

# ARGB fills for the level cells, and a font that stays readable on each.
FILLS = {"red": ("FFC00000", "FFFFFFFF"), "orange": ("FFFF9900", "FF000000"),
         "yellow": ("FFFFFF00", "FF000000"), "blue": ("FF0070C0", "FFFFFFFF")}
MAX_WIDTH = 48
_DATE_FORMAT = "yyyy-mm-dd"


def display_width(value: Any) -> int:
    """Columns a value needs in Excel: CJK and full-width characters take two."""
    text = value.isoformat() if isinstance(value, date) else str(value)
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in text.splitlines() or [""]), default=0)


def fitted_width(values: list[Any]) -> int:
    """A column's width for its heading and its (sampled) values, with a margin, and never wider than MAX_WIDTH."""
    return min(MAX_WIDTH, max(display_width(v) for v in values if v is not None) + 2)


class Book:
    """A workbook written sheet by sheet, with its styles made once: building a Font or Fill per cell costs
    more than writing the cell."""

    def __init__(self) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill

        self.workbook = Workbook(write_only=True)
        bold = Font(bold=True)
        self.styles: dict[str, dict[str, Any]] = {
            "heading": {"font": bold, "fill": PatternFill("solid", fgColor="FFD9E1F2")},
            "bold": {"font": bold},
            "date": {"number_format": _DATE_FORMAT},
            "late": {"number_format": _DATE_FORMAT, "font": Font(color="FFC00000", bold=True)},
            "wrap": {"alignment": Alignment(wrap_text=True, vertical="top")},
            **{colour: {"fill": PatternFill("solid", fgColor=fill), "font": Font(color=font, bold=True)}
               for colour, (fill, font) in FILLS.items()},
        }

    def sheet(self, title: str, widths: list[float], *, freeze: str, hidden: bool = False) -> "Sheet":
        """A new sheet with its column widths and the cell above and left of which stays in view; a hidden one
        holds what other sheets refer to (the lists a drop-down offers)."""
        from openpyxl.utils import get_column_letter

        sheet = self.workbook.create_sheet(title)
        for index, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = freeze
        if hidden:
            sheet.sheet_state = "hidden"
        return Sheet(sheet, self.styles)

    def save(self, target: Any) -> None:
        self.workbook.save(target)


class Sheet:
    """One streaming sheet: rows are appended, never revisited."""

    def __init__(self, sheet: Any, styles: dict[str, dict[str, Any]]) -> None:
        from openpyxl.cell import WriteOnlyCell

        self._sheet, self._styles, self._make = sheet, styles, WriteOnlyCell

    def cell(self, value: Any, style: str | None = None) -> Any:
        """Every cell riskreg writes: text is a string cell, never a formula (a title or a department named
        =HYPERLINK(…) stays text); numbers and dates are riskreg's own. An empty cell, or a style the book has
        no formatting for (a level colour without a fill), takes none. A plain value passes as it is, which is
        the same cell and costs less."""
        formatting = self._styles.get(style) if style is not None and value is not None else None
        if not formatting and not (isinstance(value, str) and value.startswith("=")):
            return value
        made = self._make(self._sheet, value=value)
        if made.data_type == "f":
            made.data_type = "s"
        for key, setting in (formatting or {}).items():
            setattr(made, key, setting)
        return made

    def append(self, cells: list[Any]) -> None:
        """A row of values or cells made by `cell`."""
        self._sheet.append(cells)

    def headings(self, texts: list[str]) -> None:
        self.append([self.cell(text, "heading") for text in texts])

    def filter(self, columns: int, rows: int) -> None:
        """An autofilter over the first `columns` columns and `rows` rows, the heading's included."""
        from openpyxl.utils import get_column_letter

        self._sheet.auto_filter.ref = f"A1:{get_column_letter(columns)}{rows}"

    def column_range(self, column: int, first: int, last: int) -> str:
        """Cells `first` to `last` of a column, as another sheet's formula names them: '选项'!$A$2:$A$5."""
        from openpyxl.utils import get_column_letter, quote_sheetname

        letter = get_column_letter(column)
        return f"{quote_sheetname(self._sheet.title)}!${letter}${first}:${letter}${last}"

    def choose(self, column: int, first: int, last: int, source: str, error: str) -> None:
        """A drop-down on rows `first` to `last` of a column offering the cells `source` names, which Excel,
        WPS and LibreOffice all read (an inline list is limited to 255 characters); a blank stays allowed."""
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation

        letter = get_column_letter(column)
        choice = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                                errorStyle="stop", error=error, sqref=f"{letter}{first}:{letter}{last}")
        self._sheet.data_validations.append(choice)
