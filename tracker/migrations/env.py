"""Alembic environment: the URL comes from the caller (tracker.migrate) or DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import tracker.models  # noqa: F401  (registers every table on SQLModel.metadata)
from tracker.config import from_environment
from tracker.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def include_name(name: str | None, type_: str, _parent: dict[str, str | None]) -> bool:
    # Full-text tables and their shadow tables are made by hand in migrations.
    return not (type_ == "table" and name is not None and "_fts" in name)


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url") or str(from_environment()["DATABASE_URL"])
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True, include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or str(from_environment()["DATABASE_URL"])
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, include_name=include_name,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
    if connection.in_transaction():
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
