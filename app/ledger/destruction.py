"""Destruction (销毁, R32): a list approved by the leader, witnessed by two or more,
registered item by item; a destroyed carrier accepts no further movement."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy.orm import Session

from app.errors import BadInput, RuleViolation
from app.ledger import lookup
from app.ledger.accounts import require_role
from app.ledger.record import event_time, record_movement
from app.ledger.state import DESTROYED, IN, next_state
from app.models.accounts import ROLE_CLERK
from app.models.carriers import Carrier, Person
from app.models.movements import Batch
from app.store.register import Register

# 送保密局: handed to the secrecy bureau; 上门销毁: the bureau's service on site (大宗,
# S4 第二十七条); 自行销毁: the unit's own approved shredder/degausser at a named place.
METHODS = ("送保密局", "保密局上门销毁", "自行销毁（专用设备）")
FORBIDDEN = ("废品", "废纸", "出售", "变卖")  # R32: never sold as waste paper
SOURCE = "保密制度汇编 五、二"
MIN_WITNESSES = 2


def destroy(reg: Register, numbers: list[str], *, approver: str | int,
            witnesses: list[str | int], method: str = "送保密局", place: str = "",
            at: datetime | None = None) -> int:
    """Destroy a list of carriers in one batch; returns the batch id.

    R32: approved by a leader (`approver`), witnessed by at least two distinct
    people of the register who are 在岗 (the same person named twice counts
    once), by an approved method (送保密局, the bureau's service, or the unit's
    own equipment at a named place; never sold as waste paper), registered item
    by item.  Every item must be 在库 — one that is out comes back first — and
    the whole list is refused when any item is: nothing is written.  The
    account acting (the clerk) is recorded on every movement; a destroyed
    carrier accepts no further movement (the state machine refuses naming R32).
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("销毁") as s:
        return destroy_in(s, numbers, approver=approver, witnesses=witnesses, method=method,
                          place=place, at=at)


def destroy_in(s: Session, numbers: list[str], *, approver: str | int,
               witnesses: list[str | int], method: str = "送保密局", place: str = "",
               at: datetime | None = None) -> int:
    when = event_time(s, at)
    method, place = (method or "").strip(), (place or "").strip()
    _check_method(method, place)
    leader = _approver(s, approver)
    watchers = _witnesses(s, witnesses)
    carriers = _items(s, numbers, when)

    names = [f"{p.name}（{p.dept}）" if p.dept else p.name for p in watchers]
    detail = {"method": method, "place": place, "witnesses": [p.id for p in watchers],
              "witness_names": names}
    batch = Batch(kind="销毁", occurred_at=when, entered_at=s.info["clock"].now(),
                  approver_id=leader.id,
                  detail=json.dumps({**detail, "count": len(carriers),
                                     "numbers": [c.number for c in carriers]},
                                    ensure_ascii=False, sort_keys=True))
    s.add(batch)
    s.flush()
    for carrier in carriers:
        record_movement(s, carrier, "销毁", when, approver_id=leader.id, batch_id=batch.id,
                        detail=detail)
    return batch.id


def _check_method(method: str, place: str) -> None:
    if any(word in method for word in FORBIDDEN):
        raise RuleViolation("R32", "涉密载体不得作为废品、废纸出售或处理", SOURCE)
    if method not in METHODS:
        raise BadInput(f"销毁方式须为 {'、'.join(METHODS)} 之一。")
    if method.startswith("自行销毁") and not place:
        raise RuleViolation("R32", "自行销毁须在指定场所进行，请填写销毁地点", "保密制度汇编 六、1（8）")


def _approver(s: Session, ref: str | int) -> Person:
    if ref in (None, ""):
        raise RuleViolation("R32", "销毁须经领导批准，请填写批准人", SOURCE)
    leader = lookup.person(s, ref, what="批准人")
    if not leader.is_leader:
        raise RuleViolation("R32", f"{leader.name} 不是领导，不能批准销毁", SOURCE)
    if leader.status != "在岗":
        raise RuleViolation("R32", f"{leader.name} 已{leader.status}，不能批准销毁", SOURCE)
    return leader


def _witnesses(s: Session, refs: list[str | int]) -> list[Person]:
    """Distinct people of the register; never one person alone."""
    people: dict[int, Person] = {}
    for ref in refs or []:
        if ref in (None, ""):
            continue
        p = lookup.person(s, ref, what="监销人")
        if p.status != "在岗":
            raise RuleViolation("R32", f"{p.name} 当前为{p.status}，不能担任监销人", SOURCE)
        people.setdefault(p.id, p)
    if len(people) < MIN_WITNESSES:
        raise RuleViolation("R32", f"销毁须两人以上监销，现只有 {len(people)} 名不同的监销人", SOURCE)
    return list(people.values())


def _items(s: Session, numbers: list[str], when: datetime) -> list[Carrier]:
    """Every item valid, or the whole list refused (before anything is written)."""
    if not numbers:
        raise BadInput("销毁清单中没有载体。")
    carriers: dict[int, Carrier] = {}
    for number in numbers:
        carrier = lookup.carrier_by_number(s, number)
        if carrier.id in carriers:
            raise BadInput(f"{carrier.number} 在销毁清单中出现了两次。")
        if carrier.state == DESTROYED:
            raise RuleViolation("R32", f"{carrier.number} 已销毁，不能再次销毁", SOURCE)
        if carrier.state != IN:
            raise RuleViolation("R32", f"{carrier.number} 当前为{carrier.state}，不在库中，"
                                       "须先收回入库才能销毁", SOURCE)
        next_state(carrier.state, "销毁")
        carriers[carrier.id] = carrier
    return list(carriers.values())
