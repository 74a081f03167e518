"""Finding carriers and people: the one-query lookups of a loan and a return, and
`by_id`, which must answer exactly as Session.get would."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import event

from app.errors import NotFound
from app.ledger import lookup
from app.ledger.carriers import NewCarrier, receive
from app.ledger.loans import lend
from app.models.carriers import Carrier, Person
from app.models.movements import Movement


@pytest.fixture
def number(clerk_reg, people) -> str:
    [n] = receive(clerk_reg, NewCarrier(title="关于做好年度保密检查的通知", level="秘密", issuer="市保密局"),
                  at=datetime(2026, 11, 2, 8, 30))
    return n


def statements(reg) -> list[str]:
    """SQL the writer engine sends from now on."""
    sent: list[str] = []
    event.listen(reg.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    return sent


def test_carrier_with_people_loads_the_people_named_by_id(clerk_reg, people, number) -> None:
    with clerk_reg.operation("查询") as s:
        carrier, found = lookup.carrier_with_people(s, f" {number.lower()} ", people["张三"],
                                                    str(people["李处长"]), "赵六", None)
        assert carrier.number == number
        assert sorted(p.name for p in found) == ["张三", "李处长"]
        sent = statements(clerk_reg)
        assert lookup.person(s, people["张三"]).name == "张三"
        assert lookup.person(s, str(people["李处长"])).name == "李处长"
        assert sent == []  # both found in the session
        assert lookup.person(s, "赵六").id == people["赵六"]  # by name: asked for as before
        assert len(sent) == 1


def test_carrier_with_people_nobody_or_unknown(clerk_reg, people, number) -> None:
    with clerk_reg.operation("查询") as s:
        carrier, found = lookup.carrier_with_people(s, number, 999, "赵六", "")
        assert carrier.number == number and found == []
        with pytest.raises(NotFound, match="没有编号为 2026-999999 的载体"):
            lookup.carrier_with_people(s, "2026-999999", people["张三"])


@pytest.mark.parametrize("ref, expected", [
    (7, 7), ("7", 7), ("007", 7), (True, 1), ("²", None), ("张三", None), ("张三/办公室", None),
    (None, None), ("", None), (2**63, None), (str(2**64), None), (-1, -1),
])
def test_only_plain_ids_are_loaded_up_front(ref, expected) -> None:
    """Anything odd is left to `person`, which refuses it as it always has."""
    assert lookup._person_id(ref) == expected


def test_carrier_and_loan(clerk_reg, people, number) -> None:
    with clerk_reg.operation("查询") as s:
        carrier, loan, borrower = lookup.carrier_and_loan(s, number)
        assert carrier.number == number and loan is None and borrower is None
    mid = lend(clerk_reg, number, borrower="张三", approver="李处长")
    with clerk_reg.operation("查询") as s:
        carrier, loan, borrower = lookup.carrier_and_loan(s, number)
        assert (loan.id, loan.kind, borrower.id) == (mid, "借出", people["张三"])
        with pytest.raises(NotFound, match="没有编号为 2026-999999 的载体"):
            lookup.carrier_and_loan(s, "2026-999999")


def test_by_id_answers_as_session_get(clerk_reg, people, number) -> None:
    with clerk_reg.operation("查询") as s:
        for cls, ident in ((Person, people["张三"]), (Person, 999), (Movement, 1), (Carrier, 10**6)):
            mine = lookup.by_id(s, cls, ident)
            theirs = s.get(cls, ident)
            assert mine is theirs  # the same object of the identity map, or both None
        held = s.get(Person, people["赵六"])
        held.note = "改过，尚未写入"
        assert lookup.by_id(s, Person, people["赵六"]) is held  # the session's own copy
        s.rollback()
