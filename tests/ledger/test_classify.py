"""定密 / 变更 / 解密 (R05): proposed by the drafter, confirmed by a leader, with the
basis; the 10-day deadline tracked; R06 media never lowered; R03 份号 for 机密."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from ledger_support import carrier, detail, movements, new, refused, replays

from app.errors import BadInput
from app.ledger.classification import classification_deadlines, classify
from app.ledger.copies import copy
from app.ledger.destruction import destroy

BASIS = "《国家秘密事项、内部事项一览表》第3项"


def produced(reg, level="秘密", **kw) -> str:
    return new(reg, level, origin="自制", title="关于2027年度工作安排的请示", **kw)


def test_confirming_a_produced_document_R05(clerk_reg, people):
    n = produced(clerk_reg, doc_date=date(2026, 10, 28))
    assert carrier(clerk_reg, n).classified is False
    r = classify(clerk_reg, n, kind="定密", period="5年", proposed_by="张三", confirmed_by="李处长",
                 basis=BASIS)
    c = carrier(clerk_reg, n)
    assert c.classified is True and c.period == "5年" and c.period_until == date(2031, 10, 28)
    assert r.flagged == "" and r.level == "秘密"
    [m] = movements(clerk_reg, n, "定密")
    assert (m.person_id, m.approver_id) == (people["张三"], people["李处长"])
    assert detail(m)["basis"] == BASIS and detail(m)["before"]["period"] == "10年"
    assert replays(clerk_reg, n)


def test_confirmation_may_set_the_level_R05(clerk_reg, people):
    n = produced(clerk_reg, "秘密", serial="007")
    r = classify(clerk_reg, n, kind="定密", level="机密", proposed_by="张三", confirmed_by="李处长",
                 basis=BASIS)
    c = carrier(clerk_reg, n)
    assert (r.level, c.level, c.highest_level, c.classified) == ("机密", "机密", "机密", True)


def test_confirmation_by_non_leader_refused_R05(clerk_reg, people):
    n = produced(clerk_reg)
    refused(clerk_reg, "R05", classify, clerk_reg, n, kind="定密", proposed_by="张三",
            confirmed_by="赵六", basis=BASIS)
    assert carrier(clerk_reg, n).classified is False


def test_confirmation_without_proposer_or_basis_refused_R05(clerk_reg, people):
    n = produced(clerk_reg)
    refused(clerk_reg, "R05", classify, clerk_reg, n, kind="定密", proposed_by="",
            confirmed_by="李处长", basis=BASIS)
    refused(clerk_reg, "R05", classify, clerk_reg, n, kind="定密", proposed_by="张三",
            confirmed_by="李处长", basis=" ")


def test_late_confirmation_is_recorded_and_flagged_R05(clerk_reg, people):
    n = produced(clerk_reg, doc_date=date(2026, 10, 20))
    r = classify(clerk_reg, n, kind="定密", proposed_by="张三", confirmed_by="李处长", basis=BASIS)
    assert r.flagged.startswith("R05") and "超过10日" in r.flagged
    assert movements(clerk_reg, n, "定密")[0].flagged == r.flagged


def test_received_document_needs_no_second_confirmation(clerk_reg, people):
    n = new(clerk_reg)
    with pytest.raises(BadInput):
        classify(clerk_reg, n, kind="定密", proposed_by="张三", confirmed_by="李处长", basis=BASIS)


def test_deadlines_overdue_and_upcoming_R05(clerk_reg, people, clock):
    overdue = produced(clerk_reg, doc_date=date(2026, 10, 20))  # due 10-30
    soon = produced(clerk_reg, doc_date=date(2026, 10, 24))  # due 11-03
    later = produced(clerk_reg, doc_date=date(2026, 11, 1))  # due 11-11
    new(clerk_reg)  # received: classified by its issuer
    with clerk_reg.read() as s:
        due = classification_deadlines(s, clock.now(), within_days=3)
    assert [(d.number, d.overdue) for d in due] == [(overdue, True), (soon, False)]
    classify(clerk_reg, overdue, kind="定密", proposed_by="张三", confirmed_by="李处长", basis=BASIS)
    with clerk_reg.read() as s:
        assert [d.number for d in classification_deadlines(s, clock.now(), within_days=30)] == [soon, later]


# -- 变更 -------------------------------------------------------------------------------

def test_change_raises_level_and_highest_level_R05(clerk_reg, people):
    n = new(clerk_reg, serial="003")
    r = classify(clerk_reg, n, kind="变更", level="机密", proposed_by="张三", confirmed_by="李处长",
                 basis="市保密局通知（2026）7号")
    c = carrier(clerk_reg, n)
    assert (c.level, c.highest_level, r.level) == ("机密", "机密", "机密")
    assert detail(movements(clerk_reg, n, "变更")[0])["before"]["level"] == "秘密"


def test_change_to_confidential_without_serial_refused_R03(clerk_reg, people):
    n = new(clerk_reg)  # 秘密, no 份号
    refused(clerk_reg, "R03", classify, clerk_reg, n, kind="变更", level="机密", proposed_by="张三",
            confirmed_by="李处长", basis="通知")


def test_document_may_be_lowered_but_keeps_highest_level_R06(clerk_reg, people):
    n = new(clerk_reg, "机密")
    classify(clerk_reg, n, kind="变更", level="秘密", proposed_by="张三", confirmed_by="李处长",
             basis="原定密单位变更通知")
    c = carrier(clerk_reg, n)
    assert (c.level, c.highest_level) == ("秘密", "机密")


def test_medium_never_lowered_R06(clerk_reg, people):
    n = new(clerk_reg, "机密", kind="U盘/移动硬盘", media_id="SN-77")
    e = refused(clerk_reg, "R06", classify, clerk_reg, n, kind="变更", level="秘密", proposed_by="张三",
                confirmed_by="李处长", basis="通知")
    assert "不得降为秘密" in e.message
    classify(clerk_reg, n, kind="变更", level="绝密", proposed_by="张三", confirmed_by="李处长",
             basis="通知")
    assert carrier(clerk_reg, n).highest_level == "绝密"


def test_change_of_period_recomputes_its_end_R05(clerk_reg, people):
    n = new(clerk_reg, doc_date=date(2026, 11, 1))
    classify(clerk_reg, n, kind="变更", period="2028-06-30", proposed_by="张三", confirmed_by="李处长",
             basis="通知")
    assert carrier(clerk_reg, n).period_until == date(2028, 6, 30)


def test_change_lists_the_copies_to_follow_up_R22(clerk_reg, people):
    n = new(clerk_reg, "机密")
    copies = copy(clerk_reg, n, count=2, approver="李处长")
    r = classify(clerk_reg, n, kind="变更", level="秘密", proposed_by="张三", confirmed_by="李处长",
                 basis="通知")
    assert r.copies == copies
    assert all(carrier(clerk_reg, c).level == "机密" for c in copies)  # never silently changed


def test_change_with_nothing_new_is_bad_input(clerk_reg, people):
    n = new(clerk_reg)
    with pytest.raises(BadInput):
        classify(clerk_reg, n, kind="变更", level="秘密", proposed_by="张三", confirmed_by="李处长",
                 basis="通知")


# -- 解密 -------------------------------------------------------------------------------

def test_declassification_recorded_level_kept_R05(clerk_reg, people):
    n = new(clerk_reg, "机密", period="20年")
    classify(clerk_reg, n, kind="解密", proposed_by="张三", confirmed_by="李处长",
             basis="原定密单位解密通知", at=datetime(2026, 11, 2, 8, 45))
    c = carrier(clerk_reg, n)
    assert (c.level, c.period, c.period_until) == ("机密", "已解密（2026-11-02）", None)
    [m] = movements(clerk_reg, n, "解密")
    assert detail(m)["declassified"] is True and detail(m)["before"]["period"] == "20年"
    with pytest.raises(BadInput):
        classify(clerk_reg, n, kind="解密", proposed_by="张三", confirmed_by="李处长", basis="再次")


def test_declassification_by_non_leader_refused_R05(clerk_reg, people):
    n = new(clerk_reg)
    refused(clerk_reg, "R05", classify, clerk_reg, n, kind="解密", proposed_by="张三",
            confirmed_by="张三", basis="通知")


def test_destroyed_carrier_not_reclassified_R32(clerk_reg, people):
    n = new(clerk_reg)
    destroy(clerk_reg, [n], approver="李处长", witnesses=["张三", "赵六"])
    refused(clerk_reg, "R32", classify, clerk_reg, n, kind="解密", proposed_by="张三",
            confirmed_by="李处长", basis="通知")
