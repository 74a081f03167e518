"""收文 / 自制 / 会议带回: registering carriers (R01–R04, R06, R07)."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.errors import BadInput, PermissionDenied, RuleViolation
from app.ledger.carriers import NewCarrier, period_until, receive
from app.ledger.state import replay
from app.models.carriers import Carrier
from app.models.movements import Batch, Movement
from app.store.journaling import head


def carrier(reg, number: str) -> Carrier:
    with reg.read() as s:
        c = s.scalars(select(Carrier).where(Carrier.number == number)).one()
        s.expunge(c)  # keep the loaded values after the read session ends
        return c


def movements(reg, number: str) -> list[Movement]:
    with reg.read() as s:
        c = s.scalars(select(Carrier).where(Carrier.number == number)).one()
        ms = list(s.scalars(select(Movement).where(Movement.carrier_id == c.id).order_by(Movement.id)))
        s.expunge_all()
        return ms


def journal_head(reg):
    with reg.read() as s:
        return head(s)


def refused(reg, rule: str, fn, *args, **kw) -> RuleViolation:
    """Call fn, expect a refusal naming `rule`, and check nothing was written."""
    before = journal_head(reg)
    with pytest.raises(RuleViolation) as e:
        fn(*args, **kw)
    assert e.value.rule == rule and rule in e.value.message
    assert journal_head(reg) == before
    return e.value


def secret(**kw) -> NewCarrier:
    base = dict(title="关于加强保密工作的通知", level="秘密", issuer="市委办公室", doc_no="市委办〔2026〕12号")
    base.update(kw)
    return NewCarrier(**base)


# -- R01: same-day registration ---------------------------------------------------

def test_receipt_registered_same_day_not_flagged_R01(clerk_reg, clock, people):
    clock.set(datetime(2026, 11, 2, 16, 0))
    [n] = receive(clerk_reg, secret(), at=datetime(2026, 11, 2, 8, 30))
    [m] = movements(clerk_reg, n)
    assert m.kind == "收文" and m.flagged == ""
    assert m.occurred_at == datetime(2026, 11, 2, 8, 30)


def test_receipt_registered_next_day_flagged_R01(clerk_reg, clock, people):
    clock.set(datetime(2026, 11, 3, 9, 0))
    [n] = receive(clerk_reg, secret(), at=datetime(2026, 11, 2, 15, 0))
    [m] = movements(clerk_reg, n)
    assert m.flagged.startswith("R01")
    assert m.occurred_at == datetime(2026, 11, 2, 15, 0)  # when it happened
    assert m.entered_at == datetime(2026, 11, 3, 9, 0)  # when it was typed in
    assert carrier(clerk_reg, n).registered_at == datetime(2026, 11, 2, 15, 0)


def test_receipt_in_the_future_is_bad_input(clerk_reg, people):
    with pytest.raises(BadInput):
        receive(clerk_reg, secret(), at=datetime(2026, 11, 3, 9, 0))


def test_only_the_clerk_registers(admin_reg):
    with pytest.raises(PermissionDenied):
        receive(admin_reg, secret())


# -- R02: numbered item by item ---------------------------------------------------

def test_n_copies_become_n_numbered_carriers_in_one_batch_R02(clerk_reg, people):
    numbers = receive(clerk_reg, secret(level="机密", copies=3))
    assert len(set(numbers)) == 3
    cs = [carrier(clerk_reg, n) for n in numbers]
    assert [c.serial for c in cs] == ["第1份/共3份", "第2份/共3份", "第3份/共3份"]
    assert {c.copies_total for c in cs} == {3}
    assert {c.state for c in cs} == {"在库"}
    batch_ids = {movements(clerk_reg, n)[0].batch_id for n in numbers}
    assert len(batch_ids) == 1 and None not in batch_ids
    with clerk_reg.read() as s:
        assert s.get(Batch, batch_ids.pop()).kind == "收文"


def test_start_serial_counts_up_R02(clerk_reg, people):
    numbers = receive(clerk_reg, secret(level="绝密", copies=3, serial="003"))
    assert [carrier(clerk_reg, n).serial for n in numbers] == ["003", "004", "005"]


def test_numbers_are_never_reused(clerk_reg, people):
    a = receive(clerk_reg, secret())
    b = receive(clerk_reg, secret(copies=2))
    assert a == ["2026-000001"] and b == ["2026-000002", "2026-000003"]


def test_non_numeric_start_serial_for_many_copies_is_bad_input(clerk_reg, people):
    with pytest.raises(BadInput):
        receive(clerk_reg, secret(copies=2, serial="甲"))


def test_receipt_is_one_transaction(clerk_reg, people):
    """A refusal after the counter was read writes nothing, not even the number."""
    before = journal_head(clerk_reg)
    with pytest.raises(BadInput):
        receive(clerk_reg, secret(copies=2, received_by="无此人"))
    assert journal_head(clerk_reg) == before
    assert receive(clerk_reg, secret()) == ["2026-000001"]


# -- R03: 份号 ---------------------------------------------------------------------

@pytest.mark.parametrize("level", ["机密", "绝密"])
def test_confidential_without_serial_refused_R03(clerk_reg, people, level):
    refused(clerk_reg, "R03", receive, clerk_reg, secret(level=level))


def test_confidential_with_serial_allowed_R03(clerk_reg, people):
    [n] = receive(clerk_reg, secret(level="机密", serial="007"))
    assert carrier(clerk_reg, n).serial == "007"


def test_secret_without_serial_allowed_R03(clerk_reg, people):
    [n] = receive(clerk_reg, secret(level="秘密"))
    assert carrier(clerk_reg, n).serial == ""


# -- R04: produced here -----------------------------------------------------------

def test_produced_without_approver_refused_R04(clerk_reg, people):
    refused(clerk_reg, "R04", receive, clerk_reg,
            secret(origin="自制", copies=2, approved_count=2))


def test_produced_approved_by_non_leader_refused_R04(clerk_reg, people):
    refused(clerk_reg, "R04", receive, clerk_reg,
            secret(origin="自制", copies=2, approved_by="张三", approved_count=2))


@pytest.mark.parametrize("count", [1, 3, None])
def test_produced_count_not_the_approved_count_refused_R04(clerk_reg, people, count):
    refused(clerk_reg, "R04", receive, clerk_reg,
            secret(origin="自制", copies=2, approved_by="李处长", approved_count=count))


def test_produced_with_leader_approval_allowed_awaiting_classification_R04(clerk_reg, people):
    numbers = receive(clerk_reg, secret(origin="自制", copies=2, approved_by="李处长", approved_count=2))
    c = carrier(clerk_reg, numbers[0])
    assert c.origin == "自制" and c.approved_by_id == people["李处长"] and c.approved_count == 2
    assert c.classified is False  # awaits 定密 (R05)
    assert movements(clerk_reg, numbers[0])[0].kind == "登记"


def test_produced_internal_work_item_needs_no_printing_approval_R04(clerk_reg, people):
    """内部 is not a state secret: S0 五、二 speaks of 秘密文件."""
    [n] = receive(clerk_reg, secret(level="内部", origin="自制"))
    assert carrier(clerk_reg, n).approved_by_id is None


def test_received_document_is_already_classified(clerk_reg, people):
    [n] = receive(clerk_reg, secret())
    assert carrier(clerk_reg, n).classified is True


# -- R06: media never go down a level ---------------------------------------------

def usb(level: str, **kw) -> NewCarrier:
    return NewCarrier(title="工作U盘", level=level, kind="U盘/移动硬盘", media_id="SN-USB-001",
                      serial="001", **kw)


def test_medium_that_held_confidential_registered_lower_refused_R06(clerk_reg, people):
    receive(clerk_reg, usb("机密"))
    refused(clerk_reg, "R06", receive, clerk_reg, usb("秘密"))


@pytest.mark.parametrize("level", ["机密", "绝密"])
def test_medium_registered_same_or_higher_allowed_R06(clerk_reg, people, level):
    receive(clerk_reg, usb("机密"))
    [n] = receive(clerk_reg, usb(level))
    assert carrier(clerk_reg, n).highest_level == level


def test_paper_is_not_held_to_the_media_rule_R06(clerk_reg, people):
    receive(clerk_reg, usb("机密"))
    receive(clerk_reg, secret(media_id="SN-USB-001"))  # kind 文件: the serial means nothing


# -- R07: brought back from a meeting ---------------------------------------------

def test_meeting_document_without_meeting_refused_R07(clerk_reg, people):
    refused(clerk_reg, "R07", receive, clerk_reg, secret(origin="会议带回", received_by="李处长"))


def test_meeting_document_without_who_handed_in_refused_R07(clerk_reg, people):
    refused(clerk_reg, "R07", receive, clerk_reg, secret(origin="会议带回", via="全市保密工作会议"))


def test_meeting_document_with_meeting_and_person_allowed_R07(clerk_reg, people):
    [n] = receive(clerk_reg, secret(origin="会议带回", via="全市保密工作会议", received_by="李处长"))
    [m] = movements(clerk_reg, n)
    assert m.person_id == people["李处长"]
    assert json.loads(m.detail)["via"] == "全市保密工作会议"


# -- period, scope, state -----------------------------------------------------------

@pytest.mark.parametrize("level,period,until", [
    ("秘密", "", date(2036, 11, 2)), ("机密", "", date(2046, 11, 2)), ("绝密", "", date(2056, 11, 2)),
    ("内部", "", None), ("秘密", "5", date(2031, 11, 2)), ("秘密", "2030-12-31", date(2030, 12, 31)),
    ("秘密", "会议结束后解密", None)])
def test_period_defaults_and_until(clerk_reg, people, level, period, until):
    [n] = receive(clerk_reg, secret(level=level, period=period, serial="001"))
    c = carrier(clerk_reg, n)
    assert c.period_until == until
    if not period and level != "内部":
        assert c.period == {"秘密": "10年", "机密": "20年", "绝密": "30年"}[level]


def test_period_until_counts_from_the_document_date():
    assert period_until("10年", date(2024, 2, 29)) == date(2034, 2, 28)
    assert period_until("2030/06/30", date(2024, 1, 1)) == date(2030, 6, 30)


def test_scope_people_and_departments(clerk_reg, people):
    [n] = receive(clerk_reg, secret(scope=["张三", "财务处", "李四/财务处", "保卫处"]))
    c = carrier(clerk_reg, n)
    assert json.loads(c.scope_people) == [people["张三"], people["李四"]]
    assert json.loads(c.scope_depts) == ["财务处", "保卫处"]


def test_state_equals_replay_of_movements(clerk_reg, people):
    [n] = receive(clerk_reg, secret())
    ms = movements(clerk_reg, n)
    assert replay((m.kind, json.loads(m.detail)) for m in ms) == carrier(clerk_reg, n).state == "在库"
