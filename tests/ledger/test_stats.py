"""Monthly figures (R60), the quarter's clear-out list (R30) and the dashboard's deadlines
(R05, R30, R45)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.errors import BadInput
from app.ledger.archive import archive
from app.ledger.carriers import NewCarrier, receive
from app.ledger.checks import check_items, expected_for_check
from app.ledger.classification import classify
from app.ledger.copies import copy
from app.ledger.destruction import destroy
from app.ledger.dispatch import dispatch
from app.ledger.incidents import open_incident
from app.ledger.loans import lend, return_
from app.ledger.queries import reading
from app.ledger.stats import clear_out_list, deadlines, monthly_stats
from app.ledger.withdraw import withdraw


def at(month: int, day: int, hh: int = 9, mm: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hh, mm)


def new(reg, level: str = "秘密", *, title: str = "关于做好保密工作的通知", when: datetime,
        copies: int = 1, **kw) -> list[str]:
    serial = "001" if level in ("机密", "绝密") and copies == 1 else ""
    return receive(reg, NewCarrier(title=title, level=level, issuer="市保密局", serial=serial,
                                   copies=copies, **kw), at=when)


# -- R60 ----------------------------------------------------------------------------

def test_monthly_stats_count_each_movement_by_level_R60(clerk_reg, clock, people):
    clock.set(at(11, 2, 8))
    a, b = new(clerk_reg, when=at(11, 2, 8), copies=2)
    [c] = new(clerk_reg, "机密", when=at(11, 2, 8))
    [d, e] = new(clerk_reg, "内部", when=at(11, 2, 8), copies=2)
    clock.set(at(11, 2, 9))
    lend(clerk_reg, a, borrower="张三", approver="李处长")
    lend(clerk_reg, c, borrower="张三", approver="李处长", place="带出", due=at(11, 4, 12))
    clock.set(at(11, 2, 10))
    return_(clerk_reg, a, returned_by="张三")
    copy(clerk_reg, a, count=2, approver="李处长")
    destroy(clerk_reg, [b], approver="李处长", witnesses=["张三", "赵六"])
    archive(clerk_reg, d, archive_no="2026-永久-001")
    withdraw(clerk_reg, e, to_unit="市保密局")
    [f] = new(clerk_reg, when=at(11, 2, 10))
    dispatch(clerk_reg, f, to_unit="市委办公厅", channel="机要通信")
    with reading(clerk_reg) as s:
        nov = monthly_stats(s, "2026-11")
        oct_ = monthly_stats(s, "2026年10月")
    assert nov.counts["收文"] == {"绝密": 0, "机密": 1, "秘密": 3, "内部": 2}
    assert nov.counts["借出"]["秘密"] == 1 and nov.counts["借出"]["机密"] == 1
    assert nov.total("外出携带") == 1 and nov.counts["外出携带"]["机密"] == 1
    assert nov.counts["复制"]["秘密"] == 1 and nov.counts["复制份数"]["秘密"] == 2
    assert nov.total("收文") == 6  # the copies are not receipts
    assert (nov.total("销毁"), nov.total("归档"), nov.total("清退"), nov.total("发文")) == (1, 1, 1, 1)
    assert oct_.month == "2026-10" and all(oct_.total(r) == 0 for r in oct_.counts)


def test_month_must_be_a_month(clerk_reg):
    with reading(clerk_reg) as s:
        for bad in ("2026-13", "十一月", ""):
            with pytest.raises(BadInput):
                monthly_stats(s, bad)


# -- R30 ----------------------------------------------------------------------------

def test_clear_out_list_is_everything_in_custody_with_holder_R30(clerk_reg, clock, people):
    clock.set(at(11, 2, 9))
    a, b, c, d = new(clerk_reg, when=at(11, 2, 8), copies=4)
    lend(clerk_reg, a, borrower="张三", approver="李处长")
    destroy(clerk_reg, [b], approver="李处长", witnesses=["张三", "赵六"])
    archive(clerk_reg, c, archive_no="A-1")
    with reading(clerk_reg) as s:
        rows = clear_out_list(s, "2026Q4")
        expected = [x.number for x in expected_for_check(s, "2026Q4")]
    assert [r.number for r in rows] == expected == [a, c, d]
    assert {r.number: (r.state, r.holder) for r in rows}[a] == ("借出", "张三")


def test_past_quarter_list_is_as_of_its_end_R30(clerk_reg, clock, people):
    clock.set(at(11, 2, 9))
    a, b = new(clerk_reg, when=at(9, 20), copies=2)  # received in Q3, entered later
    destroy(clerk_reg, [b], approver="李处长", witnesses=["张三", "赵六"])  # in Q4
    with reading(clerk_reg) as s:
        q3 = [r.number for r in clear_out_list(s, "2026年第三季度")]
        assert q3 == [x.number for x in expected_for_check(s, "2026Q3")] == [a, b]
        assert [r.number for r in clear_out_list(s, "2026Q4")] == [a]
        assert clear_out_list(s, "2026Q2") == []


def test_clear_out_list_leaves_the_connection_s_page_cache_as_it_was(clerk_reg, clock, people):
    """The whole-register list reads with a large page cache, then gives it back:
    the pooled connection must not keep 32 MiB for the table's later pages."""
    new(clerk_reg, when=at(11, 2, 8))
    with reading(clerk_reg) as s:
        size = s.connection().exec_driver_sql("PRAGMA cache_size").scalar()
        assert len(clear_out_list(s, "2026Q4")) == 1
        assert s.connection().exec_driver_sql("PRAGMA cache_size").scalar() == size


# -- deadlines ----------------------------------------------------------------------------

def produced(reg, when: datetime) -> str:
    [n] = new(reg, when=when, title="关于本单位保密工作的报告", origin="自制",
              approved_by="李处长", approved_count=1, doc_date=when.date())
    return n


def kinds(reg, now: datetime) -> dict[str, list]:
    with reading(reg) as s:
        out: dict[str, list] = {}
        for d in deadlines(s, now):
            out.setdefault(d.kind, []).append(d)
        return out


def test_classification_due_ten_days_after_the_document_R05(clerk_reg, clock, people):
    n = produced(clerk_reg, at(11, 2))
    [due] = kinds(clerk_reg, at(11, 2, 10))["定密"]
    assert due.ref == n and due.due.date() == date(2026, 11, 12) and not due.overdue
    assert kinds(clerk_reg, at(11, 13, 9))["定密"][0].overdue


def test_classified_document_has_no_deadline_R05(clerk_reg, clock, people):
    n = produced(clerk_reg, at(11, 2))
    clock.set(at(11, 3))
    classify(clerk_reg, n, kind="定密", level="秘密", period="10年", proposed_by="张三",
             confirmed_by="李处长", basis="保密事项范围 第3项")
    assert "定密" not in kinds(clerk_reg, at(11, 3, 10))


def test_incident_report_and_result_deadlines_R45(clerk_reg, clock, people):
    [n] = new(clerk_reg, when=at(11, 2, 8))
    open_incident(clerk_reg, discovered_at=at(11, 2, 9), carrier=n, how_found="清点时发现",
                  responsible="张三", course="待查", harm="待评估", remedies="查找")
    got = kinds(clerk_reg, at(11, 2, 10))
    assert [d.due for d in got["事件书面报告"]] == [at(11, 3, 9)]
    assert [d.due for d in got["事件查处结果"]] == [at(2, 2, 9, year=2027)]
    assert kinds(clerk_reg, at(11, 3, 10))["事件书面报告"][0].overdue


def test_quarter_clear_out_due_near_quarter_end_until_checked_R30(clerk_reg, clock, people):
    [n] = new(clerk_reg, when=at(11, 2, 8))
    assert "季度清查" not in kinds(clerk_reg, at(12, 15))  # more than 15 days before the end
    [due] = kinds(clerk_reg, at(12, 20))["季度清查"]
    assert due.ref == "2026Q4" and not due.overdue
    clock.set(at(12, 20))
    check_items(clerk_reg, "2026Q4", {n: "在"})
    assert "季度清查" not in kinds(clerk_reg, at(12, 21))


def test_missed_quarter_clear_out_is_overdue_R30(clerk_reg, clock, people):
    new(clerk_reg, when=at(11, 2, 8))
    [due] = kinds(clerk_reg, at(1, 5, year=2027))["季度清查"]
    assert due.ref == "2026Q4" and due.overdue


def test_secrecy_periods_ending_this_year_R05(clerk_reg, clock, people):
    [soon] = new(clerk_reg, when=at(11, 2, 8), period="2026-12-31")
    new(clerk_reg, when=at(11, 2, 8), period="2030-12-31")
    [due] = kinds(clerk_reg, at(11, 2, 10))["保密期限届满"]
    assert due.ref == soon and due.due.date() == date(2026, 12, 31)
