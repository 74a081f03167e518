"""The questions the clerk asks every day: the carrier list, what is out and with whom,
what is overdue (R12) or three months late (R31), what one person holds.

The paper ledgers (movements) and one carrier's history are in
app/ledger/history.py; monthly figures, the clear-out list and deadlines in
app/ledger/stats.py.  Every function takes a read session (`with reading(reg) as s:`) and returns
small frozen dataclasses that stay usable after the session closes, for the
UI's lazy table models and for the CLI.  `now` defaults to the register's
clock (the session carries it).  All of them stay fast on 100k+ carriers:
filters use the indexes of app/models, names are joined in SQL, and the
out-now set (small by nature) is the only thing finished in Python.

`as_of` shows the register as it was at a moment: a carrier's state then is
the `state_after` of its last movement that happened by then, and carriers
registered later are left out.  The custodian shown is today's (custody
changes only by 交接, whose history `history()` shows).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, or_, select, text
from sqlalchemy.orm import Session, aliased

from app.errors import BadInput
from app.ledger import incidents, loans, lookup, settings
from app.ledger.accounts import require_role
from app.models.accounts import ROLE_CLERK, ROLE_INSPECTOR, ROLE_LEADER
from app.models.carriers import LEVELS, STATES, Carrier, Person
from app.models.movements import Movement
from app.store.register import Register

OUT_STATES = ("借出", "外出携带")
KEPT_STATES = ("在库", "已归档")  # in the custodian's hands
READERS = (ROLE_CLERK, ROLE_LEADER, ROLE_INSPECTOR)  # the administrator reads no ledger


@contextmanager
def reading(reg: Register) -> Iterator[Session]:
    """A read session for the clerk, a leader or an inspector (never the administrator)."""
    require_role(reg, *READERS)
    with reg.read() as s:
        yield s


def now_of(s: Session, when: datetime | None = None) -> datetime:
    return when or s.info["clock"].now()


def end_of_day(s: Session, day: date) -> datetime:
    """The end of the working day (setting 下班时间, default 17:30) of `day` (R12)."""
    hh, mm = (int(p) for p in str(settings.get(s, "end_of_day")).split(":"))
    return datetime.combine(day, time(hh, mm))


# -- rows ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CarrierRow:
    id: int
    number: str
    kind: str
    title: str
    doc_no: str
    issuer: str
    level: str
    serial: str
    period: str
    state: str
    holder_id: int | None  # borrower while out, custodian while kept
    holder: str
    holder_dept: str
    location: str
    registered_at: datetime


@dataclass(frozen=True)
class OutRow:
    """A carrier signed out now (借出 / 外出携带) and its loan."""

    carrier_id: int
    number: str
    title: str
    level: str
    state: str
    movement_id: int
    borrower_id: int | None
    borrower: str
    dept: str
    approver: str
    out_at: datetime
    due_at: datetime | None
    deadline: datetime  # R12 end of the day out, or the approved due of a take-out
    overdue: bool


# -- filters ------------------------------------------------------------------------

def search_terms(search: str | None) -> list[str]:
    """The words of a search box: split on spaces, full-width ones too."""
    return [t for t in (search or "").replace("\u3000", " ").split() if t]


def _fts_quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_clause(search: str | None) -> ColumnElement[bool] | None:
    """Chinese substrings of number, title, 文号 and issuer, every term must match.

    The trigram FTS index answers terms of 3+ characters; shorter ones (a
    two-character name like 保密) fall back to LIKE, which the trigram
    tokenizer cannot serve.
    """
    terms = search_terms(search)
    if not terms:
        return None
    clauses: list[ColumnElement[bool]] = []
    long_terms = [t for t in terms if len(t) >= 3]
    if long_terms:
        match = " ".join(_fts_quote(t) for t in long_terms)
        fts = (select(literal_column("rowid")).select_from(text("carriers_fts"))
               .where(text("carriers_fts MATCH :fts_q").bindparams(fts_q=match)))
        clauses.append(Carrier.id.in_(fts))
    for t in terms:
        if len(t) < 3:
            pattern = _like(t)
            clauses.append(or_(*(col.like(pattern, escape="\\") for col in
                                 (Carrier.number, Carrier.title, Carrier.doc_no, Carrier.issuer))))
    return and_(*clauses)


def check_choice(value: str | None, allowed: tuple[str, ...], what: str) -> None:
    if value is not None and value not in allowed:
        raise BadInput(f"未知的{what}「{value}」，应为 {'、'.join(allowed)} 之一。")


def date_bounds(col: Any, date_from: date | datetime | None, date_to: date | datetime | None) -> list:
    """A date bound covers the whole day; a datetime bound is exact."""
    out = []
    if date_from is not None:
        start = date_from if isinstance(date_from, datetime) else datetime.combine(date_from, time())
        out.append(col >= start)
    if date_to is not None:
        if isinstance(date_to, datetime):
            out.append(col <= date_to)
        else:
            out.append(col < datetime.combine(date_to + timedelta(days=1), time()))
    return out


def person_id(s: Session, holder: str | int | None) -> int | None:
    return None if holder in (None, "") else lookup.person(s, holder, what="持有人").id


def state_at(as_of: datetime) -> Any:
    """The carrier's state at `as_of`: the state after its last movement by then."""
    return (select(Movement.state_after)
            .where(Movement.carrier_id == Carrier.id, Movement.occurred_at <= as_of)
            .order_by(Movement.occurred_at.desc(), Movement.id.desc()).limit(1)
            .correlate(Carrier).scalar_subquery())


def _borrower_at(as_of: datetime) -> Any:
    return (select(Movement.person_id)
            .where(Movement.carrier_id == Carrier.id, Movement.kind == "借出",
                   Movement.occurred_at <= as_of)
            .order_by(Movement.occurred_at.desc(), Movement.id.desc()).limit(1)
            .correlate(Carrier).scalar_subquery())


@dataclass(frozen=True)
class View:
    """The state and holder columns: stored ones, or their values at `as_of`."""

    state: Any
    holder_id: Any
    where: list


def view_at(as_of: datetime | None, *, by_registration: bool = True) -> View:
    """The columns now, or at `as_of`: then carriers registered later are left
    out, unless `by_registration` is False (only what had happened counts)."""
    if as_of is None:
        state = Carrier.state
        holder = case((Carrier.state.in_(OUT_STATES), Carrier.holder_id),
                      (Carrier.state.in_(KEPT_STATES), Carrier.custodian_id), else_=None)
        return View(state, holder, [])
    state = state_at(as_of)
    holder = case((state.in_(OUT_STATES), _borrower_at(as_of)),
                  (state.in_(KEPT_STATES), Carrier.custodian_id), else_=None)
    where = [state.is_not(None)]
    if by_registration:
        where.append(Carrier.registered_at <= as_of)
    return View(state, holder, where)


def _carrier_where(s: Session, view: View, *, search: str | None, level: str | None,
                   state: str | None, holder: str | int | None, date_from: Any,
                   date_to: Any, states: tuple[str, ...] | None = None) -> list:
    check_choice(level, LEVELS, "密级")
    check_choice(state, STATES, "状态")
    where = list(view.where)
    clause = search_clause(search)
    if clause is not None:
        where.append(clause)
    if level:
        where.append(Carrier.level == level)
    if state:
        where.append(view.state == state)
    if states:
        where.append(view.state.in_(states))
    pid = person_id(s, holder)
    if pid is not None:
        if view.state is Carrier.state:  # written so SQLite can use both indexes
            where.append(or_(and_(Carrier.holder_id == pid, Carrier.state.in_(OUT_STATES)),
                             and_(Carrier.custodian_id == pid, Carrier.state.in_(KEPT_STATES))))
        else:
            where.append(view.holder_id == pid)
    where += date_bounds(Carrier.registered_at, date_from, date_to)
    return where


_LEVEL_ORDER = case({lv: i for i, lv in enumerate(LEVELS)}, value=Carrier.level, else_=-1)


def _carrier_order(order_by: str, holder_name: Any) -> Any:
    columns = {"number": Carrier.number, "title": Carrier.title, "kind": Carrier.kind,
               "doc_no": Carrier.doc_no, "issuer": Carrier.issuer, "level": _LEVEL_ORDER,
               "serial": Carrier.serial, "location": Carrier.location,
               "registered_at": Carrier.registered_at, "period_until": Carrier.period_until,
               "id": Carrier.id, "holder": holder_name}
    if order_by not in columns and order_by != "state":
        raise BadInput(f"不能按「{order_by}」排序，可选：{'、'.join([*columns, 'state'])}。")
    return columns.get(order_by)


CARRIER_ORDERS = ("number", "title", "kind", "doc_no", "issuer", "level", "serial", "location",
                  "registered_at", "period_until", "id", "holder", "state")


def carriers_page(s: Session, *, offset: int = 0, limit: int | None = 100,
                  order_by: str = "number", descending: bool = False, search: str | None = None,
                  level: str | None = None, state: str | None = None,
                  holder: str | int | None = None, date_from: date | datetime | None = None,
                  date_to: date | datetime | None = None, as_of: datetime | None = None,
                  states: tuple[str, ...] | None = None) -> list[CarrierRow]:
    """One page of the carrier register (the UI's lazy table and `baomi list`).

    `order_by` is one of CARRIER_ORDERS; `holder` a person (id, name or
    姓名/部门) holding the carrier (borrowed now or in their custody);
    `date_from`/`date_to` bound the registration time; `as_of` shows the
    register as it was then.
    """
    return page_of(s, view_at(as_of), offset=offset, limit=limit, order_by=order_by,
                   descending=descending, search=search, level=level, state=state,
                   holder=holder, date_from=date_from, date_to=date_to, states=states)


def page_of(s: Session, view: View, *, offset: int = 0, limit: int | None = 100,
            order_by: str = "number", descending: bool = False, search: str | None = None,
            level: str | None = None, state: str | None = None,
            holder: str | int | None = None, date_from: date | datetime | None = None,
            date_to: date | datetime | None = None,
            states: tuple[str, ...] | None = None) -> list[CarrierRow]:
    """`carriers_page` over a given view (see `view_at`)."""
    where = _carrier_where(s, view, search=search, level=level, state=state, holder=holder,
                           date_from=date_from, date_to=date_to, states=states)
    state_col = view.state.label("state")
    name, dept, joins = _holder_names(view)
    key = _carrier_order(order_by, name) if order_by != "state" else state_col
    q = select(Carrier.id, Carrier.number, Carrier.kind, Carrier.title, Carrier.doc_no,
               Carrier.issuer, Carrier.level, Carrier.serial, Carrier.period, state_col,
               view.holder_id.label("holder_id"), name, dept, Carrier.location,
               Carrier.registered_at)
    for alias, on in joins:
        q = q.outerjoin(alias, on)
    q = (q.where(*where)
         .order_by(key.desc() if descending else key.asc(),
                   Carrier.id.desc() if descending else Carrier.id.asc())
         .offset(max(0, offset)))
    if limit is not None:
        q = q.limit(max(0, limit))
    # Core rows, not ORM ones: a whole clear-out list is 100k rows.
    return [CarrierRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9] or "", r[10],
                       r[11] or "", r[12] or "", r[13], r[14]) for r in s.connection().execute(q)]


def _holder_names(view: View) -> tuple[Any, Any, list]:
    """The holder's name and department, joined by primary key when the view is now."""
    if view.state is not Carrier.state:  # as of a past moment: the holder is computed
        holder = aliased(Person)
        return holder.name, holder.dept, [(holder, holder.id == view.holder_id)]
    borrower, keeper = aliased(Person), aliased(Person)
    out, kept = Carrier.state.in_(OUT_STATES), Carrier.state.in_(KEPT_STATES)
    return (case((out, borrower.name), (kept, keeper.name)),
            case((out, borrower.dept), (kept, keeper.dept)),
            [(borrower, borrower.id == Carrier.holder_id), (keeper, keeper.id == Carrier.custodian_id)])


def count_carriers(s: Session, *, search: str | None = None, level: str | None = None,
                   state: str | None = None, holder: str | int | None = None,
                   date_from: date | datetime | None = None,
                   date_to: date | datetime | None = None, as_of: datetime | None = None,
                   states: tuple[str, ...] | None = None) -> int:
    """How many rows `carriers_page` has with the same filters (the table's row count)."""
    view = view_at(as_of)
    where = _carrier_where(s, view, search=search, level=level, state=state, holder=holder,
                           date_from=date_from, date_to=date_to, states=states)
    return s.scalar(select(func.count()).select_from(Carrier).where(*where)) or 0


# -- what is out --------------------------------------------------------------------

def _latest_loan() -> Any:
    return (select(Movement.id).where(Movement.carrier_id == Carrier.id, Movement.kind == "借出")
            .order_by(Movement.occurred_at.desc(), Movement.id.desc()).limit(1)
            .correlate(Carrier).scalar_subquery())


def loan_deadline(s: Session, state: str, out_at: datetime, due_at: datetime | None) -> datetime:
    """When a loan must be back: a take-out (外出携带) by its approved due; anything
    else by the end of the day it went out, or its due if earlier (R12)."""
    same_day = loans.end_of_day(s, out_at)  # the same day rule the lending form applies
    if state == "外出携带" and due_at is not None:
        return due_at
    return min(due_at, same_day) if due_at is not None else same_day


def out_now(s: Session, as_of: datetime | None = None) -> list[OutRow]:
    """What is out (借出, 外出携带) and with whom, oldest first (R12, R13).

    At `as_of` in the past: loans that had happened by then and were not yet
    back, of carriers whose state then was out.  At `as_of` now or later: what
    is out now, judged overdue or not at that time.
    """
    now = now_of(s, as_of)
    if as_of is not None and as_of >= now_of(s):
        as_of = None  # nothing has happened after now: the stored state is the answer
    borrower, approver = aliased(Person), aliased(Person)
    cols = (Carrier.id, Carrier.number, Carrier.title, Carrier.level, Movement.id,
            Movement.person_id, borrower.name, borrower.dept, approver.name,
            Movement.occurred_at, Movement.due_at)
    if as_of is None:
        loan_id = func.coalesce(Carrier.open_movement_id, _latest_loan())
        q = (select(*cols, Carrier.state).select_from(Carrier)
             .join(Movement, Movement.id == loan_id)
             .where(Carrier.state.in_(OUT_STATES)))
    else:
        closer = aliased(Movement)
        state = state_at(as_of)
        latest_by_then = (select(func.max(Movement.occurred_at)).where(
            Movement.carrier_id == Carrier.id, Movement.kind == "借出",
            Movement.occurred_at <= as_of).correlate(Carrier).scalar_subquery())
        q = (select(*cols, state).select_from(Movement)
             .join(Carrier, Carrier.id == Movement.carrier_id)
             .outerjoin(closer, closer.id == Movement.closed_by_id)
             .where(Movement.kind == "借出", Movement.occurred_at <= as_of,
                    or_(closer.id.is_(None), closer.occurred_at > as_of),
                    Movement.occurred_at == latest_by_then, state.in_(OUT_STATES),
                    Carrier.registered_at <= as_of))
    q = (q.outerjoin(borrower, borrower.id == Movement.person_id)
         .outerjoin(approver, approver.id == Movement.approver_id)
         .order_by(Movement.occurred_at, Carrier.number))
    rows = []
    for r in s.execute(q):
        deadline = loan_deadline(s, r[11], r[9], r[10])
        rows.append(OutRow(r[0], r[1], r[2], r[3], r[11], r[4], r[5], r[6] or "", r[7] or "",
                           r[8] or "", r[9], r[10], deadline, now > deadline))
    return rows


def overdue(s: Session, now: datetime | None = None) -> list[OutRow]:
    """Signed out and not back by the end of the day it went out, or past its due (R12)."""
    return [r for r in out_now(s, now) if r.overdue]


def due_today(s: Session, now: datetime | None = None) -> list[OutRow]:
    """Out and not yet overdue, but due back before today's end of day (R12)."""
    now = now_of(s, now)
    eod = end_of_day(s, now.date())
    return [r for r in out_now(s, now) if not r.overdue and r.deadline <= eod]


def late_three_months(s: Session, now: datetime | None = None) -> list[incidents.LateItem]:
    """Not returned more than three months after it was due, or after a check
    demanded it back: handled as a loss (R31).  The rule lives in
    app.ledger.incidents, which escalates these; this only supplies `now`."""
    return incidents.late_three_months(s, now_of(s, now))


@dataclass(frozen=True)
class Holding:
    carrier: CarrierRow
    how: str  # 借出 / 外出携带 (borrowed now) or 保管 (custodian)
    out_at: datetime | None
    due_at: datetime | None


def holdings(s: Session, person: str | int) -> list[Holding]:
    """Everything one person holds: borrowed now, or kept as custodian (R40 handover list)."""
    pid = lookup.person(s, person).id
    loans = {r.carrier_id: r for r in out_now(s) if r.borrower_id == pid}
    out = []
    for row in carriers_page(s, holder=pid, limit=None, order_by="number"):
        loan = loans.get(row.id)
        how = row.state if row.state in OUT_STATES else "保管"
        out.append(Holding(row, how, loan.out_at if loan else None,
                           loan.deadline if loan else None))
    return out
