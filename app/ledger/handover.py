"""Handover between custodians (交接, R40): the outgoing custodian lists everything
held, both check it item by item, both sign; custody changes in one transaction."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import BadInput, RuleViolation
from app.ledger import lookup
from app.ledger.accounts import require_role
from app.ledger.lookup import CLEARANCE_MAX, level_rank
from app.ledger.record import event_time, record_movement
from app.ledger.state import ARCHIVED, CARRIED, IN, MISSING, OUT
from app.models.accounts import ROLE_CLERK
from app.models.carriers import Carrier, Person
from app.models.movements import Batch
from app.store.register import Register

# What a custodian answers for, as app.ledger.people.held_count counts it: a missing
# carrier stays on the list (both sides sign that it is missing; the incident follows).
HELD = (IN, OUT, CARRIED, ARCHIVED, MISSING)
SOURCE = "保密制度汇编 六、1（9）"


@dataclass(frozen=True)
class Holding:
    number: str
    title: str
    kind: str
    level: str
    serial: str
    state: str
    holder: str  # who has it now when it is out
    location: str


def handover_list(s: Session, outgoing: str | int) -> list[Holding]:
    """R40: everything in the outgoing custodian's custody (在库, 借出, 外出携带,
    已归档, and 下落不明 so that it is signed for as missing), notebooks with
    secret content included, by register number."""
    person = lookup.person(s, outgoing, what="移交人")
    return [_holding(s, c) for c in _held(s, person)]


def _held(s: Session, person: Person) -> list[Carrier]:
    return list(s.scalars(select(Carrier).where(Carrier.custodian_id == person.id,
                                                Carrier.state.in_(HELD)).order_by(Carrier.number)))


def _holding(s: Session, c: Carrier) -> Holding:
    holder = s.get(Person, c.holder_id).name if c.holder_id and c.state in (OUT, CARRIED) else ""
    return Holding(c.number, c.title, c.kind, c.level, c.serial, c.state, holder, c.location)


def handover(reg: Register, *, outgoing: str | int, incoming: str | int,
             checked_numbers: list[str], outgoing_confirmed: bool = False,
             incoming_confirmed: bool = False, at: datetime | None = None) -> int:
    """Hand over everything the outgoing custodian holds; returns the batch id.

    R40: every item of the list must have been checked (清点不全 is refused),
    nothing off the list can be handed over, items out on loan come back
    first (both sides check the items themselves), a 下落不明 item is signed
    for as missing (its incident follows the new custodian), both confirm, the
    incoming custodian is 在岗 and cleared for the highest level on the list.
    The custodian changes for every item in this one transaction, with one
    交接 movement per item in a Batch(交接).
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("交接") as s:
        return handover_in(s, outgoing=outgoing, incoming=incoming,
                           checked_numbers=checked_numbers, outgoing_confirmed=outgoing_confirmed,
                           incoming_confirmed=incoming_confirmed, at=at)


def handover_in(s: Session, *, outgoing: str | int, incoming: str | int,
                checked_numbers: list[str], outgoing_confirmed: bool = False,
                incoming_confirmed: bool = False, at: datetime | None = None) -> int:
    when = event_time(s, at)
    giver = lookup.person(s, outgoing, what="移交人")
    taker = lookup.person(s, incoming, what="接收人")
    if giver.id == taker.id:
        raise BadInput("移交人和接收人不能是同一人。")
    items = _held(s, giver)
    if not items:
        raise BadInput(f"{giver.name} 名下没有需要交接的涉密载体。")
    _check_list(s, items, checked_numbers)
    _check_out(items)
    _check_incoming(taker, items)
    if not (outgoing_confirmed and incoming_confirmed):
        who = "、".join(n for n, ok in (("移交人", outgoing_confirmed), ("接收人", incoming_confirmed))
                        if not ok)
        raise RuleViolation("R40", f"交接须双方核对无误后签字确认，{who}尚未确认", SOURCE)

    batch = Batch(kind="交接", occurred_at=when, entered_at=s.info["clock"].now(),
                  detail=json.dumps({"outgoing": giver.id, "outgoing_name": giver.name,
                                     "incoming": taker.id, "incoming_name": taker.name,
                                     "count": len(items)}, ensure_ascii=False, sort_keys=True))
    s.add(batch)
    s.flush()
    for carrier in items:
        record_movement(s, carrier, "交接", when, person_id=taker.id, batch_id=batch.id,
                        detail={"from": giver.id, "to": taker.id, "checked": True,
                                "state": carrier.state})
        carrier.custodian_id = taker.id
    return batch.id


def _check_list(s: Session, items: list[Carrier], checked: list[str]) -> None:
    on_list = {c.number for c in items}
    ticked = {lookup.normalize_number(n) for n in checked or [] if str(n).strip()}
    extra = sorted(ticked - on_list)
    if extra:
        raise RuleViolation("R40", f"{'、'.join(extra)} 不在移交清单上，不能交接", SOURCE)
    missing = sorted(on_list - ticked)
    if missing:
        raise RuleViolation("R40", f"清点不全：{'、'.join(missing)} 尚未清点核对", SOURCE)


def _check_out(items: list[Carrier]) -> None:
    out = [c.number for c in items if c.state in (OUT, CARRIED)]
    if out:
        raise RuleViolation("R40", f"{'、'.join(out)} 尚在借出或外出携带中，须先收回，双方对物清点后才能交接",
                            SOURCE)


def _check_incoming(taker: Person, items: list[Carrier]) -> None:
    if taker.status != "在岗":
        raise RuleViolation("R40", f"接收人 {taker.name} 当前为{taker.status}，不能接收涉密载体", SOURCE)
    top = max(items, key=lambda c: level_rank(c.level)).level
    allowed = CLEARANCE_MAX.get(taker.clearance, "内部")
    if level_rank(top) > level_rank(allowed):
        raise RuleViolation("R40", f"接收人 {taker.name}（{taker.clearance}涉密人员）不能保管{top}载体",
                            SOURCE)
