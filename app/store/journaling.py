"""The one place where ledger changes meet the journal.

A session made by `app.store.register` carries `info["actor"]` and
`info["action"]`.  After every flush this hook appends one journal entry per
inserted or changed row, in the same transaction, so a change without its
entry cannot be committed.  Deleting a row is refused: corrections are new
entries (红字更正).
"""
from __future__ import annotations

import functools
import hashlib
from typing import Any

from sqlalchemy import Boolean, Float, Integer, event, inspect, insert, select
from sqlalchemy.orm import Session

from app.crypto.canonical import canonical_json, to_jsonable
from app.crypto.journal_hash import GENESIS, chain_hash
from app.models.base import Base
from app.models.journal import JournalEntry

_JOURNAL = JournalEntry.__table__


class UnjournaledWrite(RuntimeError):
    """A programming error: a write outside `Register.operation()`."""


def _as_stored(column_type: Any, value: Any) -> Any:
    """The value as the database will give it back: the ORM keeps what the code
    assigned (4 into a Float column, 1 into a Boolean), SQLite returns 4.0 and
    True, and verify compares the two."""
    if value is None:
        return None
    if isinstance(column_type, Boolean):
        return bool(value)
    if isinstance(column_type, Float) and isinstance(value, int):
        return float(value)
    if isinstance(column_type, Integer) and isinstance(value, bool):
        return int(value)
    return value


_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _column_types(table_cls: type[Base]) -> dict[str, Any]:
    """Each column's type, looked up once per table rather than once per value."""
    return {c.key: c.type for c in table_cls.__table__.c}


def row_dict(table_cls: type[Base], values: dict[str, Any]) -> dict[str, Any]:
    """Column values as they are journaled (redacted columns as their SHA-256)."""
    out: dict[str, Any] = {}
    types = _column_types(table_cls)
    redact = table_cls.__journal_redact__
    for key, value in values.items():
        column_type = types.get(key)
        if column_type is not None:
            value = _as_stored(column_type, value)
        if type(value) not in _JSON_SCALARS:  # to_jsonable returns these unchanged
            value = to_jsonable(value)
        if key in redact and value is not None:
            value = "sha256:" + hashlib.sha256(str(value).encode("utf-8")).hexdigest()
        out[key] = value
    return out


def current_values(obj: Base) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {c.key: getattr(obj, c.key) for c in mapper.column_attrs}


def changed_before(obj: Base) -> dict[str, Any]:
    """Old values of the columns this flush changes.

    Only attributes in `committed_state` (set since the row was loaded) can have
    history, so only those are looked at rather than every column of the row.
    """
    state = inspect(obj)
    columns = state.mapper.column_attrs
    before: dict[str, Any] = {}
    for key in list(state.committed_state):
        if key not in columns:
            continue
        hist = state.attrs[key].history
        if hist.has_changes() and hist.deleted:
            before[key] = hist.deleted[0]
        elif hist.has_changes():
            before[key] = None
    return before


def object_id(obj: Base) -> str:
    pk = inspect(obj).mapper.primary_key_from_instance(obj)
    return "/".join(str(v) for v in pk)


# Built once: constructing a statement costs more than SQLite takes to answer it
# (about 0.1 ms of the 0.15 ms a head lookup took), and every write does both.
_HEAD_QUERY = select(_JOURNAL.c.seq, _JOURNAL.c.hash).order_by(_JOURNAL.c.seq.desc()).limit(1)
_INSERT_ROWS = insert(_JOURNAL)


def head(session_or_conn: Any) -> tuple[int, str]:
    """(sequence, hash) of the last entry, (0, GENESIS) when the journal is empty."""
    row = session_or_conn.execute(_HEAD_QUERY).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def append_entries(session: Session, entries: list[dict[str, Any]]) -> None:
    """Chain and insert raw entries (action, obj_type, obj_id, before, after, ...)."""
    if not entries:
        return
    conn = session.connection()
    seq, prev = session.info.get(_HEAD) or head(conn)
    at = session.info["clock"].now()
    actor = session.info["actor"]
    rows = []
    for e in entries:
        seq += 1
        body_obj = {"seq": seq, "at": to_jsonable(e.get("at", at)), "account": e.get("account", actor),
                    "action": e["action"], "obj_type": e["obj_type"], "obj_id": str(e["obj_id"]),
                    "before": e.get("before"), "after": e.get("after")}
        body = canonical_json(body_obj)
        h = chain_hash(prev, body)
        rows.append({"seq": seq, "at": e.get("at", at), "account": body_obj["account"],
                     "action": e["action"], "obj_type": e["obj_type"], "obj_id": body_obj["obj_id"],
                     "body": body.decode("utf-8"), "prev_hash": prev, "hash": h})
        prev = h
    conn.execute(_INSERT_ROWS, rows)
    session.info[_HEAD] = (seq, prev)


# The head after this transaction's last append, so that a long operation does
# not read it back on every flush (bulk work: demo data, imports).  Dropped when
# a transaction or savepoint ends (commit, rollback or release), so a rolled-back
# savepoint never leaves it ahead of the table; flushes' own subtransactions keep it.
_HEAD = "journal_head"


@event.listens_for(Session, "after_transaction_end")
def _forget_head(session: Session, transaction: Any) -> None:
    if transaction.nested or transaction.parent is None:
        session.info.pop(_HEAD, None)


@event.listens_for(Session, "after_flush")
def _journal_flush(session: Session, _ctx: Any) -> None:
    if session.info.get("unjournaled_ok"):
        return
    entries: list[dict[str, Any]] = []
    action = session.info.get("action")
    for obj in session.deleted:
        raise UnjournaledWrite(f"rows are never deleted: {type(obj).__name__}")
    changed = [o for o in session.new] + [o for o in session.dirty if session.is_modified(o)]
    for obj in changed:
        cls = type(obj)
        if not getattr(cls, "__journaled__", False):
            continue
        if action is None:
            raise UnjournaledWrite(f"write to {cls.__tablename__} outside an operation")
        is_new = obj in session.new
        entries.append({
            "action": action, "obj_type": cls.__tablename__, "obj_id": object_id(obj),
            "before": None if is_new else row_dict(cls, changed_before(obj)),
            "after": row_dict(cls, current_values(obj)),
        })
    # Deterministic order inside one flush: by table then id.
    entries.sort(key=lambda e: (e["obj_type"], _id_key(e["obj_id"])))
    append_entries(session, entries)


def _id_key(obj_id: str) -> tuple:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in obj_id.split("/"))
