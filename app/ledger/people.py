"""The people of the register (涉密人员, R62, R63): borrowers, approvers, witnesses."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.errors import BadInput, RuleViolation
from app.ledger.accounts import require_role
from app.models.accounts import ROLE_CLERK
from app.models.carriers import CLEARANCES, PERSON_STATUSES, Carrier, Person, Training
from app.store.register import Register


def add_person(reg: Register, *, name: str, dept: str = "", clearance: str = "一般",
               is_leader: bool = False, is_principal_leader: bool = False,
               pledge_date: date | None = None, note: str = "") -> int:
    """Register a person; returns the id.  A principal leader is a leader too."""
    require_role(reg, ROLE_CLERK)
    name = name.strip()
    if not name:
        raise BadInput("姓名不能为空。")
    if clearance not in CLEARANCES:
        raise BadInput(f"涉密等级须为 {'、'.join(CLEARANCES)} 之一。")
    with reg.operation("登记人员") as s:
        p = Person(name=name, dept=dept.strip(), clearance=clearance,
                   is_leader=is_leader or is_principal_leader,
                   is_principal_leader=is_principal_leader, pledge_date=pledge_date,
                   status="在岗", note=note, created_at=reg.clock.now())
        s.add(p)
        s.flush()
        return p.id


def held_count(s, person_id: int) -> int:
    """Carriers a person holds now: signed out to them or in their custody."""
    return s.scalar(select(func.count()).select_from(Carrier).where(
        ((Carrier.holder_id == person_id) & Carrier.state.in_(("借出", "外出携带"))) |
        ((Carrier.custodian_id == person_id) & Carrier.state.in_(("在库", "已归档"))))) or 0


def set_status(reg: Register, person: str | int, status: str, *,
               until: date | None = None) -> None:
    """在岗 / 脱密期 (until a date) / 离岗.  Nobody leaves while holding a carrier (R40, R62)."""
    from app.ledger.lookup import person as find
    require_role(reg, ROLE_CLERK)
    if status not in PERSON_STATUSES:
        raise BadInput(f"人员状态须为 {'、'.join(PERSON_STATUSES)} 之一。")
    if status == "脱密期" and until is None:
        raise BadInput("脱密期须填写截止日期。")
    with reg.operation("人员状态变更") as s:
        p = find(s, person)
        if status != "在岗":
            n = held_count(s, p.id)
            if n:
                raise RuleViolation("R40", f"{p.name} 仍持有或保管 {n} 件涉密载体，须先归还或办理交接，"
                                           f"才能设为{status}", "保密制度汇编 六、1（9）")
        p.status = status
        p.declassify_until = until if status == "脱密期" else None


def add_training(reg: Register, person: str | int, *, on: date, topic: str,
                 hours: float | None = None, note: str = "") -> int:
    """Record a training (R63)."""
    from app.ledger.lookup import person as find
    require_role(reg, ROLE_CLERK)
    if not topic.strip():
        raise BadInput("培训内容不能为空。")
    with reg.operation("培训登记") as s:
        t = Training(person_id=find(s, person).id, on=on, topic=topic.strip(), hours=hours, note=note)
        s.add(t)
        s.flush()
        return t.id
