"""传阅 circulation: a carrier read by several people in turn, always through the custodian.

The custodian organises it (S0 四.六): reader 1 signs it out and brings it
back, then reader 2 signs it out, and so on.  It is never passed from reader
to reader (R13: 不准转借; leaders 不横传).  The readers and the approver are
kept in a Batch (kind 传阅); each step is an ordinary loan (借出/归还) with
the batch id, so the 借阅登记 ledger shows every step.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import BadInput, RuleViolation
from app.ledger import lookup
from app.ledger.accounts import require_role
from app.ledger.loans import check_approver, check_reader, lend_in, open_loan, return_in
from app.ledger.record import event_time
from app.ledger.state import IN, OUT, next_state
from app.models.accounts import ROLE_CLERK
from app.models.carriers import Carrier, Person
from app.models.movements import Batch, Movement
from app.store.register import Register

OPEN, DONE = "进行中", "完成"


def start_circulation(reg: Register, number: str, *, readers: list[str | int],
                      approver: str | int | None, purpose: str = "",
                      at: datetime | None = None) -> int:
    """Start a circulation and sign the carrier out to the first reader; returns the batch id.

    R10 a leader approves; R11 every reader is checked before anything is
    written (in post, cleared, within the reading scope): one reader out of
    scope refuses the whole circulation; R12 each reader has it for the day,
    in the office; R13 it goes back to the custodian between readers.
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("传阅") as s:
        return start_circulation_in(s, number, readers=readers, approver=approver,
                                    purpose=purpose, at=at).id


def start_circulation_in(s: Session, number: str, *, readers: list[str | int],
                         approver: str | int | None, purpose: str = "",
                         at: datetime | None = None) -> Batch:
    when = event_time(s, at)
    carrier = lookup.carrier_by_number(s, number)
    next_state(carrier.state, "借出", {})  # R13: not while out
    if carrier.state != IN:
        raise BadInput(f"载体 {carrier.number} 当前为{carrier.state}，只有在库的载体才能组织传阅。")
    if open_circulation(s, carrier) is not None:
        raise BadInput(f"载体 {carrier.number} 已在传阅中，请先完成或终止该次传阅。")
    leader = check_approver(s, approver, taking_out=False)
    people = [lookup.person(s, r, what="传阅人") for r in readers]
    if not people:
        raise BadInput("请按顺序填写传阅人。")
    if len({p.id for p in people}) != len(people):
        raise BadInput("传阅人名单中有重复的人员。")
    for p in people:
        check_reader(carrier, p)
    batch = Batch(kind="传阅", occurred_at=when, entered_at=s.info["clock"].now(),
                  approver_id=leader.id, status=OPEN,
                  detail=_detail(carrier, people, served=0, purpose=purpose.strip()))
    s.add(batch)
    s.flush()
    _send_to_next(s, batch, carrier, when)
    return batch


def next_reader(reg: Register, number: str, *, reader_signed: bool = True,
                condition: str = "完好", at: datetime | None = None) -> int | None:
    """The current reader brings it back (归还, R13/R14) and the custodian signs it
    out to the next reader (借出, R11 checked again).  Returns the new loan's id,
    or None when the last reader has read it (the circulation is complete).
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("传阅") as s:
        m = next_reader_in(s, number, reader_signed=reader_signed, condition=condition, at=at)
        return m.id if m else None


def next_reader_in(s: Session, number: str, *, reader_signed: bool = True,
                   condition: str = "完好", at: datetime | None = None) -> Movement | None:
    when = event_time(s, at)
    carrier = lookup.carrier_by_number(s, number)
    batch = open_circulation(s, carrier)
    if batch is None:
        raise BadInput(f"载体 {carrier.number} 没有进行中的传阅。")
    if carrier.state == OUT:
        loan = open_loan(s, carrier)
        if loan.batch_id != batch.id:
            raise RuleViolation("R13", f"{carrier.number} 现借给传阅名单以外的人，须先由其本人交还保密员",
                                "保密制度汇编 六、1（4）")
        return_in(s, carrier.number, returned_by=loan.person_id, reader_signed=reader_signed,
                  condition=condition, at=when)
    elif carrier.state != IN:
        raise BadInput(f"载体 {carrier.number} 当前为{carrier.state}，不能继续传阅。")
    return _send_to_next(s, batch, carrier, when)


def stop_circulation(reg: Register, number: str, *, reason: str,
                     at: datetime | None = None) -> None:
    """End a circulation early (a reader is away, the document is recalled).
    The carrier must be back with the custodian first (R13)."""
    require_role(reg, ROLE_CLERK)
    with reg.operation("终止传阅") as s:
        when = event_time(s, at)
        carrier = lookup.carrier_by_number(s, number)
        batch = open_circulation(s, carrier)
        if batch is None:
            raise BadInput(f"载体 {carrier.number} 没有进行中的传阅。")
        if carrier.state != IN:
            raise RuleViolation("R13", f"{carrier.number} 尚未交还保密员，须先归还再终止传阅",
                                "保密制度汇编 六、1（2）")
        if not reason.strip():
            raise BadInput("请填写终止传阅的原因。")
        detail = json.loads(batch.detail)
        detail.update(stopped_at=when.isoformat(sep=" "), stop_reason=reason.strip())
        batch.detail = json.dumps(detail, ensure_ascii=False, sort_keys=True)
        batch.status = DONE


def open_circulation(s: Session, carrier: Carrier) -> Batch | None:
    """The circulation of this carrier still going on, if any."""
    return s.scalars(select(Batch).join(Movement, Movement.batch_id == Batch.id)
                     .where(Movement.carrier_id == carrier.id, Batch.kind == "传阅",
                            Batch.status == OPEN).order_by(Batch.id.desc()).limit(1)).first()


def readers_of(s: Session, batch: Batch) -> tuple[list[Person], int]:
    """The readers in order and how many have had it so far."""
    detail = json.loads(batch.detail)
    return [s.get(Person, pid) for pid in detail["readers"]], detail["served"]


def _detail(carrier: Carrier, people: list[Person], *, served: int, purpose: str) -> str:
    return json.dumps({"carrier": carrier.number, "readers": [p.id for p in people],
                       "names": [p.name for p in people], "served": served, "purpose": purpose},
                      ensure_ascii=False, sort_keys=True)


def _send_to_next(s: Session, batch: Batch, carrier: Carrier, when: datetime) -> Movement | None:
    detail = json.loads(batch.detail)
    served = detail["served"]
    if served >= len(detail["readers"]):
        batch.status = DONE
        return None
    movement = lend_in(s, carrier.number, borrower=detail["readers"][served],
                       approver=batch.approver_id, purpose=detail.get("purpose") or "传阅",
                       place="室内", at=when, batch_id=batch.id)
    detail["served"] = served + 1
    batch.detail = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    return movement
