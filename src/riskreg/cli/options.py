"""Options shared by several commands, declared once."""

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

EntryId = Annotated[int, typer.Argument(metavar="ID", help="The entry's number, as `add` printed it.", min=1)]
Unmasked = Annotated[bool, typer.Option("--unmasked", help="Show identity and mobile numbers in free text as stored (masked by default).")]
Output = Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file (atomically) instead of stdout.", dir_okay=False)]


class TableOrJson(str, Enum):
    table = "table"
    json = "json"


class ListFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class ReportFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"
    csv = "csv"
