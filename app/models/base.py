"""Declarative base shared by every table of the register."""
from __future__ import annotations

from typing import ClassVar

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic migrations can refer to them on SQLite.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # Every table is journaled unless it says otherwise (the journal itself).
    __journaled__: ClassVar[bool] = True
    # Columns whose value the journal keeps only as a SHA-256 (password hashes).
    __journal_redact__: ClassVar[frozenset[str]] = frozenset()
