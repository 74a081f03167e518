"""Returning a carrier to its issuer (清退, R30)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.errors import BadInput
from app.ledger import lookup
from app.ledger.accounts import require_role
from app.ledger.record import event_time, record_movement
from app.ledger.state import next_state
from app.models.accounts import ROLE_CLERK
from app.store.register import Register


def withdraw(reg: Register, number: str, *, to_unit: str, receipt_no: str = "",
             at: datetime | None = None) -> str:
    """Return a carrier to the unit that issued it (清退); it becomes 已清退.

    R30 documents are checked and returned every quarter; only a carrier in
    the room (在库) can be returned: one that is out comes back first (the
    state machine refuses naming R30).  Returns the carrier's state after.
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("清退") as s:
        return withdraw_in(s, number, to_unit=to_unit, receipt_no=receipt_no, at=at)


def withdraw_in(s: Session, number: str, *, to_unit: str, receipt_no: str = "",
                at: datetime | None = None, batch_id: int | None = None, note: str = "") -> str:
    """`withdraw` inside a caller's transaction (a quarterly check, bulk import)."""
    when = event_time(s, at)
    carrier = lookup.carrier_by_number(s, number)
    if not (to_unit or "").strip():
        raise BadInput("请填写清退的接收单位。")
    next_state(carrier.state, "清退")
    detail = {"to": to_unit.strip(), "receipt_no": receipt_no.strip()}
    if note:
        detail["note"] = note
    record_movement(s, carrier, "清退", when, batch_id=batch_id, detail=detail)
    return carrier.state
