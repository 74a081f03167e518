"""The extra pages the desktop tables use: loans by status, media, incidents with deadlines."""
from __future__ import annotations

from datetime import datetime

import pytest

from app.errors import BadInput
from app.ledger import ledger_view
from app.ledger.carriers import NewCarrier, receive
from app.ledger.incidents import open_incident, report
from app.ledger.loans import lend, return_
from app.ledger.queries import reading


def at(hh: int, mm: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 11, day, hh, mm)


@pytest.fixture
def loans(clerk_reg, clock, people):
    """Three documents: one lent and back, one lent and still out, one taken out."""
    numbers = []
    for title in ("关于加强保密工作的意见", "年度保密工作要点", "保密检查方案"):
        [n] = receive(clerk_reg, NewCarrier(title=title, level="秘密", issuer="市委办公厅"),
                      at=at(8, 30))
        numbers.append(n)
    clock.set(at(9))
    lend(clerk_reg, numbers[0], borrower="张三", approver="李处长", purpose="阅办")
    clock.set(at(9, 30))
    return_(clerk_reg, numbers[0], returned_by="张三")
    clock.set(at(10))
    lend(clerk_reg, numbers[1], borrower="李四", approver="李处长", purpose="阅办")
    lend(clerk_reg, numbers[2], borrower="张三", approver="李处长", purpose="开会",
         place="带出", due=at(17, day=4))
    return numbers


def test_loans_by_status_R12(clerk_reg, loans, clock):
    with reading(clerk_reg) as s:
        every = ledger_view.loans_page(s)
        assert ledger_view.count_loans(s) == len(every) == 3
        assert [r.movement.number for r in every] == [loans[2], loans[1], loans[0]]  # newest first
        back = ledger_view.loans_page(s, status="已归还")
        assert [(r.movement.number, r.status) for r in back] == [(loans[0], "已归还")]
        assert back[0].movement.returned_at == at(9, 30)
        out = ledger_view.loans_page(s, status="未归还", order_by="number", descending=False)
        assert [r.movement.number for r in out] == [loans[1], loans[2]]
        assert {r.status for r in out} == {"借出中"}
        taken = ledger_view.loans_page(s, "外出携带")
        assert [r.movement.number for r in taken] == [loans[2]]
        assert taken[0].deadline == at(17, day=4)  # R15: the approved due
        assert ledger_view.count_loans(s, search="要点") == 1
    clock.set(at(18))  # past the end of the working day (R12)
    with reading(clerk_reg) as s:
        statuses = {r.movement.number: r.status for r in ledger_view.loans_page(s)}
    assert statuses == {loans[0]: "已归还", loans[1]: "逾期未还", loans[2]: "借出中"}


def test_loans_refuse_unknown_choices(clerk_reg, loans):
    with reading(clerk_reg) as s:
        with pytest.raises(BadInput):
            ledger_view.loans_page(s, status="丢了")
        with pytest.raises(BadInput):
            ledger_view.loans_page(s, order_by="hat")
        with pytest.raises(BadInput):
            ledger_view.count_loans(s, "复制")


def test_media_are_the_carriers_of_media_kinds_R06(clerk_reg, people):
    receive(clerk_reg, NewCarrier(title="会议材料光盘", level="秘密", kind="光盘", media_id="CD-77"),
            at=at(8))
    receive(clerk_reg, NewCarrier(title="工作U盘", level="机密", kind="U盘/移动硬盘", serial="001",
                                  media_id="SN-123"), at=at(8))
    receive(clerk_reg, NewCarrier(title="通知", level="秘密"), at=at(8))
    with reading(clerk_reg) as s:
        rows = ledger_view.media_page(s)
        assert [r.title for r in rows] == ["会议材料光盘", "工作U盘"]
        assert ledger_view.count_media(s) == 2
        assert ledger_view.count_media(s, level="机密") == 1
        assert ledger_view.count_media(s, search="U盘") == 1
        serials = ledger_view.media_serials(s, [r.id for r in rows])
        assert sorted(serials.values()) == ["CD-77", "SN-123"]


def test_incidents_with_their_deadlines_R45(clerk_reg, clock, people):
    [n] = receive(clerk_reg, NewCarrier(title="关于加强保密工作的意见", level="秘密"), at=at(8))
    number = open_incident(clerk_reg, discovered_at=at(9), carrier=n, how_found="清查发现",
                           responsible="张三", course="不详", harm="待评估", remedies="追查")
    with reading(clerk_reg) as s:
        [row] = ledger_view.incident_rows(s)
        assert ledger_view.incident_carriers(s) == {number: n}
    assert (row.number, row.carrier, row.level, row.status) == (number, n, "秘密", "待书面报告")
    assert row.next_due == at(9, day=3)  # 24 hours
    clock.set(at(10, day=3))
    with reading(clerk_reg) as s:
        assert ledger_view.incident_rows(s)[0].status == "书面报告逾期"
    report(clerk_reg, number)
    with reading(clerk_reg) as s:
        row = ledger_view.incident_rows(s)[0]
    assert row.status == "待查处结果" and row.next_due == datetime(2027, 2, 2, 9)


def test_people_names(clerk_reg, people):
    with reading(clerk_reg) as s:
        assert ledger_view.people_names(s, {people["张三"], None}) == {people["张三"]: "张三"}
        assert ledger_view.people_names(s, []) == {}


def test_a_persons_name_in_the_search_finds_their_loans(clerk_reg, loans, people):
    with reading(clerk_reg) as s:
        assert ledger_view.people_in_search(s, "张三 要点") == ("要点", [people["张三"]])
        mine = ledger_view.loans_page(s, search="张三")
        assert {r.movement.number for r in mine} == {loans[0], loans[2]}
        assert ledger_view.count_loans(s, search="李处长") == 3  # the approver of all three
        assert ledger_view.count_loans(s, search="李四 要点") == 1
