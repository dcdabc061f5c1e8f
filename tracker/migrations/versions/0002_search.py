"""search index: full-text tables kept up to date by triggers

One index, ``search_fts``, holds the names of people, Westminster
constituencies, councils and parties; triggers on ``person``, ``area`` and
``party`` keep it right whatever writes the rows (importers, seeds, moderation,
raw SQL). Every object's name contains "_fts", so autogenerate (``include_name``
in env.py) leaves it alone.

A row's key is ``id * 4 + k`` (person 1, area 2, party 3), so triggers find
their row through the primary key; ``grp`` is the result group: person,
constituency, council or party.

- SQLite: ``search_fts`` (FTS5, ``unicode61 remove_diacritics 2``: words and
  prefixes, accents ignored) and ``search_trigram_fts`` (FTS5 ``trigram``: typos),
  both with ``rowid`` = key.
- PostgreSQL: a plain table ``search_fts`` with ``document`` (the name folded:
  lower case, no accents, punctuation as spaces) and ``words`` (its tsvector,
  GIN-indexed), plus a trigram GIN index on ``document`` when ``pg_trgm`` can be
  created. Accents are removed with ``unaccent`` when it can be created, and
  otherwise with ``translate`` over the common Latin letters. Statement triggers
  on TRUNCATE empty the matching part of the index.

Caution for later migrations on SQLite: a batch ("move and copy") migration of
``person``, ``area`` or ``party`` drops that table's triggers; recreate them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXED_AREA_KINDS = "('westminster_constituency', 'council')"
AREA_GROUP = "CASE {row}.kind WHEN 'council' THEN 'council' ELSE 'constituency' END"
PARTY_TEXT = "{row}.name || ' ' || coalesce({row}.short_name, '') || ' party'"

# (table, key offset, columns whose change re-indexes the row, group, indexed text, condition)
SOURCES = (
    ("person", 1, "name", "'person'", "{row}.name", None),
    ("area", 2, "name, kind", AREA_GROUP, "{row}.name", "{row}.kind IN " + INDEXED_AREA_KINDS),
    ("party", 3, "name, short_name", "'party'", PARTY_TEXT, None),
)

# Used when the unaccent extension cannot be created.
ACCENTED = "àáâãäåāăąçćčďđèéêëēĕėęěìíîïĩīĭįñńňòóôõöøōŏőŕřśšşţťùúûüũūŭůűųýÿźżž"
PLAIN = "aaaaaaaaacccddeeeeeeeeeiiiiiiiinnnooooooooorrsssttuuuuuuuuuuyyzzz"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _downgrade_postgresql()
    else:
        _downgrade_sqlite()


# SQLite ---------------------------------------------------------------------

def _upgrade_sqlite() -> None:
    op.execute("CREATE VIRTUAL TABLE search_fts USING fts5("
               "name, grp UNINDEXED, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')")
    op.execute("CREATE VIRTUAL TABLE search_trigram_fts USING fts5("
               "name, grp UNINDEXED, tokenize = 'trigram')")
    for table, offset, columns, group, text, condition in SOURCES:
        def insert(row: str, source: str = "", offset: int = offset, group: str = group,
                   text: str = text, condition: str | None = condition) -> str:
            select = f"SELECT {row}.id * 4 + {offset}, {text.format(row=row)}, {group.format(row=row)}"
            if source:
                select += f" FROM {source} AS {row}"
            if condition:
                select += f" WHERE {condition.format(row=row)}"
            return "".join(f"INSERT INTO {fts} (rowid, name, grp) {select};\n"
                           for fts in ("search_fts", "search_trigram_fts"))

        delete = "".join(f"DELETE FROM {fts} WHERE rowid = old.id * 4 + {offset};\n"
                         for fts in ("search_fts", "search_trigram_fts"))
        op.execute(f"CREATE TRIGGER {table}_search_fts_insert AFTER INSERT ON {table} BEGIN\n"
                   f"{insert('new')}END")
        op.execute(f"CREATE TRIGGER {table}_search_fts_update AFTER UPDATE OF id, {columns} "
                   f"ON {table} BEGIN\n{delete}{insert('new')}END")
        op.execute(f"CREATE TRIGGER {table}_search_fts_delete AFTER DELETE ON {table} BEGIN\n"
                   f"{delete}END")
        for statement in insert("src", source=table).split(";\n")[:-1]:  # the rows already there
            op.execute(statement)


def _downgrade_sqlite() -> None:
    for table, *_ in SOURCES:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_search_fts_{event}")
    op.execute("DROP TABLE IF EXISTS search_trigram_fts")
    op.execute("DROP TABLE IF EXISTS search_fts")


# PostgreSQL -----------------------------------------------------------------

def _try(statement: str) -> bool:
    """Run ``statement`` in a savepoint; False (and nothing changed) if it fails."""
    bind = op.get_bind()
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text(statement))
    except sa.exc.DBAPIError:
        savepoint.rollback()
        return False
    savepoint.commit()
    return True


def _upgrade_postgresql() -> None:
    has_unaccent = _try("CREATE EXTENSION IF NOT EXISTS unaccent")
    has_trgm = _try("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    strip = ("unaccent('unaccent'::regdictionary, lower(value))" if has_unaccent
             else f"translate(lower(value), '{ACCENTED}', '{PLAIN}')")
    # IMMUTABLE for the planner; unaccent's dictionary is fixed for a given install.
    op.execute(f"""
        CREATE FUNCTION search_fts_fold(value text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT btrim(regexp_replace({strip}, '[[:space:][:punct:]‘’“”–—]+', ' ', 'g'))
        $$""")
    op.execute("""
        CREATE TABLE search_fts (
          key bigint PRIMARY KEY,
          grp varchar(20) NOT NULL,
          ref_id integer NOT NULL,
          name text NOT NULL,
          document text NOT NULL,
          words tsvector NOT NULL
        )""")
    op.execute("CREATE INDEX search_fts_words ON search_fts USING gin (words)")
    if has_trgm:
        op.execute("CREATE INDEX search_fts_trigrams ON search_fts USING gin (document gin_trgm_ops)")
    for table, offset, _columns, group, text, condition in SOURCES:
        when = f"IF {condition.format(row='NEW')} THEN" if condition else "IF true THEN"
        op.execute(f"""
            CREATE FUNCTION {table}_search_fts() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP IN ('UPDATE', 'DELETE') THEN
                DELETE FROM search_fts WHERE key = OLD.id * 4 + {offset};
              END IF;
              IF TG_OP IN ('INSERT', 'UPDATE') THEN
                {when}
                  INSERT INTO search_fts (key, grp, ref_id, name, document, words)
                  SELECT NEW.id * 4 + {offset}, {group.format(row='NEW')}, NEW.id, NEW.name, d,
                         to_tsvector('simple', d)
                  FROM search_fts_fold({text.format(row='NEW')}) AS d;
                END IF;
              END IF;
              RETURN NULL;
            END $$""")
        op.execute(f"""
            CREATE FUNCTION {table}_search_fts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              DELETE FROM search_fts WHERE key % 4 = {offset};
              RETURN NULL;
            END $$""")
        op.execute(f"CREATE TRIGGER {table}_search_fts AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {table}_search_fts()")
        op.execute(f"CREATE TRIGGER {table}_search_fts_truncate AFTER TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_search_fts_truncate()")
        where = f"WHERE {condition.format(row='src')}" if condition else ""
        op.execute(f"""
            INSERT INTO search_fts (key, grp, ref_id, name, document, words)
            SELECT src.id * 4 + {offset}, {group.format(row='src')}, src.id, src.name, d,
                   to_tsvector('simple', d)
            FROM {table} AS src, search_fts_fold({text.format(row='src')}) AS d {where}""")


def _downgrade_postgresql() -> None:
    for table, *_ in SOURCES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_search_fts ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_search_fts_truncate ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_search_fts()")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_search_fts_truncate()")
    op.execute("DROP TABLE IF EXISTS search_fts")
    op.execute("DROP FUNCTION IF EXISTS search_fts_fold(text)")
    # The unaccent and pg_trgm extensions stay: other objects may use them.
