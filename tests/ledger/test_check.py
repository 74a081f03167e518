"""清查 the quarterly check (R30): results recorded in one batch, 缺失 opens an
incident (R45), 清退 returns to the issuer, 拟销毁 marks for destruction, re-recording
changes nothing; the expected list and the quarter helpers."""
from __future__ import annotations

from datetime import datetime

import pytest
from ledger_support import at, batches, carrier, detail, journal_head, movements, new, refused, replays
from sqlalchemy import select

from app.errors import BadInput
from app.ledger.checks import (
    check_items,
    destruction_candidates,
    expected_for_check,
    parse_quarter,
    quarter_bounds,
    quarter_of,
)
from app.ledger.destruction import destroy
from app.ledger.loans import lend
from app.ledger.withdraw import withdraw
from app.models.movements import Incident


def incidents(reg) -> list[Incident]:
    with reg.read() as s:
        rows = list(s.scalars(select(Incident).order_by(Incident.id)))
        for r in rows:
            s.expunge(r)
        return rows


# -- quarters --------------------------------------------------------------------------

def test_quarter_bounds_and_names():
    assert quarter_bounds("2026Q4") == (datetime(2026, 10, 1), datetime(2027, 1, 1))
    assert quarter_bounds("2026-q1") == (datetime(2026, 1, 1), datetime(2026, 4, 1))
    assert quarter_bounds("2026年第三季度") == (datetime(2026, 7, 1), datetime(2026, 10, 1))
    assert quarter_of(datetime(2026, 11, 2, 9)) == "2026Q4" and quarter_of(datetime(2026, 3, 31)) == "2026Q1"
    assert parse_quarter("2026Q2") == (2026, 2)
    with pytest.raises(BadInput):
        quarter_bounds("2026Q5")


# -- recording R30 ------------------------------------------------------------------------

def test_check_results_recorded_in_one_batch_R30(clerk_reg, people):
    a, b = new(clerk_reg), new(clerk_reg)
    summary = check_items(clerk_reg, "2026Q4", {a: "在", b: "拟销毁"})
    assert sorted(summary.recorded) == sorted([a, b])
    [batch] = batches(clerk_reg, "清查")
    assert detail(batch) == {"quarter": "2026Q4", "count": 2}
    for number, result in ((a, "在"), (b, "拟销毁")):
        [m] = movements(clerk_reg, number, "清查")
        assert m.batch_id == batch.id and detail(m) == {"quarter": "2026Q4", "result": result}
        assert carrier(clerk_reg, number).state == "在库" and replays(clerk_reg, number)


def test_carrier_out_on_loan_is_checked_where_it_is_R30(clerk_reg, people):
    n = new(clerk_reg)
    lend(clerk_reg, n, borrower="张三", approver="李处长")
    check_items(clerk_reg, "2026Q4", {n: "在"})
    [m] = movements(clerk_reg, n, "清查")
    assert m.person_id == people["张三"] and carrier(clerk_reg, n).state == "借出"


def test_carrier_no_longer_held_refused_R30(clerk_reg, people):
    gone, kept = new(clerk_reg), new(clerk_reg)
    withdraw(clerk_reg, gone, to_unit="市保密局")
    e = refused(clerk_reg, "R30", check_items, clerk_reg, "2026Q4", {kept: "在", gone: "在"})
    assert "不属清查范围" in e.message
    assert movements(clerk_reg, kept, "清查") == []  # the whole check refused, nothing written


def test_unknown_result_is_bad_input(clerk_reg, people):
    n = new(clerk_reg)
    with pytest.raises(BadInput):
        check_items(clerk_reg, "2026Q4", {n: "丢了"})


def test_same_result_recorded_again_changes_nothing_R30(clerk_reg, people):
    a, b, c = new(clerk_reg), new(clerk_reg), new(clerk_reg)
    results = {a: "在", b: "缺失", c: "清退"}
    check_items(clerk_reg, "2026Q4", results)
    before = journal_head(clerk_reg)
    summary = check_items(clerk_reg, "2026Q4", results)  # the workbook imported again
    assert journal_head(clerk_reg) == before
    assert sorted(summary.unchanged) == sorted(results) and summary.recorded == []
    assert len(batches(clerk_reg, "清查")) == 1 and len(incidents(clerk_reg)) == 1


def test_a_new_result_for_the_quarter_is_recorded_R30(clerk_reg, people, clock):
    n = new(clerk_reg)
    check_items(clerk_reg, "2026Q4", {n: "在"})
    clock.advance(hours=1)
    check_items(clerk_reg, "2026Q4", {n: "拟销毁"})
    assert [detail(m)["result"] for m in movements(clerk_reg, n, "清查")] == ["在", "拟销毁"]


# -- 缺失 → incident (R45) ----------------------------------------------------------------

def test_missing_carrier_opens_incident_R30_R45(clerk_reg, people):
    n = new(clerk_reg, "机密", title="年度工作要点", custodian="赵六")
    summary = check_items(clerk_reg, "2026Q4", {n: "缺失"})
    c = carrier(clerk_reg, n)
    assert c.state == "下落不明" and replays(clerk_reg, n)
    [inc] = incidents(clerk_reg)
    assert summary.incidents == [inc.number] and inc.number.startswith("SJ-2026-")
    assert (inc.source, inc.carrier_id, inc.discovered_at) == ("清查", c.id, at(9))
    assert "年度工作要点" in inc.content and "机密" in inc.content and n in inc.content
    assert "文件" in inc.content and "2026Q4" in inc.how_found and "赵六" in inc.responsible
    assert all(getattr(inc, f) for f in ("course", "harm", "investigation", "remedies"))


def test_missing_carrier_found_at_next_check_is_back_in_the_room(clerk_reg, people, clock):
    n = new(clerk_reg)
    check_items(clerk_reg, "2026Q4", {n: "缺失"})
    clock.set(datetime(2027, 1, 5, 9))
    check_items(clerk_reg, "2027Q1", {n: "在"})
    assert carrier(clerk_reg, n).state == "在库" and replays(clerk_reg, n)
    assert len(incidents(clerk_reg)) == 1  # the incident stays for its investigation


def test_already_missing_carrier_opens_no_second_incident(clerk_reg, people, clock):
    n = new(clerk_reg)
    check_items(clerk_reg, "2026Q4", {n: "缺失"})
    clock.set(datetime(2027, 1, 5, 9))
    check_items(clerk_reg, "2027Q1", {n: "缺失"})
    assert len(incidents(clerk_reg)) == 1


# -- 清退 and 拟销毁 -----------------------------------------------------------------------

def test_withdraw_result_returns_to_issuer_R30(clerk_reg, people):
    n = new(clerk_reg)
    summary = check_items(clerk_reg, "2026Q4", {n: "清退"})
    assert summary.withdrawn == [n] and carrier(clerk_reg, n).state == "已清退"
    check, back = movements(clerk_reg, n)[-2:]
    assert (check.kind, back.kind) == ("清查", "清退") and check.batch_id == back.batch_id
    assert detail(back)["to"] == "市保密局" and replays(clerk_reg, n)


def test_withdraw_result_for_carrier_out_records_the_demand_R30(clerk_reg, people):
    n = new(clerk_reg)
    lend(clerk_reg, n, borrower="张三", approver="李处长")
    summary = check_items(clerk_reg, "2026Q4", {n: "清退"})
    assert summary.demanded == [n] and carrier(clerk_reg, n).state == "借出"
    [m] = movements(clerk_reg, n, "清查")
    assert detail(m)["return_demanded"] is True


def test_archived_carrier_cannot_be_withdrawn_at_check_R30(clerk_reg, people):
    from app.ledger.archive import archive
    n = new(clerk_reg)
    archive(clerk_reg, n, archive_no="WS-1")
    refused(clerk_reg, "R30", check_items, clerk_reg, "2026Q4", {n: "清退"})


def test_marked_for_destruction_listed_until_destroyed_R30_R32(clerk_reg, people, clock):
    a, b = new(clerk_reg), new(clerk_reg)
    check_items(clerk_reg, "2026Q4", {a: "拟销毁", b: "在"})
    with clerk_reg.read() as s:
        assert [c.number for c in destruction_candidates(s)] == [a]
    clock.advance(hours=1)
    destroy(clerk_reg, [a], approver="李处长", witnesses=["张三", "赵六"])
    with clerk_reg.read() as s:
        assert destruction_candidates(s) == []


# -- the expected list ---------------------------------------------------------------------

def test_expected_list_is_everything_in_custody_R30(clerk_reg, people):
    kept, lent, gone = new(clerk_reg), new(clerk_reg), new(clerk_reg)
    lend(clerk_reg, lent, borrower="张三", approver="李处长")
    withdraw(clerk_reg, gone, to_unit="市保密局")
    with clerk_reg.read() as s:
        assert [c.number for c in expected_for_check(s, "2026Q4")] == sorted([kept, lent])


def test_expected_list_of_a_past_quarter_is_as_at_its_end_R30(clerk_reg, people, clock):
    old = new(clerk_reg, when=datetime(2026, 9, 10, 9))
    later = new(clerk_reg, when=datetime(2026, 10, 10, 9))
    destroy(clerk_reg, [old], approver="李处长", witnesses=["张三", "赵六"], at=datetime(2026, 10, 20, 9))
    with clerk_reg.read() as s:
        assert [c.number for c in expected_for_check(s, "2026Q3")] == [old]
        assert [c.number for c in expected_for_check(s, "2026Q4")] == [later]
