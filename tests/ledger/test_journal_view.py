"""The journal as the 日志 page lists it: newest first, searchable, counted cheaply (R54)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.errors import PermissionDenied
from app.ledger import journal_view
from app.ledger.carriers import NewCarrier, receive
from app.ledger.loans import lend, return_


def at(hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 11, 2, hh, mm)


@pytest.fixture
def lent(clerk_reg, clock, people):
    [n] = receive(clerk_reg, NewCarrier(title="关于加强保密工作的意见", level="秘密",
                                        issuer="市委办公厅"), at=at(8, 30))
    clock.set(at(10))
    lend(clerk_reg, n, borrower="张三", approver="李处长", purpose="阅办")
    clock.set(at(11))
    return_(clerk_reg, n, returned_by="张三")
    return n


def test_newest_first_with_one_line_each(clerk_reg, lent):
    with journal_view.reading(clerk_reg) as s:
        rows = journal_view.journal_page(s, limit=500)
        total = journal_view.count_journal(s)
    assert [r.seq for r in rows] == sorted((r.seq for r in rows), reverse=True)
    assert total == rows[0].seq == len(rows)  # no filter: the head's number, no scan
    created = [r for r in rows if r.obj_type == "carriers" and r.action == "收文"]
    assert created and {r.object for r in created} == {f"载体 {lent}"}
    assert "登记《关于加强保密工作的意见》，秘密" in created[-1].summary  # the oldest: the insert
    loan = next(r for r in rows if r.obj_type == "movements" and r.action == "借出")
    assert loan.object.endswith(f"（{lent}）") and "人员 张三" in loan.summary
    assert "批准人 李处长" in loan.summary
    changed = " ".join(r.summary for r in rows if r.obj_type == "carriers" and r.action == "借出")
    assert "状态 在库→借出" in changed and "持有人 —→张三" in changed


def test_password_hashes_never_appear(clerk_reg, lent):
    with journal_view.reading(clerk_reg) as s:
        rows = journal_view.journal_page(s, limit=None, search="账户")
    assert rows and all(r.obj_type in ("accounts", "account") for r in rows)
    text = " ".join(r.summary for r in rows)
    assert "sha256" not in text and "argon" not in text.lower()


def test_search_by_carrier_number_account_and_action(clerk_reg, lent):
    with journal_view.reading(clerk_reg) as s:
        about = journal_view.journal_page(s, limit=None, search=lent)
        assert {r.obj_type for r in about} == {"carriers", "movements"}
        assert journal_view.count_journal(s, search=lent) == len(about)
        lends = journal_view.journal_page(s, limit=None, search="借出")
        assert lends and all(r.action == "借出" for r in lends)
        both = journal_view.journal_page(s, limit=None, search=f"借出 {lent}")
        assert both and all(r.action == "借出" for r in both)
        assert journal_view.journal_page(s, search="没有这样的操作") == []


def test_date_range_and_paging(clerk_reg, lent, clock):
    with journal_view.reading(clerk_reg) as s:
        today = journal_view.journal_page(s, limit=None, date_from=date(2026, 11, 2),
                                          date_to=date(2026, 11, 2))
        assert today and all(r.at.date() == date(2026, 11, 2) for r in today)
        assert journal_view.journal_page(s, date_from=date(2026, 11, 3)) == []
        first = journal_view.journal_page(s, limit=3)
        second = journal_view.journal_page(s, offset=3, limit=3)
        assert [r.seq for r in first + second] == [r.seq for r in
                                                   journal_view.journal_page(s, limit=6)]
        oldest = journal_view.journal_page(s, limit=1, descending=False)
        assert oldest[0].seq == 1


def test_the_administrator_may_not_read_the_journal(admin_reg):
    with pytest.raises(PermissionDenied), journal_view.reading(admin_reg):
        pass
