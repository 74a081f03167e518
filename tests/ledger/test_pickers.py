"""What the forms offer while the clerk types: people, leaders, the last approver,
carriers by part of a number, a scanned carrier's state (app/ledger/pickers.py)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.errors import NotFound
from app.ledger import pickers, queries, settings
from app.ledger.carriers import NewCarrier, receive
from app.ledger.checks import check_items
from app.ledger.circulation import start_circulation
from app.ledger.copies import copy
from app.ledger.devices import add_device
from app.ledger.loans import lend
from app.ledger.people import set_status

MON = date(2026, 11, 2)


def at(hh: int, mm: int = 0) -> datetime:
    return datetime(MON.year, MON.month, MON.day, hh, mm)


def new(reg, level: str = "秘密", **more) -> str:
    serial = more.pop("serial", "001" if level in ("机密", "绝密") else "")
    [n] = receive(reg, NewCarrier(title="关于做好年度保密检查的通知", level=level, issuer="市保密局",
                                  serial=serial, **more), at=at(8, 30))
    return n


def read(reg, fn, **kw):
    with queries.reading(reg) as s:
        return fn(s, **kw)


def names(choices) -> list[str]:
    return [c.name for c in choices]


def test_people_by_part_of_the_name_or_the_department(clerk_reg, people) -> None:
    assert names(read(clerk_reg, pickers.find_people, text="三")) == ["张三"]
    assert names(read(clerk_reg, pickers.find_people, text="财务")) == ["李四"]
    assert set(names(read(clerk_reg, pickers.find_people, text="李"))) == {"李处长", "李四"}
    assert len(read(clerk_reg, pickers.find_people)) == 5
    [zhang] = read(clerk_reg, pickers.find_people, text="张三")
    assert zhang.label == "张三（办公室）" and zhang.id == people["张三"]


def test_a_pattern_character_is_only_a_character(clerk_reg, people) -> None:
    assert read(clerk_reg, pickers.find_people, text="%") == []
    assert read(clerk_reg, pickers.find_people, text="_") == []


def test_people_not_in_post_are_not_offered(clerk_reg, people) -> None:
    set_status(clerk_reg, "李四", "离岗")
    assert read(clerk_reg, pickers.find_people, text="李四") == []
    assert names(read(clerk_reg, pickers.find_people, text="李四", in_post_only=False)) == ["李四"]


def test_leaders_and_principal_leaders(clerk_reg, people) -> None:
    assert set(names(read(clerk_reg, pickers.leaders))) == {"王局长", "李处长"}
    assert names(read(clerk_reg, pickers.leaders, principal_only=True)) == ["王局长"]


def test_the_last_approver_of_this_account(clerk_reg, people, clock) -> None:
    assert read(clerk_reg, pickers.last_approver, account="clerk") is None
    a, b = new(clerk_reg), new(clerk_reg)
    lend(clerk_reg, a, borrower="张三", approver="李处长")
    assert read(clerk_reg, pickers.last_approver, account="clerk").name == "李处长"
    clock.advance(minutes=5)
    lend(clerk_reg, b, borrower="赵六", approver="王局长")
    assert read(clerk_reg, pickers.last_approver, account="clerk").name == "王局长"
    assert read(clerk_reg, pickers.last_approver, account="someone-else") is None


def test_the_last_approver_is_per_kind_of_movement(clerk_reg, people, clock) -> None:
    a = new(clerk_reg)
    lend(clerk_reg, a, borrower="张三", approver="李处长")
    clock.advance(minutes=5)
    copy(clerk_reg, new(clerk_reg), count=1, approver="王局长")
    assert read(clerk_reg, pickers.last_approver, account="clerk", kinds=("借出",)).name == "李处长"
    assert read(clerk_reg, pickers.last_approver, account="clerk", kinds=("复制",)).name == "王局长"


def test_carriers_by_the_start_or_any_part_of_the_number(clerk_reg, people) -> None:
    numbers = [new(clerk_reg) for _ in range(12)]
    first = numbers[0]
    prefix = first[:-1]  # 2026-00000: the first nine
    assert [c.number for c in read(clerk_reg, pickers.carriers_by_number, text=prefix)] == numbers[:9]
    tail = numbers[10][-2:]  # "11"
    found = [c.number for c in read(clerk_reg, pickers.carriers_by_number, text=tail)]
    assert numbers[10] in found
    assert read(clerk_reg, pickers.carriers_by_number, text="") == []
    lend(clerk_reg, first, borrower="张三", approver="李处长")
    in_room = read(clerk_reg, pickers.carriers_by_number, text=first, states=("在库",))
    assert in_room == []


def test_a_scanned_carrier_shows_who_has_it(clerk_reg, people) -> None:
    n = new(clerk_reg, "机密")
    s = read(clerk_reg, pickers.carrier_summary, number=n)
    assert (s.number, s.level, s.state, s.holder, s.is_out) == (n, "机密", "在库", None, False)
    lend(clerk_reg, n, borrower="张三", approver="李处长")
    s = read(clerk_reg, pickers.carrier_summary, number=" " + n.replace("2", "２") + " ")
    assert s.state == "借出" and s.is_out and s.holder.name == "张三"
    assert s.due_at == at(17, 30) and s.place == "室内"


def test_an_unknown_number(clerk_reg, people) -> None:
    assert read(clerk_reg, pickers.find_carrier, number="2026-999999") is None
    with pytest.raises(NotFound):
        read(clerk_reg, pickers.carrier_summary, number="2026-999999")


def test_a_circulating_carrier_names_its_readers(clerk_reg, people) -> None:
    n = new(clerk_reg)
    start_circulation(clerk_reg, n, readers=["张三", "赵六"], approver="李处长")
    s = read(clerk_reg, pickers.carrier_summary, number=n)
    assert s.circulation == ("张三（办公室）", "赵六（办公室）") and s.circulation_served == 1


def test_the_default_due_is_the_end_of_the_working_day(clerk_reg) -> None:
    assert read(clerk_reg, pickers.default_due, now=at(9)) == at(17, 30)
    assert read(clerk_reg, pickers.default_due, now=at(18)) == datetime(2026, 11, 2, 23, 59, 59)
    with clerk_reg.operation("修改设置") as s:
        settings.put(s, "end_of_day", "18:00")
    assert read(clerk_reg, pickers.default_due, now=at(9)) == at(18)


def test_the_check_list_of_a_quarter(clerk_reg, people) -> None:
    a, b = new(clerk_reg), new(clerk_reg)
    lend(clerk_reg, b, borrower="张三", approver="李处长")
    check_items(clerk_reg, "2026Q4", {a: "拟销毁"})
    lines = {line.number: line for line in read(clerk_reg, pickers.check_lines, quarter="2026Q4")}
    assert set(lines) == {a, b}
    assert lines[a].recorded == "拟销毁" and lines[b].holder == "张三" and lines[b].recorded == ""
    assert [c.number for c in read(clerk_reg, pickers.destruction_candidates)] == [a]
    assert pickers.current_quarter(at(9)) == "2026Q4"


def test_the_handover_list_and_the_devices(clerk_reg, people) -> None:
    n = new(clerk_reg, custodian="赵六")
    assert [h.number for h in read(clerk_reg, pickers.handover_lines, outgoing="赵六")] == [n]
    add_device(clerk_reg, kind="复印机", model="理光 MP 2014")
    add_device(clerk_reg, kind="计算机")
    copiers = read(clerk_reg, pickers.devices, kinds=("复印机",))
    assert [d.kind for d in copiers] == ["复印机"] and "理光" in copiers[0].label
    assert len(read(clerk_reg, pickers.devices)) == 2
