"""Writing one movement: the state machine decides, then the row and the carrier change.

Every ledger operation ends here, inside the caller's `reg.operation(...)`
transaction, so the movement, the carrier's new state and their journal
entries commit together or not at all.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
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


def last_event_time(s: Session, carrier: Carrier) -> datetime | None:
    return s.scalar(select(func.max(Movement.occurred_at)).where(Movement.carrier_id == carrier.id))


def check_in_order(s: Session, carrier: Carrier, when: datetime) -> None:
    """An event entered after the fact (补登记) may not land before the carrier's last one:
    the history would no longer replay to its state."""
    last = last_event_time(s, carrier)
    if last is not None and when < last:
        raise BadInput(f"发生时间 {when:%Y-%m-%d %H:%M} 早于该载体最近一次流转（{last:%Y-%m-%d %H:%M}），"
                       "请按发生顺序补登记。")


def record_movement(s: Session, carrier: Carrier, kind: str, occurred_at: datetime, *,
                    person_id: int | None = None, approver_id: int | None = None,
                    batch_id: int | None = None, due_at: datetime | None = None,
                    flagged: str = "", detail: dict | None = None) -> Movement:
    """Apply the state machine and add the movement; raises before anything is written."""
    detail = detail or {}
    if carrier.id is not None and carrier.registered_at and occurred_at < carrier.registered_at \
            and kind not in ("登记", "收文"):
        raise BadInput(f"发生时间早于该载体的登记时间（{carrier.registered_at:%Y-%m-%d %H:%M}）。")
    if carrier.id is not None:
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
    carrier.state = state
    s.add(movement)
    return movement
