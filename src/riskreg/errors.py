"""Domain errors: each carries one sentence for the user.

Only the CLI turns them into output and an exit code, so the domain layer
stays usable from Python and from tests without a terminal.
"""

from dataclasses import dataclass


class RiskregError(Exception):
    """An expected failure the user can act on; str() is the sentence shown."""

    exit_code = 1


class RegisterMissing(RiskregError):
    pass


class NotFound(RiskregError):
    pass


class InvalidTransition(RiskregError):
    pass


class InvalidInput(RiskregError):
    pass


class CatalogueError(RiskregError):
    pass


class RegisterBusy(RiskregError):
    pass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row of an imported file."""

    row: int | None  # the spreadsheet row or file line; None for the file as a whole (refused before its rows)
    column: str  # the header as the file writes it; "" for the row as a whole
    value: str  # the cell as read, unmasked (the CLI masks it); "" when empty
    reason: str


class RowsRefused(InvalidInput):
    """An import refused as a whole: every problem of every row (or line), for a table and an --errors file.

    str() is the one-sentence summary; the CLI shows `problems` too.
    """

    def __init__(self, source: str, problems: list[Problem], noun: str = "row") -> None:
        self.source, self.problems, self.noun = source, problems, noun
        rows = len({problem.row for problem in problems})
        super().__init__(f"{source}: {rows} {noun}{'' if rows == 1 else 's'} with {len(problems)} "
                         f"problem{'' if len(problems) == 1 else 's'}; nothing imported.")

