"""Loss and leak incidents (失泄密事件, R45) and loans three months late (R31).

An incident carries the seven fields of the written report (R45).  Its two
deadlines run from discovery: the written report within 24 hours, the result
of the investigation within 3 months.  Whether a report or result came late is
derived from the recorded times (`report_late`, `result_late`), so the flag can
never disagree with the dates the journal holds.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import DateTime, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.errors import BadInput, NotFound, RuleViolation
from app.ledger import lookup
from app.ledger.accounts import require_role
from app.ledger.numbers import next_number
from app.ledger.record import event_time, record_movement
from app.ledger.state import CARRIED, MISSING, OUT, next_state
from app.models.accounts import ROLE_CLERK
from app.models.carriers import Carrier, Person
from app.models.movements import Incident, Movement
from app.store.register import Register

REPORT_WITHIN = timedelta(hours=24)
RESULT_MONTHS = 3
LATE_MONTHS = 3  # R31
# Never more than LATE_MONTHS months: a month is at least 28 days, and add_months keeps
# to a shorter month's end (2026-11-30 + 3 months = 2027-02-28, 90 days).
LATE_AT_LEAST = timedelta(days=28 * LATE_MONTHS)
SOURCE_R45 = "政协机关保密制度 一、泄露国家秘密报告制度（三）（四）"
SOURCE_R31 = "保密制度汇编 八、六"
FIELDS = {"content": "泄露的内容、密级、数量及载体形式", "how_found": "发现经过",
          "responsible": "责任人的基本情况", "course": "发生的时间、地点及经过",
          "harm": "造成或可能造成的危害", "investigation": "已进行或拟进行的查处工作",
          "remedies": "已采取或拟采取的补救措施"}
SOURCES = ("报告", "清查", "超期")


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(when: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it is shorter)."""
    y, m = divmod(when.month - 1 + months, 12)
    year, month = when.year + y, m + 1
    # Not calendar.monthrange: it also works out the weekday (through an Enum),
    # which took most of the time of R31's check of every loan out.
    last = 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month - 1]
    return when.replace(year=year, month=month, day=min(when.day, last))


def report_due(incident: Incident) -> datetime:
    return incident.discovered_at + REPORT_WITHIN


def result_due(incident: Incident) -> datetime:
    return add_months(incident.discovered_at, RESULT_MONTHS)


def report_late(incident: Incident) -> bool:
    """R45: the written report came more than 24 hours after discovery."""
    return incident.reported_at is not None and incident.reported_at > report_due(incident)


def result_late(incident: Incident) -> bool:
    return incident.result_at is not None and incident.result_at > result_due(incident)


def carrier_content(carrier: Carrier) -> str:
    """What the register knows of a carrier, in the words of R45's first field."""
    serial = f"，份号{carrier.serial}" if carrier.serial else ""
    return (f"《{carrier.title}》{carrier.doc_no and '（' + carrier.doc_no + '）'}，{carrier.level}，"
            f"1件，{carrier.kind}，登记号{carrier.number}{serial}")


def close_open_loan(s: Session, carrier: Carrier, movement: Movement) -> None:
    """A carrier back in the room after it was missing: its open loan ends with `movement`."""
    if carrier.open_movement_id:
        s.flush()
        loan = s.get(Movement, carrier.open_movement_id)
        if loan is not None and loan.closed_by_id is None:
            loan.closed_by_id = movement.id
    carrier.holder_id = None
    carrier.open_movement_id = None


def incident_by_number(s: Session, ref: str | int) -> Incident:
    text = str(ref).strip()
    found = s.scalars(select(Incident).where(Incident.number == lookup.normalize_number(text))).first()
    if found is None and text.isdigit():
        found = s.get(Incident, int(text))
    if found is None:
        raise NotFound(f"没有编号为 {ref} 的失泄密事件。")
    return found


# -- opening ----------------------------------------------------------------------

def open_incident(reg: Register, *, discovered_at: datetime, carrier: str | None = None,
                  content: str = "", how_found: str, responsible: str, course: str, harm: str,
                  investigation: str = "正在调查", remedies: str, source: str = "报告",
                  mark_lost: bool = True) -> str:
    """Open an incident with the seven fields of R45; returns its number (SJ-2026-0001).

    R45 every field is required (the investigation may say 正在调查); when a
    carrier is named its content is filled in if left empty and, unless it is
    already 下落不明 or `mark_lost` is False (a leak of content, the carrier
    itself safe), a 丢失 movement makes it 下落不明.
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("失泄密事件登记") as s:
        return open_incident_in(s, discovered_at=discovered_at, carrier=carrier, content=content,
                                how_found=how_found, responsible=responsible, course=course,
                                harm=harm, investigation=investigation, remedies=remedies,
                                source=source, mark_lost=mark_lost)


def open_incident_in(s: Session, *, discovered_at: datetime, carrier: str | None = None,
                     content: str = "", how_found: str, responsible: str, course: str, harm: str,
                     investigation: str = "正在调查", remedies: str, source: str = "报告",
                     mark_lost: bool = True) -> str:
    when = event_time(s, discovered_at)
    if source not in SOURCES:
        raise BadInput(f"事件来源须为 {'、'.join(SOURCES)} 之一。")
    target = lookup.carrier_by_number(s, carrier) if carrier else None
    fields = {"content": content or (carrier_content(target) if target else ""),
              "how_found": how_found, "responsible": responsible, "course": course,
              "harm": harm, "investigation": investigation, "remedies": remedies}
    fields = {k: (v or "").strip() for k, v in fields.items()}
    _require_fields(fields)
    lose = target is not None and mark_lost and target.state != MISSING
    if lose:
        next_state(target.state, "丢失")
    incident = Incident(number=next_number(s, when, series="incident"), discovered_at=when,
                        carrier_id=target.id if target else None, source=source, **fields)
    s.add(incident)
    s.flush()
    if lose:
        record_movement(s, target, "丢失", when, person_id=target.holder_id,
                        detail={"incident": incident.number})
    return incident.number


def _require_fields(fields: dict[str, str]) -> None:
    missing = [FIELDS[k] for k, v in fields.items() if not v]
    if missing:
        raise RuleViolation("R45", f"失泄密事件报告须写明：{'；'.join(missing)}", SOURCE_R45)


def amend_incident(reg: Register, ref: str, **fields: str) -> None:
    """Complete or correct the R45 fields (the journal keeps what they said before)."""
    require_role(reg, ROLE_CLERK)
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise BadInput(f"不能修改的字段：{'、'.join(sorted(unknown))}。")
    with reg.operation("失泄密事件补充") as s:
        incident = incident_by_number(s, ref)
        values = {k: (v or "").strip() for k, v in fields.items()}
        _require_fields({k: values.get(k, getattr(incident, k)) for k in FIELDS})
        for key, value in values.items():
            setattr(incident, key, value)


# -- report and result ------------------------------------------------------------

def report(reg: Register, ref: str, *, at: datetime | None = None) -> bool:
    """Record the written report (R45, within 24 h of discovery); returns True when late."""
    require_role(reg, ROLE_CLERK)
    with reg.operation("失泄密事件书面报告") as s:
        incident = incident_by_number(s, ref)
        when = event_time(s, at)
        if incident.reported_at is not None:
            raise BadInput(f"事件 {incident.number} 已于 {incident.reported_at:%Y-%m-%d %H:%M} 书面报告。")
        if when < incident.discovered_at:
            raise BadInput("报告时间早于发现时间。")
        incident.reported_at = when
        return report_late(incident)


def result(reg: Register, ref: str, text: str, *, at: datetime | None = None) -> bool:
    """Record the result of the investigation and close (R45, within 3 months); True when late."""
    require_role(reg, ROLE_CLERK)
    if not (text or "").strip():
        raise BadInput("请填写查处结果。")
    with reg.operation("失泄密事件查处结果") as s:
        incident = incident_by_number(s, ref)
        when = event_time(s, at)
        if incident.closed:
            raise BadInput(f"事件 {incident.number} 已结案。")
        if incident.reported_at is None:
            raise RuleViolation("R45", f"事件 {incident.number} 尚未书面报告，须先报告再报查处结果",
                                SOURCE_R45)
        if when < incident.reported_at:
            raise BadInput("查处结果时间早于书面报告时间。")
        incident.result, incident.result_at, incident.closed = text.strip(), when, True
        return result_late(incident)


def found(reg: Register, number: str, *, at: datetime | None = None, note: str = "") -> str:
    """找回: a 下落不明 carrier is back in the room (在库); an open loan of it ends.

    The incident stays open: the investigation and its result still follow (R45).
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("找回") as s:
        when = event_time(s, at)
        carrier = lookup.carrier_by_number(s, number)
        if carrier.state != MISSING:
            raise BadInput(f"{carrier.number} 当前为{carrier.state}，不是下落不明，无需办理找回。")
        next_state(carrier.state, "找回")
        open_ = s.scalars(select(Incident.number).where(Incident.carrier_id == carrier.id,
                                                        Incident.closed.is_(False))).all()
        movement = record_movement(s, carrier, "找回", when,
                                   detail={"incidents": list(open_), "note": note.strip()})
        close_open_loan(s, carrier, movement)
        return carrier.state


# -- deadlines --------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    incident: str
    what: str  # 书面报告 / 查处结果
    due: datetime
    overdue: bool


def deadlines(s: Session, now: datetime, *, within: timedelta | None = None) -> list[Deadline]:
    """R45 deadlines of open incidents: overdue ones, and upcoming ones (all, or due within)."""
    out: list[Deadline] = []
    for inc in s.scalars(select(Incident).where(Incident.closed.is_(False))):
        due = []
        if inc.reported_at is None:
            due.append(("书面报告", report_due(inc)))
        if inc.result_at is None:
            due.append(("查处结果", result_due(inc)))
        for what, when in due:
            if within is None or when <= now + within:
                out.append(Deadline(inc.number, what, when, when < now))
    return sorted(out, key=lambda d: (d.due, d.incident))


def list_incidents(s: Session, *, open_only: bool = False) -> list[Incident]:
    q = select(Incident).order_by(Incident.discovered_at, Incident.id)
    if open_only:
        q = q.where(Incident.closed.is_(False))
    return list(s.scalars(q))


# -- R31: three months late ---------------------------------------------------------

@dataclass(frozen=True)
class LateItem:
    number: str
    title: str
    level: str
    holder: str
    since: datetime  # the due date, or the check that demanded the return
    reason: str  # 借阅逾期 / 清查要求清退


def late_three_months(s: Session, now: datetime) -> list[LateItem]:
    """R31: carriers still out more than three months after they were due back
    (the loan's due time, or the quarterly check that demanded their return)."""
    out: list[LateItem] = []
    if s.autoflush:
        s.flush()  # as Session.execute would: an operation's pending changes count
    # Core rows, and only the loans due or demanded back long enough ago: SQLite
    # leaves out the thousands signed out this week, the exact rule is below.
    rows = s.connection().execute(_late_query(), {"late_cutoff": now - LATE_AT_LEAST}).all()
    for number, title, level, holder_id, name, due_at, demand in rows:
        name = name if holder_id is not None else ""
        if due_at is not None and add_months(due_at, LATE_MONTHS) < now:
            out.append(LateItem(number, title, level, name, due_at, "借阅逾期"))
        elif demand is not None and add_months(demand, LATE_MONTHS) < now:
            out.append(LateItem(number, title, level, name, demand, "清查要求清退"))
    return sorted(out, key=lambda i: (i.since, i.number))


@cache
def _late_query() -> Select:
    """The open loans due, or demanded back, before :late_cutoff, with the holder's
    name and the first check during the loan that demanded the carrier's return:
    one statement for all of them (a query and a person lookup per loan out took
    2 s for 5,000 loans).  The demand is a correlated subquery, so SQLite reads
    it through ix_movements_carrier for the few carriers out instead of scanning
    every 清查 movement.  Built once per process: building it cost more than
    reading the loans out."""
    loan, check, holder = aliased(Movement), aliased(Movement), aliased(Person)
    demand = (select(func.min(check.occurred_at))
              .where(check.carrier_id == Carrier.id, check.kind == "清查",
                     check.occurred_at >= loan.occurred_at,
                     func.json_extract(check.detail, "$.return_demanded") == 1)
              .correlate(Carrier, loan).scalar_subquery())
    cutoff = bindparam("late_cutoff", type_=DateTime)  # now - LATE_AT_LEAST
    return (select(Carrier.number, Carrier.title, Carrier.level, holder.id, holder.name,
                   loan.due_at, demand)
            .select_from(Carrier)
            .join(loan, loan.id == Carrier.open_movement_id)
            .outerjoin(holder, holder.id == Carrier.holder_id)
            .where(Carrier.state.in_((OUT, CARRIED)), loan.closed_by_id.is_(None),
                   or_(loan.due_at < cutoff, demand < cutoff)))


def escalate_late(reg: Register, *, at: datetime | None = None) -> list[str]:
    """R31: open an incident (source 超期) for each carrier three months late; the
    carrier becomes 下落不明 until found.  Running it again opens nothing new."""
    require_role(reg, ROLE_CLERK)
    with reg.operation("超期按失泄密查处") as s:
        return escalate_late_in(s, at=at)


def escalate_late_in(s: Session, *, at: datetime | None = None) -> list[str]:
    when = event_time(s, at)
    opened = []
    # Idempotent by construction: the incident makes the carrier 下落不明, and only
    # carriers still out (借出, 外出携带) are late.
    for item in late_three_months(s, when):
        carrier = lookup.carrier_by_number(s, item.number)
        what = "应于" if item.reason == "借阅逾期" else "清查时要求于"
        opened.append(open_incident_in(
            s, discovered_at=when, carrier=carrier.number,
            how_found=f"{item.reason}：{what}{item.since:%Y-%m-%d} 归还，超过三个月仍未归还（R31）",
            responsible=item.holder or "待查明",
            course=f"借阅人 {item.holder or '（不详）'} 至 {when:%Y-%m-%d} 仍未归还",
            harm="待评估", investigation="正在调查",
            remedies="催还；按失泄密案件查处", source="超期"))
    return opened
