"""`riskreg copy --to`: move a whole register between SQLite and PostgreSQL, losslessly.

Rows are copied table by table in foreign-key order, ids and hashes included,
streamed in batches; the target is written in one transaction, so a failed copy
leaves an empty target. Both registers go through the same models, so the copy
is exactly what each backend stores.
"""

from sqlalchemy import delete, func, insert, select
from sqlmodel import SQLModel

from riskreg.store.backends import after_explicit_ids
from riskreg.errors import RiskregError
from riskreg.store.models import Category, Department, Entry, History, Level, Meta, Risk, RiskDepartment, Unit
from riskreg.store.register import Register, create_schema
from riskreg.messages import N_

BATCH = 5_000
TABLES: tuple[type[SQLModel], ...] = (Level, Department, Category, Risk, RiskDepartment, Unit, Entry, History)


def copy_register(source: Register, target: Register) -> dict[str, int]:
    """Copy every row of `source` into `target`, which must be new or empty; returns rows per table."""
    create_schema(target)
    copied: dict[str, int] = {}
    with source.session() as reading, target.session(write=True) as writing:
        if writing.execute(select(func.count()).select_from(Entry)).scalar() or \
                writing.execute(select(func.count()).select_from(Level)).scalar():
            raise RiskregError(N_("The register {location} is not empty; copy only into a new register.",
                                  location=target.location))
        settings = reading.execute(select(Meta).where(Meta.key != "schema_version")).scalars().all()
        # The source's settings replace the new target's, the recorded chain head included, as it stands:
        # a copy neither repairs nor hides what `check` would find in the source.
        writing.execute(delete(Meta).where(Meta.key != "schema_version"))
        writing.execute(insert(Meta), [{"key": m.key, "value": m.value} for m in settings])
        for model in TABLES:
            table = model.__table__
            copied[table.name] = 0
            rows = reading.execute(select(table).order_by(*table.primary_key.columns)
                                   .execution_options(yield_per=BATCH)).mappings()
            for batch in rows.partitions(BATCH):
                writing.execute(insert(table), [dict(row) for row in batch])
                copied[table.name] += len(batch)
            if "id" in table.columns:
                after_explicit_ids(writing.connection(), table.name)
    return copied
