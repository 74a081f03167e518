"""归档 archive transfer (R33): registered with a unique archive number; consulting an
archived carrier is a loan that brings it back to the archive."""
from __future__ import annotations

from ledger_support import carrier, detail, movements, new, refused, replays

from app.ledger.archive import archive, archived_under
from app.ledger.loans import lend, return_


def test_archive_records_archive_number_R33(clerk_reg, people):
    n = new(clerk_reg, "机密")
    assert archive(clerk_reg, n, archive_no="WS·2026·永久·001", location="密档专柜3") == "已归档"
    [m] = movements(clerk_reg, n, "归档")
    assert detail(m) == {"archive_no": "WS·2026·永久·001", "location": "密档专柜3"}
    c = carrier(clerk_reg, n)
    assert (c.state, c.location) == ("已归档", "密档专柜3") and replays(clerk_reg, n)
    with clerk_reg.read() as s:
        assert archived_under(s, "WS·2026·永久·001") == n


def test_archive_number_used_twice_refused_R33(clerk_reg, people):
    a, b = new(clerk_reg), new(clerk_reg)
    archive(clerk_reg, a, archive_no="WS-001")
    e = refused(clerk_reg, "R33", archive, clerk_reg, b, archive_no="WS-001")
    assert a in e.message and carrier(clerk_reg, b).state == "在库"
    archive(clerk_reg, b, archive_no="WS-002")


def test_archive_without_number_refused_R33(clerk_reg, people):
    n = new(clerk_reg)
    refused(clerk_reg, "R33", archive, clerk_reg, n, archive_no="  ")


def test_carrier_out_on_loan_not_archived_R33(clerk_reg, people, clock):
    n = new(clerk_reg)
    lend(clerk_reg, n, borrower="张三", approver="李处长")
    refused(clerk_reg, "R33", archive, clerk_reg, n, archive_no="WS-9")


def test_archived_carrier_consulted_goes_back_to_archive_R33(clerk_reg, people, clock):
    n = new(clerk_reg)
    archive(clerk_reg, n, archive_no="WS-7")
    clock.advance(hours=1)
    lend(clerk_reg, n, borrower="张三", approver="李处长")
    clock.advance(hours=1)
    return_(clerk_reg, n, returned_by="张三")
    assert carrier(clerk_reg, n).state == "已归档" and replays(clerk_reg, n)
