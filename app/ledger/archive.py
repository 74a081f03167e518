"""Transfer to the archive (归档, R33)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import RuleViolation
from app.ledger import lookup
from app.ledger.accounts import require_role
from app.ledger.record import event_time, record_movement
from app.ledger.state import next_state
from app.models.accounts import ROLE_CLERK
from app.models.carriers import Carrier
from app.models.movements import Movement
from app.store.register import Register

SOURCE = "保密制度汇编 七、3"


def archive(reg: Register, number: str, *, archive_no: str, location: str = "",
            at: datetime | None = None) -> str:
    """Register the transfer of a carrier to the archive; it becomes 已归档.

    R33 the transfer is registered with its archive number, unique in the
    register; classified archives are kept in dedicated cabinets (`location`);
    consulting them later is a loan with approval (R10).  Only a carrier in
    the room (在库) is archived: the state machine refuses naming R33.
    Returns the carrier's state after.
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("归档") as s:
        return archive_in(s, number, archive_no=archive_no, location=location, at=at)


def archive_in(s: Session, number: str, *, archive_no: str, location: str = "",
               at: datetime | None = None) -> str:
    when = event_time(s, at)
    carrier = lookup.carrier_by_number(s, number)
    archive_no = (archive_no or "").strip()
    if not archive_no:
        raise RuleViolation("R33", "归档须登记档案号", SOURCE)
    holder = archived_under(s, archive_no)
    if holder is not None:
        raise RuleViolation("R33", f"档案号 {archive_no} 已用于 {holder}，档案号不得重复", SOURCE)
    next_state(carrier.state, "归档")
    record_movement(s, carrier, "归档", when,
                    detail={"archive_no": archive_no, "location": location.strip()})
    if location.strip():
        carrier.location = location.strip()
    return carrier.state


def archived_under(s: Session, archive_no: str) -> str | None:
    """The register number already filed under `archive_no`, if any."""
    return s.scalar(select(Carrier.number).join(Movement, Movement.carrier_id == Carrier.id).where(
        Movement.kind == "归档", func.json_extract(Movement.detail, "$.archive_no") == archive_no))


def archive_no_of(s: Session, carrier: Carrier) -> str | None:
    return s.scalar(select(func.json_extract(Movement.detail, "$.archive_no")).where(
        Movement.carrier_id == carrier.id, Movement.kind == "归档").order_by(Movement.id.desc()))
