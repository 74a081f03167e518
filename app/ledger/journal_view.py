"""The journal as the inspector reads it (日志): one page at a time, newest first, searchable.

Read-only.  The journal is the hash-chained record of every change (R54); this
module only lists it, with one line of Chinese per entry, for the desktop's
日志 page.  Reviewing the journal is the inspector's (or the clerk's) work and
never the account administrator's (三员分立), so `reading` checks that first.

Hazards:
- A journal holds about ten entries per carrier: millions in a large register.
  Pages are ordered by `seq` (the primary key) only, so the first page of any
  query is read from the end of the table without sorting.  A count without
  filters is the head's sequence number (the chain has no gaps; `verify` says
  so when it has); a count with filters scans, and the page shows it lazily.
- Account entries carry password hashes and keyslot data in their body; the
  summary names the fields that changed and never their values.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from app.ledger.history import CARRIER_LABELS, detail_text
from app.ledger.lookup import normalize_number
from app.ledger.verify import require_reviewer
from app.models.accounts import Account
from app.models.carriers import Carrier, Person
from app.models.journal import JournalEntry
from app.models.movements import Movement
from app.store.register import Register

# The tables of the register as the journal page names them.
OBJECT_NAMES = {
    "carriers": "载体", "movements": "流转记录", "batches": "批次", "people": "人员",
    "trainings": "培训记录", "accounts": "账户", "settings": "设置", "incidents": "失泄密事件",
    "counters": "编号计数", "devices": "设备", "device_repairs": "设备维修", "drafts": "草稿",
    "session": "会话", "account": "账户",
}
# Fields of an account whose values are never shown (hashes, key material).
_SECRET_WORDS = ("password", "hash", "slot", "salt", "key", "history")
_FIELD_LABELS = {**CARRIER_LABELS, "kind": "事项", "closed_by_id": "结清记录", "status": "状态",
                 "dept": "部门", "name": "姓名", "disabled": "停用", "roles": "角色",
                 "must_change": "须改口令", "failed_logins": "失败次数", "locked_until": "锁定至",
                 "last_login_at": "上次登录", "value": "值", "reported_at": "书面报告时间",
                 "result_at": "查处结果时间", "result": "查处结果", "closed": "已结案",
                 "declassify_until": "脱密期至", "used": "已使用", "reason": "原因",
                 "event_time": "发生时间", "username": "用户名", "minutes": "分钟",
                 "password_hash": "口令", "password_history": "口令历史",
                 "password_changed_at": "口令修改时间", "display_name": "姓名",
                 "failed_count": "失败次数", "person_id": "人员", "approver_id": "批准人",
                 "notices_seen_seq": "已读提示"}


@dataclass(frozen=True)
class JournalRow:
    seq: int
    at: datetime
    account: str
    action: str
    obj_type: str
    obj_id: str
    object: str  # 载体 2026-000123 / 账户 clerk / 设置 idle_minutes
    summary: str


@contextmanager
def reading(reg: Register) -> Iterator[Session]:
    """A read session for reviewing the journal: inspector or clerk, never the administrator."""
    require_reviewer(reg)
    with reg.read() as s:
        yield s


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _is_action(s: Session, term: str) -> bool:
    return s.scalar(select(JournalEntry.seq).where(JournalEntry.action == term).limit(1)) is not None


def _is_account(s: Session, term: str) -> bool:
    return s.scalar(select(Account.id).where(Account.username == term)) is not None


def _carrier_objects(s: Session, term: str) -> ColumnElement[bool] | None:
    """Entries about the carrier whose register number is `term`: it and its movements."""
    cid = s.scalar(select(Carrier.id).where(Carrier.number == normalize_number(term)))
    if cid is None:
        return None
    moves = [str(m) for m in s.scalars(select(Movement.id).where(Movement.carrier_id == cid))]
    clause = and_(JournalEntry.obj_type == "carriers", JournalEntry.obj_id == str(cid))
    if moves:
        clause = or_(clause, and_(JournalEntry.obj_type == "movements",
                                  JournalEntry.obj_id.in_(moves)))
    return clause


def _where(s: Session, search: str | None, date_from: date | datetime | None,
           date_to: date | datetime | None) -> list[ColumnElement[bool]]:
    """Every term must match the account, the action, the object's kind or id, or be the
    register number of a carrier (then its entries and its movements' entries match)."""
    where: list[ColumnElement[bool]] = []
    for term in (search or "").replace("\u3000", " ").split():
        carrier = _carrier_objects(s, term)
        if carrier is not None:  # a register number: that carrier's entries (indexed)
            where.append(carrier)
            continue
        kinds = [t for t, name in OBJECT_NAMES.items() if term in name]
        options: list[ColumnElement[bool]] = []
        if _is_action(s, term):  # a whole action (借出, 销毁 ...): the action index answers
            options.append(JournalEntry.action == term)
        elif _is_account(s, term):
            options.append(JournalEntry.account == term)
        else:  # part of an action or an account name, an object's id: this one scans
            pattern = _like(term)
            options += [JournalEntry.account.like(pattern, escape="\\"),
                        JournalEntry.action.like(pattern, escape="\\"), JournalEntry.obj_id == term]
        if kinds:
            options.append(JournalEntry.obj_type.in_(kinds))
        where.append(or_(*options))
    if date_from is not None:
        start = date_from if isinstance(date_from, datetime) else datetime.combine(date_from, time())
        where.append(JournalEntry.at >= start)
    if date_to is not None:
        end = (date_to if isinstance(date_to, datetime)
               else datetime.combine(date_to + timedelta(days=1), time()))
        where.append(JournalEntry.at <= end if isinstance(date_to, datetime) else JournalEntry.at < end)
    return where


def journal_page(s: Session, *, offset: int = 0, limit: int | None = 200, descending: bool = True,
                 search: str | None = None, date_from: date | datetime | None = None,
                 date_to: date | datetime | None = None) -> list[JournalRow]:
    """One page of the journal, newest first by default; `date_from`/`date_to` bound the
    time an entry was written (a date covers the whole day)."""
    key = JournalEntry.seq.desc() if descending else JournalEntry.seq.asc()
    q = (select(JournalEntry.seq, JournalEntry.at, JournalEntry.account, JournalEntry.action,
                JournalEntry.obj_type, JournalEntry.obj_id, JournalEntry.body)
         .where(*_where(s, search, date_from, date_to)).order_by(key).offset(max(0, offset)))
    if limit is not None:
        q = q.limit(max(0, limit))
    raw = s.execute(q).all()
    bodies = [json.loads(r[6]) for r in raw]
    names = _Names(s, bodies)
    return [JournalRow(r[0], r[1], r[2], r[3], r[4], r[5], names.object(r[4], r[5], b),
                       names.summary(r[4], b)) for r, b in zip(raw, bodies)]


def count_journal(s: Session, *, search: str | None = None,
                  date_from: date | datetime | None = None,
                  date_to: date | datetime | None = None) -> int:
    """How many entries `journal_page` has with the same filters.

    Without filters this is the head's sequence number (no scan)."""
    where = _where(s, search, date_from, date_to)
    if not where:
        return s.scalar(select(func.max(JournalEntry.seq))) or 0
    return s.scalar(select(func.count()).select_from(JournalEntry).where(*where)) or 0


def cheap_count(search: str | None, date_from: Any, date_to: Any) -> bool:
    """True when `count_journal` answers without scanning (no filter)."""
    return not (search or "").strip() and date_from is None and date_to is None


# -- one line per entry -------------------------------------------------------------------

class _Names:
    """Carrier numbers and people's names for one page of entries, looked up at once."""

    def __init__(self, s: Session, bodies: list[dict]) -> None:
        carrier_ids: set[int] = set()
        person_ids: set[int] = set()
        for b in bodies:
            after = b.get("after") or {}
            before = b.get("before") or {}
            if b.get("obj_type") == "movements" and isinstance(after.get("carrier_id"), int):
                carrier_ids.add(after["carrier_id"])
            if b.get("obj_type") == "carriers" and str(b.get("obj_id", "")).isdigit() \
                    and "number" not in after:
                carrier_ids.add(int(b["obj_id"]))
            for part in (before, after):
                for k in ("person_id", "approver_id", "holder_id", "custodian_id"):
                    if isinstance(part.get(k), int):
                        person_ids.add(part[k])
        self.numbers: dict[int, str] = {}
        self.people: dict[int, str] = {}
        if carrier_ids:
            self.numbers = dict(s.execute(select(Carrier.id, Carrier.number)
                                          .where(Carrier.id.in_(sorted(carrier_ids)))).all())
        if person_ids:
            self.people = dict(s.execute(select(Person.id, Person.name)
                                         .where(Person.id.in_(sorted(person_ids)))).all())

    def object(self, obj_type: str, obj_id: str, body: dict) -> str:
        name = OBJECT_NAMES.get(obj_type, obj_type)
        after = body.get("after") or {}
        if obj_type == "carriers":
            number = after.get("number") or (self.numbers.get(int(obj_id)) if obj_id.isdigit() else None)
            return f"{name} {number or obj_id}"
        if obj_type == "movements":
            number = self.numbers.get(after.get("carrier_id"))
            return f"{name} #{obj_id}" + (f"（{number}）" if number else "")
        if obj_type == "accounts":
            return f"{name} {after.get('username') or obj_id}"
        if obj_type == "people":
            return f"{name} {after.get('name') or obj_id}"
        if obj_type == "incidents":
            return f"{name} {after.get('number') or obj_id}"
        if obj_type == "devices":
            return f"{name} {after.get('number') or obj_id}"
        return f"{name} {obj_id}"

    def _value(self, key: str, value: Any) -> str:
        if value in (None, ""):
            return "—"
        if key in ("person_id", "approver_id", "holder_id", "custodian_id") and isinstance(value, int):
            return self.people.get(value, f"#{value}")
        if isinstance(value, bool):
            return "是" if value else "否"
        return str(value)

    def summary(self, obj_type: str, body: dict) -> str:
        before, after = body.get("before"), body.get("after") or {}
        secret = obj_type == "accounts"
        if before is None:
            return self._created(obj_type, after)
        parts = []
        for key in sorted(before):
            if key == "open_movement_id":
                continue
            label = _FIELD_LABELS.get(key, key)
            if secret and any(w in key for w in _SECRET_WORDS):
                parts.append(f"{label}已更改")
                continue
            parts.append(f"{label} {self._value(key, before.get(key))}→{self._value(key, after.get(key))}")
        return "修改：" + "；".join(parts) if parts else "修改"

    def _created(self, obj_type: str, after: dict) -> str:
        if obj_type == "carriers":
            serial = f"，份号 {after['serial']}" if after.get("serial") else ""
            return f"登记《{after.get('title', '')}》，{after.get('level', '')}{serial}"
        if obj_type == "movements":
            parts = [str(after.get("kind", ""))]
            if isinstance(after.get("person_id"), int):
                parts.append(f"人员 {self._value('person_id', after['person_id'])}")
            if isinstance(after.get("approver_id"), int):
                parts.append(f"批准人 {self._value('approver_id', after['approver_id'])}")
            try:
                detail = json.loads(after.get("detail") or "{}")
            except (TypeError, ValueError):
                detail = {}
            text = detail_text(detail, "，", kind=str(after.get("kind", ""))) if isinstance(detail, dict) else ""
            if text:
                parts.append(text)
            if after.get("flagged"):
                parts.append(f"标记 {after['flagged']}")
            return parts[0] + ("：" + "，".join(parts[1:]) if parts[1:] else "")
        if obj_type == "accounts":
            return f"新建账户 {after.get('username', '')}（{after.get('roles', '')}）"
        if obj_type == "people":
            return f"登记人员 {after.get('name', '')}（{after.get('dept', '')}，{after.get('clearance', '')}）"
        if obj_type == "settings":
            return f"设置 {after.get('key', '')} = {after.get('value', '')}"
        if obj_type == "incidents":
            return f"登记失泄密事件 {after.get('number', '')}"
        if obj_type == "batches":
            return f"建立{after.get('kind', '')}批次"
        if obj_type == "devices":
            return f"登记设备 {after.get('number', '')}（{after.get('kind', '')}）"
        # Session and account events (锁定, 登录失败 ...): their few fields, never secrets.
        parts = [f"{_FIELD_LABELS.get(k, k)} {self._value(k, v)}" for k, v in sorted(after.items())
                 if k != "account" and not any(w in k for w in _SECRET_WORDS)
                 and not isinstance(v, (dict, list))]
        return "；".join(parts) if parts else "—"
