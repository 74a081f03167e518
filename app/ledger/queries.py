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
from functools import cache, lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from app.errors import BadInput
from app.ledger import incidents, lookup, settings
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


class OutRow(NamedTuple):
    """A carrier signed out now (借出 / 外出携带) and its loan.

    A NamedTuple, not a frozen dataclass like the other rows: the dashboard makes
    one per loan out, and a frozen dataclass's __init__ (a guarded setattr per
    field) cost 5 µs each, as much as SQLite took to find the loan.
    """

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


def search_parts(search: str | None) -> tuple[str | None, list[str]]:
    """The FTS5 query of a search's terms of 3+ characters, and LIKE patterns of
    the shorter ones (a two-character name like 保密), which the trigram
    tokenizer cannot serve."""
    terms = search_terms(search)
    match = " ".join(_fts_quote(t) for t in terms if len(t) >= 3) or None
    return match, [_like(t) for t in terms if len(t) < 3]


def _fts_rowids(match: str | None) -> Any:
    """The carriers the FTS query matches; `match` None leaves :fts_q to bind."""
    cond = text("carriers_fts MATCH :fts_q")
    if match is not None:
        cond = cond.bindparams(fts_q=match)
    return Carrier.id.in_(select(literal_column("rowid")).select_from(text("carriers_fts"))
                          .where(cond))


def _like_any(pattern: Any) -> ColumnElement[bool]:
    return or_(*(col.like(pattern, escape="\\") for col in
                 (Carrier.number, Carrier.title, Carrier.doc_no, Carrier.issuer)))


def search_clause(search: str | None) -> ColumnElement[bool] | None:
    """Chinese substrings of number, title, 文号 and issuer, every term must match
    (see search_parts)."""
    match, patterns = search_parts(search)
    clauses = ([_fts_rowids(match)] if match else []) + [_like_any(p) for p in patterns]
    return and_(*clauses) if clauses else None


def check_choice(value: str | None, allowed: tuple[str, ...], what: str) -> None:
    if value is not None and value not in allowed:
        raise BadInput(f"未知的{what}「{value}」，应为 {'、'.join(allowed)} 之一。")


def date_range(date_from: date | datetime | None, date_to: date | datetime | None
               ) -> tuple[datetime | None, datetime | None, bool]:
    """(start, end, end included): a date bound covers the whole day (up to the
    next midnight, left out); a datetime bound is exact."""
    start = None
    if date_from is not None:
        start = date_from if isinstance(date_from, datetime) else datetime.combine(date_from, time())
    if date_to is not None and not isinstance(date_to, datetime):
        return start, datetime.combine(date_to + timedelta(days=1), time()), False
    return start, date_to, True


def date_bounds(col: Any, date_from: date | datetime | None, date_to: date | datetime | None) -> list:
    """A date bound covers the whole day; a datetime bound is exact."""
    start, end, included = date_range(date_from, date_to)
    out = []
    if start is not None:
        out.append(col >= start)
    if end is not None:
        out.append(col <= end if included else col < end)
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


_HOLDER_NOW = case((Carrier.state.in_(OUT_STATES), Carrier.holder_id),
                   (Carrier.state.in_(KEPT_STATES), Carrier.custodian_id), else_=None)


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
        return View(Carrier.state, _HOLDER_NOW, [])
    state = state_at(as_of)
    holder = case((state.in_(OUT_STATES), _borrower_at(as_of)),
                  (state.in_(KEPT_STATES), Carrier.custodian_id), else_=None)
    where = [state.is_not(None)]
    if by_registration:
        where.append(Carrier.registered_at <= as_of)
    return View(state, holder, where)


class FilterShape(NamedTuple):
    """Which clauses the carrier list's filters need (not their values): with
    `view_at`'s view, the key of the statements built once."""

    fts: bool  # terms of 3+ characters: one FTS5 query
    likes: int  # shorter terms: one LIKE each
    level: bool
    state: bool
    states: tuple[str, ...] | None  # few fixed sets (the clear-out list's): in the SQL
    holder: bool
    date_from: bool
    date_to: str | None  # "included" (a moment) or "before" (the day after a date)


@dataclass(frozen=True)
class CarrierFilters:
    """The carrier list's filters, checked: their shape and the values bound into it."""

    shape: FilterShape
    params: dict[str, Any]


def carrier_filters(s: Session, *, search: str | None, level: str | None, state: str | None,
                    holder: str | int | None, date_from: date | datetime | None,
                    date_to: date | datetime | None,
                    states: tuple[str, ...] | None = None) -> CarrierFilters:
    check_choice(level, LEVELS, "密级")
    check_choice(state, STATES, "状态")
    params: dict[str, Any] = {}
    match, patterns = search_parts(search)
    if match:
        params["fts_q"] = match
    for i, pattern in enumerate(patterns):
        params[f"f_like_{i}"] = pattern
    if level:
        params["f_level"] = level
    if state:
        params["f_state"] = state
    pid = person_id(s, holder)
    if pid is not None:
        params["f_holder"] = pid
    start, end, included = date_range(date_from, date_to)
    if start is not None:
        params["f_from"] = start
    if end is not None:
        params["f_to"] = end
    shape = FilterShape(bool(match), len(patterns), bool(level), bool(state),
                        tuple(states) if states else None, pid is not None, start is not None,
                        None if end is None else "included" if included else "before")
    return CarrierFilters(shape, params)


def _carrier_where(view: View, shape: FilterShape) -> list:
    """The WHERE clauses of a filter shape over `view`, values left as bind parameters."""
    where = list(view.where)
    if shape.fts:
        where.append(_fts_rowids(None))
    for i in range(shape.likes):
        where.append(_like_any(bindparam(f"f_like_{i}", type_=String)))
    if shape.level:
        where.append(Carrier.level == bindparam("f_level", type_=String))
    if shape.state:
        where.append(view.state == bindparam("f_state", type_=String))
    if shape.states:
        where.append(view.state.in_(shape.states))
    if shape.holder:
        pid = bindparam("f_holder", type_=Integer)
        if view.state is Carrier.state:  # written so SQLite can use both indexes
            where.append(or_(and_(Carrier.holder_id == pid, Carrier.state.in_(OUT_STATES)),
                             and_(Carrier.custodian_id == pid, Carrier.state.in_(KEPT_STATES))))
        else:
            where.append(view.holder_id == pid)
    if shape.date_from:
        where.append(Carrier.registered_at >= bindparam("f_from", type_=DateTime))
    if shape.date_to == "included":
        where.append(Carrier.registered_at <= bindparam("f_to", type_=DateTime))
    elif shape.date_to == "before":
        where.append(Carrier.registered_at < bindparam("f_to", type_=DateTime))
    return where


def _is_now(view: View) -> bool:
    """`view_at(None)` unchanged: its statements can be built once and kept."""
    return view.state is Carrier.state and view.holder_id is _HOLDER_NOW and not view.where


_LEVEL_ORDER = case({lv: i for i, lv in enumerate(LEVELS)}, value=Carrier.level, else_=-1)


def _carrier_order(order_by: str, holder_name: Any) -> Any:
    columns = {"number": Carrier.number, "title": Carrier.title, "kind": Carrier.kind,
               "doc_no": Carrier.doc_no, "issuer": Carrier.issuer, "level": _LEVEL_ORDER,
               "serial": Carrier.serial, "location": Carrier.location,
               "registered_at": Carrier.registered_at, "period_until": Carrier.period_until,
               "id": Carrier.id, "holder": holder_name}
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
    f = carrier_filters(s, search=search, level=level, state=state, holder=holder,
                        date_from=date_from, date_to=date_to, states=states)
    if order_by not in CARRIER_ORDERS:
        raise BadInput(f"不能按「{order_by}」排序，可选：{'、'.join(CARRIER_ORDERS)}。")
    shape = (f.shape, order_by, bool(descending), limit is None)
    # The table fetches a page at a time: building the statement (aliased people,
    # CASEs) took longer than SQLite took to read the page, so the common view's
    # statement is built once per shape and the values are bound.
    q = _page_statement(*shape) if _is_now(view) else _page_select(view, *shape)
    params = {**f.params, "page_offset": max(0, offset)}
    if limit is not None:
        params["page_limit"] = max(0, limit)
    # Core rows, not ORM ones: a whole clear-out list is 100k rows.
    return [CarrierRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9] or "", r[10],
                       r[11] or "", r[12] or "", r[13], r[14])
            for r in s.connection().execute(q, params)]


def _page_select(view: View, filter_shape: FilterShape, order_by: str, descending: bool,
                 unlimited: bool) -> Select:
    state_col = view.state.label("state")
    name, dept, joins = _holder_names(view)
    key = _carrier_order(order_by, name) if order_by != "state" else state_col
    q = select(Carrier.id, Carrier.number, Carrier.kind, Carrier.title, Carrier.doc_no,
               Carrier.issuer, Carrier.level, Carrier.serial, Carrier.period, state_col,
               view.holder_id.label("holder_id"), name, dept, Carrier.location,
               Carrier.registered_at)
    for alias, on in joins:
        q = q.outerjoin(alias, on)
    q = (q.where(*_carrier_where(view, filter_shape))
         .order_by(key.desc() if descending else key.asc(),
                   Carrier.id.desc() if descending else Carrier.id.asc())
         .offset(bindparam("page_offset", type_=Integer)))
    if not unlimited:
        q = q.limit(bindparam("page_limit", type_=Integer))
    return q


@lru_cache(maxsize=256)
def _page_statement(filter_shape: FilterShape, order_by: str, descending: bool,
                    unlimited: bool) -> Select:
    """`_page_select` of the view now, kept per shape (a few dozen in a day's use)."""
    return _page_select(view_at(None), filter_shape, order_by, descending, unlimited)


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
    f = carrier_filters(s, search=search, level=level, state=state, holder=holder,
                        date_from=date_from, date_to=date_to, states=states)
    q = _count_statement(f.shape) if as_of is None else _count_select(view_at(as_of), f.shape)
    return s.scalar(q, f.params) or 0


def _count_select(view: View, filter_shape: FilterShape) -> Select:
    return select(func.count()).select_from(Carrier).where(*_carrier_where(view, filter_shape))


@lru_cache(maxsize=64)
def _count_statement(filter_shape: FilterShape) -> Select:
    return _count_select(view_at(None), filter_shape)


# -- what is out --------------------------------------------------------------------

def _latest_loan() -> Any:
    return (select(Movement.id).where(Movement.carrier_id == Carrier.id, Movement.kind == "借出")
            .order_by(Movement.occurred_at.desc(), Movement.id.desc()).limit(1)
            .correlate(Carrier).scalar_subquery())


class DayEnds:
    """When loans must be back (R12), for many loans at once: the rule of
    loans.end_of_day (what the lending form applies) with the setting 下班时间
    parsed once and each date's two ends computed once.

    A loan that starts at or after the day's end must still come back that day:
    its day ends at 23:59:59.
    """

    __slots__ = ("_closing", "_ends", "setting")

    def __init__(self, setting: str) -> None:
        hh, mm = (int(p) for p in str(setting).split(":"))
        self.setting = setting
        self._closing = time(hh, mm)
        self._ends: dict[date, tuple[datetime, datetime]] = {}

    def of(self, when: datetime) -> datetime:
        """The end of the working day `when` falls in."""
        day = when.date()
        ends = self._ends.get(day)
        if ends is None:
            ends = self._ends[day] = (datetime.combine(day, self._closing),
                                      datetime.combine(day, time(23, 59, 59)))
        return ends[0] if when < ends[0] else ends[1]

    def fresh_since(self, now: datetime) -> datetime | None:
        """The start of `now`'s day while the earliest end that day can have (see
        `of`) is still ahead, else None: a loan out since then is not overdue
        before its due, for the end of its day is that late or later."""
        midnight = datetime.combine(now.date(), time())
        return midnight if now <= self.of(midnight) else None

    def deadline(self, state: str, out_at: datetime, due_at: datetime | None) -> datetime:
        """When a loan must be back: a take-out (外出携带) by its approved due;
        anything else by the end of the day it went out, or its due if earlier."""
        if state == "外出携带" and due_at is not None:
            return due_at
        # `of(out_at)`, written out: this runs once per loan out (5,000 on the dashboard).
        day = out_at.date()
        ends = self._ends.get(day)
        if ends is None:
            ends = self._ends[day] = (datetime.combine(day, self._closing),
                                      datetime.combine(day, time(23, 59, 59)))
        same_day = ends[0] if out_at < ends[0] else ends[1]
        return same_day if due_at is None or same_day < due_at else due_at


def day_ends(s: Session) -> DayEnds:
    """This session's DayEnds, made again when the setting 下班时间 changed."""
    setting = settings.get(s, "end_of_day")
    cached = s.info.get("day_ends")
    if cached is None or cached.setting != setting:
        cached = s.info["day_ends"] = DayEnds(setting)
    return cached


def loan_deadline(s: Session, state: str, out_at: datetime, due_at: datetime | None) -> datetime:
    """When a loan must be back, with this session's end of day (R12, DayEnds.deadline)."""
    return day_ends(s).deadline(state, out_at, due_at)


def out_now(s: Session, as_of: datetime | None = None) -> list[OutRow]:
    """What is out (借出, 外出携带) and with whom, oldest first (R12, R13).

    At `as_of` in the past: loans that had happened by then and were not yet
    back, of carriers whose state then was out.  At `as_of` now or later: what
    is out now, judged overdue or not at that time.
    """
    return _loans_out(s, as_of, only_overdue=False)


def overdue(s: Session, now: datetime | None = None) -> list[OutRow]:
    """Signed out and not back by the end of the day it went out, or past its due (R12)."""
    return _loans_out(s, now, only_overdue=True)


def _loans_out(s: Session, as_of: datetime | None, *, only_overdue: bool) -> list[OutRow]:
    now = now_of(s, as_of)
    if as_of is not None and as_of >= now_of(s):
        as_of = None  # nothing has happened after now: the stored state is the answer
    ends = day_ends(s)  # read once, not once per row (5,000 loans out: 5,000 reads)
    past = as_of is not None
    params: dict[str, Any] = {"as_of": as_of} if past else {}
    if only_overdue and not past:
        params.update(now=now, fresh_since=ends.fresh_since(now))
    if s.autoflush:
        s.flush()  # as Session.execute would: an operation's pending changes count
    # Core rows, not ORM ones (as in page_of), fetched in batches, in OutRow's
    # order: the ORM's row handling, a fetch per row and a frozen dataclass per
    # loan cost as much as SQLite took to find the loans.
    result = s.connection().execute(_out_query(past, only_overdue and not past), params)
    rows: list[OutRow] = []
    # tuple.__new__ is what OutRow._make calls, without its length check.
    append, new, deadline_of = rows.append, tuple.__new__, ends.deadline
    # In batches: result rows freed as they are used cost the garbage collector
    # less than thousands kept alive beside the OutRows made of them.
    for batch in result.partitions(100):
        for cid, number, title, level, state, mid, pid, name, dept, approver, out_at, due_at \
                in batch:
            deadline = deadline_of(state, out_at, due_at)
            late = now > deadline
            if late or not only_overdue:
                append(new(OutRow, (cid, number, title, level, state, mid, pid, name, dept,
                                    approver, out_at, due_at, deadline, late)))
    return rows


@cache
def _out_query(past: bool, overdue_only: bool = False) -> Select:
    """The loans out now, or (`past`) at the moment bound as :as_of, in the order
    of OutRow's fields up to due_at; `overdue_only` (now only) leaves out loans
    that cannot be overdue at :now (see _may_be_overdue).

    Built once per process: building it (two aliased people, the subqueries) took
    longer than SQLite took to answer it for a few loans out.
    """
    as_of = bindparam("as_of", type_=DateTime)
    borrower, approver = aliased(Person), aliased(Person)
    state = state_at(as_of) if past else Carrier.state
    q = select(Carrier.id, Carrier.number, Carrier.title, Carrier.level, state, Movement.id,
               Movement.person_id, func.coalesce(borrower.name, ""),
               func.coalesce(borrower.dept, ""), func.coalesce(approver.name, ""),
               Movement.occurred_at, Movement.due_at)
    if not past:
        loan_id = func.coalesce(Carrier.open_movement_id, _latest_loan())
        q = (q.select_from(Carrier).join(Movement, Movement.id == loan_id)
             .where(Carrier.state.in_(OUT_STATES)))
    else:
        closer = aliased(Movement)
        latest_by_then = (select(func.max(Movement.occurred_at)).where(
            Movement.carrier_id == Carrier.id, Movement.kind == "借出",
            Movement.occurred_at <= as_of).correlate(Carrier).scalar_subquery())
        q = (q.select_from(Movement)
             .join(Carrier, Carrier.id == Movement.carrier_id)
             .outerjoin(closer, closer.id == Movement.closed_by_id)
             .where(Movement.kind == "借出", Movement.occurred_at <= as_of,
                    or_(closer.id.is_(None), closer.occurred_at > as_of),
                    Movement.occurred_at == latest_by_then, state.in_(OUT_STATES),
                    Carrier.registered_at <= as_of))
    if overdue_only:
        q = q.where(_may_be_overdue(state))
    return (q.outerjoin(borrower, borrower.id == Movement.person_id)
            .outerjoin(approver, approver.id == Movement.approver_id)
            .order_by(Movement.occurred_at, Carrier.number))


def _may_be_overdue(state: Any) -> ColumnElement[bool]:
    """Every loan that may be overdue at :now, and few that are not: the overdue
    list asks SQLite for these only, and DayEnds.deadline decides (R12).

    Left out, surely not overdue: a take-out (外出携带) due at :now or later (its
    deadline is its due); a loan due at :now or later, or without a due, that
    went out at :fresh_since or later (its day's end is at least today's, which
    has not passed: see DayEnds.fresh_since; NULL when it has).
    """
    now, fresh = bindparam("now", type_=DateTime), bindparam("fresh_since", type_=DateTime)
    due_passed = and_(Movement.due_at.is_not(None), Movement.due_at < now)
    return and_(or_(state != "外出携带", Movement.due_at.is_(None), due_passed),
                or_(due_passed, fresh.is_(None), Movement.occurred_at < fresh))


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
