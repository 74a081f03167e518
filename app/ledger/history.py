"""The movements of carriers as the paper ledgers show them, and one carrier's
whole history (the detail pane's timeline and `baomi show`).

Read-only: call inside `with reading(reg) as s:` (app/ledger/queries.py).
Rows join carrier numbers and people's names in SQL; journal entries about a
carrier are found through the journal's (obj_type, obj_id) index.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from app.errors import BadInput
from app.ledger import lookup
from app.ledger.queries import _LEVEL_ORDER, check_choice, date_bounds, person_id, search_clause
from app.models.carriers import LEVELS, Carrier, Person
from app.models.journal import JournalEntry
from app.models.movements import Incident, Movement


@dataclass(frozen=True)
class MovementRow:
    id: int
    kind: str
    occurred_at: datetime
    entered_at: datetime
    account: str
    carrier_id: int
    number: str
    title: str
    level: str
    person_id: int | None
    person: str
    person_dept: str
    approver: str
    batch_id: int | None
    due_at: datetime | None
    returned_at: datetime | None  # loans: when the 归还 closing it happened
    state_after: str
    flagged: str
    detail: dict
    summary: str = ""  # the whole line in Chinese, people's names resolved


# -- movements ledgers ----------------------------------------------------------------

# The paper ledgers as views of the movements table.
LEDGERS: dict[str, tuple[str, ...]] = {
    "收文": ("收文", "登记"), "发文": ("发文",), "借阅": ("借出",), "外出携带": ("借出",),
    "归还": ("归还",), "复制": ("复制",), "清查": ("清查",), "清退": ("清退",), "销毁": ("销毁",),
    "归档": ("归档",), "交接": ("交接",), "定密": ("定密", "变更", "解密"), "丢失": ("丢失", "找回"),
    "更正": ("更正",),
}
_LEDGER_ALIASES = {"借出": "借阅", "借阅登记": "借阅", "携带外出": "外出携带"}

MOVEMENT_ORDERS = ("occurred_at", "entered_at", "number", "title", "level", "person",
                   "approver", "due_at", "kind", "id")


def _ledger_where(ledger: str) -> list:
    name = _LEDGER_ALIASES.get(ledger, ledger)
    if name not in LEDGERS:
        raise BadInput(f"没有名为「{ledger}」的台账，可选：{'、'.join(LEDGERS)}。")
    where = [Movement.kind.in_(LEDGERS[name])]
    if name == "外出携带":
        where.append(Movement.state_after == "外出携带")
    if name == "收文":  # copies are in the 复制 ledger, not among the receipts
        where.append(Carrier.origin != "复制")
    return where


def _movement_where(s: Session, ledger: str, *, search: str | None, level: str | None,
                    person: str | int | None, date_from: Any, date_to: Any,
                    carrier_id: int | None = None) -> list:
    check_choice(level, LEVELS, "密级")
    where = _ledger_where(ledger) + date_bounds(Movement.occurred_at, date_from, date_to)
    clause = search_clause(search)
    if clause is not None:
        where.append(clause)
    if level:
        where.append(Carrier.level == level)
    pid = person_id(s, person)
    if pid is not None:
        where.append(or_(Movement.person_id == pid, Movement.approver_id == pid))
    if carrier_id is not None:
        where.append(Movement.carrier_id == carrier_id)
    return where


def movement_rows(s: Session, where: list, order: list, *, offset: int = 0,
                  limit: int | None = None) -> list[MovementRow]:
    """Movements with carrier and people joined in one query (also used by history)."""
    who, approver, closer = aliased(Person), aliased(Person), aliased(Movement)
    q = (select(Movement.id, Movement.kind, Movement.occurred_at, Movement.entered_at,
                Movement.account, Movement.carrier_id, Carrier.number, Carrier.title,
                Carrier.level, Movement.person_id, who.name, who.dept, approver.name,
                Movement.batch_id, Movement.due_at, closer.occurred_at, Movement.state_after,
                Movement.flagged, Movement.detail)
         .join(Carrier, Carrier.id == Movement.carrier_id)
         .outerjoin(who, who.id == Movement.person_id)
         .outerjoin(approver, approver.id == Movement.approver_id)
         .outerjoin(closer, closer.id == Movement.closed_by_id)
         .where(*where).order_by(*order).offset(max(0, offset)))
    if limit is not None:
        q = q.limit(max(0, limit))
    rows = [MovementRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10] or "",
                        r[11] or "", r[12] or "", r[13], r[14], r[15], r[16], r[17] or "",
                        json.loads(r[18] or "{}")) for r in s.execute(q)]
    names = _names(s, {i for r in rows for i in _detail_people(r.kind, r.detail)})
    return [replace(r, summary=movement_summary(r, names)) for r in rows]


def movements_page(s: Session, ledger: str, *, offset: int = 0, limit: int | None = 100,
                   order_by: str = "occurred_at", descending: bool = True,
                   search: str | None = None, level: str | None = None,
                   person: str | int | None = None, date_from: date | datetime | None = None,
                   date_to: date | datetime | None = None) -> list[MovementRow]:
    """One page of a paper ledger (收文, 发文, 借阅, 外出携带, 复制, 清查, 清退, 销毁, 归档,
    交接, 定密 …): its movements with carrier number, title, 密级 and people's names.

    `person` matches the movement's person (borrower, receiver …) or its approver;
    `date_from`/`date_to` bound the time it happened.
    """
    columns = {"occurred_at": Movement.occurred_at, "entered_at": Movement.entered_at,
               "number": Carrier.number, "title": Carrier.title, "level": _LEVEL_ORDER,
               "due_at": Movement.due_at, "kind": Movement.kind, "id": Movement.id}
    if order_by not in MOVEMENT_ORDERS:
        raise BadInput(f"不能按「{order_by}」排序，可选：{'、'.join(MOVEMENT_ORDERS)}。")
    where = _movement_where(s, ledger, search=search, level=level, person=person,
                            date_from=date_from, date_to=date_to)
    if order_by in ("person", "approver"):
        # Sort by name through a scalar lookup: the row query joins its own aliases.
        p = aliased(Person)
        pid = Movement.person_id if order_by == "person" else Movement.approver_id
        key: Any = select(p.name).where(p.id == pid).correlate(Movement).scalar_subquery()
    else:
        key = columns[order_by]
    order = [key.desc() if descending else key.asc(),
             Movement.id.desc() if descending else Movement.id.asc()]
    return movement_rows(s, where, order, offset=offset, limit=limit)


def count_movements(s: Session, ledger: str, *, search: str | None = None,
                    level: str | None = None, person: str | int | None = None,
                    date_from: date | datetime | None = None,
                    date_to: date | datetime | None = None) -> int:
    where = _movement_where(s, ledger, search=search, level=level, person=person,
                            date_from=date_from, date_to=date_to)
    q = (select(func.count()).select_from(Movement)
         .join(Carrier, Carrier.id == Movement.carrier_id).where(*where))
    return s.scalar(q) or 0


# -- one carrier's history ---------------------------------------------------------

@dataclass(frozen=True)
class CarrierDetail:
    id: int
    number: str
    kind: str
    title: str
    doc_no: str
    issuer: str
    level: str
    highest_level: str
    period: str
    period_until: date | None
    serial: str
    copies_total: int
    pages: int | None
    scope: tuple[str, ...]  # people's names and department names
    origin: str
    parent: str  # the original's number, for a copy
    approved_by: str
    approved_count: int | None
    location: str
    custodian: str
    holder: str
    doc_date: date | None
    classified: bool
    registered_at: datetime
    state: str
    media_id: str
    note: str
    copies: tuple[str, ...]  # numbers of the copies made of it (R22)


@dataclass(frozen=True)
class TimelineEntry:
    """One journal entry about the carrier, its movements, batches or incidents."""

    seq: int
    entered_at: datetime  # when it was entered (the journal's time)
    happened_at: datetime | None  # when it happened (a movement's occurred_at)
    account: str
    action: str
    obj_type: str
    summary: str


@dataclass(frozen=True)
class History:
    carrier: CarrierDetail
    movements: tuple[MovementRow, ...]  # in the order they happened
    timeline: tuple[TimelineEntry, ...]  # in journal order


# Chinese names of detail keys; keys mapped to None are not shown.
DETAIL_LABELS: dict[str, str | None] = {
    "from": "来文单位", "via": "来文方式", "origin": "来源", "purpose": "用途", "place": "地点",
    "from_state": None, "principal_leader_approved": "主要领导批准", "pages_checked": "页数已清点",
    "condition": "状况", "reader_signed": "阅读人已签名", "late": "逾期归还", "count": "份数",
    "copies": "复制件", "approval_ref": "批准文件", "device": "设备", "spoiled_pages": "废页数",
    "spoiled_destroyed": "废页已销毁", "quarter": "季度", "result": "清查结果",
    "return_demanded": "要求清退", "to": "接往", "receipt_no": "回执号", "note": "备注",
    "method": "方式", "witnesses": None, "witness_names": "监销人", "archive_no": "档案号",
    "location": "存放位置", "incident": "事件编号", "incidents": "相关事件", "parent": "原件",
    "channel": "渠道", "numbers": None, "readers": None, "names": "传阅人", "served": "已传阅人数",
    "carrier": None, "stopped_at": "终止时间", "stop_reason": "终止原因", "signed_by": "签收人",
    "outgoing": None, "incoming": None, "outgoing_name": "移交人", "incoming_name": "接收人",
    "basis": "依据", "before": "原", "after": "新",
    "declassified": "已解密", "level": "密级", "period": "保密期限",
}
PERSON_ROLE = {"收文": "签收人", "登记": "经办人", "借出": "借阅人", "归还": "归还人",
               "复制": "复制人", "清查": "持有人", "交接": "接收人", "丢失": "持有人",
               "发文": "经办人", "定密": "确定人", "变更": "确定人", "解密": "确定人"}
CARRIER_LABELS = {"state": "状态", "holder_id": "持有人", "custodian_id": "保管人", "level": "密级",
                  "highest_level": "曾定最高密级", "period": "保密期限", "period_until": "保密期限至",
                  "location": "存放位置", "classified": "已定密", "title": "标题", "scope_people": "阅读范围（人员）",
                  "scope_depts": "阅读范围（部门）", "note": "备注", "serial": "份号"}
_PEOPLE_KEYS = ("person_id", "approver_id", "holder_id", "custodian_id", "approved_by_id")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "（" + detail_text(value, sep="，") + "）"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(value)


# Labels that differ by kind: a handover's from/to are people, a dispatch's "to" a unit.
KIND_LABELS: dict[str, dict[str, str | None]] = {
    "交接": {"from": "移交人", "to": "接收人", "checked": "已逐件清点"},
    "发文": {"to": "收文单位", "channel": "传递方式"},
    "清退": {"to": "退往单位"},
    "回执": {"signed_by": "回执签收人", "dispatch_id": None},
    "销毁": {"place": "销毁地点"},
}
_PEOPLE_IN_DETAIL = {"交接": ("from", "to")}


def _detail_people(kind: str, detail: dict) -> list[int]:
    ids = [detail.get(k) for k in _PEOPLE_IN_DETAIL.get(kind, ())]
    ids += list(detail.get("readers") or [])
    return [i for i in ids if isinstance(i, int)]


def detail_text(detail: dict, sep: str = "；", *, kind: str = "",
                names: dict[int, str] | None = None) -> str:
    """A movement's detail in Chinese: 「来文单位 市委办公厅；来文方式 机要交通」."""
    labels = {**DETAIL_LABELS, **KIND_LABELS.get(kind, {})}
    people = _PEOPLE_IN_DETAIL.get(kind, ())
    parts = []
    for key, value in detail.items():
        label = labels.get(key, key)
        if label is None or value in ("", None, [], False):
            continue
        if key in people and names is not None:
            value = names.get(value, value)
        parts.append(f"{label} {_value(value)}")
    return sep.join(parts)


def movement_summary(m: MovementRow, names: dict[int, str] | None = None) -> str:
    parts = [m.kind]
    if m.person:
        dept = f"（{m.person_dept}）" if m.person_dept else ""
        parts.append(f"{PERSON_ROLE.get(m.kind, '相关人员')} {m.person}{dept}")
    if m.approver:
        parts.append(f"批准人 {m.approver}")
    if m.due_at:
        parts.append(f"应还 {m.due_at:%Y-%m-%d %H:%M}")
    if m.returned_at:
        done = "回执签回" if m.kind == "发文" else "归还"
        parts.append(f"已于 {m.returned_at:%Y-%m-%d %H:%M} {done}")
    text = detail_text(m.detail, "，", kind=m.kind, names=names)
    if text:
        parts.append(text)
    if m.flagged:
        parts.append(f"标记：{m.flagged}")
    return parts[0] + ("：" + "，".join(parts[1:]) if parts[1:] else "")


def carrier_detail(s: Session, carrier: Carrier) -> CarrierDetail:
    ids = [i for i in (carrier.custodian_id, carrier.holder_id, carrier.approved_by_id) if i]
    people, depts = lookup.scope_of(carrier)
    names = _names(s, set(ids) | set(people))
    parent = s.scalar(select(Carrier.number).where(Carrier.id == carrier.parent_id)) \
        if carrier.parent_id else ""
    copies = tuple(s.scalars(select(Carrier.number).where(Carrier.parent_id == carrier.id)
                             .order_by(Carrier.id)))
    holder = names.get(carrier.holder_id, "") if carrier.state in ("借出", "外出携带") else ""
    return CarrierDetail(
        carrier.id, carrier.number, carrier.kind, carrier.title, carrier.doc_no, carrier.issuer,
        carrier.level, carrier.highest_level, carrier.period, carrier.period_until, carrier.serial,
        carrier.copies_total, carrier.pages,
        tuple([names.get(p, f"#{p}") for p in people] + list(depts)), carrier.origin,
        parent or "", names.get(carrier.approved_by_id, ""), carrier.approved_count,
        carrier.location, names.get(carrier.custodian_id, ""), holder, carrier.doc_date,
        carrier.classified, carrier.registered_at, carrier.state, carrier.media_id, carrier.note,
        copies)


def _names(s: Session, ids: set[int]) -> dict[int, str]:
    ids = {i for i in ids if isinstance(i, int)}
    if not ids:
        return {}
    return dict(s.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all())


def history(s: Session, number: str) -> History:
    """A carrier with its whole history: every movement (people's names, details)
    and every journal entry about it, its movements, their batches and its
    incidents — what happened when, who entered it when (R54)."""
    carrier = lookup.carrier_by_number(s, number)
    moves = movement_rows(s, [Movement.carrier_id == carrier.id],
                          [Movement.occurred_at, Movement.id])
    return History(carrier_detail(s, carrier), tuple(moves), tuple(_timeline(s, carrier, moves)))


def _timeline(s: Session, carrier: Carrier, moves: list[MovementRow]) -> list[TimelineEntry]:
    by_id = {m.id: m for m in moves}
    batches = sorted({m.batch_id for m in moves if m.batch_id})
    incident_ids = list(s.scalars(select(Incident.id).where(Incident.carrier_id == carrier.id)))
    objects = [("carriers", [carrier.id]), ("movements", list(by_id)), ("batches", batches),
               ("incidents", incident_ids)]
    clauses = [(JournalEntry.obj_type == t) & JournalEntry.obj_id.in_([str(i) for i in ids])
               for t, ids in objects if ids]
    rows = s.execute(select(JournalEntry.seq, JournalEntry.at, JournalEntry.account,
                            JournalEntry.action, JournalEntry.obj_type, JournalEntry.obj_id,
                            JournalEntry.body).where(or_(*clauses)).order_by(JournalEntry.seq)).all()
    bodies = [json.loads(r[6]) for r in rows]
    person_ids: set[int] = set()
    for b in bodies:
        for part in (b.get("before") or {}, b.get("after") or {}):
            person_ids.update(v for k, v in part.items() if k in _PEOPLE_KEYS and v)
    names = _names(s, person_ids)
    out = []
    for (seq, at, account, action, obj_type, obj_id, _), body in zip(rows, bodies):
        move = by_id.get(int(obj_id)) if obj_type == "movements" else None
        happened = move.occurred_at if move is not None else None
        if obj_type == "batches":
            happened = _parse_time((body.get("after") or {}).get("occurred_at"))
        out.append(TimelineEntry(seq, at, happened, account, action, obj_type,
                                 _summary(obj_type, body, move, names)))
    return out


def _parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _summary(obj_type: str, body: dict, move: MovementRow | None,
             names: dict[int, str]) -> str:
    before, after = body.get("before"), body.get("after") or {}
    if obj_type == "movements" and before is None and move is not None:
        return move.summary
    if obj_type == "movements":
        if "closed_by_id" in before and after.get("closed_by_id"):
            return f"{after.get('kind', '')}记录已结清（第 {after['closed_by_id']} 号流转记录）"
        return "流转记录更新：" + _changes(before, after, {}, names)
    if obj_type == "carriers" and before is None:
        serial = f"，份号 {after.get('serial')}" if after.get("serial") else ""
        return (f"登记载体 {after.get('number')}《{after.get('title')}》，{after.get('level')}"
                f"{serial}，来源 {after.get('origin')}")
    if obj_type == "carriers":
        return _changes(before, after, CARRIER_LABELS, names) or "载体记录更新"
    if obj_type == "batches":
        detail = json.loads(after.get("detail") or "{}")
        text = detail_text({k: v for k, v in detail.items() if k not in ("numbers",)})
        verb = "建立" if before is None else "更新"
        return f"{verb}{after.get('kind', '')}批次 #{body.get('obj_id')}" + (f"：{text}" if text else "")
    if obj_type == "incidents":
        if before is None:
            return f"登记失泄密事件 {after.get('number')}"
        return f"失泄密事件 {after.get('number')} 更新：" + "、".join(sorted(before))
    return f"{obj_type} #{body.get('obj_id')}"


def _changes(before: dict, after: dict, labels: dict[str, str], names: dict[int, str]) -> str:
    parts = []
    for key in sorted(before, key=lambda k: (k not in labels, k)):
        if key in ("open_movement_id",) or (labels and key not in labels):
            continue
        old, new = before.get(key), after.get(key)
        if key in _PEOPLE_KEYS:
            old, new = names.get(old, old), names.get(new, new)
        parts.append(f"{labels.get(key, key)} {_value(old) if old not in (None, '') else '—'}"
                     f"→{_value(new) if new not in (None, '') else '—'}")
    return "；".join(parts)
