"""Copying (复制): each copy becomes a carrier of its own, managed like the original
(R20, R21, R22, R64)."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import BadInput, NotFound, RuleViolation
from app.ledger import lookup
from app.ledger.accounts import require_role
from app.ledger.numbers import next_number
from app.ledger.record import event_time, record_movement
from app.ledger.state import next_state
from app.models.accounts import ROLE_CLERK
from app.models.carriers import Carrier, Device, Person
from app.models.movements import Batch
from app.store.register import Register

MAX_COPIES = 100
# R20 speaks of 秘密/机密; 内部 work items are not state secrets and need no approval.
NEEDS_APPROVAL = ("秘密", "机密")


def copy(reg: Register, number: str, *, count: int, approver: str | int | None = None,
         approval_ref: str = "", by: str | int | None = None, device: str | None = None,
         spoiled: int = 0, at: datetime | None = None) -> list[str]:
    """Copy a carrier `count` times; returns the new carriers' register numbers.

    R21 绝密 is never copied or reprinted.  R20 copying 秘密/机密 needs the
    approval of the unit's leader (`approver`, a leader of the register) or of
    the issuing unit (`approval_ref`, the text of its approval); the copy log
    records title and count, and the spoiled pages (destroyed on the spot).
    R22 each copy is a new carrier (origin 复制) with the parent's 密级, highest
    level, 期限 and scope; its 份号 is 复n.  R64 the copier used is logged.
    The parent must be in the room (在库 or 已归档): the state machine refuses
    otherwise.
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("复制") as s:
        return copy_in(s, number, count=count, approver=approver, approval_ref=approval_ref,
                       by=by, device=device, spoiled=spoiled, at=at)


def copy_in(s: Session, number: str, *, count: int, approver: str | int | None = None,
            approval_ref: str = "", by: str | int | None = None, device: str | None = None,
            spoiled: int = 0, at: datetime | None = None) -> list[str]:
    """`copy` inside a caller's transaction."""
    when = event_time(s, at)
    parent = lookup.carrier_by_number(s, number)
    if not 1 <= count <= MAX_COPIES:
        raise BadInput(f"复制份数应在 1 至 {MAX_COPIES} 之间。")
    if spoiled < 0:
        raise BadInput("废页数不能为负数。")
    if parent.level == "绝密":
        raise RuleViolation("R21", f"{parent.number} 为绝密载体，绝密载体不得复制、翻印",
                            "保密制度汇编 五、四")
    leader = _approval(s, parent, approver, approval_ref.strip())
    next_state(parent.state, "复制")  # refuses a carrier that is out, gone or destroyed
    copier = lookup.optional_person(s, by, what="复制人")
    machine = _device(s, device)

    now = s.info["clock"].now()
    batch = Batch(kind="复制", occurred_at=when, entered_at=now,
                  approver_id=leader.id if leader else None,
                  detail=json.dumps({"parent": parent.number, "count": count,
                                     "approval_ref": approval_ref.strip(),
                                     "device": machine.number if machine else ""},
                                    ensure_ascii=False, sort_keys=True))
    s.add(batch)
    s.flush()
    first = _copies_so_far(s, parent) + 1
    numbers = []
    for n in range(first, first + count):
        child = _child(s, parent, when, serial=f"复{n}",
                       approver_id=leader.id if leader else None, count=count)
        record_movement(s, child, "登记", when, person_id=copier.id if copier else None,
                        approver_id=leader.id if leader else None, batch_id=batch.id,
                        detail={"origin": "复制", "parent": parent.number})
        numbers.append(child.number)
    record_movement(s, parent, "复制", when, person_id=copier.id if copier else None,
                    approver_id=leader.id if leader else None, batch_id=batch.id,
                    detail={"count": count, "copies": numbers, "approval_ref": approval_ref.strip(),
                            "device": machine.number if machine else "",
                            "spoiled_pages": spoiled, "spoiled_destroyed": spoiled > 0})
    return numbers


def copies_of(s: Session, carrier: Carrier) -> list[Carrier]:
    """The carriers copied from `carrier` (R22: each is managed like the original)."""
    return list(s.scalars(select(Carrier).where(Carrier.parent_id == carrier.id,
                                                Carrier.origin == "复制").order_by(Carrier.id)))


def _approval(s: Session, parent: Carrier, approver: str | int | None,
              approval_ref: str) -> Person | None:
    """R20: a leader of the unit, or the issuing unit's recorded approval."""
    leader = lookup.optional_person(s, approver, what="批准人")
    if leader is not None and not leader.is_leader:
        raise RuleViolation("R20", f"{leader.name} 不是领导，不能批准复制", "保密制度汇编 五、四")
    if leader is not None and leader.status != "在岗":
        raise RuleViolation("R20", f"{leader.name} 已{leader.status}，不能批准复制", "保密制度汇编 五、四")
    if parent.level in NEEDS_APPROVAL and leader is None and not approval_ref:
        raise RuleViolation("R20", f"复制{parent.level}载体须经发文单位或本单位领导批准",
                            "保密制度汇编 五、四")
    return leader


def _device(s: Session, number: str | None) -> Device | None:
    """R64: the copier is one of the room's registered devices."""
    if not number:
        return None
    found = s.scalars(select(Device).where(Device.number == lookup.normalize_number(number))).first()
    if found is None:
        raise NotFound(f"设备登记中没有编号为 {number} 的复印设备。")
    return found


def _copies_so_far(s: Session, parent: Carrier) -> int:
    return s.scalar(select(func.count()).select_from(Carrier).where(
        Carrier.parent_id == parent.id, Carrier.origin == "复制")) or 0


def _child(s: Session, parent: Carrier, when: datetime, *, serial: str,
           approver_id: int | None, count: int) -> Carrier:
    """R22: the copy carries everything that governs how the original is kept.

    registered_at is when the copy was made, as for a receipt (补登记 keeps the
    paper's time; the journal keeps when it was typed in)."""
    return Carrier(
        number=next_number(s, when), kind=parent.kind, title=parent.title, doc_no=parent.doc_no,
        issuer=parent.issuer, level=parent.level, highest_level=parent.highest_level,
        period=parent.period, period_until=parent.period_until, serial=serial, copies_total=1,
        pages=parent.pages, scope_people=parent.scope_people, scope_depts=parent.scope_depts,
        origin="复制", parent_id=parent.id, approved_by_id=approver_id, approved_count=count,
        location=parent.location, custodian_id=parent.custodian_id, doc_date=parent.doc_date,
        classified=parent.classified, registered_at=when, state="")
