"""涉密人员: registering people, their status (R40, R62) and trainings (R63)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.errors import BadInput, NotFound, PermissionDenied, RuleViolation
from app.ledger.carriers import NewCarrier, receive
from app.ledger.loans import lend, return_
from app.ledger.people import add_person, add_training, list_people, set_status
from app.models.carriers import Person, Training
from app.store.journaling import head


def person(reg, name: str) -> Person:
    with reg.read() as s:
        p = s.scalars(select(Person).where(Person.name == name)).one()
        s.expunge(p)
        return p


def journal_head(reg):
    with reg.read() as s:
        return head(s)


def test_add_person_records_clearance_and_leadership(clerk_reg, people):
    pid = add_person(clerk_reg, name="孙七", dept="保卫处", clearance="重要", pledge_date=date(2026, 1, 5))
    p = person(clerk_reg, "孙七")
    assert p.id == pid and p.clearance == "重要" and p.status == "在岗"
    assert p.pledge_date == date(2026, 1, 5)  # 保密承诺书 (R62)
    boss = person(clerk_reg, "王局长")
    assert boss.is_principal_leader and boss.is_leader  # a principal leader is a leader


@pytest.mark.parametrize("kw", [dict(name=" "), dict(name="周八", clearance="绝密"),
                                dict(name="周/八")])
def test_add_person_bad_input(clerk_reg, kw):
    with pytest.raises(BadInput):
        add_person(clerk_reg, **kw)


def test_same_name_same_department_refused_other_department_allowed(clerk_reg, people):
    with pytest.raises(BadInput):
        add_person(clerk_reg, name="张三", dept="办公室")
    add_person(clerk_reg, name="张三", dept="财务处")
    with pytest.raises(BadInput):  # now ambiguous: 姓名/部门 is needed
        set_status(clerk_reg, "张三", "离岗")
    set_status(clerk_reg, "张三/财务处", "离岗")
    assert {p.status for p in list_people(clerk_reg) if p.name == "张三"} == {"在岗", "离岗"}


def test_only_the_clerk_registers_people(admin_reg):
    with pytest.raises(PermissionDenied):
        add_person(admin_reg, name="周八")


# -- R40 / R62: nobody leaves holding a carrier ----------------------------------------

def _lend_to_zhangsan(reg) -> str:
    [n] = receive(reg, NewCarrier(title="年度工作要点", level="秘密", issuer="市委办公室"))
    lend(reg, n, borrower="张三", approver="李处长")
    return n


@pytest.mark.parametrize("status,until", [("脱密期", date(2027, 5, 1)), ("离岗", None)])
def test_status_change_while_holding_a_carrier_refused_R40_R62(clerk_reg, people, status, until):
    _lend_to_zhangsan(clerk_reg)
    before = journal_head(clerk_reg)
    with pytest.raises(RuleViolation) as e:
        set_status(clerk_reg, "张三", status, until=until)
    assert e.value.rule == "R40" and "R62" in e.value.message
    assert journal_head(clerk_reg) == before
    assert person(clerk_reg, "张三").status == "在岗"


def test_status_change_after_return_allowed_R40_R62(clerk_reg, people):
    n = _lend_to_zhangsan(clerk_reg)
    return_(clerk_reg, n, returned_by="张三")
    set_status(clerk_reg, "张三", "脱密期", until=date(2027, 5, 1))
    p = person(clerk_reg, "张三")
    assert p.status == "脱密期" and p.declassify_until == date(2027, 5, 1)
    set_status(clerk_reg, "张三", "在岗")
    assert person(clerk_reg, "张三").declassify_until is None


def test_custodian_cannot_leave_while_keeping_carriers_R40(clerk_reg, people):
    receive(clerk_reg, NewCarrier(title="保密柜清单", level="秘密", custodian="赵六"))
    with pytest.raises(RuleViolation) as e:
        set_status(clerk_reg, "赵六", "离岗")
    assert e.value.rule == "R40"


def test_declassification_period_needs_a_future_end(clerk_reg, people):
    with pytest.raises(BadInput):
        set_status(clerk_reg, "李四", "脱密期")
    with pytest.raises(BadInput):
        set_status(clerk_reg, "李四", "脱密期", until=date(2026, 11, 1))
    with pytest.raises(BadInput):
        set_status(clerk_reg, "李四", "退休")


def test_unknown_person_not_found(clerk_reg, people):
    with pytest.raises(NotFound):
        set_status(clerk_reg, "无名氏", "离岗")


# -- R63: trainings ------------------------------------------------------------------

def test_training_recorded_R63(clerk_reg, people):
    tid = add_training(clerk_reg, "张三", on=date(2026, 10, 20), topic="保密法规培训", hours=4)
    with clerk_reg.read() as s:
        t = s.get(Training, tid)
        assert (t.person_id, t.topic, t.hours) == (people["张三"], "保密法规培训", 4)
    [info] = [p for p in list_people(clerk_reg) if p.name == "张三"]
    assert info.trainings == 1


@pytest.mark.parametrize("kw", [dict(on=date(2026, 10, 20), topic=" "),
                                dict(on=date(2026, 11, 3), topic="未来的培训"),
                                dict(on=date(2026, 10, 20), topic="保密法规", hours=0)])
def test_training_bad_input_R63(clerk_reg, people, kw):
    with pytest.raises(BadInput):
        add_training(clerk_reg, "张三", **kw)


def test_list_people_shows_what_each_holds(clerk_reg, people):
    _lend_to_zhangsan(clerk_reg)
    held = {p.name: p.held for p in list_people(clerk_reg)}
    assert held["张三"] == 1 and held["李四"] == 0


def test_list_people_counts_what_each_holds_like_held_count(clerk_reg, people, clock) -> None:
    """The listing's grouped counts equal the per-person rule check (R40, R62)."""
    from app.ledger import loans
    from app.ledger.carriers import NewCarrier, receive
    from app.ledger.people import held_count, list_people

    kept = receive(clerk_reg, NewCarrier(title="保管件", level="秘密", custodian="赵六"))
    receive(clerk_reg, NewCarrier(title="保管件二", level="秘密", custodian="赵六"))
    lent = receive(clerk_reg, NewCarrier(title="借阅件", level="秘密", custodian="李处长"))
    clock.advance(minutes=5)
    loans.lend(clerk_reg, lent[0], borrower="张三", approver="李处长")
    loans.lend(clerk_reg, kept[0], borrower="赵六", approver="李处长")  # its own custodian
    listed = {p.name: p.held for p in list_people(clerk_reg)}
    with clerk_reg.read() as s:
        for name, pid in people.items():
            assert listed[name] == held_count(s, pid), name
    assert listed["赵六"] == 2 and listed["张三"] == 1 and listed["李处长"] == 1
