"""Global options, resolved lazily: nothing touches the register until a command asks."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

import typer
from riskreg.messages import N_

if TYPE_CHECKING:
    from sqlmodel import Session

    from riskreg.cli.settings import Config

    from riskreg.domain.ledger import Stamp
    from riskreg.domain.queries import Flags
    from riskreg.store.register import Register
    from riskreg.zones import Zone


@dataclass
class State:
    db: str | None = None
    as_of: str | None = None
    actor: str | None = None
    lang: str = "zh"
    lang_option: str | None = None  # --lang or $RISKREG_LANG as given, for `config show`
    config: "Config" = field(default_factory=lambda: _default_config())
    _register: Any = field(default=None, repr=False)

    def today(self) -> date:
        from riskreg.dates import COUNTDOWN, parse_date
        from riskreg.errors import InvalidInput

        raw = self.as_of or os.environ.get("RISKREG_TODAY")
        if raw and COUNTDOWN.fullmatch(raw.strip()):  # today is known before the register (and its campaign) is read
            raise InvalidInput(N_("--as-of takes YYYY-MM-DD, +Nd or -Nd, not {raw!r}; T-N counts back from the "
                                  "campaign, in the dates commands take (--due, --on, --since).", raw=raw))
        return parse_date(raw, today=date.today(), what=N_("--as-of date")) if raw else date.today()

    def flags(self) -> "Flags":
        """Today's flags, with the stale and due-soon windows from the config file."""
        from riskreg.domain.queries import Flags

        return Flags(self.today(), due_soon_days=self.config.due_soon_days, stale_days=self.config.stale_days)

    def zone(self) -> "Zone":
        """The zone people read times in: the config file's `timezone`, else the system's."""
        from riskreg.zones import reader_zone

        return reader_zone(self.config.timezone)

    def who(self) -> str:
        if self.actor or os.environ.get("RISKREG_ACTOR"):
            return (self.actor or os.environ["RISKREG_ACTOR"]).strip() or "unknown"
        import getpass

        try:
            return getpass.getuser()
        except (KeyError, OSError):  # no passwd entry, e.g. under `env -i` in a container
            return "unknown"

    def location(self) -> str:
        """Where the register is: --db, then $RISKREG_DB, then the config file, then the user data folder."""
        from riskreg.store.location import resolve_location

        return resolve_location(self.db, self.config.db)

    def register(self, *, create: bool = False) -> "Register":
        """The register, opened once per command (create=True: a new one may be made, for init)."""
        if self._register is None:
            from riskreg.store.register import open_register

            self._register = open_register(self.location(), create=create, password_file=self.config.password_file)
        return self._register

    def close(self) -> None:
        if self._register is not None:
            self._register.engine.dispose()
            self._register = None

    def stamp(self) -> "Stamp":
        from riskreg.domain.ledger import Stamp

        return Stamp(actor=self.who(), today=self.today())

    @contextmanager
    def read(self) -> Iterator["Session"]:
        with self.register().session() as session:
            yield session

    @contextmanager
    def write(self, *, commit: bool = True) -> Iterator[tuple["Session", "Stamp"]]:
        stamp = self.stamp()  # a bad --as-of fails before anything is opened
        with self.register().session(write=True, commit=commit) as session:
            yield session, stamp


def _default_config() -> "Config":
    from riskreg.cli.settings import Config

    return Config()


def get_state(ctx: typer.Context) -> State:
    state = ctx.find_root().obj
    if not isinstance(state, State):  # a sub-app invoked on its own, e.g. in a test
        state = ctx.find_root().obj = State()
    return state
