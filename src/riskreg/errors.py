"""Domain errors: each carries one sentence for the user.

Only the CLI turns them into output and an exit code, so the domain layer
stays usable from Python and from tests without a terminal.
"""

from dataclasses import dataclass

from riskreg.messages import N_, NP_


class RiskregError(Exception):
    """An expected failure the user can act on: one sentence, a riskreg.messages.Message (or plain text).

    The command line shows `message` in the language of the run; str() is the English sentence."""

    exit_code = 1

    @property
    def message(self) -> object:
        return self.args[0] if self.args else ""


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
    reason: object  # a riskreg.messages.Message (or text), said in the language of the run


class RowsRefused(InvalidInput):
    """An import refused as a whole: every problem of every row (or line), for a table and an --errors file.

    str() is the one-sentence summary; the CLI shows `problems` too.
    """

    def __init__(self, source: str, problems: list[Problem], noun: str = "row") -> None:
        self.source, self.problems, self.noun = source, problems, noun
        rows = len({problem.row for problem in problems})
        counted = NP_("{n} line", "{n} lines", rows) if noun == "line" else NP_("{n} row", "{n} rows", rows)
        super().__init__(N_("{source}: {rows} with {problems}; nothing imported.", source=source, rows=counted,
                            problems=NP_("{n} problem", "{n} problems", len(problems))))

