"""The people of the register (涉密人员, R62, R63): borrowers, approvers, witnesses."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import BadInput, RuleViolation
from app.ledger import lookup
from app.ledger.accounts import require_role
from app.models.accounts import ROLE_CLERK
from app.models.carriers import CLEARANCES, PERSON_STATUSES, Carrier, Person, Training
from app.store.register import Register

# States in which a carrier is still somebody's responsibility in this unit.
_HELD_BY_HOLDER = ("借出", "外出携带")
_HELD_BY_CUSTODIAN = ("在库", "借出", "外出携带", "已归档", "下落不明")


@dataclass(frozen=True)
class PersonInfo:
    id: int
    name: str
    dept: str
    clearance: str
    is_leader: bool
    is_principal_leader: bool
    pledge_date: date | None
    status: str
    declassify_until: date | None
    held: int
    trainings: int


def add_person(reg: Register, *, name: str, dept: str = "", clearance: str = "一般",
               is_leader: bool = False, is_principal_leader: bool = False,
               pledge_date: date | None = None, note: str = "") -> int:
    """Register a person (涉密人员, R62: with the date of the 保密承诺书); returns the id.

    A principal leader (主要领导, who alone may let 绝密 be taken out, R15) is a leader too.
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("登记人员") as s:
        return add_person_in(s, name=name, dept=dept, clearance=clearance, is_leader=is_leader,
                             is_principal_leader=is_principal_leader, pledge_date=pledge_date,
                             note=note)


def add_person_in(s: Session, *, name: str, dept: str = "", clearance: str = "一般",
                  is_leader: bool = False, is_principal_leader: bool = False,
                  pledge_date: date | None = None, note: str = "") -> int:
    """`add_person` inside a caller's transaction (bulk import, demo data)."""
    name, dept = name.strip(), dept.strip()
    if not name:
        raise BadInput("姓名不能为空。")
    if "/" in name:
        raise BadInput("姓名中不能含有「/」（「姓名/部门」用于区分同名人员）。")
    if clearance not in CLEARANCES:
        raise BadInput(f"涉密等级须为 {'、'.join(CLEARANCES)} 之一。")
    # Same name and department could never be told apart when chosen as a borrower.
    if s.scalars(select(Person.id).where(Person.name == name, Person.dept == dept)).first():
        raise BadInput(f"{dept or '（无部门）'}已有名为「{name}」的人员，不能重复登记。")
    p = Person(name=name, dept=dept, clearance=clearance,
               is_leader=is_leader or is_principal_leader,
               is_principal_leader=is_principal_leader, pledge_date=pledge_date,
               status="在岗", note=note, created_at=s.info["clock"].now())
    s.add(p)
    s.flush()
    return p.id


def held_count(s: Session, person_id: int) -> int:
    """Carriers a person answers for now: signed out to them, or in their custody."""
    return s.scalar(select(func.count()).select_from(Carrier).where(
        ((Carrier.holder_id == person_id) & Carrier.state.in_(_HELD_BY_HOLDER)) |
        ((Carrier.custodian_id == person_id) & Carrier.state.in_(_HELD_BY_CUSTODIAN)))) or 0


def _held_counts(s: Session) -> dict[int, int]:
    """`held_count` of everyone at once: grouped queries instead of one per person.

    A carrier borrowed by one person and kept by another counts for each; one
    borrowed by its own custodian counts once (hence the subtraction)."""
    counts: dict[int, int] = {}
    both = tuple(st for st in _HELD_BY_HOLDER if st in _HELD_BY_CUSTODIAN)
    for column, states, sign, extra in (
            (Carrier.holder_id, _HELD_BY_HOLDER, 1, None),
            (Carrier.custodian_id, _HELD_BY_CUSTODIAN, 1, None),
            (Carrier.holder_id, both, -1, Carrier.holder_id == Carrier.custodian_id)):
        q = select(column, func.count()).where(column.is_not(None), Carrier.state.in_(states))
        if extra is not None:
            q = q.where(extra)
        for pid, n in s.execute(q.group_by(column)):
            counts[pid] = counts.get(pid, 0) + sign * n
    return counts


def set_status(reg: Register, person: str | int, status: str, *,
               until: date | None = None) -> None:
    """在岗 / 脱密期 (until a date) / 离岗.

    R40, R62: nobody enters the 脱密期 or leaves while holding or keeping a
    carrier; the return (归还) or the handover (交接) comes first.
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("人员状态变更") as s:
        set_status_in(s, person, status, until=until)


def set_status_in(s: Session, person: str | int, status: str, *, until: date | None = None) -> None:
    if status not in PERSON_STATUSES:
        raise BadInput(f"人员状态须为 {'、'.join(PERSON_STATUSES)} 之一。")
    if status == "脱密期" and until is None:
        raise BadInput("脱密期须填写截止日期。")
    if status == "脱密期" and until <= s.info["clock"].now().date():
        raise BadInput("脱密期的截止日期应晚于今天。")
    p = lookup.person(s, person)
    if status != "在岗":
        n = held_count(s, p.id)
        if n:
            raise RuleViolation(
                "R40", f"{p.name} 仍持有或保管 {n} 件涉密载体，须先归还或办理交接，才能设为{status}"
                       f"（离岗前须将保管的文件如数移交，R62）", "保密制度汇编 六、1（9）")
    p.status = status
    p.declassify_until = until if status == "脱密期" else None


def add_training(reg: Register, person: str | int, *, on: date, topic: str,
                 hours: float | None = None, note: str = "") -> int:
    """Record a training of a person (R63)."""
    require_role(reg, ROLE_CLERK)
    with reg.operation("培训登记") as s:
        return add_training_in(s, person, on=on, topic=topic, hours=hours, note=note)


def add_training_in(s: Session, person: str | int, *, on: date, topic: str,
                    hours: float | None = None, note: str = "") -> int:
    if not topic.strip():
        raise BadInput("培训内容不能为空。")
    if hours is not None and hours <= 0:
        raise BadInput("培训学时应为正数。")
    if on > s.info["clock"].now().date():
        raise BadInput("培训日期不能晚于今天。")
    t = Training(person_id=lookup.person(s, person).id, on=on, topic=topic.strip(),
                 hours=hours, note=note)
    s.add(t)
    s.flush()
    return t.id


def list_people(reg: Register) -> list[PersonInfo]:
    """Everyone of the register, by department and name, with what they hold (涉密人员登记)."""
    with reg.read() as s:
        trainings = dict(s.execute(select(Training.person_id, func.count())
                                   .group_by(Training.person_id)).all())
        held = _held_counts(s)
        return [PersonInfo(p.id, p.name, p.dept, p.clearance, p.is_leader, p.is_principal_leader,
                           p.pledge_date, p.status, p.declassify_until, held.get(p.id, 0),
                           trainings.get(p.id, 0))
                for p in s.scalars(select(Person).order_by(Person.dept, Person.name, Person.id))]
