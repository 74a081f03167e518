"""借阅 (sign-out) and 归还 (sign-in): the 借阅登记 ledger, R10–R15 and R33.

A loan is a 借出 movement; the 归还 movement closes it (loan.closed_by_id).
While a loan is open the carrier names its holder and the open movement.
"""
from __future__ import annotations

import json
from datetime import datetime, time

from sqlalchemy.orm import Session

from app.errors import BadInput, RuleViolation
from app.ledger import lookup, settings
from app.ledger.accounts import require_role
from app.ledger.record import event_time, record_movement
from app.ledger.state import ARCHIVED, next_state
from app.models.accounts import ROLE_CLERK
from app.models.carriers import Carrier, Person
from app.models.movements import Movement
from app.store.register import Register

PLACES = ("室内", "带出")
SRC_APPROVAL = "保密制度汇编 六、1（3）"
SRC_SCOPE = "保密制度汇编 四、五；六、2（4）"
SRC_OVERNIGHT = "保密制度汇编 六、2（4）；十八、一"
SRC_NO_LENDING_ON = "保密制度汇编 六、1（4）"
SRC_SIGN = "保密制度汇编 十八、二"
SRC_TAKE_OUT = "保密制度汇编 五、三；六、1（4）"


# -- time -------------------------------------------------------------------------

def end_of_day(s: Session, when: datetime) -> datetime:
    """The end of the working day (setting end_of_day, default 17:30) of `when`'s day.

    A loan that starts after that hour must still come back the same day: its
    day ends at midnight.
    """
    hh, mm = (int(p) for p in str(settings.get(s, "end_of_day")).split(":"))
    end = datetime.combine(when.date(), time(hh, mm))
    return end if when < end else datetime.combine(when.date(), time(23, 59, 59))


# -- the checks -------------------------------------------------------------------

def check_approver(s: Session, ref: str | int | None, *, taking_out: bool) -> Person:
    """R10 (R15 when taking out): a leader of the register, still in post, approves."""
    rule, src = ("R15", SRC_TAKE_OUT) if taking_out else ("R10", SRC_APPROVAL)
    what = "携带外出" if taking_out else "借阅"
    if ref is None or ref == "":
        raise RuleViolation(rule, f"{what}须经领导批准，请填写批准人", src)
    approver = lookup.person(s, ref, what="批准人")
    if not approver.is_leader:
        raise RuleViolation(rule, f"{approver.name} 不是领导，不能批准{what}", src)
    if approver.status != "在岗":
        raise RuleViolation(rule, f"{approver.name} 已{approver.status}，不能批准{what}", src)
    return approver


def check_reader(carrier: Carrier, reader: Person) -> None:
    """R11: in post, cleared for the 密级, and within the reading scope the issuer set."""
    if reader.status != "在岗":
        raise RuleViolation("R11", f"{reader.name} 处于{reader.status}，不能借阅涉密载体", SRC_SCOPE)
    if lookup.level_rank(carrier.level) > 0:
        top = lookup.CLEARANCE_MAX.get(reader.clearance, "内部")
        if lookup.level_rank(carrier.level) > lookup.level_rank(top):
            raise RuleViolation("R11", f"{reader.name}（{reader.clearance}涉密人员）最高只能知悉{top}级，"
                                       f"不能借阅{carrier.level}载体 {carrier.number}", SRC_SCOPE)
    people, depts = lookup.scope_of(carrier)
    if (people or depts) and reader.id not in people and reader.dept not in depts:
        allowed = "、".join(depts + [f"{len(people)}名指定人员"] if people else depts)
        raise RuleViolation("R11", f"{reader.name}（{reader.dept}）不在 {carrier.number} 的阅读范围（{allowed}）内，"
                                   "不得擅自扩大阅读范围", SRC_SCOPE)


def _check_take_out(carrier: Carrier, approver: Person, principal_leader_approved: bool) -> None:
    """R15: 绝密 is not taken out, unless the unit's principal leader approved it."""
    if carrier.level != "绝密":
        return
    if not principal_leader_approved:
        raise RuleViolation("R15", "绝密载体原则上不准携带外出，确需携带须经本单位主要领导批准", SRC_TAKE_OUT)
    if not approver.is_principal_leader:
        raise RuleViolation("R15", f"{approver.name} 不是本单位主要领导，不能批准绝密载体携带外出", SRC_TAKE_OUT)


def _check_due(s: Session, carrier: Carrier, when: datetime, due: datetime | None,
               place: str) -> datetime:
    """R12: the due time defaults to the end of the working day; reading in the
    office never runs overnight."""
    day_end = end_of_day(s, when)
    if due is None:
        return day_end
    if due <= when:
        raise BadInput(f"应还时间 {due:%Y-%m-%d %H:%M} 须晚于借出时间 {when:%Y-%m-%d %H:%M}。")
    if place == "室内" and due > day_end:
        raise RuleViolation("R12", f"室内阅读的载体须当天交还保密员，不得在个人手里过夜（应还时间不得晚于 "
                                   f"{day_end:%Y-%m-%d %H:%M}）；确需带出须登记为携带外出", SRC_OVERNIGHT)
    return due


# -- lending ----------------------------------------------------------------------

def lend(reg: Register, number: str, *, borrower: str | int, approver: str | int | None,
         purpose: str = "", place: str = "室内", due: datetime | None = None,
         principal_leader_approved: bool = False, at: datetime | None = None) -> int:
    """Sign a carrier out (借阅登记); returns the 借出 movement id.

    R10 a leader approves; R11 the borrower is in post, cleared for the level
    and within the reading scope; R13 not while it is out; R12 the due time
    defaults to the end of the working day and reading in the office never runs
    overnight; R15 taking out (带出) needs a leader, 绝密 only with the principal
    leader's approval.  R33: an archived carrier may be lent and goes back to
    the archive on return.
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("借出") as s:
        return lend_in(s, number, borrower=borrower, approver=approver, purpose=purpose,
                       place=place, due=due, principal_leader_approved=principal_leader_approved,
                       at=at).id


def lend_in(s: Session, number: str, *, borrower: str | int, approver: str | int | None,
            purpose: str = "", place: str = "室内", due: datetime | None = None,
            principal_leader_approved: bool = False, at: datetime | None = None,
            batch_id: int | None = None) -> Movement:
    """`lend` inside a caller's transaction; `batch_id` ties a step of a circulation (传阅)."""
    if place not in PLACES:
        raise BadInput(f"阅读地点须为 {'、'.join(PLACES)} 之一。")
    when = event_time(s, at)
    # The approver and the borrower come with the carrier; check_approver and
    # lookup.person below find them in the session (kept alive by `_people`).
    carrier, _people = lookup.carrier_with_people(s, number, approver, borrower)
    from_state = carrier.state
    detail = {"purpose": purpose.strip(), "place": place, "from_state": from_state}
    next_state(from_state, "借出", detail)  # R13 (and destroyed/sent/...) before anything else
    taking_out = place == "带出"
    leader = check_approver(s, approver, taking_out=taking_out)
    reader = lookup.person(s, borrower, what="借阅人")
    check_reader(carrier, reader)
    if taking_out:
        _check_take_out(carrier, leader, principal_leader_approved)
        detail["principal_leader_approved"] = bool(principal_leader_approved)
    due_at = _check_due(s, carrier, when, due, place)
    # Numbered up front, so the carrier can point at it without a flush of its own:
    # the flush at commit writes and journals the carrier once, not twice.
    movement = record_movement(s, carrier, "借出", when, person_id=reader.id, approver_id=leader.id,
                               batch_id=batch_id, due_at=due_at, detail=detail, numbered=True)
    carrier.holder_id = reader.id
    carrier.open_movement_id = movement.id
    return movement


# -- returning --------------------------------------------------------------------

def return_(reg: Register, number: str, *, returned_by: str | int, pages_checked: bool = True,
            condition: str = "完好", reader_signed: bool = True, at: datetime | None = None) -> int:
    """Sign a carrier back in (归还); returns the 归还 movement id.

    R13 only the person who signed it out brings it back (不准转借); R14 the
    reader has signed (阅件后签名).  Coming back late is allowed and recorded
    (detail late=True; flagged "R12 逾期归还" when it stayed out overnight past its
    due day).  An archived carrier goes back to the archive (R33).
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("归还") as s:
        return return_in(s, number, returned_by=returned_by, pages_checked=pages_checked,
                         condition=condition, reader_signed=reader_signed, at=at).id


def open_loan(s: Session, carrier: Carrier) -> Movement:
    """The 借出 movement now open for a carrier that is out."""
    loan = lookup.by_id(s, Movement, carrier.open_movement_id) if carrier.open_movement_id else None
    if loan is None or loan.kind != "借出" or loan.closed_by_id is not None:
        raise BadInput(f"载体 {carrier.number} 没有未归还的借阅记录。")
    return loan


def return_in(s: Session, number: str, *, returned_by: str | int, pages_checked: bool = True,
              condition: str = "完好", reader_signed: bool = True,
              at: datetime | None = None) -> Movement:
    """`return_` inside a caller's transaction."""
    when = event_time(s, at)
    # The loan and its borrower come with the carrier; open_loan and lookup.person below
    # find them in the session (kept alive by `_held`) instead of querying again.
    carrier, *_held = lookup.carrier_and_loan(s, number)
    next_state(carrier.state, "归还", {})  # "not out" refusals first
    loan = open_loan(s, carrier)
    person = lookup.person(s, returned_by, what="归还人")
    if person.id != loan.person_id:
        borrower = s.get(Person, loan.person_id)
        raise RuleViolation("R13", f"{carrier.number} 由 {borrower.name if borrower else '他人'} 借出，"
                                   f"只能由其本人交还保密员；借阅人不准把文件转借他人", SRC_NO_LENDING_ON)
    if not reader_signed:
        raise RuleViolation("R14", "阅件后须由阅读人签名，签名后方可办理归还", SRC_SIGN)
    loan_detail = json.loads(loan.detail or "{}")
    detail = {"pages_checked": bool(pages_checked), "condition": condition.strip() or "完好",
              "reader_signed": True, "late": bool(loan.due_at and when > loan.due_at)}
    if loan_detail.get("from_state") == ARCHIVED:
        detail["from_state"] = ARCHIVED  # back to the archive, not to 在库 (R33)
    flag = ""
    if loan.due_at and when > loan.due_at and when.date() > loan.due_at.date():
        flag = f"R12 逾期归还：应于{loan.due_at:%Y-%m-%d %H:%M}归还，{when:%Y-%m-%d %H:%M}归还（过夜）"
    # Numbered up front like the loan (see lend_in): one flush, each row journaled once.
    movement = record_movement(s, carrier, "归还", when, person_id=person.id,
                               batch_id=loan.batch_id, flagged=flag, detail=detail, numbered=True)
    loan.closed_by_id = movement.id
    carrier.holder_id = None
    carrier.open_movement_id = None
    return movement

