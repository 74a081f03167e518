"""归还 sign-in: R13 (only the borrower brings it back), R14 (reader signs), late returns (R12)."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.errors import BadInput, RuleViolation
from app.ledger.carriers import NewCarrier, receive
from app.ledger.loans import lend, return_
from app.ledger.state import replay
from app.models.carriers import Carrier
from app.models.movements import Movement
from app.store.journaling import head

MON, TUE, THU = date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 5)


def at(hh: int, mm: int = 0, day: date = MON) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm)


@pytest.fixture
def out(clerk_reg, people) -> str:
    """A 秘密 document signed out to 张三 at 09:00, due 17:30."""
    [n] = receive(clerk_reg, NewCarrier(title="干部任免通知", level="秘密", issuer="市委组织部"),
                  at=at(8, 30))
    lend(clerk_reg, n, borrower="张三", approver="李处长")
    return n


def carrier(reg, number: str) -> Carrier:
    with reg.read() as s:
        c = s.scalars(select(Carrier).where(Carrier.number == number)).one()
        s.expunge(c)
        return c


def history(reg, number: str) -> list[Movement]:
    with reg.read() as s:
        c = s.scalars(select(Carrier).where(Carrier.number == number)).one()
        ms = list(s.scalars(select(Movement).where(Movement.carrier_id == c.id).order_by(Movement.id)))
        s.expunge_all()
        return ms


def refused(reg, rule: str, fn, *args, **kw) -> None:
    with reg.read() as s:
        before = head(s)
    with pytest.raises(RuleViolation) as e:
        fn(*args, **kw)
    assert e.value.rule == rule and rule in e.value.message
    with reg.read() as s:
        assert head(s) == before


# -- R13: only the borrower returns it -------------------------------------------------

def test_return_by_someone_else_refused_R13(clerk_reg, out, clock):
    clock.set(at(11))
    refused(clerk_reg, "R13", return_, clerk_reg, out, returned_by="赵六")
    assert carrier(clerk_reg, out).state == "借出"


def test_return_by_the_borrower_allowed_and_closes_the_loan_R13(clerk_reg, out, clock, people):
    clock.set(at(11))
    rid = return_(clerk_reg, out, returned_by="张三", condition="完好")
    loan, back = history(clerk_reg, out)[-2:]
    assert back.id == rid and back.kind == "归还" and back.person_id == people["张三"]
    assert loan.closed_by_id == rid
    assert json.loads(back.detail) == {"pages_checked": True, "condition": "完好",
                                       "reader_signed": True, "late": False}
    c = carrier(clerk_reg, out)
    assert (c.state, c.holder_id, c.open_movement_id) == ("在库", None, None)


def test_return_of_a_carrier_not_out_refused_R13(clerk_reg, out, clock):
    clock.set(at(11))
    return_(clerk_reg, out, returned_by="张三")
    refused(clerk_reg, "R13", return_, clerk_reg, out, returned_by="张三")


# -- R14: the reader signs ---------------------------------------------------------------

def test_return_without_reader_signature_refused_R14(clerk_reg, out, clock):
    clock.set(at(11))
    refused(clerk_reg, "R14", return_, clerk_reg, out, returned_by="张三", reader_signed=False)


def test_return_with_reader_signature_allowed_R14(clerk_reg, out, clock):
    clock.set(at(11))
    return_(clerk_reg, out, returned_by="张三", reader_signed=True, pages_checked=True)
    assert json.loads(history(clerk_reg, out)[-1].detail)["reader_signed"] is True


# -- late returns (R12) -------------------------------------------------------------------

def test_return_after_due_same_day_is_late_but_not_overnight_R12(clerk_reg, out, clock):
    clock.set(at(18))
    return_(clerk_reg, out, returned_by="张三")
    back = history(clerk_reg, out)[-1]
    assert json.loads(back.detail)["late"] is True and back.flagged == ""


def test_return_next_day_is_flagged_overnight_R12(clerk_reg, out, clock):
    clock.set(at(9, day=TUE))
    return_(clerk_reg, out, returned_by="张三", condition="缺第3页", pages_checked=True)
    back = history(clerk_reg, out)[-1]
    assert json.loads(back.detail)["late"] is True
    assert json.loads(back.detail)["condition"] == "缺第3页"
    assert back.flagged.startswith("R12 逾期归还")


def test_taken_out_returned_by_its_due_day_not_late_R12(clerk_reg, people, clock):
    [n] = receive(clerk_reg, NewCarrier(title="外出汇报材料", level="秘密"), at=at(8, 30))
    lend(clerk_reg, n, borrower="张三", approver="李处长", place="带出", due=at(17, day=THU))
    clock.set(at(10, day=THU))
    return_(clerk_reg, n, returned_by="张三")
    back = history(clerk_reg, n)[-1]
    assert json.loads(back.detail)["late"] is False and back.flagged == ""
    assert carrier(clerk_reg, n).state == "在库"


def test_return_entered_after_the_fact(clerk_reg, out, clock):
    clock.set(at(9, day=TUE))
    return_(clerk_reg, out, returned_by="张三", at=at(16))
    back = history(clerk_reg, out)[-1]
    assert back.occurred_at == at(16) and back.flagged == ""
    assert json.loads(back.detail)["late"] is False


def test_return_before_the_loan_is_bad_input(clerk_reg, out, clock):
    clock.set(at(11))
    with pytest.raises(BadInput):
        return_(clerk_reg, out, returned_by="张三", at=at(8, 45))


def test_state_equals_replay_after_loans_and_returns(clerk_reg, out, clock):
    clock.set(at(11))
    return_(clerk_reg, out, returned_by="张三")
    lend(clerk_reg, out, borrower="赵六", approver="李处长", place="带出", due=at(17, day=TUE))
    ms = history(clerk_reg, out)
    assert [m.kind for m in ms] == ["收文", "借出", "归还", "借出"]
    assert replay((m.kind, json.loads(m.detail)) for m in ms) == carrier(clerk_reg, out).state == "外出携带"
    assert ms[-1].state_after == "外出携带"


# -- the journal of a return -----------------------------------------------------------------

def test_a_return_journals_the_carrier_the_loan_and_the_return_once_each(clerk_reg, out, clock, people):
    """One flush: the carrier, the loan it closes and the new movement, each journaled
    once with its old and new values (the loan's closed_by_id points at the return)."""
    from app.models.journal import JournalEntry
    clock.set(at(11))
    [loan] = [m for m in history(clerk_reg, out) if m.kind == "借出"]
    with clerk_reg.read() as s:
        seq = head(s)[0]
    rid = return_(clerk_reg, out, returned_by=people["张三"])
    with clerk_reg.read() as s:
        entries = [json.loads(b) for b in s.scalars(
            select(JournalEntry.body).where(JournalEntry.seq > seq).order_by(JournalEntry.seq))]
    c = carrier(clerk_reg, out)
    assert [(e["obj_type"], e["obj_id"]) for e in entries] == [
        ("carriers", str(c.id)), ("movements", str(loan.id)), ("movements", str(rid))]
    changed, closed, added = entries
    assert changed["before"] == {"state": "借出", "holder_id": people["张三"],
                                 "open_movement_id": loan.id}
    assert {k: changed["after"][k] for k in changed["before"]} == {
        "state": "在库", "holder_id": None, "open_movement_id": None}
    assert closed["before"] == {"closed_by_id": None} and closed["after"]["closed_by_id"] == rid
    assert added["before"] is None and added["after"]["kind"] == "归还"
    assert rid == loan.id + 1


def test_return_of_an_unknown_carrier_is_not_found(clerk_reg, out, clock):
    from app.errors import NotFound
    clock.set(at(11))
    with pytest.raises(NotFound, match="没有编号为 2026-999999 的载体"):
        return_(clerk_reg, "2026-999999", returned_by="张三")
