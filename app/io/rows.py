"""Reads that printing and export need and the ledger's query modules do not offer.

Hazard: every transaction of the register begins IMMEDIATE, reads too, so a
function that opens its own session (list_people, list_devices) must run
before the caller's session has executed anything.

Everything else comes from app/ledger (queries, history, stats, checks,
handover, incidents, people); what is here only adds columns a paper form shows
(文号, 份号, 去向 ...) to rows those queries return, or lists the room's
devices, which no ledger query lists yet.  Read-only: callers pass a read
session (`with reading(reg) as s:`).
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.ledger import lookup
from app.ledger.lookup import LEVEL_RANK
from app.models.carriers import MEDIA_KINDS, Carrier, DeviceRepair, Person
from app.models.movements import Batch, Movement

if TYPE_CHECKING:
    from app.io.ledger_layouts import LedgerRows
    from app.ledger.queries import CarrierRow
    from app.store.register import Register

CHUNK = 900  # ids per IN (...) list
HELD = ("在库", "借出", "外出携带", "已归档")


def higher(a: str, b: str) -> str:
    return a if LEVEL_RANK.get(a, -2) >= LEVEL_RANK.get(b, -2) else b


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    unique = sorted(set(ids))
    for i in range(0, len(unique), CHUNK):
        yield unique[i:i + CHUNK]


def movements(s: Session, ledger: str, date_from: date | None, date_to: date | None) -> list:
    """A paper ledger's movements, oldest first (the ledger's own query)."""
    try:
        from app.ledger.history import movements_page
    except ImportError:  # pragma: no cover - the query moved between modules once
        from app.ledger.queries import movements_page
    return movements_page(s, ledger, limit=None, order_by="occurred_at", descending=False,
                          date_from=date_from, date_to=date_to)


@dataclass(frozen=True)
class CarrierExtra:
    doc_no: str
    serial: str
    copies_total: int
    period: str
    note: str
    issuer: str
    location: str
    kind: str


def carrier_extras(s: Session, ids: Sequence[int]) -> dict[int, CarrierExtra]:
    """The columns of a carrier that movement rows do not carry (文号, 份号, 份数 ...)."""
    out: dict[int, CarrierExtra] = {}
    for chunk in _chunks(ids):
        q = select(Carrier.id, Carrier.doc_no, Carrier.serial, Carrier.copies_total, Carrier.period,
                   Carrier.note, Carrier.issuer, Carrier.location, Carrier.kind
                   ).where(Carrier.id.in_(chunk))
        for r in s.execute(q):
            out[r[0]] = CarrierExtra(*r[1:])
    return out


_GONE_KINDS = ("发文", "清退", "归档", "销毁", "丢失")


def dispositions(s: Session, ids: Sequence[int]) -> dict[int, str]:
    """去向 of each carrier as the 收发 ledger writes it: where it is or where it went."""
    out: dict[int, str] = {}
    holder = aliased(Person)
    for chunk in _chunks(ids):
        last: dict[int, tuple[str, datetime, dict]] = {}
        q = (select(Movement.carrier_id, Movement.kind, Movement.occurred_at, Movement.detail)
             .where(Movement.carrier_id.in_(chunk), Movement.kind.in_(_GONE_KINDS))
             .order_by(Movement.occurred_at, Movement.id))
        for cid, kind, at, detail in s.execute(q):
            last[cid] = (kind, at, json.loads(detail or "{}"))
        q = (select(Carrier.id, Carrier.state, Carrier.location, holder.name)
             .outerjoin(holder, holder.id == Carrier.holder_id).where(Carrier.id.in_(chunk)))
        for cid, state, location, who in s.execute(q):
            out[cid] = _where(state, location, who, last.get(cid))
    return out


def _where(state: str, location: str, who: str | None, last: tuple[str, datetime, dict] | None) -> str:
    kind, at, detail = last if last else ("", None, {})
    day = f"{at:%Y-%m-%d} " if at else ""
    if state == "在库":
        return f"在库（{location}）" if location else "在库"
    if state in ("借出", "外出携带"):
        return f"{state}（{who}）" if who else state
    if state == "已发出" and kind == "发文":
        return f"{day}发往{detail.get('to', '')}" + (f"（{detail['channel']}）" if detail.get("channel") else "")
    if state == "已清退" and kind == "清退":
        return f"{day}清退{detail.get('to', '')}"
    if state == "已归档" and kind == "归档":
        return f"{day}归档 {detail.get('archive_no', '')}".rstrip()
    if state == "已销毁" and kind == "销毁":
        return f"{day}销毁"
    return state


# -- 交接清单 ----------------------------------------------------------------------------

HANDOVER_SIGNATURE = (("移交人（签字）：____________　　　接收人（签字）：____________　　　"
                       "监交人（签字）：____________　　　日期：______年____月____日"),)


def _level_summary(levels: Iterable[str]) -> str:
    counts: dict[str, int] = {}
    for lv in levels:
        counts[lv] = counts.get(lv, 0) + 1
    parts = [f"{lv} {counts[lv]} 件" for lv in ("绝密", "机密", "秘密", "内部") if counts.get(lv)]
    total = sum(counts.values())
    return f"共 {total} 件" + (f"，其中 {'、'.join(parts)}" if parts else "") + "。"


def _person_text(p: Person | None) -> str:
    if p is None:
        return ""
    return f"{p.name}（{p.dept}）" if p.dept else p.name


def handover_rows(s: Session, from_person: str | None, to_person: str | None) -> LedgerRows:
    """R40: the list of what the outgoing custodian holds, to be checked item by item.

    With only the outgoing custodian: their holdings (handover.handover_list).
    When they hold nothing any more and the incoming custodian is given, the
    last handover between the two is printed instead, every item ticked.
    Without either: everything the room holds now (all custodians), so the
    clerk can print the full list before naming a successor.
    """
    from app.io.ledger_layouts import LedgerRows
    from app.ledger import handover as ho
    if not from_person:
        from app.ledger.queries import carriers_page
        rows = [(c.number, c.title, c.kind, c.level, c.serial,
                 f"{c.state}（{c.holder}）" if c.state in ("借出", "外出携带") and c.holder else c.state,
                 c.location, "□", "") for c in carriers_page(s, states=HELD, limit=None)]
        return LedgerRows(rows, subtitle="本室现存全部涉密载体", signature=HANDOVER_SIGNATURE,
                          summary=_level_summary(r[3] for r in rows))
    giver = lookup.person(s, from_person, what="移交人")
    taker = lookup.person(s, to_person, what="接收人") if to_person else None
    subtitle = f"移交人：{_person_text(giver)}　　接收人：{_person_text(taker) or '________'}"
    items = ho.handover_list(s, giver.id)
    if items or taker is None:
        rows = [(h.number, h.title, h.kind, h.level, h.serial,
                 f"{h.state}（{h.holder}）" if h.holder else h.state, h.location, "□", "")
                for h in items]
        return LedgerRows(rows, subtitle=subtitle, signature=HANDOVER_SIGNATURE,
                          summary=_level_summary(r[3] for r in rows))
    done = _last_handover(s, giver.id, taker.id)
    if done is None:
        return LedgerRows([], subtitle=subtitle, signature=HANDOVER_SIGNATURE,
                          summary=f"{giver.name} 名下没有涉密载体，也没有移交给 {taker.name} 的记录。")
    when, rows = done
    return LedgerRows(rows, subtitle=f"{subtitle}　　交接时间：{when:%Y-%m-%d %H:%M}",
                      signature=HANDOVER_SIGNATURE, summary=_level_summary(r[3] for r in rows))


def _last_handover(s: Session, giver: int, taker: int) -> tuple[datetime, list[tuple]] | None:
    q = (select(Batch.id, Batch.occurred_at).where(
        Batch.kind == "交接", func.json_extract(Batch.detail, "$.outgoing") == giver,
        func.json_extract(Batch.detail, "$.incoming") == taker)
        .order_by(Batch.occurred_at.desc(), Batch.id.desc()).limit(1))
    found = s.execute(q).first()
    if found is None:
        return None
    batch_id, when = found
    q = (select(Carrier.number, Carrier.title, Carrier.kind, Carrier.level, Carrier.serial,
                Movement.state_after, Carrier.location, Movement.detail)
         .join(Carrier, Carrier.id == Movement.carrier_id)
         .where(Movement.batch_id == batch_id, Movement.kind == "交接").order_by(Carrier.number))
    rows = [(n, t, k, lv, se, st, loc, "√" if json.loads(d or "{}").get("checked") else "□", "")
            for n, t, k, lv, se, st, loc, d in s.execute(q)]
    return when, rows


# -- 涉密人员, 计算机与介质, 失泄密事件, 载体历史 ---------------------------------------------

def people(reg: Register) -> list:
    """涉密人员 (app.ledger.people.list_people opens its own session: call it before the
    caller's session has run any SQL)."""
    from app.ledger.people import list_people
    return list_people(reg)


def devices_and_media(reg: Register, s: Session) -> list[tuple]:
    """The room's computers, copiers, fax machines (app.ledger.devices, with the repair
    log written out) and its media (carriers of kind 光盘, 磁盘, U盘/移动硬盘), for the
    计算机与介质 ledger (R06, R64)."""
    from app.ledger.devices import list_devices
    # list_devices opens its own session: call it before this session runs any SQL
    # (every transaction of the register is BEGIN IMMEDIATE; two at once would wait).
    devices = sorted(list_devices(reg), key=lambda d: d.number)
    supervisor = aliased(Person)
    repairs: dict[int, list[str]] = {}
    q = (select(DeviceRepair.device_id, DeviceRepair.at, DeviceRepair.company, DeviceRepair.on_site,
                supervisor.name, DeviceRepair.storage_removed)
         .outerjoin(supervisor, supervisor.id == DeviceRepair.supervisor_id)
         .order_by(DeviceRepair.at, DeviceRepair.id))
    for dev, at, company, on_site, who, removed in s.execute(q):
        text = f"{at:%Y-%m-%d} {company}".strip() + ("现场维修" if on_site else "送修")
        if who:
            text += f"，{who}监修"
        if removed:
            text += "，已拆除存储部件"
        repairs.setdefault(dev, []).append(text)
    rows: list[tuple] = []
    for d in devices:
        fax = "加密传真" if d.kind == "传真机" and d.encrypted_fax else ""
        rows.append((d.number, d.kind, d.model, d.serial_no, d.level, d.location, d.custodian,
                     d.status, "；".join(repairs.get(d.id, [])), fax))
    custodian, holder = aliased(Person), aliased(Person)
    q = (select(Carrier.number, Carrier.kind, Carrier.title, Carrier.media_id, Carrier.level,
                Carrier.location, custodian.name, holder.name, Carrier.state, Carrier.note)
         .outerjoin(custodian, custodian.id == Carrier.custodian_id)
         .outerjoin(holder, holder.id == Carrier.holder_id)
         .where(Carrier.kind.in_(MEDIA_KINDS)).order_by(Carrier.number))
    for number, kind, title, media_id, level, location, keeper, who, state, note in s.execute(q):
        person = who if state in ("借出", "外出携带") and who else (keeper or "")
        rows.append((number, kind, title, media_id, level, location, person, state, "", note))
    return rows


def incident_rows(s: Session, date_from: date | None, date_to: date | None) -> LedgerRows:
    from app.io.ledger_layouts import LedgerRows
    from app.ledger import incidents as inc
    items = [i for i in inc.list_incidents(s)
             if (date_from is None or i.discovered_at.date() >= date_from)
             and (date_to is None or i.discovered_at.date() <= date_to)]
    carriers = {}
    ids = [i.carrier_id for i in items if i.carrier_id]
    for chunk in _chunks(ids):
        for cid, number, level in s.execute(select(Carrier.id, Carrier.number, Carrier.level)
                                            .where(Carrier.id.in_(chunk))):
            carriers[cid] = (number, level)
    rows, levels = [], []
    for i in items:
        number, level = carriers.get(i.carrier_id, ("", ""))
        report = ""
        if i.reported_at:
            report = f"{i.reported_at:%Y-%m-%d %H:%M}" + ("（超过24小时）" if inc.report_late(i) else "")
        result = ""
        if i.result_at:
            result = f"{i.result_at:%Y-%m-%d} {i.result}" + ("（超过3个月）" if inc.result_late(i) else "")
        elif i.closed:
            result = "已结案"
        rows.append((i.number, i.discovered_at, number, i.content, i.how_found, i.responsible,
                     i.course, i.harm, i.investigation, i.remedies, report, result))
        levels.append(level)
    return LedgerRows(rows, levels=levels, summary=f"共 {len(rows)} 起。")


def history_rows(s: Session, number: str) -> LedgerRows:
    from app.io.ledger_layouts import LedgerRows
    from app.ledger.history import detail_text, history
    h = history(s, number)
    c = h.carrier
    rows = []
    for m in h.movements:
        person = f"{m.person}（{m.person_dept}）" if m.person and m.person_dept else m.person
        details = "；".join(p for p in (detail_text(m.detail), m.flagged and f"标记：{m.flagged}") if p)
        if m.due_at:
            details = "；".join(p for p in (f"应还 {m.due_at:%Y-%m-%d %H:%M}", details) if p)
        rows.append((m.occurred_at, m.kind, person, m.approver, m.state_after, m.account,
                     m.entered_at, details))
    serial = f"　份号 {c.serial}" if c.serial else ""
    subtitle = f"{c.number}《{c.title}》　{c.level}{serial}　现状：{c.state}"
    return LedgerRows(rows, subtitle=subtitle, levels=[c.highest_level or c.level] * len(rows))



def counts_by_level_state(s: Session, as_of: datetime | None) -> dict[tuple[str, str], int]:
    """(密级, 状态) → number of carriers, now or as the register stood at `as_of` (汇总)."""
    from app.ledger.queries import view_at
    view = view_at(as_of)
    state = view.state.label("state")
    q = (select(Carrier.level, state, func.count()).select_from(Carrier).where(*view.where)
         .group_by(Carrier.level, state))
    return {(lv, st): n for lv, st, n in s.execute(q)}


def carriers_by_number(s: Session, numbers: Sequence[str]) -> dict[str, CarrierRow]:
    """Carrier rows (as the register lists them) for a list of register numbers; unknown ones
    are simply absent (the scanning check lists what was scanned but is not registered)."""
    from sqlalchemy import case

    from app.ledger.queries import KEPT_STATES, OUT_STATES, CarrierRow
    holder_id = case((Carrier.state.in_(OUT_STATES), Carrier.holder_id),
                     (Carrier.state.in_(KEPT_STATES), Carrier.custodian_id), else_=None)
    holder = aliased(Person)
    out: dict[str, CarrierRow] = {}
    wanted = sorted(set(numbers))
    for i in range(0, len(wanted), CHUNK):
        q = (select(Carrier.id, Carrier.number, Carrier.kind, Carrier.title, Carrier.doc_no,
                    Carrier.issuer, Carrier.level, Carrier.serial, Carrier.period, Carrier.state,
                    holder_id, holder.name, holder.dept, Carrier.location, Carrier.registered_at)
             .outerjoin(holder, holder.id == holder_id)
             .where(Carrier.number.in_(wanted[i:i + CHUNK])))
        for r in s.execute(q):
            out[r[1]] = CarrierRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
                                   r[11] or "", r[12] or "", r[13], r[14])
    return out


def levels_of(s: Session, ids: Sequence[int]) -> dict[int, str]:
    """Carrier id → 密级 (to mark a page that names those carriers)."""
    out: dict[int, str] = {}
    for chunk in _chunks(ids):
        out.update(s.execute(select(Carrier.id, Carrier.level).where(Carrier.id.in_(chunk))).all())
    return out
