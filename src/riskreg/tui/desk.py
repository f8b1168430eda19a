"""What the screen asks of the register, each question one short transaction.

The screen stays open for hours beside other riskreg processes, so it holds no session between keys: every page,
entry, look at the chain head and action opens one, and a write holds the lock only while its domain function
runs. The command line builds the desk (riskreg.cli.desk): the register, today's flags and stamp, the reader's
language and zone, and `shown`, the writer's mask, so the screen masks as every output does without importing it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from riskreg.domain.queries import EntryFilter, Flags, list_entries, show_entry
from riskreg.errors import InvalidInput, RiskregError
from riskreg.messages import N_, in_language
from riskreg.store.register import Register
from riskreg.zones import Zone

PAGE = 100  # rows fetched at a time: a screen shows a few dozen, a 100k register is never read whole


@dataclass
class Desk:
    register: Register
    flags: Callable[[], Flags]
    stamp: Callable[[], Any]  # riskreg.domain.ledger.Stamp of the run: actor and today
    lang: str
    zone: Zone
    shown: Callable[[Any], Any]  # data as the output shows it: masked unless --unmasked
    masked_in: Callable[[str], str | None] = lambda text: None  # the masked number typed text holds, if masked
    _catalogue: dict[str, Any] = field(default_factory=dict, repr=False)

    def page(self, wanted: EntryFilter, after: int | None = None, size: int = PAGE,
             fields: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        """The next `size` entries the filter picks, after the id `after`, in id order; only `fields` of each, if
        given (the mask then reads only those, not every detail, plan and measure of a page)."""
        with self.register.session() as session:
            rows = list(list_entries(session, self.flags(), replace(wanted, after=after, sort="id"), limit=size))
        if fields is not None:
            rows = [{name: row[name] for name in fields} for row in rows]
        return self.shown(rows)

    def entry(self, entry_id: int) -> dict[str, Any]:
        with self.register.session() as session:
            return self.shown(show_entry(session, self.flags(), entry_id))

    def catalogue(self) -> dict[str, Any]:
        """Level colours and department names in the reader's language, read once (and again on `reload`)."""
        if not self._catalogue:
            from riskreg.domain.catalogue_sync import code_names, level_styles

            with self.register.session() as session:
                self._catalogue.update(levels=level_styles(session, self.lang), names=code_names(session, self.lang))
        return self._catalogue

    def head(self) -> tuple[int, str]:
        """The history chain's head: it moves with every write, whoever made it."""
        from riskreg.store.chain import current_head

        with self.register.session() as session:
            head = current_head(session.connection())
        return head.events, head.hash

    def act(self, action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`action(session, stamp, *args)` in one write transaction, as the command of the same name runs it."""
        for value in (*args, *kwargs.values()):  # a prefilled field kept as the screen showed it: the stars, not the number
            form = self.masked_in(value) if isinstance(value, str) else None
            if form:
                raise InvalidInput(N_("{text!r} holds a number as the screen masks it ({form}), which would be "
                                      "stored masked; type the number whole, or open the desk with --unmasked.",
                                      text=value, form=form))
        stamp = self.stamp()
        with self.register.session(write=True) as session:
            return action(session, stamp, *args, **kwargs)

    def read(self, query: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`query(session, flags, *args)` in one read transaction."""
        with self.register.session() as session:
            return query(session, self.flags(), *args, **kwargs)

    def said(self, err: RiskregError) -> str:
        """A refusal as one sentence in the reader's language, masked like every output."""
        return self.shown(str(in_language(err.message, self.lang)))
