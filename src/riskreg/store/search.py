"""The search index: each entry's searchable text, kept in step with the ledger by the database itself.

An entry's text is its title, detail, plan, measures and resolution and every note in its history, one per
line. Triggers on `entry` and `history` rewrite an entry's indexed text whenever one of those changes, so
every writer (commands, import, `copy`, raw SQL) keeps the index right and no search reads the history.

SQLite: an FTS5 table with the trigram tokenizer, its rowid the entry's id. A phrase of three or more
characters is a trigram query. Two characters make no trigram, so a two-character word (燃气) is looked up
in the index's vocabulary instead: every trigram that starts with it, ORed. The indexed text ends with a
newline, so every occurrence of two characters starts a trigram, the last field's last two included.

PostgreSQL: a table of the same text with a pg_trgm GIN index, searched with ILIKE (case-insensitive,
as SQLite's trigram tokenizer). pg_trgm can use its index for three characters or more only, so a second
GIN index holds each text's bigrams (an expression index over `riskreg_bigrams(body)`, kept by
PostgreSQL itself), and a two-character word is one bigram looked up there (docs/PERFORMANCE.md).
"""

import itertools
from collections.abc import Iterator

from sqlalchemy import Connection, bindparam, column, false, select, table, text
from sqlalchemy import Select
from sqlalchemy.sql.elements import ColumnElement

from riskreg.errors import InvalidInput
from riskreg.messages import N_, Message

SEARCHED = ("title", "detail", "plan", "measures", "resolution")
MIN_SEARCH = 2

# The text of the entry `{id}` (an SQL expression) for the index, as one value.
_BODY = (" || char(10) || ".join(f"coalesce({{row}}.{name}, '')" for name in SEARCHED)
         + " || char(10) || coalesce((SELECT group_concat(h.text, char(10)) FROM history h "
           "WHERE h.entry_id = {id} AND +h.action = 'note'), '') || char(10)")
_PG_BODY = (" || E'\\n' || ".join(f"coalesce({{row}}.{name}, '')" for name in SEARCHED)
            + " || E'\\n' || coalesce((SELECT string_agg(h.text, E'\\n' ORDER BY h.id) FROM history h "
              "WHERE h.entry_id = {id} AND h.action = 'note'), '')")


def _sqlite_reindex(entry_id: str) -> str:
    body = _BODY.format(row="e", id="e.id")
    return (f"DELETE FROM entry_search WHERE rowid = {entry_id}; "
            f"INSERT INTO entry_search (rowid, body) SELECT e.id, {body} FROM entry e WHERE e.id = {entry_id};")


SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS entry_search USING fts5(body, tokenize = 'trigram')",
    # The index's vocabulary, where a two-character search finds the trigrams that start with it.
    "CREATE VIRTUAL TABLE IF NOT EXISTS entry_search_terms USING fts5vocab(entry_search, 'row')",
    f"CREATE TRIGGER IF NOT EXISTS entry_search_add AFTER INSERT ON entry BEGIN {_sqlite_reindex('new.id')} END",
    f"CREATE TRIGGER IF NOT EXISTS entry_search_change AFTER UPDATE OF {', '.join(SEARCHED)} ON entry "
    f"BEGIN {_sqlite_reindex('new.id')} END",
    "CREATE TRIGGER IF NOT EXISTS entry_search_note AFTER INSERT ON history WHEN new.action = 'note' "
    f"BEGIN {_sqlite_reindex('new.entry_id')} END",
)
SQLITE_REBUILD = ("DELETE FROM entry_search",
                  f"INSERT INTO entry_search (rowid, body) SELECT e.id, {_BODY.format(row='e', id='e.id')} FROM entry e")

POSTGRESQL_DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TABLE IF NOT EXISTS entry_search (entry_id INTEGER PRIMARY KEY REFERENCES entry (id), body TEXT NOT NULL)",
    "CREATE OR REPLACE FUNCTION riskreg_entry_search() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "DECLARE wanted INTEGER; BEGIN "
    # Separate statements: PL/pgSQL resolves NEW.entry_id even in a CASE branch not taken, and entry has none.
    "IF TG_TABLE_NAME = 'entry' THEN wanted := NEW.id; ELSE wanted := NEW.entry_id; END IF; "
    f"INSERT INTO entry_search (entry_id, body) SELECT e.id, {_PG_BODY.format(row='e', id='e.id')} "
    "FROM entry e WHERE e.id = wanted ON CONFLICT (entry_id) DO UPDATE SET body = excluded.body; "
    "RETURN NULL; END $$",
    "CREATE OR REPLACE TRIGGER entry_search_add AFTER INSERT ON entry FOR EACH ROW "
    "EXECUTE FUNCTION riskreg_entry_search()",
    f"CREATE OR REPLACE TRIGGER entry_search_change AFTER UPDATE OF {', '.join(SEARCHED)} ON entry FOR EACH ROW "
    "EXECUTE FUNCTION riskreg_entry_search()",
    "CREATE OR REPLACE TRIGGER entry_search_note AFTER INSERT ON history FOR EACH ROW WHEN (NEW.action = 'note') "
    "EXECUTE FUNCTION riskreg_entry_search()",
    # Every two characters of a text, folded as ILIKE folds them. IMMUTABLE, as an index expression must be:
    # lower() follows the database's ctype, which a database cannot change.
    "CREATE OR REPLACE FUNCTION riskreg_bigrams(body TEXT) RETURNS TEXT[] LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "AS $$ SELECT coalesce(array_agg(DISTINCT substr(lower(body), i, 2)), '{}') "
    "FROM generate_series(1, length(body) - 1) AS i $$",
)
# Built after the rows: a GIN index filled in one pass is several times faster than row by row.
# pg_trgm lives in one schema per database, maybe not the register's: its operator class named in full.
POSTGRESQL_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_entry_search_body ON entry_search USING gin (body {trgm}.gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_entry_search_bigrams ON entry_search USING gin (riskreg_bigrams(body))",
)
POSTGRESQL_REBUILD = (
    "DROP INDEX IF EXISTS ix_entry_search_body",
    "DROP INDEX IF EXISTS ix_entry_search_bigrams",
    "DELETE FROM entry_search",
    f"INSERT INTO entry_search (entry_id, body) SELECT e.id, {_PG_BODY.format(row='e', id='e.id')} FROM entry e",
)


def create_search(conn: Connection, *, fill: bool = False) -> None:
    """Create the search index and its triggers (idempotent); `fill` indexes the entries already there."""
    if conn.dialect.name == "sqlite":
        statements = SQLITE_DDL + (SQLITE_REBUILD if fill else ())
    else:
        statements = POSTGRESQL_DDL + (POSTGRESQL_REBUILD if fill else ()) + POSTGRESQL_INDEXES
    trgm = None
    for statement in statements:
        if "{trgm}" in statement:
            trgm = trgm or conn.exec_driver_sql("SELECT extnamespace::regnamespace::text FROM pg_extension "
                                                "WHERE extname = 'pg_trgm'").scalar_one()
            statement = statement.replace("{trgm}", trgm)
        conn.exec_driver_sql(statement)


TRIGGERS = ("entry_search_add", "entry_search_change", "entry_search_note")


def search_findings(conn: Connection) -> Iterator[Message]:
    """A trigger that keeps the search index in step gone missing, and the entries whose indexed text is not
    their text now (one pass over the ledger)."""
    found_sql = ("SELECT name FROM sqlite_master WHERE type = 'trigger'" if conn.dialect.name == "sqlite" else
                 "SELECT tgname FROM pg_trigger WHERE tgrelid IN ('entry'::regclass, 'history'::regclass) "
                 "AND tgenabled <> 'D'")
    found = set(conn.exec_driver_sql(found_sql).scalars())
    for name in TRIGGERS:
        if name not in found:
            yield N_("the search index's trigger {name} is missing or disabled: searches miss later changes.", name=name)
    if conn.dialect.name == "sqlite":
        stale_sql = (f"SELECT e.id FROM entry e LEFT JOIN entry_search s ON s.rowid = e.id "
                     f"WHERE s.body IS NOT {_BODY.format(row='e', id='e.id')} ORDER BY e.id")
    else:
        stale_sql = (f"SELECT e.id FROM entry e LEFT JOIN entry_search s ON s.entry_id = e.id "
                     f"WHERE s.body IS DISTINCT FROM {_PG_BODY.format(row='e', id='e.id')} ORDER BY e.id")
    stale = conn.exec_driver_sql(stale_sql).scalars().all()
    if stale:
        yield N_("the search index does not hold the text of {count} entries (the first is entry {first}): a search "
                 "misses or wrongly finds them.", count=len(stale), first=stale[0])


_fts = table("entry_search", column("rowid"), column("body"))
_terms = table("entry_search_terms", column("term"))
_pg = table("entry_search", column("entry_id"), column("body"))


def _phrase(words: str) -> str:
    return '"' + words.replace('"', '""') + '"'


def _folded(words: str) -> set[str]:
    """The forms the trigram tokenizer may have indexed `words` in: it folds case, one character to one, by its own
    tables, older than Python's: each character lower-cased or as typed (İ stays İ there, not Python's i̇)."""
    forms = [{char, char.lower()} if len(char.lower()) == 1 else {char} for char in words]
    return {"".join(chosen) for chosen in itertools.product(*forms)}


def search_join(conn: Connection, words: str, query: Select, entry_id: ColumnElement) -> tuple[Select, ColumnElement]:
    """`query` narrowed to the entries whose text holds every one of `words` (separated by spaces: 西河 渗漏), and
    the column to order them by id with.

    On SQLite the query joins the index and orders by its rowid, the order FTS5 yields matches in, so a first
    page stops after its rows instead of collecting every match (65 ms for a word in 3 % of 1M entries).
    Refuses a word of fewer than two characters."""
    wanted = words.split()
    for word in wanted or [words.strip()]:
        if len(word) < MIN_SEARCH:
            raise InvalidInput(N_("--search needs at least {min_search} characters, not {words!r}.",
                                  min_search=MIN_SEARCH, words=word))
    if conn.dialect.name == "postgresql":
        holds = [_pg_holds(word, f"search{i}") for i, word in enumerate(wanted)]
        # Matches found along the index first: a listing's cursor asks for its first rows fast, and PostgreSQL
        # would otherwise walk the entries by id testing each text, every text when the word is in none.
        found = select(_pg.c.entry_id).where(*holds).cte("found").prefix_with("MATERIALIZED")
        return query.where(entry_id.in_(select(found.c.entry_id))), entry_id
    each = [_fts_match(conn, word) for word in wanted]
    if None in each:  # a two-character word the index holds nowhere
        return query.where(false()), entry_id
    return (query.join(_fts, _fts.c.rowid == entry_id)
            .where(text("entry_search MATCH :search").bindparams(search=" AND ".join(each))), _fts.c.rowid)


def _pg_holds(word: str, name: str) -> ColumnElement:
    if len(word) == MIN_SEARCH:  # along the bigram index; the same expression as the index's
        return text(f"riskreg_bigrams(entry_search.body) @> ARRAY[lower(CAST(:{name} AS TEXT))]").bindparams(
            **{name: word})
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return _pg.c.body.ilike(bindparam(name, f"%{escaped}%"), escape="\\")


def _fts_match(conn: Connection, word: str) -> str | None:
    """An FTS5 query for one word: a trigram phrase, or for two characters every indexed term that starts with
    them (the trigram tokenizer indexes no shorter term); None when there is none."""
    if len(word) >= 3:
        return _phrase(word)
    terms = [term for start in sorted(_folded(word))  # one range each: the vocabulary reads a range alone
             for term in conn.execute(select(_terms.c.term).where(
                 _terms.c.term >= start, _terms.c.term < start + "\U0010ffff")).scalars()]
    return "(" + " OR ".join(_phrase(term) for term in terms) + ")" if terms else None
