"""The first schema of the register.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""
from __future__ import annotations

from alembic import op

from app.models import Base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

JOURNAL_GUARDS = [
    """CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
       BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END""",
    """CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
       BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END""",
]


def upgrade() -> None:
    bind = op.get_bind()
    Base.metadata.create_all(bind)
    for sql in JOURNAL_GUARDS:
        op.execute(sql)


def downgrade() -> None:
    raise NotImplementedError("registers are never downgraded")
