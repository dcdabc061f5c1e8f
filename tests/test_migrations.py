"""The schema is made by Alembic, and the migrations match the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from tracker.models import ALL_TABLES


def test_migrations_create_every_table(app):
    engine = app.extensions["engine"]
    tables = set(sa.inspect(engine).get_table_names())
    assert {t.__tablename__ for t in ALL_TABLES} <= tables
    assert "alembic_version" in tables


def _include_name(name, type_, _parent):  # same rule as tracker/migrations/env.py
    return not (type_ == "table" and name is not None and "_fts" in name)


def test_models_and_migrations_agree(app):
    engine = app.extensions["engine"]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_name": _include_name, "compare_type": False})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_constraints_reject_bad_values(app):
    engine = app.extensions["engine"]
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO person (name, sort_name, slug) VALUES ('A B', 'B, A', 'a-b')"))
    for bad in (
        "INSERT INTO person (name, sort_name, slug) VALUES ('A B', 'B, A', 'a-b')",  # slug taken
        "INSERT INTO area (slug, name, kind) VALUES ('x', 'X', 'galaxy')",  # unknown kind
        "INSERT INTO vote (division_id, person_id, position) VALUES (999, 999, 'aye')",  # no such FK
    ):
        try:
            with engine.begin() as conn:
                conn.execute(sa.text(bad))
        except sa.exc.IntegrityError:
            continue
        raise AssertionError(f"accepted: {bad}")
