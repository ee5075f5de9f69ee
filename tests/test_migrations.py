"""The migrations build the same schema on SQLite and PostgreSQL, and match the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect

from cases.extensions import db
from tests.conftest import _test_config

# Created per dialect by migration 0004 and absent from the models on purpose: the PostgreSQL GIN
# index over to_tsvector('simple', search_text) (SQLite searches with LIKE instead).
BACKEND_SPECIFIC_OBJECTS = frozenset({"ix_feedback_case_search_tsv"})


def _include_object(obj, name, type_, reflected, compare_to):
    return name not in BACKEND_SPECIFIC_OBJECTS


def _generic_type(column_type: object) -> str:
    # Compare type families: each backend spells the same type its own way.
    name = type(column_type).__name__.upper()
    aliases = {"VARCHAR": "STRING", "TEXT": "TEXT", "INTEGER": "INTEGER", "BOOLEAN": "BOOLEAN",
               "TIMESTAMP": "DATETIME", "DATETIME": "DATETIME", "DATE": "DATE", "JSON": "JSON",
               "BYTEA": "BINARY", "BLOB": "BINARY", "LARGEBINARY": "BINARY"}
    return aliases.get(name, name)


def describe_schema(url: str) -> dict[str, object]:
    """Tables, columns (type family, nullability), primary keys, foreign keys, indexes, uniques."""
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        schema: dict[str, object] = {}
        for table in sorted(inspector.get_table_names()):
            if table == "alembic_version":
                continue
            schema[table] = {
                "columns": sorted(
                    (c["name"], _generic_type(c["type"]), bool(c["nullable"]))
                    for c in inspector.get_columns(table)
                ),
                "pk": sorted(inspector.get_pk_constraint(table)["constrained_columns"]),
                "fks": sorted(
                    (tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
                    for fk in inspector.get_foreign_keys(table)
                ),
                "indexes": sorted(
                    (ix["name"], tuple(ix["column_names"]), bool(ix["unique"]))
                    for ix in inspector.get_indexes(table)
                    # PostgreSQL also lists the index behind each unique constraint.
                    if not ix.get("duplicates_constraint") and ix["name"] not in BACKEND_SPECIFIC_OBJECTS
                ),
                "uniques": sorted(
                    tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)
                ),
            }
        return schema
    finally:
        engine.dispose()


@pytest.mark.postgres_only
def test_sqlite_and_postgresql_schemas_are_the_same(app, tmp_path):
    postgres_url = str(app.config["SQLALCHEMY_DATABASE_URI"])
    assert postgres_url.startswith("postgresql")
    sqlite_url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    from wsgi import create_app

    sqlite_app = create_app(_test_config(sqlite_url))
    with sqlite_app.app_context():
        upgrade()
        db.engine.dispose()
    postgres, sqlite = describe_schema(postgres_url), describe_schema(sqlite_url)
    assert set(postgres) == set(sqlite)
    for table in postgres:
        assert postgres[table] == sqlite[table], table
    assert "feedback_case" in postgres and "outbox" in postgres
    # The ignored object exists where it should, and only there.
    engine = create_engine(postgres_url)
    try:
        names = {ix["name"] for ix in inspect(engine).get_indexes("feedback_case")}
    finally:
        engine.dispose()
    assert "ix_feedback_case_search_tsv" in names


def test_models_and_migrations_agree(app):
    context = MigrationContext.configure(
        db.session.connection(), opts={"compare_type": True, "include_object": _include_object}
    )
    differences = compare_metadata(context, db.metadata)
    assert differences == []
