"""发文 dispatch and its signed receipt (回执): the sending half of 涉密载体收发登记 (R02, R25).

A dispatch is a 发文 movement (the carrier becomes 已发出); the receipt that
comes back signed is a 回执 movement that closes it (dispatch.closed_by_id),
so "sent and not yet signed for" is a dispatch with no closer.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import BadInput, RuleViolation
from app.ledger import lookup
from app.ledger.accounts import require_role
from app.ledger.record import event_time, record_movement
from app.ledger.state import next_state
from app.models.accounts import ROLE_CLERK
from app.models.carriers import Carrier
from app.models.movements import Movement
from app.store.register import Register

CHANNELS = ("机要通信", "专人", "保密员")
_ALIASES = {"机要交通": "机要通信", "机要通信局": "机要通信", "机要": "机要通信",
            "专人送达": "专人", "专人递送": "专人", "专人专车": "专人", "保密员传递": "保密员"}
_ORDINARY_POST = ("普通邮寄", "普通邮政", "邮政", "邮寄", "平信", "挂号信", "挂号", "快递", "EMS")
SRC_POST = "保密制度汇编 四、四；六、2（5）"


def channel_of(text: str) -> str:
    """The channel as the ledger writes it, or R25 when it is not a secure one."""
    name = (text or "").strip()
    name = _ALIASES.get(name, name)
    if name in CHANNELS:
        return name
    if not name:
        raise RuleViolation("R25", "请填写传递方式：机要通信、专人或保密员", SRC_POST)
    if any(word in name.upper() for word in _ORDINARY_POST):
        raise RuleViolation("R25", f"涉密载体一律不得通过普通邮政传递（{name}），"
                                   "应通过机要通信、专人或保密员传递", SRC_POST)
    raise RuleViolation("R25", f"传递方式「{name}」不可用，只能通过机要通信、专人或保密员传递", SRC_POST)


def dispatch(reg: Register, number: str, *, to_unit: str, channel: str,
             sent_by: str | int | None = None, at: datetime | None = None) -> int:
    """Send a carrier out (发文); it becomes 已发出.  Returns the movement id.

    R25 never by ordinary post: through 机要通信, a named person (专人) or the
    custodian (保密员) only; R02 registered item by item and signed for (the
    receipt is recorded by `receipt_signed`).
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("发文") as s:
        return dispatch_in(s, number, to_unit=to_unit, channel=channel, sent_by=sent_by, at=at).id


def dispatch_in(s: Session, number: str, *, to_unit: str, channel: str,
                sent_by: str | int | None = None, at: datetime | None = None,
                batch_id: int | None = None) -> Movement:
    when = event_time(s, at)
    carrier = lookup.carrier_by_number(s, number)
    channel = channel_of(channel)
    if not (to_unit or "").strip():
        raise BadInput("请填写收文单位。")
    if channel == "专人" and not sent_by:
        raise BadInput("专人传递须写明递送人。")
    next_state(carrier.state, "发文")  # only from the room, R25 named
    courier = lookup.optional_person(s, sent_by, what="递送人")
    movement = record_movement(s, carrier, "发文", when, person_id=courier.id if courier else None,
                               batch_id=batch_id, detail={"to": to_unit.strip(), "channel": channel})
    s.flush()  # the caller gets the movement's id
    return movement


def receipt_signed(reg: Register, number: str, *, signed_by: str, receipt_no: str = "",
                   at: datetime | None = None) -> int:
    """The receipt (回执) of a dispatch came back signed by the receiving unit (R02, R25).
    Returns the 回执 movement id."""
    require_role(reg, ROLE_CLERK)
    with reg.operation("发文回执") as s:
        return receipt_signed_in(s, number, signed_by=signed_by, receipt_no=receipt_no, at=at).id


def receipt_signed_in(s: Session, number: str, *, signed_by: str, receipt_no: str = "",
                      at: datetime | None = None) -> Movement:
    when = event_time(s, at)
    carrier = lookup.carrier_by_number(s, number)
    next_state(carrier.state, "回执")  # only for a carrier that was sent
    sent = open_dispatch(s, carrier)
    if sent is None:
        raise BadInput(f"载体 {carrier.number} 的发文回执已登记。")
    if not (signed_by or "").strip():
        raise BadInput("请填写回执上的签收人。")
    movement = record_movement(s, carrier, "回执", when,
                               detail={"signed_by": signed_by.strip(), "receipt_no": receipt_no.strip(),
                                       "dispatch_id": sent.id})
    s.flush()
    sent.closed_by_id = movement.id
    return movement


def open_dispatch(s: Session, carrier: Carrier) -> Movement | None:
    """The carrier's last dispatch still waiting for its receipt."""
    return s.scalars(select(Movement).where(Movement.carrier_id == carrier.id, Movement.kind == "发文",
                                            Movement.closed_by_id.is_(None))
                     .order_by(Movement.id.desc()).limit(1)).first()
