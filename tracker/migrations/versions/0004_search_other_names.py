"""search other names: index every person_name row in search_fts too

Migration 0002 keys its rows ``id * 4 + k`` (person 1, area 2, party 3); the
free value k = 0 now holds the other names of people: a ``person_name`` row is
indexed with key ``person_name.id * 4`` and group ``name`` (``tracker.search``
maps it to its person, so a person found by two names is listed once). The
triggers follow inserts, updates and deletes on ``person_name`` (and, on
PostgreSQL, TRUNCATE), as those of 0002 do on ``person``.

- SQLite: rows in ``search_fts`` and ``search_trigram_fts``, ``rowid`` = key.
- PostgreSQL: rows in ``search_fts`` with ``ref_id`` = the person's id, the
  text folded by ``search_fts_fold`` like the other rows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "person_name"
OFFSET = 0
SQLITE_TABLES = ("search_fts", "search_trigram_fts")


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

def _sqlite_insert(row: str, source: str = "") -> list[str]:
    select = f"SELECT {row}.id * 4 + {OFFSET}, {row}.name, 'name'"
    if source:
        select += f" FROM {source} AS {row}"
    return [f"INSERT INTO {fts} (rowid, name, grp) {select}" for fts in SQLITE_TABLES]


def _upgrade_sqlite() -> None:
    delete = "".join(f"DELETE FROM {fts} WHERE rowid = old.id * 4 + {OFFSET};\n"
                     for fts in SQLITE_TABLES)
    insert = "".join(f"{statement};\n" for statement in _sqlite_insert("new"))
    op.execute(f"CREATE TRIGGER {TABLE}_search_fts_insert AFTER INSERT ON {TABLE} BEGIN\n"
               f"{insert}END")
    op.execute(f"CREATE TRIGGER {TABLE}_search_fts_update AFTER UPDATE OF id, name, person_id "
               f"ON {TABLE} BEGIN\n{delete}{insert}END")
    op.execute(f"CREATE TRIGGER {TABLE}_search_fts_delete AFTER DELETE ON {TABLE} BEGIN\n"
               f"{delete}END")
    for statement in _sqlite_insert("src", source=TABLE):  # the rows already there
        op.execute(statement)


def _downgrade_sqlite() -> None:
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_search_fts_{event}")
    for fts in SQLITE_TABLES:
        op.execute(f"DELETE FROM {fts} WHERE rowid % 4 = {OFFSET}")


# PostgreSQL -----------------------------------------------------------------

def _upgrade_postgresql() -> None:
    op.execute(f"""
        CREATE FUNCTION {TABLE}_search_fts() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM search_fts WHERE key = OLD.id * 4 + {OFFSET};
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO search_fts (key, grp, ref_id, name, document, words)
            SELECT NEW.id * 4 + {OFFSET}, 'name', NEW.person_id, NEW.name, d,
                   to_tsvector('simple', d)
            FROM search_fts_fold(NEW.name) AS d;
          END IF;
          RETURN NULL;
        END $$""")
    op.execute(f"""
        CREATE FUNCTION {TABLE}_search_fts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          DELETE FROM search_fts WHERE key % 4 = {OFFSET};
          RETURN NULL;
        END $$""")
    op.execute(f"CREATE TRIGGER {TABLE}_search_fts AFTER INSERT OR UPDATE OR DELETE ON {TABLE} "
               f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_search_fts()")
    op.execute(f"CREATE TRIGGER {TABLE}_search_fts_truncate AFTER TRUNCATE ON {TABLE} "
               f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_search_fts_truncate()")
    op.execute(f"""
        INSERT INTO search_fts (key, grp, ref_id, name, document, words)
        SELECT src.id * 4 + {OFFSET}, 'name', src.person_id, src.name, d, to_tsvector('simple', d)
        FROM {TABLE} AS src, search_fts_fold(src.name) AS d""")


def _downgrade_postgresql() -> None:
    op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_search_fts ON {TABLE}")
    op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_search_fts_truncate ON {TABLE}")
    op.execute(f"DROP FUNCTION IF EXISTS {TABLE}_search_fts()")
    op.execute(f"DROP FUNCTION IF EXISTS {TABLE}_search_fts_truncate()")
    op.execute(f"DELETE FROM search_fts WHERE key % 4 = {OFFSET}")
