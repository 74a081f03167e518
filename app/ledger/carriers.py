"""Registering carriers: receipts (收文), documents produced here, copies brought back
from meetings (R01–R07)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import BadInput, NotFound, RuleViolation
from app.ledger import lookup
from app.ledger.accounts import require_role
from app.ledger.numbers import next_number
from app.ledger.record import event_time, record_movement
from app.models.accounts import ROLE_CLERK
from app.models.carriers import KINDS, LEVELS, MEDIA_KINDS, ORIGINS, Carrier, Person
from app.models.movements import Batch
from app.store.register import Register

DEFAULT_PERIOD_YEARS = {"绝密": 30, "机密": 20, "秘密": 10}
SECRET_LEVELS = ("秘密", "机密", "绝密")  # the "三密"; 内部 is not a state secret


@dataclass
class NewCarrier:
    """What the receipt form (or `baomi receive`) collects."""

    title: str
    level: str
    issuer: str = ""
    doc_no: str = ""
    kind: str = "文件"
    copies: int = 1
    serial: str = ""
    period: str = ""
    pages: int | None = None
    scope: list[str] = field(default_factory=list)  # person names and/or department names
    location: str = ""
    custodian: str | None = None
    origin: str = "收文"
    via: str = ""  # 机要交通 / 专人送达 / 会议名称 ...
    received_by: str | None = None
    approved_by: str | None = None  # R04: produced here
    approved_count: int | None = None
    doc_date: date | None = None
    media_id: str = ""
    note: str = ""


def period_until(period: str, start: date) -> date | None:
    """10年 → start + 10 years; 2030-12-31 → that date; a condition text → None."""
    text = period.strip()
    m = re.fullmatch(r"(\d{1,3})\s*年", text)
    if m:
        years = int(m.group(1))
        try:
            return start.replace(year=start.year + years)
        except ValueError:  # 29 February
            return start.replace(year=start.year + years, day=28)
    try:
        return date.fromisoformat(text.replace("/", "-").replace(".", "-"))
    except ValueError:
        return None


def _serials(level: str, copies: int, serial: str) -> list[str]:
    """份号 of each copy (R03): given numbers count up; otherwise 第n份/共N份."""
    if copies == 1:
        if not serial and level in ("机密", "绝密"):
            raise RuleViolation("R03", f"{level}载体必须标注份号（机密级以上文件应当编排序列号）",
                                "保密单位电脑管理制度篇五 第七条")
        return [serial]
    if serial.isdigit():
        start, width = int(serial), len(serial)
        return [str(start + i).zfill(width) for i in range(copies)]
    if serial:
        raise BadInput("收多份时，份号应为起始数字（如 001），或留空自动编为「第n份/共N份」。")
    return [f"第{i}份/共{copies}份" for i in range(1, copies + 1)]


def _validate(nc: NewCarrier) -> None:
    if not nc.title.strip():
        raise BadInput("文件名称不能为空。")
    if nc.level not in LEVELS:
        raise BadInput(f"未知的密级「{nc.level}」，应为 {'、'.join(LEVELS)} 之一。")
    if nc.kind not in KINDS:
        raise BadInput(f"未知的载体类型「{nc.kind}」，应为 {'、'.join(KINDS)} 之一。")
    if nc.origin not in ORIGINS:
        raise BadInput(f"未知的来源「{nc.origin}」。")
    if not 1 <= nc.copies <= 1000:
        raise BadInput("份数应在 1 至 1000 之间。")
    if nc.pages is not None and nc.pages < 1:
        raise BadInput("页数应为正整数。")
    if nc.approved_count is not None and nc.approved_count < 1:
        raise BadInput("批准份数应为正整数。")
    if nc.media_id.strip() and nc.copies > 1:
        raise BadInput("一个介质编号只对应一件介质，登记多份介质请逐件填写各自的编号。")


def normalize_period(period: str, level: str) -> str:
    """The 保密期限 as written; empty means the default of the level, a bare number means years."""
    text = period.strip()
    if not text:
        return f"{DEFAULT_PERIOD_YEARS[level]}年" if level in DEFAULT_PERIOD_YEARS else ""
    return f"{text}年" if text.isdigit() else text


def _scope(s: Session, names: list[str]) -> tuple[list[int], list[str]]:
    """Scope entries are people of the register, or department names."""
    depts = set(s.scalars(select(Person.dept).distinct()))
    people: list[int] = []
    dept_list: list[str] = []
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        if name in depts and not s.scalars(select(Person.id).where(Person.name == name)).first():
            dept_list.append(name)
        else:
            try:
                people.append(lookup.person(s, name, what="知悉范围内的人员").id)
            except NotFound:
                # A department with nobody registered yet.  Two people of one
                # name stay an error (BadInput): the scope must not guess.
                dept_list.append(name)
    return people, dept_list


def _check_media_level(s: Session, nc: NewCarrier) -> None:
    """R06: a medium that held secrets is never used at a lower level."""
    if nc.kind not in MEDIA_KINDS or not nc.media_id.strip():
        return
    for prev in s.scalars(select(Carrier).where(Carrier.media_id == nc.media_id.strip())):
        if lookup.level_rank(prev.highest_level) > lookup.level_rank(nc.level):
            raise RuleViolation("R06", f"介质 {nc.media_id} 曾存储{prev.highest_level}信息（{prev.number}），"
                                       f"不得降为{nc.level}使用（存储过国家秘密信息的媒体不能降低密级使用）",
                                "保密制度汇编 九、4")


def receive(reg: Register, nc: NewCarrier, *, at: datetime | None = None) -> list[str]:
    """Register a receipt (or a document produced here, or one brought back from a
    meeting): N copies become N carriers in one transaction.  Returns their numbers.

    R01 a registration later than the day of receipt is flagged; R02 each copy
    is numbered; R03 机密/绝密 need 份号; R04 produced 三密 documents need a
    leader's approval and exactly the approved count; R05 they await 定密
    (classified=False) within 10 days; R06 media never go down a level; R07
    meeting documents are registered with the meeting and who handed them in.
    Without a 保密期限 the level's default applies (绝密 30年, 机密 20年, 秘密 10年),
    counted from the document's date (default: the day of receipt).
    """
    require_role(reg, ROLE_CLERK)
    action = {"收文": "收文", "自制": "自制登记", "会议带回": "会议文件登记"}.get(nc.origin, "登记")
    with reg.operation(action) as s:
        return receive_in(s, nc, at=at)


def receive_in(s: Session, nc: NewCarrier, *, at: datetime | None = None) -> list[str]:
    """`receive` inside a caller's transaction (bulk import, demo data)."""
    _validate(nc)
    serials = _serials(nc.level, nc.copies, nc.serial.strip())
    when = event_time(s, at)
    now = s.info["clock"].now()
    approver = _origin_checks(s, nc)
    _check_media_level(s, nc)
    receiver = lookup.optional_person(s, nc.received_by, what="签收人")
    custodian = lookup.optional_person(s, nc.custodian, what="保管人")
    people, depts = _scope(s, nc.scope)
    # Everything is checked; from here on we write.
    flag = ""
    if now.date() > when.date():
        flag = f"R01 收文于{when:%Y-%m-%d}，登记于{now:%Y-%m-%d}（未当日登记）"
    doc_date = nc.doc_date or when.date()
    period = normalize_period(nc.period, nc.level)
    batch_id = None
    if nc.copies > 1:
        batch = Batch(kind="收文", occurred_at=when, entered_at=now,
                      detail=json.dumps({"title": nc.title, "copies": nc.copies}, ensure_ascii=False))
        s.add(batch)
        s.flush()
        batch_id = batch.id
    numbers = []
    for serial in serials:
        # registered_at is when the receipt happened (补登记 keeps the paper's time;
        # the movement's entered_at and the journal keep when it was typed in), so
        # later movements entered after the fact compare against the paper's times.
        carrier = Carrier(
            number=next_number(s, when), kind=nc.kind, title=nc.title.strip(),
            doc_no=nc.doc_no.strip(), issuer=nc.issuer.strip(), level=nc.level,
            highest_level=nc.level, period=period, period_until=period_until(period, doc_date),
            serial=serial, copies_total=nc.copies, pages=nc.pages,
            scope_people=json.dumps(people), scope_depts=json.dumps(depts, ensure_ascii=False),
            origin=nc.origin, approved_by_id=approver.id if approver else None,
            approved_count=nc.approved_count, location=nc.location.strip(),
            custodian_id=custodian.id if custodian else None, doc_date=doc_date,
            classified=nc.origin != "自制", registered_at=when, media_id=nc.media_id.strip(),
            note=nc.note, state="")
        record_movement(s, carrier, "收文" if nc.origin == "收文" else "登记", when,
                        person_id=receiver.id if receiver else None,
                        approver_id=approver.id if approver else None, batch_id=batch_id,
                        flagged=flag, detail={"from": nc.issuer, "via": nc.via, "origin": nc.origin})
        numbers.append(carrier.number)
    return numbers


def _origin_checks(s: Session, nc: NewCarrier) -> Person | None:
    """R04 for documents produced here, R07 for documents brought back from a meeting."""
    if nc.origin == "自制" and (nc.level in SECRET_LEVELS or nc.approved_by):
        if not nc.approved_by:
            raise RuleViolation("R04", "本单位印制的涉密文件须经主管领导审批", "保密制度汇编 五、二")
        approver = lookup.person(s, nc.approved_by, what="批准人")
        if not approver.is_leader:
            raise RuleViolation("R04", f"{approver.name} 不是领导，不能批准印制", "保密制度汇编 五、二")
        if nc.approved_count is None or nc.copies != nc.approved_count:
            raise RuleViolation("R04", f"印制份数须与批准份数一致（批准 {nc.approved_count or 0} 份，"
                                       f"登记 {nc.copies} 份），不得多印多留", "保密制度汇编 六、2（3）")
        return approver
    if nc.origin == "会议带回":
        if not nc.via.strip():
            raise RuleViolation("R07", "会议带回的文件须写明会议名称", "保密制度汇编 六、1（7）")
        if not nc.received_by:
            raise RuleViolation("R07", "会议带回的文件须写明交回人", "保密制度汇编 六、1（7）")
    return None
