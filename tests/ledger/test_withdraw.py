"""清退 return to the issuer (R30): only from the room, to a named unit, with its receipt."""
from __future__ import annotations

import pytest
from ledger_support import carrier, detail, journal_head, movements, new, refused, replays

from app.errors import BadInput
from app.ledger.loans import lend, return_
from app.ledger.withdraw import withdraw


def test_withdraw_to_issuer_records_unit_and_receipt_R30(clerk_reg, people):
    n = new(clerk_reg)
    assert withdraw(clerk_reg, n, to_unit="市保密局", receipt_no="QT-2026-17") == "已清退"
    [m] = movements(clerk_reg, n, "清退")
    assert detail(m) == {"to": "市保密局", "receipt_no": "QT-2026-17"}
    assert carrier(clerk_reg, n).state == "已清退" and replays(clerk_reg, n)


def test_withdraw_while_out_on_loan_refused_R30(clerk_reg, people, clock):
    n = new(clerk_reg)
    lend(clerk_reg, n, borrower="张三", approver="李处长")
    e = refused(clerk_reg, "R30", withdraw, clerk_reg, n, to_unit="市保密局")
    assert "须先归还" in e.message
    clock.advance(hours=1)
    return_(clerk_reg, n, returned_by="张三")
    assert withdraw(clerk_reg, n, to_unit="市保密局") == "已清退"


def test_withdrawn_carrier_takes_no_further_loan(clerk_reg, people):
    n = new(clerk_reg)
    withdraw(clerk_reg, n, to_unit="市保密局")
    e = refused(clerk_reg, "R13", lend, clerk_reg, n, borrower="张三", approver="李处长")
    assert "已清退" in e.message


def test_withdraw_without_unit_is_bad_input(clerk_reg, people):
    n = new(clerk_reg)
    before = journal_head(clerk_reg)
    with pytest.raises(BadInput):
        withdraw(clerk_reg, n, to_unit=" ")
    assert journal_head(clerk_reg) == before
