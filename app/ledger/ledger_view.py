"""Pages of the ledgers that the desktop tables need and queries.py / history.py do not offer.

Read-only, inside `with queries.reading(reg) as s:`.  Each function is one
indexed query returning frozen rows, like the rest of the ledger's queries:

- `loans_page` / `count_loans`: the 借阅 and 外出携带 ledgers filtered by whether
  the loan came back (未归还 / 已归还), each row with its deadline (R12, R15)
  and its status (借出中 / 逾期未还 / 已归还);
- `media_page` / `count_media`: the storage media among the carriers (R06);
- `incident_rows`: the incidents with their carrier, deadlines and status (R45);
- `people_names`, `incident_carriers`: names for ids kept in movement details.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.errors import BadInput
from app.ledger import incidents
from app.ledger.history import MovementRow, movement_rows
from app.ledger.queries import (
    _LEVEL_ORDER,
    CarrierRow,
    check_choice,
    date_bounds,
    loan_deadline,
    now_of,
    page_of,
    search_clause,
    view_at,
)
from app.models.carriers import LEVELS, MEDIA_KINDS, STATES, Carrier, Person
from app.models.movements import Incident, Movement

LOAN_LEDGERS = ("借阅", "外出携带")
LOAN_STATUSES = ("未归还", "已归还")
LOAN_ORDERS = ("occurred_at", "due_at", "returned_at", "number", "title", "level", "person",
               "approver", "id")


# -- 借阅 and 外出携带 --------------------------------------------------------------

@dataclass(frozen=True)
class LoanRow:
    movement: MovementRow
    deadline: datetime  # R12: the end of the day out; a take-out: its approved due (R15)
    status: str  # 借出中 / 逾期未还 / 已归还


def people_in_search(s: Session, search: str | None) -> tuple[str, list[int]]:
    """Split a search into the words that are people's names (their ids) and the rest.

    The search boxes find 人员 too: 「张三 纪要」 is what 张三 borrowed whose title
    says 纪要.  A word is a name only when it is somebody's whole name."""
    rest: list[str] = []
    ids: list[int] = []
    for term in (search or "").replace("\u3000", " ").split():
        found = list(s.scalars(select(Person.id).where(Person.name == term)))
        if found:
            ids.extend(found)
        else:
            rest.append(term)
    return " ".join(rest), ids


def _loan_where(s: Session, ledger: str, *, status: str | None, search: str | None,
                level: str | None, date_from: Any, date_to: Any) -> list[ColumnElement[bool]]:
    check_choice(ledger, LOAN_LEDGERS, "台账")
    check_choice(status, LOAN_STATUSES, "归还状态")
    check_choice(level, LEVELS, "密级")
    where: list[ColumnElement[bool]] = [Movement.kind == "借出"]
    if ledger == "外出携带":
        where.append(Movement.state_after == "外出携带")
    if status == "未归还":
        where.append(Movement.closed_by_id.is_(None))
    elif status == "已归还":
        where.append(Movement.closed_by_id.is_not(None))
    search, people = people_in_search(s, search)
    if people:  # the borrower or the approver
        where.append(or_(Movement.person_id.in_(people), Movement.approver_id.in_(people)))
    clause = search_clause(search)
    if clause is not None:
        where.append(clause)
    if level:
        where.append(Carrier.level == level)
    return where + date_bounds(Movement.occurred_at, date_from, date_to)


def loans_page(s: Session, ledger: str = "借阅", *, status: str | None = None, offset: int = 0,
               limit: int | None = 100, order_by: str = "occurred_at", descending: bool = True,
               search: str | None = None, level: str | None = None,
               date_from: date | datetime | None = None,
               date_to: date | datetime | None = None) -> list[LoanRow]:
    """One page of the 借阅 (every sign-out, returned or not) or 外出携带 ledger (R10–R15).

    `status` is 未归还 or 已归还; `date_from`/`date_to` bound the time it went out; a
    word of `search` that is a person's name finds what they borrowed or approved.
    """
    if order_by not in LOAN_ORDERS:
        raise BadInput(f"不能按「{order_by}」排序，可选：{'、'.join(LOAN_ORDERS)}。")
    where = _loan_where(s, ledger, status=status, search=search, level=level,
                        date_from=date_from, date_to=date_to)
    if order_by in ("person", "approver"):
        p = aliased(Person)
        pid = Movement.person_id if order_by == "person" else Movement.approver_id
        key: Any = select(p.name).where(p.id == pid).correlate(Movement).scalar_subquery()
    elif order_by == "returned_at":
        closer = aliased(Movement)
        key = (select(closer.occurred_at).where(closer.id == Movement.closed_by_id)
               .correlate(Movement).scalar_subquery())
    else:
        key = {"occurred_at": Movement.occurred_at, "due_at": Movement.due_at,
               "number": Carrier.number, "title": Carrier.title, "level": _LEVEL_ORDER,
               "id": Movement.id}[order_by]
    order = [key.desc() if descending else key.asc(),
             Movement.id.desc() if descending else Movement.id.asc()]
    now = now_of(s)
    out = []
    for m in movement_rows(s, where, order, offset=offset, limit=limit):
        deadline = loan_deadline(s, m.state_after, m.occurred_at, m.due_at)
        if m.returned_at is not None:
            status_text = "已归还"
        else:
            status_text = "逾期未还" if now > deadline else "借出中"
        out.append(LoanRow(m, deadline, status_text))
    return out


def count_loans(s: Session, ledger: str = "借阅", *, status: str | None = None,
                search: str | None = None, level: str | None = None,
                date_from: date | datetime | None = None,
                date_to: date | datetime | None = None) -> int:
    where = _loan_where(s, ledger, status=status, search=search, level=level,
                        date_from=date_from, date_to=date_to)
    q = (select(func.count()).select_from(Movement)
         .join(Carrier, Carrier.id == Movement.carrier_id).where(*where))
    return s.scalar(q) or 0


# -- storage media (R06) -----------------------------------------------------------------

def _media_where(search: str | None, level: str | None, state: str | None) -> list:
    check_choice(level, LEVELS, "密级")
    check_choice(state, STATES, "状态")
    where: list = [Carrier.kind.in_(MEDIA_KINDS)]
    clause = search_clause(search)
    if clause is not None:
        where.append(clause)
    if level:
        where.append(Carrier.level == level)
    if state:
        where.append(Carrier.state == state)
    return where


def media_page(s: Session, *, offset: int = 0, limit: int | None = 100, order_by: str = "number",
               descending: bool = False, search: str | None = None, level: str | None = None,
               state: str | None = None) -> list[CarrierRow]:
    """The carriers that are storage media (光盘, 磁盘, U盘/移动硬盘), as the carrier
    register lists them; the medium's hardware serial is in `media_serials`."""
    check_choice(level, LEVELS, "密级")
    check_choice(state, STATES, "状态")
    view = replace(view_at(None), where=[Carrier.kind.in_(MEDIA_KINDS)])
    return page_of(s, view, offset=offset, limit=limit, order_by=order_by, descending=descending,
                   search=search, level=level, state=state)


def count_media(s: Session, *, search: str | None = None, level: str | None = None,
                state: str | None = None) -> int:
    where = _media_where(search, level, state)
    return s.scalar(select(func.count()).select_from(Carrier).where(*where)) or 0


def media_serials(s: Session, ids: list[int]) -> dict[int, str]:
    """Carrier id -> the medium's hardware serial (R06: a medium is known by it)."""
    if not ids:
        return {}
    return dict(s.execute(select(Carrier.id, Carrier.media_id).where(Carrier.id.in_(ids))).all())


# -- incidents (R45) ---------------------------------------------------------------------

@dataclass(frozen=True)
class IncidentRow:
    id: int
    number: str
    discovered_at: datetime
    carrier: str  # the carrier's register number, "" when none
    level: str
    responsible: str
    content: str
    how_found: str
    reported_at: datetime | None
    report_due: datetime
    result_at: datetime | None
    result_due: datetime
    result: str
    closed: bool
    status: str  # 待书面报告 / 书面报告逾期 / 待查处结果 / 查处结果逾期 / 已报查处结果 / 已结案
    next_due: datetime | None  # the next deadline still open


def incident_rows(s: Session, now: datetime | None = None) -> list[IncidentRow]:
    """Every incident, newest first, with its R45 deadlines: the written report 24 hours
    after discovery, the result of the investigation 3 months after."""
    now = now_of(s, now)
    items = incidents.list_incidents(s)
    ids = [i.carrier_id for i in items if i.carrier_id]
    carriers = {}
    if ids:
        carriers = {cid: (number, level) for cid, number, level in s.execute(
            select(Carrier.id, Carrier.number, Carrier.level).where(Carrier.id.in_(ids)))}
    out = []
    for i in reversed(items):
        number, level = carriers.get(i.carrier_id, ("", ""))
        report_due, result_due = incidents.report_due(i), incidents.result_due(i)
        next_due = None
        if i.closed:
            status = "已结案"
        elif i.reported_at is None:
            status = "书面报告逾期" if now > report_due else "待书面报告"
            next_due = report_due
        elif i.result_at is None:
            status = "查处结果逾期" if now > result_due else "待查处结果"
            next_due = result_due
        else:
            status = "已报查处结果"
        out.append(IncidentRow(i.id, i.number, i.discovered_at, number, level, i.responsible,
                               i.content, i.how_found, i.reported_at, report_due, i.result_at,
                               result_due, i.result, i.closed, status, next_due))
    return out


def incident_carriers(s: Session) -> dict[str, str]:
    """Incident number -> the register number of its carrier (for 今日 lines)."""
    q = select(Incident.number, Carrier.number).join(Carrier, Carrier.id == Incident.carrier_id)
    return dict(s.execute(q).all())


def people_names(s: Session, ids: set[int] | list[int]) -> dict[int, str]:
    """Person id -> name, for ids kept in movement details (a handover's 移交人 …)."""
    wanted = sorted({i for i in ids if isinstance(i, int)})
    if not wanted:
        return {}
    return dict(s.execute(select(Person.id, Person.name).where(Person.id.in_(wanted))).all())
