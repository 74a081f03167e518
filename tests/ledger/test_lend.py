"""借阅 sign-out: R10, R11, R12, R13, R15 and lending from the archive (R33)."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.errors import BadInput, RuleViolation
from app.ledger import settings
from app.ledger.carriers import NewCarrier, receive
from app.ledger.loans import lend, return_
from app.ledger.people import set_status
from app.ledger.record import record_movement
from app.models.carriers import Carrier
from app.models.movements import Movement
from app.store.journaling import head

MON = date(2026, 11, 2)


def at(hh: int, mm: int = 0, day: date = MON) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm)


def new(reg, level: str = "秘密", scope: list[str] | None = None) -> str:
    serial = "001" if level in ("机密", "绝密") else ""
    [n] = receive(reg, NewCarrier(title="关于做好年度保密检查的通知", level=level, issuer="市保密局",
                                  serial=serial, scope=scope or []), at=at(8, 30))
    return n


def carrier(reg, number: str) -> Carrier:
    with reg.read() as s:
        c = s.scalars(select(Carrier).where(Carrier.number == number)).one()
        s.expunge(c)
        return c


def movement(reg, mid: int) -> Movement:
    with reg.read() as s:
        m = s.get(Movement, mid)
        s.expunge(m)
        return m


def refused(reg, rule: str, fn, *args, **kw) -> RuleViolation:
    with reg.read() as s:
        before = head(s)
    with pytest.raises(RuleViolation) as e:
        fn(*args, **kw)
    assert e.value.rule == rule and rule in e.value.message
    with reg.read() as s:
        assert head(s) == before
    return e.value


# -- the loan row ----------------------------------------------------------------------

def test_loan_records_borrower_approver_due_and_purpose(clerk_reg, people):
    n = new(clerk_reg)
    mid = lend(clerk_reg, n, borrower="张三", approver="李处长", purpose="起草报告")
    m = movement(clerk_reg, mid)
    assert (m.kind, m.person_id, m.approver_id) == ("借出", people["张三"], people["李处长"])
    assert m.occurred_at == at(9) and m.due_at == at(17, 30)
    assert json.loads(m.detail) == {"purpose": "起草报告", "place": "室内", "from_state": "在库"}
    c = carrier(clerk_reg, n)
    assert (c.state, c.holder_id, c.open_movement_id) == ("借出", people["张三"], mid)


# -- R10: a leader approves ------------------------------------------------------------

def test_loan_without_approver_refused_R10(clerk_reg, people):
    n = new(clerk_reg)
    refused(clerk_reg, "R10", lend, clerk_reg, n, borrower="张三", approver=None)


def test_loan_approved_by_non_leader_refused_R10(clerk_reg, people):
    n = new(clerk_reg)
    refused(clerk_reg, "R10", lend, clerk_reg, n, borrower="张三", approver="赵六")


def test_loan_approved_by_leader_who_left_refused_R10(clerk_reg, people):
    set_status(clerk_reg, "李处长", "离岗")
    n = new(clerk_reg)
    refused(clerk_reg, "R10", lend, clerk_reg, n, borrower="张三", approver="李处长")


def test_loan_approved_by_leader_allowed_R10(clerk_reg, people):
    n = new(clerk_reg)
    lend(clerk_reg, n, borrower="张三", approver="李处长")
    assert carrier(clerk_reg, n).state == "借出"


# -- R11: scope, clearance, in post -----------------------------------------------------

@pytest.mark.parametrize("level,borrower", [("机密", "李四"), ("绝密", "张三")])
def test_borrower_not_cleared_for_level_refused_R11(clerk_reg, people, level, borrower):
    n = new(clerk_reg, level)
    refused(clerk_reg, "R11", lend, clerk_reg, n, borrower=borrower, approver="李处长")


@pytest.mark.parametrize("level,borrower", [("秘密", "李四"), ("机密", "张三"), ("绝密", "赵六"),
                                            ("内部", "李四")])
def test_borrower_cleared_for_level_allowed_R11(clerk_reg, people, level, borrower):
    n = new(clerk_reg, level)
    lend(clerk_reg, n, borrower=borrower, approver="李处长")


def test_borrower_outside_reading_scope_refused_R11(clerk_reg, people):
    n = new(clerk_reg, scope=["财务处", "赵六"])
    e = refused(clerk_reg, "R11", lend, clerk_reg, n, borrower="张三", approver="李处长")
    assert "阅读范围" in e.message


@pytest.mark.parametrize("borrower", ["李四", "赵六"])  # by department, by name
def test_borrower_within_reading_scope_allowed_R11(clerk_reg, people, borrower):
    n = new(clerk_reg, scope=["财务处", "赵六"])
    lend(clerk_reg, n, borrower=borrower, approver="李处长")


def test_borrower_in_declassification_period_refused_R11(clerk_reg, people):
    set_status(clerk_reg, "张三", "脱密期", until=date(2027, 5, 1))
    n = new(clerk_reg)
    refused(clerk_reg, "R11", lend, clerk_reg, n, borrower="张三", approver="李处长")


# -- R13: never while out ---------------------------------------------------------------

def test_loan_while_already_out_refused_R13(clerk_reg, people):
    n = new(clerk_reg)
    lend(clerk_reg, n, borrower="张三", approver="李处长")
    refused(clerk_reg, "R13", lend, clerk_reg, n, borrower="赵六", approver="李处长")


def test_loan_after_return_allowed_R13(clerk_reg, people, clock):
    n = new(clerk_reg)
    lend(clerk_reg, n, borrower="张三", approver="李处长")
    clock.advance(hours=2)
    return_(clerk_reg, n, returned_by="张三")
    lend(clerk_reg, n, borrower="赵六", approver="李处长")
    assert carrier(clerk_reg, n).holder_id == people["赵六"]


# -- R12: back the same day --------------------------------------------------------------

def test_office_reading_due_after_end_of_day_refused_R12(clerk_reg, people):
    n = new(clerk_reg)
    refused(clerk_reg, "R12", lend, clerk_reg, n, borrower="张三", approver="李处长",
            due=at(17, 31))
    refused(clerk_reg, "R12", lend, clerk_reg, n, borrower="张三", approver="李处长",
            due=at(10, day=date(2026, 11, 3)))


def test_office_reading_due_within_the_day_allowed_R12(clerk_reg, people):
    n = new(clerk_reg)
    mid = lend(clerk_reg, n, borrower="张三", approver="李处长", due=at(12))
    assert movement(clerk_reg, mid).due_at == at(12)


def test_end_of_day_is_a_setting_R12(clerk_reg, people):
    with clerk_reg.operation("修改设置") as s:
        settings.put(s, "end_of_day", "18:00")
    n = new(clerk_reg)
    mid = lend(clerk_reg, n, borrower="张三", approver="李处长")
    assert movement(clerk_reg, mid).due_at == at(18)


def test_loan_after_hours_is_due_by_midnight_R12(clerk_reg, people, clock):
    n = new(clerk_reg)
    clock.set(at(18, 15))
    mid = lend(clerk_reg, n, borrower="张三", approver="李处长")
    assert movement(clerk_reg, mid).due_at == datetime(2026, 11, 2, 23, 59, 59)


def test_due_before_the_loan_is_bad_input(clerk_reg, people):
    n = new(clerk_reg)
    with pytest.raises(BadInput):
        lend(clerk_reg, n, borrower="张三", approver="李处长", due=at(8))


def test_taking_out_may_be_due_later_R12_R15(clerk_reg, people):
    n = new(clerk_reg, "机密")
    mid = lend(clerk_reg, n, borrower="张三", approver="李处长", place="带出",
               due=at(17, day=date(2026, 11, 4)))
    assert carrier(clerk_reg, n).state == "外出携带"
    assert json.loads(movement(clerk_reg, mid).detail)["place"] == "带出"


# -- R15: taking out ----------------------------------------------------------------------

def test_taking_out_approved_by_non_leader_refused_R15(clerk_reg, people):
    n = new(clerk_reg)
    refused(clerk_reg, "R15", lend, clerk_reg, n, borrower="张三", approver="赵六", place="带出")


def test_top_secret_taken_out_without_principal_leader_refused_R15(clerk_reg, people):
    n = new(clerk_reg, "绝密")
    refused(clerk_reg, "R15", lend, clerk_reg, n, borrower="赵六", approver="王局长", place="带出")


def test_top_secret_taken_out_flagged_but_approved_by_other_leader_refused_R15(clerk_reg, people):
    n = new(clerk_reg, "绝密")
    refused(clerk_reg, "R15", lend, clerk_reg, n, borrower="赵六", approver="李处长", place="带出",
            principal_leader_approved=True)


def test_top_secret_taken_out_with_principal_leader_allowed_R15(clerk_reg, people):
    n = new(clerk_reg, "绝密")
    mid = lend(clerk_reg, n, borrower="赵六", approver="王局长", place="带出",
               principal_leader_approved=True)
    assert carrier(clerk_reg, n).state == "外出携带"
    assert json.loads(movement(clerk_reg, mid).detail)["principal_leader_approved"] is True


def test_top_secret_read_in_the_office_needs_no_principal_leader_R15(clerk_reg, people):
    n = new(clerk_reg, "绝密")
    lend(clerk_reg, n, borrower="赵六", approver="李处长")


def test_unknown_place_is_bad_input(clerk_reg, people):
    n = new(clerk_reg)
    with pytest.raises(BadInput):
        lend(clerk_reg, n, borrower="张三", approver="李处长", place="家里")


# -- R33: lending from the archive ----------------------------------------------------------

def _archive(reg, number: str) -> None:
    with reg.operation("归档") as s:
        c = s.scalars(select(Carrier).where(Carrier.number == number)).one()
        record_movement(s, c, "归档", at(8, 45), detail={"archive_no": "A-1"})


def test_archived_carrier_lent_and_returned_to_archive_R33(clerk_reg, people, clock):
    n = new(clerk_reg)
    _archive(clerk_reg, n)
    mid = lend(clerk_reg, n, borrower="张三", approver="李处长")
    assert json.loads(movement(clerk_reg, mid).detail)["from_state"] == "已归档"
    assert carrier(clerk_reg, n).state == "借出"
    clock.advance(hours=1)
    return_(clerk_reg, n, returned_by="张三")
    assert carrier(clerk_reg, n).state == "已归档"


def test_archived_carrier_without_approval_refused_R33_R10(clerk_reg, people):
    n = new(clerk_reg)
    _archive(clerk_reg, n)
    refused(clerk_reg, "R10", lend, clerk_reg, n, borrower="张三", approver=None)


# -- after the fact (补登记) -------------------------------------------------------------------

def test_loan_entered_after_the_fact_keeps_its_time(clerk_reg, people, clock):
    n = new(clerk_reg)
    clock.set(at(10, day=date(2026, 11, 3)))
    mid = lend(clerk_reg, n, borrower="张三", approver="李处长", at=at(9, 30))
    m = movement(clerk_reg, mid)
    assert m.occurred_at == at(9, 30) and m.due_at == at(17, 30)  # checked as at that day
    assert m.entered_at == at(10, day=date(2026, 11, 3))


def test_loan_before_the_carrier_was_received_is_bad_input(clerk_reg, people):
    n = new(clerk_reg)
    with pytest.raises(BadInput):
        lend(clerk_reg, n, borrower="张三", approver="李处长", at=at(8))


# -- the journal of a loan -------------------------------------------------------------------

def journal_since(reg, seq: int) -> list[dict]:
    from app.models.journal import JournalEntry
    with reg.read() as s:
        bodies = s.scalars(select(JournalEntry.body).where(JournalEntry.seq > seq)
                           .order_by(JournalEntry.seq))
        return [json.loads(b) for b in bodies]


def test_a_loan_writes_and_journals_the_carrier_and_the_movement_once_each(clerk_reg, people):
    """The movement is numbered before it is written, so the carrier points at it in the
    same flush: one entry per changed row, each with the row's old and new values."""
    n = new(clerk_reg)
    with clerk_reg.read() as s:
        seq = head(s)[0]
    mid = lend(clerk_reg, n, borrower=people["张三"], approver=people["李处长"])
    entries = journal_since(clerk_reg, seq)
    c = carrier(clerk_reg, n)
    assert [(e["action"], e["obj_type"], e["obj_id"]) for e in entries] == [
        ("借出", "carriers", str(c.id)), ("借出", "movements", str(mid))]
    changed, added = entries
    assert changed["before"] == {"state": "在库", "holder_id": None, "open_movement_id": None}
    assert {k: changed["after"][k] for k in changed["before"]} == {
        "state": "借出", "holder_id": people["张三"], "open_movement_id": mid}
    assert added["before"] is None and added["after"]["id"] == mid
    with clerk_reg.read() as s:  # SQLite would have given the movement the same id
        assert mid == s.scalar(select(Movement.id).order_by(Movement.id.desc()).limit(1))


def test_loan_with_people_named_by_name_or_id_or_unknown(clerk_reg, people):
    """Approver and borrower are loaded with the carrier when named by id; by name, or
    by an id nobody has, they are looked up (and refused) exactly as before."""
    n = new(clerk_reg)
    from app.errors import NotFound
    with pytest.raises(NotFound, match="编号为 999 的借阅人"):
        lend(clerk_reg, n, borrower=999, approver=people["李处长"])
    with pytest.raises(NotFound, match="编号为 998 的批准人"):
        lend(clerk_reg, n, borrower=999, approver="998")
    refused(clerk_reg, "R10", lend, clerk_reg, n, borrower=people["李处长"], approver=str(people["张三"]))
    mid = lend(clerk_reg, n, borrower="张三", approver=str(people["李处长"]))
    assert (movement(clerk_reg, mid).person_id, movement(clerk_reg, mid).approver_id) == (
        people["张三"], people["李处长"])
