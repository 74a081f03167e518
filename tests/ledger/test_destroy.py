"""销毁 destruction (R32): approved by a leader, at least two distinct witnesses, item
by item in one batch, only from the room, all or nothing; a destroyed carrier
accepts no further movement."""
from __future__ import annotations

import pytest
from ledger_support import batches, carrier, detail, journal_head, movements, new, refused, replays

from app.errors import BadInput
from app.ledger.copies import copy
from app.ledger.destruction import destroy
from app.ledger.loans import lend
from app.ledger.people import set_status

W = ["张三", "赵六"]


def test_destruction_batch_item_by_item_R32(clerk_reg, people):
    a, b = new(clerk_reg), new(clerk_reg, "机密")
    bid = destroy(clerk_reg, [a, b], approver="李处长", witnesses=W, method="送保密局")
    [batch] = batches(clerk_reg, "销毁")
    assert batch.id == bid and batch.approver_id == people["李处长"]
    d = detail(batch)
    assert d["count"] == 2 and d["numbers"] == [a, b] and d["method"] == "送保密局"
    assert d["witnesses"] == [people["张三"], people["赵六"]]
    for n in (a, b):
        [m] = movements(clerk_reg, n, "销毁")
        assert (m.batch_id, m.approver_id, m.account) == (bid, people["李处长"], "clerk")
        assert detail(m)["witness_names"] == ["张三（办公室）", "赵六（办公室）"]
        assert carrier(clerk_reg, n).state == "已销毁" and replays(clerk_reg, n)


# -- witnesses ----------------------------------------------------------------------------

def test_one_witness_refused_R32(clerk_reg, people):
    n = new(clerk_reg)
    e = refused(clerk_reg, "R32", destroy, clerk_reg, [n], approver="李处长", witnesses=["张三"])
    assert "两人以上监销" in e.message


def test_same_witness_twice_counts_once_R32(clerk_reg, people):
    n = new(clerk_reg)
    refused(clerk_reg, "R32", destroy, clerk_reg, [n], approver="李处长",
            witnesses=["张三", "张三/办公室", people["张三"]])
    assert carrier(clerk_reg, n).state == "在库"


def test_no_witness_refused_R32(clerk_reg, people):
    n = new(clerk_reg)
    refused(clerk_reg, "R32", destroy, clerk_reg, [n], approver="李处长", witnesses=[])


def test_witness_no_longer_in_post_refused_R32(clerk_reg, people):
    set_status(clerk_reg, "李四", "离岗")
    n = new(clerk_reg)
    refused(clerk_reg, "R32", destroy, clerk_reg, [n], approver="李处长", witnesses=["张三", "李四"])


def test_two_distinct_witnesses_allowed_even_if_one_is_the_approver_R32(clerk_reg, people):
    n = new(clerk_reg)
    destroy(clerk_reg, [n], approver="李处长", witnesses=["李处长", "张三"])
    assert carrier(clerk_reg, n).state == "已销毁"


# -- approval and method -------------------------------------------------------------------

def test_approver_not_a_leader_refused_R32(clerk_reg, people):
    n = new(clerk_reg)
    e = refused(clerk_reg, "R32", destroy, clerk_reg, [n], approver="张三", witnesses=["李四", "赵六"])
    assert "不是领导" in e.message


def test_approver_no_longer_in_post_refused_R32(clerk_reg, people):
    from app.ledger.people import add_person
    add_person(clerk_reg, name="孙处长", dept="办公室", clearance="核心", is_leader=True)
    set_status(clerk_reg, "孙处长", "离岗")
    n = new(clerk_reg)
    refused(clerk_reg, "R32", destroy, clerk_reg, [n], approver="孙处长", witnesses=W)


def test_missing_approver_refused_R32(clerk_reg, people):
    n = new(clerk_reg)
    refused(clerk_reg, "R32", destroy, clerk_reg, [n], approver="", witnesses=W)


def test_sold_as_waste_paper_refused_R32(clerk_reg, people):
    n = new(clerk_reg)
    refused(clerk_reg, "R32", destroy, clerk_reg, [n], approver="李处长", witnesses=W, method="作废品出售")


def test_own_destruction_needs_a_place_R32(clerk_reg, people):
    n = new(clerk_reg)
    refused(clerk_reg, "R32", destroy, clerk_reg, [n], approver="李处长", witnesses=W,
            method="自行销毁（专用设备）")
    destroy(clerk_reg, [n], approver="李处长", witnesses=W, method="自行销毁（专用设备）",
            place="保密室（碎纸机 SZ-01）")
    [m] = movements(clerk_reg, n, "销毁")
    assert detail(m)["place"] == "保密室（碎纸机 SZ-01）"


def test_unknown_method_is_bad_input(clerk_reg, people):
    n = new(clerk_reg)
    with pytest.raises(BadInput):
        destroy(clerk_reg, [n], approver="李处长", witnesses=W, method="烧掉")


# -- every item in the room, all or nothing ---------------------------------------------------

def test_item_out_on_loan_refuses_the_whole_list_R32(clerk_reg, people):
    kept, lent = new(clerk_reg), new(clerk_reg)
    lend(clerk_reg, lent, borrower="张三", approver="李处长")
    e = refused(clerk_reg, "R32", destroy, clerk_reg, [kept, lent], approver="李处长", witnesses=W)
    assert lent in e.message and "须先收回" in e.message
    assert carrier(clerk_reg, kept).state == "在库" and batches(clerk_reg, "销毁") == []


def test_item_no_longer_held_refused_R32(clerk_reg, people):
    from app.ledger.withdraw import withdraw
    n = new(clerk_reg)
    withdraw(clerk_reg, n, to_unit="市保密局")
    refused(clerk_reg, "R32", destroy, clerk_reg, [n], approver="李处长", witnesses=W)


def test_duplicate_item_is_bad_input(clerk_reg, people):
    n = new(clerk_reg)
    before = journal_head(clerk_reg)
    with pytest.raises(BadInput):
        destroy(clerk_reg, [n, n.lower()], approver="李处长", witnesses=W)
    assert journal_head(clerk_reg) == before


# -- nothing after destruction ---------------------------------------------------------------

def test_destroyed_carrier_accepts_no_further_movement_R32(clerk_reg, people):
    from app.ledger.archive import archive
    from app.ledger.withdraw import withdraw
    n = new(clerk_reg)
    destroy(clerk_reg, [n], approver="李处长", witnesses=W)
    refused(clerk_reg, "R32", lend, clerk_reg, n, borrower="张三", approver="李处长")
    refused(clerk_reg, "R32", copy, clerk_reg, n, count=1, approver="李处长")
    refused(clerk_reg, "R32", destroy, clerk_reg, [n], approver="李处长", witnesses=W)
    refused(clerk_reg, "R32", archive, clerk_reg, n, archive_no="WS-1")
    refused(clerk_reg, "R32", withdraw, clerk_reg, n, to_unit="市保密局")
    assert carrier(clerk_reg, n).state == "已销毁"
