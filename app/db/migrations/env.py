"""Alembic environment: runs migrations over the async engine the app uses."""

import asyncio

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

import app.db  # noqa: F401  (registers every table on SQLModel.metadata)
from app.db.derived import include_name

config = context.config
target_metadata = SQLModel.metadata


# Replicas started together all run `migrate`; on PostgreSQL they take turns on this lock.
_MIGRATION_LOCK_ID = 7_311_004


def _run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,  # objects kept by triggers, not models
    )
    with context.begin_transaction():
        context.run_migrations()
    if connection.in_transaction():
        connection.commit()


async def _run_async() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:  # app/db/schema_setup.py always sets it
        raise RuntimeError("No sqlalchemy.url in the Alembic config")
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())
