"""传阅: readers in order, each step out and back through the custodian (R10, R11, R13, R14)."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from app.errors import BadInput
from app.ledger.carriers import NewCarrier, receive
from app.ledger.circulation import next_reader, start_circulation, stop_circulation
from app.ledger.loans import lend, return_
from app.ledger.state import replay
from app.models.movements import Batch
from ledger_support import movements, refused
from ledger_support import carrier as _carrier


def carrier_state(reg, number: str) -> str:
    return _carrier(reg, number).state


def new(reg, level: str = "秘密", scope: list[str] | None = None) -> str:
    [n] = receive(reg, NewCarrier(title="上级来文：关于春节期间保密工作的通知", level=level,
                                  serial="001", scope=scope or []),
                  at=datetime(2026, 11, 2, 8, 30))
    return n


def batch(reg, bid: int) -> Batch:
    with reg.read() as s:
        b = s.get(Batch, bid)
        s.expunge(b)
        return b


def test_circulation_goes_through_the_custodian_between_readers_R13(clerk_reg, people, clock):
    n = new(clerk_reg)
    bid = start_circulation(clerk_reg, n, readers=["张三", "赵六", "李四"], approver="李处长")
    assert batch(clerk_reg, bid).status == "进行中"
    for _ in range(2):
        clock.advance(hours=1)
        assert next_reader(clerk_reg, n) is not None
    clock.advance(hours=1)
    assert next_reader(clerk_reg, n) is None  # the last reader brought it back
    ms = movements(clerk_reg, n)
    assert [m.kind for m in ms] == ["收文", "借出", "归还", "借出", "归还", "借出", "归还"]
    loans = [m for m in ms if m.kind == "借出"]
    assert [m.person_id for m in loans] == [people["张三"], people["赵六"], people["李四"]]
    # Every loan is closed by a return of the same reader before the next goes out.
    for loan, back in zip(ms[1::2], ms[2::2]):
        assert loan.kind == "借出" and back.kind == "归还"
        assert back.person_id == loan.person_id and loan.closed_by_id == back.id
    assert {m.batch_id for m in ms[1:]} == {bid}
    assert {m.approver_id for m in loans} == {people["李处长"]}
    assert carrier_state(clerk_reg, n) == "在库"
    assert replay((m.kind, json.loads(m.detail)) for m in ms) == "在库"
    b = batch(clerk_reg, bid)
    assert b.kind == "传阅" and b.status == "完成" and json.loads(b.detail)["served"] == 3


def test_each_reader_has_it_for_the_day_only_R12(clerk_reg, people):
    n = new(clerk_reg)
    start_circulation(clerk_reg, n, readers=["张三"], approver="李处长")
    loan = movements(clerk_reg, n)[-1]
    assert loan.due_at == datetime(2026, 11, 2, 17, 30)
    assert json.loads(loan.detail)["place"] == "室内"


def test_reader_returning_on_their_own_then_next_reader(clerk_reg, people, clock):
    n = new(clerk_reg)
    start_circulation(clerk_reg, n, readers=["张三", "赵六"], approver="李处长")
    clock.advance(hours=1)
    return_(clerk_reg, n, returned_by="张三")
    next_reader(clerk_reg, n)
    assert movements(clerk_reg, n)[-1].person_id == people["赵六"]


# -- R11: every reader checked at the start -------------------------------------------

def test_one_reader_outside_the_scope_refuses_the_whole_circulation_R11(clerk_reg, people):
    n = new(clerk_reg, scope=["办公室"])
    refused(clerk_reg, "R11", start_circulation, clerk_reg, n, readers=["张三", "赵六", "李四"],
            approver="李处长")
    assert carrier_state(clerk_reg, n) == "在库" and len(movements(clerk_reg, n)) == 1


def test_one_reader_not_cleared_refuses_the_whole_circulation_R11(clerk_reg, people):
    n = new(clerk_reg, level="机密")
    refused(clerk_reg, "R11", start_circulation, clerk_reg, n, readers=["张三", "李四"],
            approver="李处长")


def test_readers_within_scope_and_cleared_allowed_R11(clerk_reg, people):
    n = new(clerk_reg, level="机密", scope=["办公室"])
    start_circulation(clerk_reg, n, readers=["张三", "赵六", "李处长"], approver="李处长")
    assert carrier_state(clerk_reg, n) == "借出"


# -- R10 ------------------------------------------------------------------------------

def test_circulation_without_leader_approval_refused_R10(clerk_reg, people):
    n = new(clerk_reg)
    refused(clerk_reg, "R10", start_circulation, clerk_reg, n, readers=["张三"], approver="赵六")


# -- R13: not while out; not someone else's loan ----------------------------------------

def test_circulation_of_a_carrier_that_is_out_refused_R13(clerk_reg, people):
    n = new(clerk_reg)
    lend(clerk_reg, n, borrower="赵六", approver="李处长")
    refused(clerk_reg, "R13", start_circulation, clerk_reg, n, readers=["张三"], approver="李处长")


def test_next_reader_while_lent_outside_the_circulation_refused_R13(clerk_reg, people, clock):
    n = new(clerk_reg)
    start_circulation(clerk_reg, n, readers=["张三", "赵六"], approver="李处长")
    clock.advance(hours=1)
    return_(clerk_reg, n, returned_by="张三")
    lend(clerk_reg, n, borrower="李处长", approver="王局长")
    clock.advance(hours=1)
    refused(clerk_reg, "R13", next_reader, clerk_reg, n)


# -- R14: the reader signs before it moves on ---------------------------------------------

def test_next_reader_without_signature_refused_R14(clerk_reg, people, clock):
    n = new(clerk_reg)
    start_circulation(clerk_reg, n, readers=["张三", "赵六"], approver="李处长")
    clock.advance(hours=1)
    refused(clerk_reg, "R14", next_reader, clerk_reg, n, reader_signed=False)
    assert next_reader(clerk_reg, n, reader_signed=True) is not None


# -- bad input, stopping ----------------------------------------------------------------------

@pytest.mark.parametrize("readers", [[], ["张三", "张三"]])
def test_reader_list_must_be_non_empty_and_distinct(clerk_reg, people, readers):
    n = new(clerk_reg)
    with pytest.raises(BadInput):
        start_circulation(clerk_reg, n, readers=readers, approver="李处长")


def test_second_circulation_while_one_is_open_is_bad_input(clerk_reg, people, clock):
    n = new(clerk_reg)
    start_circulation(clerk_reg, n, readers=["张三", "赵六"], approver="李处长")
    clock.advance(hours=1)
    return_(clerk_reg, n, returned_by="张三")
    with pytest.raises(BadInput):
        start_circulation(clerk_reg, n, readers=["李四"], approver="李处长")


def test_stop_circulation_only_when_back_with_the_custodian_R13(clerk_reg, people, clock):
    n = new(clerk_reg)
    bid = start_circulation(clerk_reg, n, readers=["张三", "赵六"], approver="李处长")
    clock.advance(hours=1)
    refused(clerk_reg, "R13", stop_circulation, clerk_reg, n, reason="赵六出差")
    return_(clerk_reg, n, returned_by="张三")
    stop_circulation(clerk_reg, n, reason="赵六出差")
    b = batch(clerk_reg, bid)
    assert b.status == "完成" and json.loads(b.detail)["stop_reason"] == "赵六出差"
    with pytest.raises(BadInput):
        next_reader(clerk_reg, n)
