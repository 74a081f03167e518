"""失泄密事件 (R45): the seven fields, the 24-hour report and 3-month result deadlines,
a lost carrier marked 下落不明 and found again; R31 loans three months late escalated."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from ledger_support import at, carrier, detail, journal_head, movements, new, refused, replays
from sqlalchemy import select

from app.errors import BadInput
from app.ledger.checks import check_items
from app.ledger.incidents import (
    LATE_AT_LEAST,
    LATE_MONTHS,
    add_months,
    amend_incident,
    deadlines,
    escalate_late,
    found,
    late_three_months,
    open_incident,
    report,
    report_late,
    result,
)
from app.ledger.loans import lend, return_
from app.models.movements import Incident, Movement

FIELDS = dict(content="《年度工作要点》机密1份，纸质", how_found="清点时发现缺失",
              responsible="张三，办公室科员", course="2026-11-01 下午在会议室阅后未交回",
              harm="可能被无关人员知悉", investigation="正在调查", remedies="已封锁会议室并查找")


def incident(reg, number: str) -> Incident:
    with reg.read() as s:
        inc = s.scalars(select(Incident).where(Incident.number == number)).one()
        s.expunge(inc)
        return inc


def all_incidents(reg) -> list[Incident]:
    with reg.read() as s:
        rows = list(s.scalars(select(Incident).order_by(Incident.id)))
        for r in rows:
            s.expunge(r)
        return rows


# -- the seven fields --------------------------------------------------------------------

def test_incident_opened_with_seven_fields_R45(clerk_reg, people):
    number = open_incident(clerk_reg, discovered_at=at(8), **FIELDS)
    inc = incident(clerk_reg, number)
    assert number == "SJ-2026-0001" and inc.discovered_at == at(8) and inc.source == "报告"
    assert all(getattr(inc, k) == v for k, v in FIELDS.items())
    assert open_incident(clerk_reg, discovered_at=at(8), **FIELDS) == "SJ-2026-0002"


@pytest.mark.parametrize("field", ["content", "how_found", "responsible", "course", "harm",
                                   "investigation", "remedies"])
def test_missing_field_refused_R45(clerk_reg, people, field):
    e = refused(clerk_reg, "R45", open_incident, clerk_reg, discovered_at=at(8),
                **{**FIELDS, field: " "})
    assert "须写明" in e.message


def test_investigation_may_still_be_running_R45(clerk_reg, people):
    fields = {k: v for k, v in FIELDS.items() if k != "investigation"}
    number = open_incident(clerk_reg, discovered_at=at(8), **fields)
    assert incident(clerk_reg, number).investigation == "正在调查"


def test_amend_completes_fields_but_never_empties_them_R45(clerk_reg, people):
    number = open_incident(clerk_reg, discovered_at=at(8), **FIELDS)
    amend_incident(clerk_reg, number, investigation="已询问三名参会人员")
    assert incident(clerk_reg, number).investigation == "已询问三名参会人员"
    refused(clerk_reg, "R45", amend_incident, clerk_reg, number, harm="")


# -- the carrier --------------------------------------------------------------------------

def test_named_carrier_becomes_missing_and_content_filled_R45(clerk_reg, people):
    n = new(clerk_reg, "机密", title="年度工作要点")
    fields = {k: v for k, v in FIELDS.items() if k != "content"}
    number = open_incident(clerk_reg, discovered_at=at(8, 45), carrier=n, **fields)
    inc = incident(clerk_reg, number)
    assert inc.carrier_id == carrier(clerk_reg, n).id and "年度工作要点" in inc.content
    assert "机密" in inc.content and n in inc.content
    [m] = movements(clerk_reg, n, "丢失")
    assert detail(m) == {"incident": number}
    assert carrier(clerk_reg, n).state == "下落不明" and replays(clerk_reg, n)


def test_leak_of_content_leaves_carrier_in_place(clerk_reg, people):
    n = new(clerk_reg)
    open_incident(clerk_reg, discovered_at=at(9), carrier=n, mark_lost=False, **FIELDS)
    assert carrier(clerk_reg, n).state == "在库" and movements(clerk_reg, n, "丢失") == []


def test_lost_loan_found_again_closes_the_loan(clerk_reg, people, clock):
    n = new(clerk_reg)
    mid = lend(clerk_reg, n, borrower="张三", approver="李处长")
    clock.advance(hours=2)
    number = open_incident(clerk_reg, discovered_at=at(10, 30), carrier=n, **FIELDS)
    assert carrier(clerk_reg, n).state == "下落不明"
    refused(clerk_reg, "R13", return_, clerk_reg, n, returned_by="张三")  # found first
    clock.advance(hours=1)
    assert found(clerk_reg, n) == "在库"
    c = carrier(clerk_reg, n)
    assert (c.holder_id, c.open_movement_id) == (None, None) and replays(clerk_reg, n)
    [f] = movements(clerk_reg, n, "找回")
    assert detail(f)["incidents"] == [number]
    with clerk_reg.read() as s:
        assert s.get(Movement, mid).closed_by_id == f.id
    assert incident(clerk_reg, number).closed is False  # the investigation goes on


def test_found_only_when_missing(clerk_reg, people):
    n = new(clerk_reg)
    with pytest.raises(BadInput):
        found(clerk_reg, n)


# -- report and result -------------------------------------------------------------------

def test_report_within_24_hours_not_late_R45(clerk_reg, people, clock):
    number = open_incident(clerk_reg, discovered_at=at(8), **FIELDS)
    clock.advance(hours=20)
    assert report(clerk_reg, number) is False
    assert incident(clerk_reg, number).reported_at == at(9) + timedelta(hours=20)
    with pytest.raises(BadInput):
        report(clerk_reg, number)


def test_report_after_24_hours_recorded_late_R45(clerk_reg, people, clock):
    number = open_incident(clerk_reg, discovered_at=at(8), **FIELDS)
    clock.advance(hours=24)
    assert report(clerk_reg, number) is True and report_late(incident(clerk_reg, number))


def test_result_needs_the_report_first_R45(clerk_reg, people, clock):
    number = open_incident(clerk_reg, discovered_at=at(8), **FIELDS)
    refused(clerk_reg, "R45", result, clerk_reg, number, "已查明，文件在张三抽屉中找到")
    report(clerk_reg, number)
    clock.advance(days=30)
    assert result(clerk_reg, number, "已查明，给予张三批评教育") is False
    inc = incident(clerk_reg, number)
    assert inc.closed and inc.result_at == clock.now() and "批评教育" in inc.result


def test_result_after_three_months_recorded_late_R45(clerk_reg, people, clock):
    number = open_incident(clerk_reg, discovered_at=at(8), **FIELDS)
    report(clerk_reg, number)
    clock.set(datetime(2027, 2, 3, 9))
    assert result(clerk_reg, number, "结案") is True


def test_deadlines_overdue_and_upcoming_R45(clerk_reg, people, clock):
    a = open_incident(clerk_reg, discovered_at=datetime(2026, 10, 31, 9), **FIELDS)
    b = open_incident(clerk_reg, discovered_at=at(8), **FIELDS)
    with clerk_reg.read() as s:
        due = deadlines(s, clock.now())
    assert [(d.incident, d.what, d.due, d.overdue) for d in due] == [
        (a, "书面报告", datetime(2026, 11, 1, 9), True),
        (b, "书面报告", datetime(2026, 11, 3, 8), False),
        (a, "查处结果", datetime(2027, 1, 31, 9), False),
        (b, "查处结果", datetime(2027, 2, 2, 8), False)]
    with clerk_reg.read() as s:
        assert [d.incident for d in deadlines(s, clock.now(), within=timedelta(days=1))] == [a, b]
    report(clerk_reg, a)
    with clerk_reg.read() as s:
        assert [(d.incident, d.what) for d in deadlines(s, clock.now(), within=timedelta(days=1))] == [
            (b, "书面报告")]


def test_add_months_keeps_to_month_end():
    assert add_months(datetime(2026, 11, 30, 9), 3) == datetime(2027, 2, 28, 9)
    assert add_months(datetime(2026, 10, 31), 3) == datetime(2027, 1, 31)
    assert add_months(datetime(2027, 11, 30), 3) == datetime(2028, 2, 29)  # leap year


def test_three_months_are_never_shorter_than_the_sql_prefilter_R31():
    """late_three_months lets SQLite drop loans due less than LATE_AT_LEAST ago;
    that is only right if no due date plus three months comes sooner."""
    day = datetime(2000, 1, 1, 17, 30)
    for _ in range(366 * 4 + 400):  # every day of a leap cycle, and more
        assert add_months(day, LATE_MONTHS) - day >= LATE_AT_LEAST, day
        day += timedelta(days=1)


# -- R31 ----------------------------------------------------------------------------------

def test_loan_three_months_late_escalated_once_R31(clerk_reg, people, clock):
    n = new(clerk_reg)
    lend(clerk_reg, n, borrower="张三", approver="李处长")  # due 2026-11-02 17:30
    clock.set(datetime(2027, 2, 2, 17, 0))
    with clerk_reg.read() as s:
        assert late_three_months(s, clock.now()) == []
    assert escalate_late(clerk_reg) == []
    clock.set(datetime(2027, 2, 3, 9, 0))
    with clerk_reg.read() as s:
        [item] = late_three_months(s, clock.now())
    assert (item.number, item.holder, item.reason) == (n, "张三", "借阅逾期")
    [number] = escalate_late(clerk_reg)
    inc = incident(clerk_reg, number)
    assert inc.source == "超期" and inc.carrier_id == carrier(clerk_reg, n).id
    assert "张三" in inc.responsible and "R31" in inc.how_found
    assert carrier(clerk_reg, n).state == "下落不明" and replays(clerk_reg, n)
    before = journal_head(clerk_reg)
    clock.advance(days=1)
    assert escalate_late(clerk_reg) == [] and journal_head(clerk_reg) == before


def test_returned_loan_never_escalated_R31(clerk_reg, people, clock):
    n = new(clerk_reg)
    lend(clerk_reg, n, borrower="张三", approver="李处长")
    clock.advance(hours=10)  # back the next morning: late, not three months late
    return_(clerk_reg, n, returned_by="张三")
    clock.set(datetime(2027, 6, 1, 9))
    assert escalate_late(clerk_reg) == [] and all_incidents(clerk_reg) == []


def test_return_demanded_at_check_escalated_after_three_months_R31(clerk_reg, people, clock):
    n = new(clerk_reg)
    lend(clerk_reg, n, borrower="张三", approver="李处长", place="带出",
         due=datetime(2027, 12, 31, 17))
    check_items(clerk_reg, "2026Q4", {n: "清退"})
    clock.set(datetime(2027, 2, 1, 9))
    with clerk_reg.read() as s:
        assert late_three_months(s, clock.now()) == []
    clock.set(datetime(2027, 2, 3, 9))
    with clerk_reg.read() as s:
        [item] = late_three_months(s, clock.now())
    assert (item.reason, item.since) == ("清查要求清退", at(9))
    assert len(escalate_late(clerk_reg)) == 1


def test_late_three_months_matches_a_hand_built_list_R31(clerk_reg, people, clock):
    """One statement for every loan out: the due time, the first demand during the
    loan (not one made during an earlier loan), the holder's name, the order."""
    by_due, by_demand, demand_before, in_time = (new(clerk_reg) for _ in range(4))
    far = datetime(2027, 12, 31, 17)
    clock.set(at(9))
    lend(clerk_reg, by_demand, borrower="张三", approver="李处长", place="带出", due=far)
    lend(clerk_reg, demand_before, borrower="赵六", approver="李处长", place="带出", due=far)
    clock.set(at(9, 30))
    check_items(clerk_reg, "2026Q4", {by_demand: "清退", demand_before: "清退"})
    clock.set(at(10))
    return_(clerk_reg, demand_before, returned_by="赵六")
    lend(clerk_reg, demand_before, borrower="赵六", approver="李处长", place="带出", due=far)
    lend(clerk_reg, by_due, borrower="赵六", approver="李处长")  # due 17:30
    lend(clerk_reg, in_time, borrower="张三", approver="李处长", place="带出", due=far)
    with clerk_reg.read() as s:
        got = late_three_months(s, datetime(2027, 2, 3, 9))
        assert late_three_months(s, datetime(2027, 2, 2, 9, 29)) == []
    assert [(i.number, i.holder, i.since, i.reason) for i in got] == [
        (by_demand, "张三", at(9, 30), "清查要求清退"),
        (by_due, "赵六", at(17, 30), "借阅逾期"),
    ]
