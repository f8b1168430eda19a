"""Domain errors: each carries one sentence for the user.

Only the CLI turns them into output and an exit code, so the domain layer
stays usable from Python and from tests without a terminal.
"""


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
