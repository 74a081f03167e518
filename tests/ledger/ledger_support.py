"""Helpers shared by the tests of copying, checks, withdrawal, destruction, archive,
classification, handover and incidents (imported by name: tests/ledger is on sys.path)."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.errors import RuleViolation
from app.ledger.carriers import NewCarrier, receive
from app.ledger.state import replay
from app.models.carriers import Carrier
from app.models.movements import Batch, Movement
from app.store.journaling import head

MON = date(2026, 11, 2)


def at(hh: int, mm: int = 0, day: date = MON) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm)


def new(reg, level: str = "秘密", *, title: str = "关于做好年度保密检查的通知", kind: str = "文件",
        custodian: str | None = None, origin: str = "收文", when: datetime | None = None,
        **more) -> str:
    serial = more.pop("serial", "001" if level in ("机密", "绝密") else "")
    if origin == "自制":
        more.setdefault("approved_by", "李处长")
        more.setdefault("approved_count", 1)
    [n] = receive(reg, NewCarrier(title=title, level=level, issuer="市保密局", serial=serial,
                                  kind=kind, custodian=custodian, origin=origin, **more),
                  at=when or at(8, 30))
    return n


def carrier(reg, number: str) -> Carrier:
    with reg.read() as s:
        c = s.scalars(select(Carrier).where(Carrier.number == number)).one()
        s.expunge(c)
        return c


def movements(reg, number: str, kind: str | None = None) -> list[Movement]:
    with reg.read() as s:
        cid = s.scalars(select(Carrier.id).where(Carrier.number == number)).one()
        q = select(Movement).where(Movement.carrier_id == cid).order_by(Movement.id)
        if kind:
            q = q.where(Movement.kind == kind)
        rows = list(s.scalars(q))
        for m in rows:
            s.expunge(m)
        return rows


def batches(reg, kind: str) -> list[Batch]:
    with reg.read() as s:
        rows = list(s.scalars(select(Batch).where(Batch.kind == kind).order_by(Batch.id)))
        for b in rows:
            s.expunge(b)
        return rows


def detail(m: Movement | Batch) -> dict:
    return json.loads(m.detail)


def journal_head(reg) -> tuple[int, str]:
    with reg.read() as s:
        return head(s)


def refused(reg, rule: str, fn, *args, **kw) -> RuleViolation:
    """`fn` raises the rule's refusal, naming it, and writes nothing."""
    before = journal_head(reg)
    with pytest.raises(RuleViolation) as e:
        fn(*args, **kw)
    assert e.value.rule == rule and rule in e.value.message
    assert journal_head(reg) == before
    return e.value


def replays(reg, number: str) -> bool:
    """The stored state equals a replay of the carrier's movements."""
    ms = movements(reg, number)
    return replay((m.kind, json.loads(m.detail)) for m in ms) == carrier(reg, number).state
