"""Deciding and changing a classification: 定密, 变更, 解密 (R05, R06, R03).

解密 keeps the carrier's 密级 as it was marked and records the declassification
instead (detail `declassified`, the 期限 before and after).
Why not lower the level: the register must go on showing what the carrier was
marked and how it was kept (a printed ledger, an inspector, R06 for media that
held secrets); no new state is needed because a declassified carrier is still a
registered item that is kept, checked, archived or destroyed like any other.
The 期限 becomes "已解密（date）" and `period_until` is cleared (the period is
over; the date stays in the text and in the movement).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import BadInput, RuleViolation
from app.ledger import lookup
from app.ledger.accounts import require_role
from app.ledger.carriers import period_until
from app.ledger.copies import copies_of
from app.ledger.record import event_time, record_movement
from app.ledger.state import DESTROYED, next_state
from app.models.accounts import ROLE_CLERK
from app.models.carriers import LEVELS, MEDIA_KINDS, Carrier, Person
from app.store.register import Register

KINDS = ("定密", "变更", "解密")
DEADLINE_DAYS = 10  # R05: 最迟不得超过 10 日
SOURCE_R05 = "政协机关保密制度 三、定密工作制度"
SOURCE_R06 = "保密制度汇编 九、4"


@dataclass
class Classified:
    number: str
    kind: str
    level: str
    period: str
    flagged: str = ""  # R05: 定密 later than 10 days
    copies: list[str] = field(default_factory=list)  # copies to follow up (R22)


def classify(reg: Register, number: str, *, kind: str, level: str | None = None,
             period: str | None = None, proposed_by: str | int, confirmed_by: str | int,
             basis: str, at: datetime | None = None) -> Classified:
    """定密 / 变更 / 解密 of one carrier.

    R05 the drafter (`proposed_by`) proposes, the signing leader
    (`confirmed_by`) confirms, with the basis (一览表 item or the notice of
    change); 定密 is due 10 days after the document arose (doc_date), later
    is recorded and flagged.  R06 a medium is never lowered below the highest
    level it held.  R03 机密/绝密 need a 份号.  A copy's classification does not
    follow its parent silently: 变更/解密 return the copies to follow up (R22).
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation(kind if kind in KINDS else "定密") as s:
        return classify_in(s, number, kind=kind, level=level, period=period,
                           proposed_by=proposed_by, confirmed_by=confirmed_by, basis=basis, at=at)


def classify_in(s: Session, number: str, *, kind: str, level: str | None = None,
                period: str | None = None, proposed_by: str | int, confirmed_by: str | int,
                basis: str, at: datetime | None = None) -> Classified:
    when = event_time(s, at)
    if kind not in KINDS:
        raise BadInput(f"定密操作须为 {'、'.join(KINDS)} 之一。")
    carrier = lookup.carrier_by_number(s, number)
    level = (level or "").strip() or None
    period = (period or "").strip() or None
    proposer, leader = _people(s, proposed_by, confirmed_by)
    if not (basis or "").strip():
        raise RuleViolation("R05", f"{kind}须写明依据", SOURCE_R05)
    _check_kind(carrier, kind, level, period)
    if level is not None:
        _check_level(carrier, level)
    next_state(carrier.state, kind)

    before = {"level": carrier.level, "period": carrier.period}
    flagged = _late_flag(carrier, when) if kind == "定密" else ""
    if kind == "解密":
        # No end date any more: the period is over, not "ending" (the dashboard
        # lists periods that end this year for 解密 or extension).
        carrier.period, carrier.period_until = f"已解密（{when:%Y-%m-%d}）", None
    else:
        _apply(carrier, level, period, when)
    if kind == "定密":
        carrier.classified = True
    detail = {"basis": basis.strip(), "before": before,
              "after": {"level": carrier.level, "period": carrier.period}}
    if kind == "解密":
        detail["declassified"] = True
    record_movement(s, carrier, kind, when, person_id=proposer.id, approver_id=leader.id,
                    flagged=flagged, detail=detail)
    follow = [c.number for c in copies_of(s, carrier)] if kind != "定密" else []
    return Classified(carrier.number, kind, carrier.level, carrier.period, flagged, follow)


def _people(s: Session, proposed_by: str | int, confirmed_by: str | int) -> tuple[Person, Person]:
    if proposed_by in (None, ""):
        raise RuleViolation("R05", "须写明拟定密级和保密期限的承办人", SOURCE_R05)
    if confirmed_by in (None, ""):
        raise RuleViolation("R05", "须由签批的领导审核确定", SOURCE_R05)
    proposer = lookup.person(s, proposed_by, what="拟定人")
    leader = lookup.person(s, confirmed_by, what="审核确定人")
    if not leader.is_leader:
        raise RuleViolation("R05", f"{leader.name} 不是领导，不能审核确定密级和保密期限", SOURCE_R05)
    if leader.status != "在岗":
        raise RuleViolation("R05", f"{leader.name} 已{leader.status}，不能审核确定密级和保密期限", SOURCE_R05)
    return proposer, leader


def _check_kind(carrier: Carrier, kind: str, level: str | None, period: str | None) -> None:
    if carrier.state == DESTROYED:
        return  # the state machine names R32
    if kind == "定密" and carrier.classified:
        raise BadInput(f"{carrier.number} 已确定密级；如需改变，请办理变更。")
    if kind == "变更":
        if not carrier.classified:
            raise BadInput(f"{carrier.number} 尚未定密，请先办理定密。")
        if level is None and period is None:
            raise BadInput("变更须写明新的密级或保密期限。")
        if level == carrier.level and period in (None, carrier.period):
            raise BadInput("变更后的密级和保密期限与原来相同。")
    if kind == "解密":
        if level is not None or period is not None:
            raise BadInput("解密不改变载体标注的密级；请勿填写密级或期限。")
        if carrier.period.startswith("已解密"):
            raise BadInput(f"{carrier.number} 已经解密。")


def _check_level(carrier: Carrier, level: str) -> None:
    if level not in LEVELS:
        raise BadInput(f"未知的密级「{level}」，应为 {'、'.join(LEVELS)} 之一。")
    if carrier.kind in MEDIA_KINDS and lookup.level_rank(level) < lookup.level_rank(carrier.highest_level):
        raise RuleViolation("R06", f"{carrier.number} 是曾存储{carrier.highest_level}信息的{carrier.kind}，"
                                   f"不得降为{level}使用", SOURCE_R06)
    if level in ("机密", "绝密") and not carrier.serial:
        raise RuleViolation("R03", f"{level}载体必须标注份号，请先更正份号", "保密制度汇编 篇五 第七条")


def _apply(carrier: Carrier, level: str | None, period: str | None, when: datetime) -> None:
    if level is not None:
        carrier.level = level
        if lookup.level_rank(level) > lookup.level_rank(carrier.highest_level):
            carrier.highest_level = level
    if period is not None:
        carrier.period = period
        carrier.period_until = period_until(period, carrier.doc_date or when.date())


def _late_flag(carrier: Carrier, when: datetime) -> str:
    if carrier.doc_date is None:
        return ""
    due = carrier.doc_date + timedelta(days=DEADLINE_DAYS)
    if when.date() > due:
        return f"R05 文件形成于{carrier.doc_date:%Y-%m-%d}，{when:%Y-%m-%d}定密，超过{DEADLINE_DAYS}日"
    return ""


# -- deadlines --------------------------------------------------------------------

@dataclass(frozen=True)
class ClassificationDue:
    number: str
    title: str
    doc_date: date
    due: date
    overdue: bool


def classification_deadlines(s: Session, now: datetime, *, within_days: int = 3) -> list[ClassificationDue]:
    """R05: documents produced here and not yet 定密 — overdue, or due within `within_days`."""
    limit = now.date() + timedelta(days=within_days)
    out = []
    q = select(Carrier).where(Carrier.classified.is_(False), Carrier.state != DESTROYED)
    for c in s.scalars(q.order_by(Carrier.doc_date, Carrier.number)):
        start = c.doc_date or c.registered_at.date()
        due = start + timedelta(days=DEADLINE_DAYS)
        if due <= limit:
            out.append(ClassificationDue(c.number, c.title, start, due, due < now.date()))
    return out
