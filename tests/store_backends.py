"""The run store under test, on each backend: SQLite in a temporary folder, and PostgreSQL in
a fresh database of the throwaway server that scripts/test.sh starts (LSTM_PLAYGROUND_TEST_PG).

Without that server the PostgreSQL cases skip, or fail when LSTM_PLAYGROUND_REQUIRE_POSTGRES=1
(CI: a missing database must not pass as "skipped")."""

import os
import uuid

import pytest
import sqlalchemy as sa

from lstm_core.store import RunStore, forget_engine

PG_ENV = "LSTM_PLAYGROUND_TEST_PG"
BACKENDS = ("sqlite", "postgresql")


def postgres_url() -> str:
    url = os.environ.get(PG_ENV, "")
    if not url:
        if os.environ.get("LSTM_PLAYGROUND_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{PG_ENV} is not set: scripts/test.sh starts a PostgreSQL server")
        pytest.skip(f"no PostgreSQL server ({PG_ENV} unset; scripts/test.sh starts one)")
    return url


def fresh_database(admin_url: str):
    """A new empty database on the server; returns (its URL, a function that drops it)."""
    name = "lstm_test_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(
        sa.make_url(admin_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as db:
        db.exec_driver_sql(f"CREATE DATABASE {name}")
    url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop():
        forget_engine(url)
        with admin.connect() as db:
            db.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()

    return url, drop


def backend_store(request, tmp_path):
    """A fresh, empty RunStore on each backend in turn: a test module makes it a fixture with
    ``store = pytest.fixture(params=BACKENDS, name="store")(backend_store)``."""
    if request.param == "sqlite":
        yield RunStore(tmp_path / "home")
        return
    url, drop = fresh_database(postgres_url())
    try:
        yield RunStore(tmp_path / "home", url=url)
    finally:
        drop()


def raw(store: RunStore, sql: str, **params) -> list:
    """Run SQL straight on the store's database (to damage rows the way a crash or an editor
    would), in one committed transaction; returns the rows of a SELECT."""
    with store.engine.begin() as db:
        result = db.execute(sa.text(sql), params)
        return result.all() if result.returns_rows else []
