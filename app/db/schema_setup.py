"""Create or upgrade the database schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from app.config import normalize_database_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", normalize_database_url(database_url))
    return config


def migrate(database_url: str, revision: str = "head") -> None:
    """Apply the Alembic migrations up to `revision` (blocking; run it outside the event loop)."""
    command.upgrade(alembic_config(database_url), revision)
