"""交接 handover (R40): the list of everything held, every item checked, nothing off
the list, both confirm, the incoming custodian in post and cleared; custody changes for
every item in one transaction; then the outgoing person may leave."""
from __future__ import annotations

import pytest
from ledger_support import at, batches, carrier, detail, journal_head, movements, new, refused, replays

from app.errors import BadInput
from app.ledger.archive import archive
from app.ledger.checks import check_items
from app.ledger.destruction import destroy
from app.ledger.handover import handover, handover_list
from app.ledger.loans import lend, return_
from app.ledger.people import add_person, set_status


@pytest.fixture
def held(clerk_reg, people):
    """赵六 keeps four carriers: in the room, archived, a notebook, one 机密."""
    numbers = [new(clerk_reg, custodian="赵六"),
               new(clerk_reg, custodian="赵六", title="2026年会议记录", kind="笔记本"),
               new(clerk_reg, "机密", custodian="赵六"),
               new(clerk_reg, custodian="赵六")]
    archive(clerk_reg, numbers[3], archive_no="WS-1")
    new(clerk_reg, custodian="张三")  # somebody else's
    gone = new(clerk_reg, custodian="赵六")
    destroy(clerk_reg, [gone], approver="李处长", witnesses=["张三", "李四"])
    return sorted(numbers)


def listed(reg, who="赵六"):
    with reg.read() as s:
        return handover_list(s, who)


def go(reg, checked, **kw):
    kw.setdefault("outgoing_confirmed", True)
    kw.setdefault("incoming_confirmed", True)
    return handover(reg, outgoing=kw.pop("outgoing", "赵六"), incoming=kw.pop("incoming", "张三"),
                    checked_numbers=checked, **kw)


def test_list_is_everything_the_custodian_keeps_R40(clerk_reg, held):
    rows = listed(clerk_reg)
    assert [r.number for r in rows] == held
    assert {r.kind for r in rows} >= {"笔记本"} and {r.state for r in rows} == {"在库", "已归档"}


def test_list_shows_who_has_an_item_out_R40(clerk_reg, held):
    lend(clerk_reg, held[0], borrower="张三", approver="李处长")
    row = next(r for r in listed(clerk_reg) if r.number == held[0])
    assert (row.state, row.holder) == ("借出", "张三")


def test_handover_changes_custody_of_every_item_in_one_batch_R40(clerk_reg, people, held):
    bid = go(clerk_reg, held)
    [b] = batches(clerk_reg, "交接")
    assert b.id == bid
    assert detail(b) == {"outgoing": people["赵六"], "outgoing_name": "赵六", "incoming": people["张三"],
                         "incoming_name": "张三", "count": 4}
    for n in held:
        assert carrier(clerk_reg, n).custodian_id == people["张三"]
        [m] = movements(clerk_reg, n, "交接")
        assert (m.batch_id, m.person_id) == (bid, people["张三"]) and replays(clerk_reg, n)
    assert carrier(clerk_reg, held[3]).state == "已归档"
    assert listed(clerk_reg) == [] and [r.number for r in listed(clerk_reg, "张三")] != []


def test_outgoing_may_leave_only_after_handover_R40(clerk_reg, held):
    refused(clerk_reg, "R40", set_status, clerk_reg, "赵六", "离岗")
    go(clerk_reg, held)
    set_status(clerk_reg, "赵六", "离岗")


def test_incomplete_check_refused_R40(clerk_reg, held):
    e = refused(clerk_reg, "R40", go, clerk_reg, held[:-1])
    assert "清点不全" in e.message and held[-1] in e.message
    assert all(movements(clerk_reg, n, "交接") == [] for n in held)


def test_item_not_on_the_list_refused_R40(clerk_reg, held):
    other = new(clerk_reg, custodian="张三")
    e = refused(clerk_reg, "R40", go, clerk_reg, held + [other])
    assert other in e.message and "不在移交清单" in e.message


def test_both_must_confirm_R40(clerk_reg, held):
    e = refused(clerk_reg, "R40", go, clerk_reg, held, incoming_confirmed=False)
    assert "接收人尚未确认" in e.message
    refused(clerk_reg, "R40", go, clerk_reg, held, outgoing_confirmed=False)


def test_item_out_on_loan_comes_back_first_R40(clerk_reg, held, clock):
    lend(clerk_reg, held[0], borrower="张三", approver="李处长")
    e = refused(clerk_reg, "R40", go, clerk_reg, held)
    assert held[0] in e.message and "须先收回" in e.message
    clock.advance(hours=1)
    return_(clerk_reg, held[0], returned_by="张三")
    go(clerk_reg, held)


def test_incoming_not_cleared_for_the_highest_level_refused_R40(clerk_reg, held):
    e = refused(clerk_reg, "R40", go, clerk_reg, held, incoming="李四")  # 一般: up to 秘密
    assert "机密" in e.message


def test_incoming_not_in_post_refused_R40(clerk_reg, held):
    add_person(clerk_reg, name="钱七", dept="办公室", clearance="核心")
    set_status(clerk_reg, "钱七", "离岗")
    refused(clerk_reg, "R40", go, clerk_reg, held, incoming="钱七")
    go(clerk_reg, held, incoming="李处长")


def test_missing_item_is_handed_over_as_missing_R40(clerk_reg, people, held, clock):
    check_items(clerk_reg, "2026Q4", {held[0]: "缺失"})
    clock.advance(hours=1)
    assert next(r for r in listed(clerk_reg) if r.number == held[0]).state == "下落不明"
    go(clerk_reg, held)
    [m] = movements(clerk_reg, held[0], "交接")
    assert detail(m)["state"] == "下落不明" and replays(clerk_reg, held[0])
    set_status(clerk_reg, "赵六", "离岗")


def test_nothing_to_hand_over_is_bad_input(clerk_reg, people):
    before = journal_head(clerk_reg)
    with pytest.raises(BadInput):
        handover(clerk_reg, outgoing="李四", incoming="张三", checked_numbers=[],
                 outgoing_confirmed=True, incoming_confirmed=True)
    assert journal_head(clerk_reg) == before


def test_handover_entered_after_the_fact(clerk_reg, people, held, clock):
    clock.advance(hours=3)
    go(clerk_reg, held, at=at(10))
    m = movements(clerk_reg, held[0], "交接")[0]
    assert (m.occurred_at, m.entered_at) == (at(10), at(12))
