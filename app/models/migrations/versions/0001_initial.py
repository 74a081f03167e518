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

# Chinese substring search of numbers and titles (trigram needs 3+ characters;
# shorter terms fall back to LIKE in app/ledger/queries.py).
FTS = [
    """CREATE VIRTUAL TABLE carriers_fts USING fts5(number, title, doc_no, issuer,
       content='carriers', content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER carriers_fts_ai AFTER INSERT ON carriers BEGIN
       INSERT INTO carriers_fts(rowid, number, title, doc_no, issuer)
       VALUES (new.id, new.number, new.title, new.doc_no, new.issuer); END""",
    """CREATE TRIGGER carriers_fts_au AFTER UPDATE OF number, title, doc_no, issuer ON carriers BEGIN
       INSERT INTO carriers_fts(carriers_fts, rowid, number, title, doc_no, issuer)
       VALUES ('delete', old.id, old.number, old.title, old.doc_no, old.issuer);
       INSERT INTO carriers_fts(rowid, number, title, doc_no, issuer)
       VALUES (new.id, new.number, new.title, new.doc_no, new.issuer); END""",
]

JOURNAL_GUARDS = [
    """CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
       BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END""",
    """CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
       BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END""",
]


def upgrade() -> None:
    bind = op.get_bind()
    Base.metadata.create_all(bind)
    for sql in FTS + JOURNAL_GUARDS:
        op.execute(sql)


def downgrade() -> None:
    raise NotImplementedError("registers are never downgraded")
