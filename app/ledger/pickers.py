"""What the movement forms offer while the clerk types: people, leaders, the last
approver, carriers by part of their number, and what a scanned carrier is doing now.

Read-only, plain Python like the rest of app/ledger: call inside
`with queries.reading(reg) as s:` (the UI does it through app/ui/operations).
Every function returns small frozen rows that stay usable after the session
closes.  Nothing here decides a rule: a form shows these as help, and the
ledger operation the form then calls checks everything again.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.errors import BadInput, NotFound
from app.ledger import checks, handover, loans, lookup
from app.ledger.circulation import open_circulation, readers_of
from app.ledger.state import ARCHIVED, CARRIED, IN, MISSING, OUT
from app.models.carriers import Carrier, Device, Person
from app.models.movements import Movement

COMPLETION_LIMIT = 20


# -- people ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PersonChoice:
    id: int
    name: str
    dept: str
    clearance: str
    is_leader: bool
    is_principal_leader: bool
    status: str

    @property
    def label(self) -> str:
        """What a completer shows and a field holds: 张三（办公室）."""
        return f"{self.name}（{self.dept}）" if self.dept else self.name


def _choice(p: Person) -> PersonChoice:
    return PersonChoice(p.id, p.name, p.dept, p.clearance, p.is_leader, p.is_principal_leader,
                        p.status)


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def find_people(s: Session, text: str = "", *, leaders_only: bool = False,
                principal_only: bool = False, in_post_only: bool = True,
                limit: int | None = None) -> list[PersonChoice]:
    """People whose name or department contains `text` (all when empty), by name.

    Only people 在岗 by default: a person in the 脱密期 or gone is never a
    borrower, approver or witness (the ledger refuses them; the form need not
    offer them).
    """
    q = select(Person)
    text = (text or "").strip()
    if text:
        pattern = _like(text)
        q = q.where(or_(Person.name.like(pattern, escape="\\"), Person.dept.like(pattern, escape="\\")))
    if leaders_only or principal_only:
        q = q.where(Person.is_leader.is_(True))
    if principal_only:
        q = q.where(Person.is_principal_leader.is_(True))
    if in_post_only:
        q = q.where(Person.status == "在岗")
    q = q.order_by(Person.name, Person.dept, Person.id)
    if limit is not None:
        q = q.limit(limit)
    return [_choice(p) for p in s.scalars(q)]


def leaders(s: Session, *, principal_only: bool = False) -> list[PersonChoice]:
    """Leaders in post (approvers, R10/R15/R20/R32); principal leaders only for 绝密 带出 (R15)."""
    return find_people(s, leaders_only=True, principal_only=principal_only)


def last_approver(s: Session, account: str, *, kinds: tuple[str, ...] = ("借出",)) -> PersonChoice | None:
    """The approver on this account's latest movement of `kinds` (the form's default).

    Only a leader still in post is offered again; otherwise None.
    """
    pid = s.scalar(select(Movement.approver_id)
                   .where(Movement.account == account, Movement.kind.in_(kinds),
                          Movement.approver_id.is_not(None))
                   .order_by(Movement.entered_at.desc(), Movement.id.desc()).limit(1))
    person = s.get(Person, pid) if pid else None
    if person is None or not person.is_leader or person.status != "在岗":
        return None
    return _choice(person)


# -- carriers -------------------------------------------------------------------------

@dataclass(frozen=True)
class CarrierChoice:
    number: str
    title: str
    level: str
    state: str

    @property
    def label(self) -> str:
        return f"{self.number}  {self.title}（{self.level}，{self.state}）"


def carriers_by_number(s: Session, text: str, *, states: tuple[str, ...] | None = None,
                       limit: int = COMPLETION_LIMIT) -> list[CarrierChoice]:
    """Carriers whose register number starts with, then contains, `text` (completion).

    The prefix is a range on the unique index (fast on 100k+ carriers); the
    clerk who types only the tail ("123" of 2026-000123) gets the substring
    matches after it.
    """
    text = lookup.normalize_number(text or "")
    if not text:
        return []
    cols = (Carrier.number, Carrier.title, Carrier.level, Carrier.state)
    where = [Carrier.state.in_(states)] if states else []
    found: dict[str, CarrierChoice] = {}
    prefix = select(*cols).where(Carrier.number >= text, Carrier.number < text + "\uffff", *where)
    for row in s.execute(prefix.order_by(Carrier.number).limit(limit)):
        found[row[0]] = CarrierChoice(*row)
    if len(found) < limit:
        inner = select(*cols).where(Carrier.number.like(_like(text), escape="\\"), *where)
        for row in s.execute(inner.order_by(Carrier.number.desc()).limit(limit)):
            if len(found) >= limit:
                break
            found.setdefault(row[0], CarrierChoice(*row))
    return list(found.values())


@dataclass(frozen=True)
class CarrierSummary:
    """One carrier as a form shows it after a scan: what it is and who has it."""

    number: str
    title: str
    kind: str
    level: str
    serial: str
    issuer: str
    state: str
    location: str
    holder: PersonChoice | None  # the borrower while 借出 / 外出携带
    out_at: datetime | None
    due_at: datetime | None
    place: str  # 室内 / 带出 of the open loan
    circulation: tuple[str, ...]  # readers of an open 传阅, in order
    circulation_served: int  # how many of them have had it

    @property
    def is_out(self) -> bool:
        return self.state in (OUT, CARRIED)


def carrier_summary(s: Session, number: str) -> CarrierSummary:
    """The carrier typed or scanned (NotFound when there is none)."""
    c = lookup.carrier_by_number(s, number)
    holder, out_at, due_at, place = None, None, None, ""
    if c.state in (OUT, CARRIED) and c.open_movement_id:
        try:
            loan = loans.open_loan(s, c)
        except BadInput:  # a summary shows what it can
            loan = None
        if loan is not None:
            p = s.get(Person, loan.person_id) if loan.person_id else None
            holder = _choice(p) if p else None
            out_at, due_at = loan.occurred_at, loan.due_at
            place = json.loads(loan.detail or "{}").get("place", "")
    readers: tuple[str, ...] = ()
    served = 0
    batch = open_circulation(s, c)
    if batch is not None:
        people, served = readers_of(s, batch)
        readers = tuple(_choice(p).label for p in people if p is not None)
    return CarrierSummary(c.number, c.title, c.kind, c.level, c.serial, c.issuer, c.state,
                          c.location, holder, out_at, due_at, place, readers, served)


def find_carrier(s: Session, number: str) -> CarrierSummary | None:
    """`carrier_summary`, or None when no carrier has that number."""
    try:
        return carrier_summary(s, number)
    except NotFound:
        return None


def default_due(s: Session, now: datetime) -> datetime:
    """The due time a loan gets when none is given: the end of today's working day
    (setting end_of_day, R12), as `loans.lend` computes it."""
    return loans.end_of_day(s, now)


# -- lists for the batch forms ----------------------------------------------------------

@dataclass(frozen=True)
class CheckLine:
    number: str
    title: str
    level: str
    state: str
    holder: str
    recorded: str  # the result already recorded for the quarter, if any


def check_lines(s: Session, quarter: str) -> list[CheckLine]:
    """R30: what the quarter's check must account for, with results already recorded."""
    done = checks.recorded_results(s, quarter)
    items = checks.expected_for_check(s, quarter)
    names = dict(s.execute(select(Person.id, Person.name).where(
        Person.id.in_({c.holder_id for c in items if c.holder_id}))).all()) if items else {}
    return [CheckLine(c.number, c.title, c.level, c.state,
                      names.get(c.holder_id, "") if c.state in (OUT, CARRIED) else "",
                      done.get(c.id, "")) for c in items]


def current_quarter(now: datetime) -> str:
    return checks.quarter_of(now)


def destruction_candidates(s: Session) -> list[CarrierChoice]:
    """Carriers a check marked 拟销毁 and still in the room (R30, R32)."""
    return [CarrierChoice(c.number, c.title, c.level, c.state) for c in checks.destruction_candidates(s)]


def handover_lines(s: Session, outgoing: str | int) -> list[handover.Holding]:
    """R40: everything the outgoing custodian answers for (the handover list)."""
    return handover.handover_list(s, outgoing)


# -- devices --------------------------------------------------------------------------

@dataclass(frozen=True)
class DeviceChoice:
    number: str
    kind: str
    model: str
    level: str

    @property
    def label(self) -> str:
        model = f" {self.model}" if self.model else ""
        return f"{self.number}  {self.kind}{model}（{self.level}）"


def devices(s: Session, *, kinds: tuple[str, ...] | None = None) -> list[DeviceChoice]:
    """The room's devices in use (copiers for 复制, anything for a repair), by number."""
    q = select(Device).where(Device.status == "在用")
    if kinds:
        q = q.where(Device.kind.in_(kinds))
    return [DeviceChoice(d.number, d.kind, d.model, d.level) for d in s.scalars(q.order_by(Device.number))]


# R33/R30: states in which a carrier is still in the unit (forms filter completions with these).
IN_ROOM = (IN, ARCHIVED)
IN_UNIT = (IN, OUT, CARRIED, ARCHIVED, MISSING)
