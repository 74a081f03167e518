"""复制 copying: R20 approval, R21 绝密 never copied, R22 a copy is a carrier like the
original, R64 the copier logged; the state machine (a carrier out is not copied)."""
from __future__ import annotations

from datetime import datetime

import pytest
from ledger_support import at, batches, carrier, detail, journal_head, movements, new, refused, replays

from app.errors import BadInput, NotFound
from app.ledger.copies import copy
from app.ledger.loans import lend
from app.models.carriers import Device

# -- R21 -------------------------------------------------------------------------------

def test_top_secret_copy_refused_R21(clerk_reg, people):
    n = new(clerk_reg, "绝密")
    e = refused(clerk_reg, "R21", copy, clerk_reg, n, count=1, approver="王局长")
    assert "绝密载体不得复制" in e.message and "五、四" in e.message


def test_top_secret_refused_even_with_issuer_approval_R21(clerk_reg, people):
    n = new(clerk_reg, "绝密")
    refused(clerk_reg, "R21", copy, clerk_reg, n, count=1, approval_ref="市委办同意复制")


def test_secret_and_confidential_copied_R21(clerk_reg, people):
    for level in ("秘密", "机密"):
        n = new(clerk_reg, level)
        assert len(copy(clerk_reg, n, count=1, approver="李处长")) == 1


# -- R20 -------------------------------------------------------------------------------

def test_copy_without_approval_refused_R20(clerk_reg, people):
    n = new(clerk_reg, "机密")
    refused(clerk_reg, "R20", copy, clerk_reg, n, count=2)


def test_copy_approved_by_non_leader_refused_R20(clerk_reg, people):
    n = new(clerk_reg)
    e = refused(clerk_reg, "R20", copy, clerk_reg, n, count=1, approver="张三")
    assert "张三 不是领导" in e.message


def test_copy_approved_by_leader_allowed_R20(clerk_reg, people):
    n = new(clerk_reg)
    numbers = copy(clerk_reg, n, count=2, approver="李处长", by="张三")
    [m] = movements(clerk_reg, n, "复制")
    assert (m.approver_id, m.person_id) == (people["李处长"], people["张三"])
    assert detail(m)["count"] == 2 and detail(m)["copies"] == numbers
    [b] = batches(clerk_reg, "复制")
    assert b.approver_id == people["李处长"] and m.batch_id == b.id


def test_copy_with_issuing_unit_approval_allowed_R20(clerk_reg, people):
    n = new(clerk_reg)
    copy(clerk_reg, n, count=1, approval_ref="市保密局 2026-11-01 电话同意（经办：刘某）")
    [m] = movements(clerk_reg, n, "复制")
    assert m.approver_id is None and detail(m)["approval_ref"].startswith("市保密局")


def test_internal_item_copied_without_approval_R20(clerk_reg, people):
    n = new(clerk_reg, "内部")
    assert len(copy(clerk_reg, n, count=1)) == 1


def test_spoiled_pages_recorded_R20(clerk_reg, people):
    n = new(clerk_reg)
    copy(clerk_reg, n, count=1, approver="李处长", spoiled=3)
    [m] = movements(clerk_reg, n, "复制")
    assert detail(m)["spoiled_pages"] == 3 and detail(m)["spoiled_destroyed"] is True


# -- R22 -------------------------------------------------------------------------------

def test_each_copy_is_a_carrier_like_the_original_R22(clerk_reg, people):
    n = new(clerk_reg, "机密", scope=["张三", "财务处"], period="5年", pages=12, location="A柜")
    numbers = copy(clerk_reg, n, count=3, approver="李处长")
    parent = carrier(clerk_reg, n)
    assert len(set(numbers)) == 3 and n not in numbers
    for i, number in enumerate(numbers, start=1):
        c = carrier(clerk_reg, number)
        assert (c.origin, c.parent_id, c.state, c.serial) == ("复制", parent.id, "在库", f"复{i}")
        same = ("level", "highest_level", "period", "period_until", "scope_people", "scope_depts",
                "title", "doc_no", "issuer", "kind", "pages", "location", "custodian_id")
        assert all(getattr(c, f) == getattr(parent, f) for f in same)
        [m] = movements(clerk_reg, number)
        assert m.kind == "登记" and detail(m) == {"origin": "复制", "parent": n}
        assert replays(clerk_reg, number)
    [b] = batches(clerk_reg, "复制")
    assert all(movements(clerk_reg, x)[0].batch_id == b.id for x in numbers)


def test_copy_of_lowered_document_keeps_highest_level_R22(clerk_reg, people):
    from app.ledger.classification import classify
    n = new(clerk_reg, "机密")
    classify(clerk_reg, n, kind="变更", level="秘密", proposed_by="张三", confirmed_by="李处长",
             basis="原定密单位变更通知")
    [c] = copy(clerk_reg, n, count=1, approver="李处长")
    assert (carrier(clerk_reg, c).level, carrier(clerk_reg, c).highest_level) == ("秘密", "机密")


def test_copy_numbering_continues_across_batches_R22(clerk_reg, people):
    n = new(clerk_reg)
    copy(clerk_reg, n, count=2, approver="李处长")
    [third] = copy(clerk_reg, n, count=1, approver="李处长")
    assert carrier(clerk_reg, third).serial == "复3"


def test_copy_of_parent_copy_is_copied_like_any_carrier_R22(clerk_reg, people):
    n = new(clerk_reg, "机密")
    [c1] = copy(clerk_reg, n, count=1, approver="李处长")
    [c2] = copy(clerk_reg, c1, count=1, approver="李处长")
    assert carrier(clerk_reg, c2).level == "机密"


# -- R64: the copier -------------------------------------------------------------------

def test_copier_logged_R64(clerk_reg, people, clock):
    with clerk_reg.operation("设备登记") as s:
        s.add(Device(number="FY-01", kind="复印机", registered_at=clock.now()))
    n = new(clerk_reg)
    copy(clerk_reg, n, count=1, approver="李处长", device="fy-01")
    [m] = movements(clerk_reg, n, "复制")
    assert detail(m)["device"] == "FY-01"


def test_unknown_copier_is_bad_input_R64(clerk_reg, people):
    n = new(clerk_reg)
    before = journal_head(clerk_reg)
    with pytest.raises(NotFound):
        copy(clerk_reg, n, count=1, approver="李处长", device="FY-99")
    assert journal_head(clerk_reg) == before


# -- state machine ---------------------------------------------------------------------

def test_carrier_out_on_loan_not_copied(clerk_reg, people):
    n = new(clerk_reg)
    lend(clerk_reg, n, borrower="张三", approver="李处长")
    refused(clerk_reg, "R20", copy, clerk_reg, n, count=1, approver="李处长")


def test_archived_carrier_may_be_copied(clerk_reg, people):
    from app.ledger.archive import archive
    n = new(clerk_reg)
    archive(clerk_reg, n, archive_no="WS-2026-001")
    copy(clerk_reg, n, count=1, approver="李处长")
    assert carrier(clerk_reg, n).state == "已归档"


@pytest.mark.parametrize("count", [0, 101])
def test_count_out_of_range_is_bad_input(clerk_reg, people, count):
    n = new(clerk_reg)
    with pytest.raises(BadInput):
        copy(clerk_reg, n, count=count, approver="李处长")


def test_copy_entered_after_the_fact_keeps_paper_time(clerk_reg, people, clock):
    n = new(clerk_reg, when=datetime(2026, 10, 30, 9, 0))
    [c] = copy(clerk_reg, n, count=1, approver="李处长", at=datetime(2026, 10, 30, 10, 0))
    assert carrier(clerk_reg, c).registered_at == datetime(2026, 10, 30, 10, 0)
    assert movements(clerk_reg, c)[0].entered_at == clock.now()
    assert at(9) == clock.now()
