"""The append-only, hash-chained journal (R54).

`body` is the canonical JSON of the entry and is what the hash covers; the
other columns repeat parts of it so that the journal can be queried, and
verify checks that they agree with the body.  Triggers made by the migration
refuse UPDATE and DELETE.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class JournalEntry(Base):
    __tablename__ = "journal"
    __journaled__ = False

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime)
    account: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    obj_type: Mapped[str] = mapped_column(String(64))
    obj_id: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_journal_object", "obj_type", "obj_id", "seq"),
        Index("ix_journal_action", "action", "seq"),
    )
