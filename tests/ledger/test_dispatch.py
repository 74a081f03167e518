"""发文 dispatch and its receipt (回执): R25 never by ordinary post, R02 signed for."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from app.errors import BadInput
from app.ledger.carriers import NewCarrier, receive
from app.ledger.dispatch import dispatch, receipt_signed
from app.ledger.loans import lend
from app.ledger.state import replay
from ledger_support import movements, refused
from ledger_support import carrier as _carrier


def carrier_state(reg, number: str) -> str:
    return _carrier(reg, number).state


@pytest.fixture
def doc(clerk_reg, people) -> str:
    [n] = receive(clerk_reg, NewCarrier(title="关于报送年度保密自查报告的函", level="机密", serial="001",
                                        origin="自制", approved_by="李处长", approved_count=1),
                  at=datetime(2026, 11, 2, 8, 30))
    return n


@pytest.mark.parametrize("channel", ["普通邮寄", "平信", "快递", "邮政", "EMS特快专递", "传真", ""])
def test_dispatch_by_other_than_secure_channel_refused_R25(clerk_reg, doc, channel):
    refused(clerk_reg, "R25", dispatch, clerk_reg, doc, to_unit="市保密局", channel=channel)
    assert carrier_state(clerk_reg, doc) == "在库"


@pytest.mark.parametrize("channel,written", [("机要通信", "机要通信"), ("机要交通", "机要通信"),
                                             ("保密员", "保密员")])
def test_dispatch_by_secure_channel_allowed_R25(clerk_reg, doc, channel, written):
    mid = dispatch(clerk_reg, doc, to_unit="市保密局", channel=channel)
    m = movements(clerk_reg, doc)[-1]
    assert (m.id, m.kind, m.state_after) == (mid, "发文", "已发出")
    assert json.loads(m.detail) == {"to": "市保密局", "channel": written}
    assert carrier_state(clerk_reg, doc) == "已发出"


def test_dispatch_by_named_person_allowed_R25(clerk_reg, doc, people):
    dispatch(clerk_reg, doc, to_unit="市委办公室", channel="专人", sent_by="张三")
    assert movements(clerk_reg, doc)[-1].person_id == people["张三"]


def test_dispatch_by_person_without_name_is_bad_input(clerk_reg, doc):
    with pytest.raises(BadInput):
        dispatch(clerk_reg, doc, to_unit="市委办公室", channel="专人")
    with pytest.raises(BadInput):
        dispatch(clerk_reg, doc, to_unit=" ", channel="机要通信")


def test_dispatch_of_a_carrier_that_is_out_refused_R25(clerk_reg, doc):
    lend(clerk_reg, doc, borrower="赵六", approver="李处长")
    refused(clerk_reg, "R25", dispatch, clerk_reg, doc, to_unit="市保密局", channel="机要通信")


def test_sent_carrier_accepts_no_loan(clerk_reg, doc):
    dispatch(clerk_reg, doc, to_unit="市保密局", channel="机要通信")
    refused(clerk_reg, "R13", lend, clerk_reg, doc, borrower="赵六", approver="李处长")


# -- the receipt comes back (R02) -------------------------------------------------------

def test_receipt_signed_closes_the_dispatch_R02(clerk_reg, doc, clock):
    mid = dispatch(clerk_reg, doc, to_unit="市保密局", channel="机要通信")
    clock.advance(days=2)
    rid = receipt_signed(clerk_reg, doc, signed_by="市保密局 刘某", receipt_no="HZ-0031")
    sent, back = movements(clerk_reg, doc)[-2:]
    assert sent.id == mid and sent.closed_by_id == rid
    assert back.kind == "回执" and json.loads(back.detail) == {
        "signed_by": "市保密局 刘某", "receipt_no": "HZ-0031", "dispatch_id": mid}
    assert carrier_state(clerk_reg, doc) == "已发出"
    assert replay((m.kind, json.loads(m.detail)) for m in movements(clerk_reg, doc)) == "已发出"


def test_receipt_for_a_carrier_not_sent_refused_R25(clerk_reg, doc):
    refused(clerk_reg, "R25", receipt_signed, clerk_reg, doc, signed_by="某人")


def test_receipt_twice_or_unsigned_is_bad_input(clerk_reg, doc, clock):
    dispatch(clerk_reg, doc, to_unit="市保密局", channel="机要通信")
    clock.advance(hours=3)
    with pytest.raises(BadInput):
        receipt_signed(clerk_reg, doc, signed_by=" ")
    receipt_signed(clerk_reg, doc, signed_by="刘某")
    with pytest.raises(BadInput):
        receipt_signed(clerk_reg, doc, signed_by="刘某")


def test_receipt_before_the_dispatch_is_bad_input(clerk_reg, doc):
    dispatch(clerk_reg, doc, to_unit="市保密局", channel="机要通信")
    with pytest.raises(BadInput):
        receipt_signed(clerk_reg, doc, signed_by="刘某", at=datetime(2026, 11, 2, 8, 45))
