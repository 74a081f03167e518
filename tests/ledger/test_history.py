"""One carrier's whole history: movements with names, and the journal's timeline (R54)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.errors import NotFound
from app.ledger.carriers import NewCarrier, receive
from app.ledger.copies import copy
from app.ledger.destruction import destroy
from app.ledger.history import history
from app.ledger.loans import lend, return_
from app.ledger.queries import reading

MON = date(2026, 11, 2)


def at(hh: int, mm: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 11, day, hh, mm)


@pytest.fixture
def lent_and_back(clerk_reg, clock, people):
    """Received 08:30, lent 10:00 to 张三 with 李处长's approval, back 11:00."""
    [n] = receive(clerk_reg, NewCarrier(title="关于加强保密工作的意见", level="机密", serial="003",
                                        issuer="市委办公厅", doc_no="市委办发〔2026〕7号",
                                        via="机要交通", received_by="张三"), at=at(8, 30))
    clock.set(at(10))
    lend(clerk_reg, n, borrower="张三", approver="李处长", purpose="阅办")
    clock.set(at(11))
    return_(clerk_reg, n, returned_by="张三")
    return n


def test_history_lists_movements_with_names(clerk_reg, lent_and_back):
    with reading(clerk_reg) as s:
        h = history(s, lent_and_back)
    assert h.carrier.number == lent_and_back and h.carrier.serial == "003"
    assert [m.kind for m in h.movements] == ["收文", "借出", "归还"]
    loan = h.movements[1]
    assert (loan.person, loan.approver, loan.returned_at) == ("张三", "李处长", at(11))
    assert "借阅人 张三（办公室）" in loan.summary and "批准人 李处长" in loan.summary
    assert "来文单位 市委办公厅" in h.movements[0].summary


def test_timeline_holds_every_journal_entry_about_the_carrier_R54(clerk_reg, lent_and_back):
    with reading(clerk_reg) as s:
        h = history(s, lent_and_back)
    kinds = [(e.obj_type, e.action) for e in h.timeline]
    assert ("carriers", "收文") in kinds and ("movements", "借出") in kinds
    assert [e.seq for e in h.timeline] == sorted(e.seq for e in h.timeline)
    assert all(e.account == "clerk" for e in h.timeline)
    changes = [e.summary for e in h.timeline if e.obj_type == "carriers" and e.action == "借出"]
    assert any("状态 在库→借出" in c for c in changes) and any("持有人 —→张三" in c for c in changes)
    closed = [e.summary for e in h.timeline if e.obj_type == "movements" and e.action == "归还"]
    assert any("已结清" in c for c in closed)


def test_timeline_keeps_happened_and_entered_times_apart(clerk_reg, clock, people):
    clock.set(at(15))
    [n] = receive(clerk_reg, NewCarrier(title="补登记的文件", level="秘密", issuer="市保密局"),
                  at=at(9))
    with reading(clerk_reg) as s:
        h = history(s, n)
    [entry] = [e for e in h.timeline if e.obj_type == "movements"]
    assert entry.happened_at == at(9) and entry.entered_at == at(15)


def test_history_shows_copies_and_destruction_witnesses(clerk_reg, clock, people):
    [n] = receive(clerk_reg, NewCarrier(title="关于做好年度保密工作的通知", level="秘密",
                                        issuer="市保密局"), at=at(8, 30))
    clock.set(at(9))
    [c1] = copy(clerk_reg, n, count=1, approver="李处长")
    clock.set(at(10))
    destroy(clerk_reg, [c1], approver="李处长", witnesses=["张三", "赵六"])
    with reading(clerk_reg) as s:
        original, the_copy = history(s, n), history(s, c1)
    assert original.carrier.copies == (c1,)
    assert the_copy.carrier.parent == n and the_copy.carrier.state == "已销毁"
    destroyed = the_copy.movements[-1]
    assert destroyed.kind == "销毁" and "张三" in destroyed.summary and "赵六" in destroyed.summary
    assert any(e.obj_type == "batches" and "销毁批次" in e.summary for e in the_copy.timeline)


def test_history_of_unknown_number_is_not_found(clerk_reg, people):
    with pytest.raises(NotFound), reading(clerk_reg) as s:
        history(s, "2026-999999")
