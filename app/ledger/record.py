"""Writing one movement: the state machine decides, then the row and the carrier change.

Every ledger operation ends here, inside the caller's `reg.operation(...)`
transaction, so the movement, the carrier's new state and their journal
entries commit together or not at all.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from app.crypto.canonical import canonical_json
from app.errors import BadInput
from app.ledger.state import next_state
from app.models.carriers import Carrier
from app.models.movements import Movement

# An event may be entered after the fact (补登记) but never ahead of the clock.
FUTURE_SLACK = timedelta(minutes=5)


def event_time(s: Session, at: datetime | None) -> datetime:
    """When the event happened: `at` (补登记) or now; never in the future."""
    now = s.info["clock"].now()
    if at is None:
        return now
    if at > now + FUTURE_SLACK:
        raise BadInput(f"发生时间 {at:%Y-%m-%d %H:%M} 晚于当前时间，不能登记未来的事件。")
    return at


# Built once: building a statement and its cache key costs more than SQLite takes to
# answer it, and every movement asks.
_LAST_EVENT = select(func.max(Movement.occurred_at)).where(Movement.carrier_id == bindparam("carrier_id"))
_LAST_MOVEMENT_ID = select(func.max(Movement.id))
# Both in one statement, for a movement numbered up front (see new_movement_id).
_LAST_EVENT_AND_ID = select(_LAST_EVENT.scalar_subquery(), _LAST_MOVEMENT_ID.scalar_subquery())


def last_event_time(s: Session, carrier: Carrier) -> datetime | None:
    return s.scalar(_LAST_EVENT, {"carrier_id": carrier.id})


def check_in_order(s: Session, carrier: Carrier, when: datetime) -> None:
    """An event entered after the fact (补登记) may not land before the carrier's last one:
    the history would no longer replay to its state."""
    _refuse_out_of_order(when, last_event_time(s, carrier))


def _refuse_out_of_order(when: datetime, last: datetime | None) -> None:
    if last is not None and when < last:
        raise BadInput(f"发生时间 {when:%Y-%m-%d %H:%M} 早于该载体最近一次流转（{last:%Y-%m-%d %H:%M}），"
                       "请按发生顺序补登记。")


def new_movement_id(s: Session) -> int:
    """The id SQLite will give the next movement row, taken now so that an operation can
    point at its new movement (a loan from its carrier, a return from the loan it closes)
    and still write everything in one flush, journaling each row once.

    `movements.id` is an INTEGER PRIMARY KEY without AUTOINCREMENT, so SQLite numbers a
    row max(id) + 1: the same id it would have chosen.  Hazard: call it before the new
    movement is added: the query autoflushes, so no row still without an id is pending
    that could later take this one; the writer lock (BEGIN IMMEDIATE) keeps it ours.
    """
    return (s.scalar(_LAST_MOVEMENT_ID) or 0) + 1


def _in_order_and_numbered(s: Session, carrier: Carrier, when: datetime) -> int:
    """`check_in_order` and `new_movement_id` in one statement; returns the new id.

    Pending rows are flushed first (what autoflush would do), so that none still
    without an id can take this one; the statement itself loads no objects and
    runs on the session's connection, skipping the ORM's per-statement work.
    """
    s.flush()
    last, last_id = s.connection().execute(_LAST_EVENT_AND_ID, {"carrier_id": carrier.id}).one()
    _refuse_out_of_order(when, last)
    return (last_id or 0) + 1


def record_movement(s: Session, carrier: Carrier, kind: str, occurred_at: datetime, *,
                    person_id: int | None = None, approver_id: int | None = None,
                    batch_id: int | None = None, due_at: datetime | None = None,
                    flagged: str = "", detail: dict | None = None,
                    numbered: bool = False) -> Movement:
    """Apply the state machine and add the movement; raises before anything is written.

    `numbered`: the movement gets its id now (see `new_movement_id`), so the caller
    can point other rows at it without a flush; otherwise the database numbers it
    at the next flush.
    """
    detail = detail or {}
    if carrier.id is not None and carrier.registered_at and occurred_at < carrier.registered_at \
            and kind not in ("登记", "收文"):
        raise BadInput(f"发生时间早于该载体的登记时间（{carrier.registered_at:%Y-%m-%d %H:%M}）。")
    movement_id = None
    if carrier.id is not None and numbered:
        movement_id = _in_order_and_numbered(s, carrier, occurred_at)
    elif carrier.id is not None:
        check_in_order(s, carrier, occurred_at)
    state = next_state(carrier.state if carrier.id is not None else "", kind, detail)
    movement = Movement(carrier_id=carrier.id, kind=kind, occurred_at=occurred_at,
                        entered_at=s.info["clock"].now(), account=s.info["actor"],
                        person_id=person_id, approver_id=approver_id, batch_id=batch_id,
                        due_at=due_at, state_after=state, flagged=flagged,
                        detail=canonical_json(detail).decode("utf-8"))
    if carrier.id is None:
        s.add(carrier)
        s.flush()
        movement.carrier_id = carrier.id
        if numbered:
            movement_id = new_movement_id(s)
    if movement_id is not None:
        movement.id = movement_id
    carrier.state = state
    s.add(movement)
    return movement
