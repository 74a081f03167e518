"""The printed ledgers: their columns as on the paper forms, and where their rows come from.

Qt-free: the page engine (app/io/printing.py) paints a `Layout` with rows of
plain values; the quarterly workbook uses the same column titles.  Each ledger
has a builder `(session, Filters) -> LedgerRows` that turns the ledger's own
queries (app/ledger/queries.py, history.py, stats.py, handover.py ...) into cells.
The rules stay in app/ledger; here is only how a row is written on paper.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.errors import BadInput
from app.io import rows as extra
from app.store.register import Register


@dataclass(frozen=True)
class Column:
    """One column as on the paper form: its title, its share of the width, its minimum."""

    title: str
    weight: float = 1.0
    min_mm: float = 10.0
    align: str = "left"  # left / center / right


@dataclass(frozen=True)
class Layout:
    """A printed ledger: which columns, which one holds the 密级, what is signed under it."""

    name: str  # the short name the CLI takes: 收发登记
    title: str  # printed: 涉密载体收发登记簿
    columns: tuple[Column, ...]
    numbered: bool = True  # the first column is 序号, filled in by the engine
    level_column: str | None = "密级"  # title of the column whose value is a row's 密级
    default_level: str = "内部"  # page marking when no row on the page has a level
    signature: tuple[str, ...] = ()  # lines under the table on the last page
    font_pt: float = 8.5
    dated: bool = True  # --from/--to select rows; False: the state at printing time

    def value_columns(self) -> tuple[Column, ...]:
        """The columns a row supplies (without the engine's 序号)."""
        return self.columns[1:] if self.numbered else self.columns

    def titles(self) -> list[str]:
        return [c.title for c in self.value_columns()]


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    number: str | None = None  # 载体历史
    from_person: str | None = None  # 交接清单: the outgoing custodian
    to_person: str | None = None  # 交接清单: the incoming custodian


@dataclass
class LedgerRows:
    rows: list[tuple]
    subtitle: str = ""
    signature: tuple[str, ...] | None = None
    summary: str = ""
    levels: list[str] | None = None


def C(title: str, weight: float = 1.0, min_mm: float = 10.0, align: str = "left") -> Column:
    return Column(title, weight, min_mm, align)


NO = C("序号", 0.4, 9, "center")
NUMBER = C("登记号", 1.0, 22)
LEVEL = C("密级", 0.5, 10, "center")
TITLE = C("名称", 3.0, 40)
NOTE = C("备注", 1.2, 16)
SIGN_DATE = "日期：______年____月____日"


def _d(value: datetime | date | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


_R01 = re.compile(r"R01 收文于(\d{4}-\d{2}-\d{2})，登记于(\d{4}-\d{2}-\d{2})（未当日登记）")


def flag_text(flag: str) -> str:
    """A movement's flag as a 备注 cell shows it; R01's long sentence shortened."""
    return _R01.sub(r"R01 \2补登", flag or "")


def _join(*parts: object, sep: str = "；") -> str:
    return sep.join(flag_text(p) if isinstance(p, str) else str(p)
                    for p in parts if p not in (None, "", False))


# -- builders ---------------------------------------------------------------------
# Each returns the rows of one ledger, oldest first, within the filters.

def _moves(s: Session, ledger: str, f: Filters) -> list:
    return extra.movements(s, ledger, f.date_from, f.date_to)


def _receipts(reg: Register, s: Session, f: Filters) -> LedgerRows:
    moves = _moves(s, "收文", f)
    ids = [m.carrier_id for m in moves]
    info = extra.carrier_extras(s, ids)
    where = extra.dispositions(s, ids)
    rows = []
    for m in moves:
        c = info.get(m.carrier_id)
        rows.append((m.number, c.doc_no if c else "", m.title, m.level, c.copies_total if c else "",
                     c.serial if c else "", m.detail.get("from") or (c.issuer if c else ""),
                     _d(m.occurred_at), c.period if c else "", m.person, where.get(m.carrier_id, ""),
                     _join(c.note if c else "", m.flagged)))
    return LedgerRows(rows, summary=f"本期收文登记共 {len(rows)} 件。")


def _dispatches(reg: Register, s: Session, f: Filters) -> LedgerRows:
    moves = _moves(s, "发文", f)
    info = extra.carrier_extras(s, [m.carrier_id for m in moves])
    rows = []
    for m in moves:
        c = info.get(m.carrier_id)
        receipt = f"{m.returned_at:%Y-%m-%d} 已签收" if m.returned_at else "未回"
        rows.append((m.number, m.title, c.doc_no if c else "", m.level, c.serial if c else "",
                     m.detail.get("to", ""), m.detail.get("channel", ""), m.person, m.occurred_at,
                     receipt, _join(m.flagged)))
    return LedgerRows(rows, summary=f"本期发文共 {len(rows)} 件。")


def _loans(reg: Register, s: Session, f: Filters) -> LedgerRows:
    rows = []
    for m in _moves(s, "借阅", f):
        place = m.detail.get("place", "")
        rows.append((m.number, m.title, m.level, m.person, m.person_dept, m.approver, m.occurred_at,
                     m.due_at, m.returned_at, "已签" if m.returned_at else "",
                     _join(m.detail.get("purpose"), "带出" if place == "带出" else "", m.flagged)))
    return LedgerRows(rows, summary=f"本期借阅共 {len(rows)} 次。")


def _copies(reg: Register, s: Session, f: Filters) -> LedgerRows:
    rows = []
    for m in _moves(s, "复制", f):
        d = m.detail
        rows.append((m.number, m.title, m.level, d.get("count", ""), "、".join(d.get("copies", [])),
                     m.approver, d.get("approval_ref", ""), m.person, d.get("device", ""),
                     m.occurred_at, d.get("spoiled_pages") or "", _join(m.flagged)))
    return LedgerRows(rows, summary=f"本期复制共 {len(rows)} 次。")


def _take_outs(reg: Register, s: Session, f: Filters) -> LedgerRows:
    rows = []
    for m in _moves(s, "外出携带", f):
        d = m.detail
        rows.append((m.number, m.title, m.level, m.person, m.person_dept, m.approver,
                     d.get("purpose", ""), m.occurred_at, m.due_at, m.returned_at,
                     _join("主要领导批准" if d.get("principal_leader_approved") else "", m.flagged)))
    return LedgerRows(rows, summary=f"本期携带外出共 {len(rows)} 次。")


def _checks(reg: Register, s: Session, f: Filters) -> LedgerRows:
    moves = _moves(s, "清查", f) + _moves(s, "清退", f)
    moves.sort(key=lambda m: (m.occurred_at, m.id))
    rows = []
    for m in moves:
        d = m.detail
        if m.kind == "清查":
            result = d.get("result", "")
            if d.get("return_demanded"):
                result += "（已要求清退）"
            rows.append((m.number, m.title, m.level, "清查", d.get("quarter", ""), result,
                         m.occurred_at, m.person, _join(m.flagged)))
        else:
            rows.append((m.number, m.title, m.level, "清退", "", f"退往 {d.get('to', '')}",
                         m.occurred_at, d.get("receipt_no", ""), _join(d.get("note"), m.flagged)))
    return LedgerRows(rows)


def _destructions(reg: Register, s: Session, f: Filters) -> LedgerRows:
    moves = _moves(s, "销毁", f)
    info = extra.carrier_extras(s, [m.carrier_id for m in moves])
    rows = []
    for m in moves:
        d = m.detail
        c = info.get(m.carrier_id)
        witnesses = list(d.get("witness_names") or [])
        rows.append((m.number, m.title, c.doc_no if c else "", m.level, c.serial if c else "",
                     m.occurred_at, d.get("method", ""), d.get("place", ""), m.approver,
                     witnesses[0] if witnesses else "", witnesses[1] if len(witnesses) > 1 else "",
                     _join("其他监销人：" + "、".join(witnesses[2:]) if len(witnesses) > 2 else "",
                           m.flagged)))
    return LedgerRows(rows, summary=f"本期销毁共 {len(rows)} 件。")


def _archives(reg: Register, s: Session, f: Filters) -> LedgerRows:
    rows = [(m.number, m.title, m.level, m.detail.get("archive_no", ""),
             m.detail.get("location", ""), m.occurred_at, m.account, _join(m.flagged))
            for m in _moves(s, "归档", f)]
    return LedgerRows(rows, summary=f"本期归档共 {len(rows)} 件。")


def _classifications(reg: Register, s: Session, f: Filters) -> LedgerRows:
    rows = []
    for m in _moves(s, "定密", f):
        d = m.detail
        before, after = d.get("before") or {}, d.get("after") or {}
        rows.append((m.number, m.title, m.kind, before.get("level", ""), after.get("level", m.level),
                     _join(before.get("period"), after.get("period"), sep=" → ")
                     if before.get("period") != after.get("period") else after.get("period", ""),
                     m.person, m.approver, d.get("basis", ""), m.occurred_at, _join(m.flagged)))
    # The page marking is the level the carrier was marked at its highest.
    levels = [extra.higher(r[3], r[4]) for r in rows]
    return LedgerRows(rows, levels=levels)


def _handover(reg: Register, s: Session, f: Filters) -> LedgerRows:
    return extra.handover_rows(s, f.from_person, f.to_person)


def _people(reg: Register, s: Session, f: Filters) -> LedgerRows:
    rows = [(p.name, p.dept, p.clearance,
             "主要领导" if p.is_principal_leader else ("领导" if p.is_leader else ""),
             p.pledge_date, p.status, p.declassify_until, p.trainings or "", p.held or "")
            for p in extra.people(reg)]
    return LedgerRows(rows, summary=f"共 {len(rows)} 人。")


def _devices(reg: Register, s: Session, f: Filters) -> LedgerRows:
    return LedgerRows(extra.devices_and_media(reg, s))


def _incidents(reg: Register, s: Session, f: Filters) -> LedgerRows:
    return extra.incident_rows(s, f.date_from, f.date_to)


def _history(reg: Register, s: Session, f: Filters) -> LedgerRows:
    if not f.number:
        raise BadInput("打印载体历史须用 --number 指定登记号。")
    return extra.history_rows(s, f.number)


# -- the ledgers --------------------------------------------------------------------

@dataclass(frozen=True)
class Ledger:
    layout: Layout
    build: Callable[[Register, Session, Filters], LedgerRows]
    aliases: tuple[str, ...] = field(default=())


def _ledger(name: str, title: str, columns: list[Column], build: Callable, *,
            aliases: tuple[str, ...] = (), **kw: Any) -> Ledger:
    return Ledger(Layout(name, title, tuple([NO] + columns), **kw), build, aliases)


def DT(title: str) -> Column:
    """A date and time column: wide enough for 2026-11-20 14:30 on one line."""
    return C(title, 0.8, 27, "center")


def DAY(title: str) -> Column:
    return C(title, 0.6, 19, "center")


def WHO(title: str, with_dept: bool = False) -> Column:
    """A person; `with_dept` for names written 张三（办公室）."""
    return C(title, 0.8, 23) if with_dept else C(title, 0.6, 14)


DOC_NO = C("文号", 1.2, 34)  # 市委办发〔2026〕123号
SERIAL = C("份号", 0.6, 21)  # 第1份/共5份

LEDGERS: dict[str, Ledger] = {lg.layout.name: lg for lg in [
    _ledger("收发登记", "涉密载体收发登记簿", [
        NUMBER, DOC_NO, C("名称", 2.7, 40), LEVEL, C("份数", 0.4, 9, "center"), SERIAL,
        C("来文单位", 1.0, 20), DAY("收文日期"), C("保密期限", 0.5, 14), WHO("签收人"),
        C("去向", 1.3, 30), C("备注", 0.8, 24)], _receipts,
        aliases=("收文登记", "收发文登记", "收文")),
    _ledger("发文登记", "涉密载体发文登记簿", [
        NUMBER, TITLE, DOC_NO, LEVEL, SERIAL, C("发往单位", 1.2, 20), C("传递方式", 0.6, 15, "center"),
        WHO("递送人"), DT("发文时间"), C("回执", 0.8, 26, "center"), NOTE], _dispatches,
        aliases=("发文",)),
    _ledger("借阅登记", "涉密载体借阅登记簿", [
        NUMBER, TITLE, LEVEL, WHO("借阅人"), C("部门", 0.8, 16), WHO("批准人"), DT("借出时间"),
        DT("应还时间"), DT("归还时间"), C("阅后签名", 0.6, 15, "center"), NOTE], _loans,
        aliases=("借阅", "借出")),
    _ledger("复制登记", "涉密载体复制登记簿", [
        C("原件登记号", 1.0, 22), TITLE, LEVEL, C("复制份数", 0.5, 14, "center"),
        C("复制件登记号", 1.4, 24), WHO("批准人"), C("批准文件", 0.9, 16), WHO("复制人"),
        C("复制设备", 0.7, 16), DT("复制时间"), C("废页数", 0.4, 12, "center"), NOTE], _copies,
        aliases=("复制",)),
    _ledger("外出携带", "涉密载体外出携带登记簿", [
        NUMBER, TITLE, LEVEL, WHO("携带人"), C("部门", 0.8, 16), WHO("批准人"), C("事由", 1.2, 20),
        DT("带出时间"), DT("应还时间"), DT("归还时间"), NOTE], _take_outs,
        aliases=("外出携带登记", "携带外出")),
    _ledger("清查清退", "涉密载体清查清退登记簿", [
        NUMBER, TITLE, LEVEL, C("事项", 0.5, 12, "center"), C("季度", 0.6, 16, "center"),
        C("结果／去向", 1.3, 24), DT("日期"), C("持有人／回执号", 0.9, 24), NOTE],
        _checks, aliases=("清查清退登记", "清查", "清退"),
        signature=("清查人（签字）：____________　　　复核人（签字）：____________　　　" + SIGN_DATE,)),
    _ledger("销毁登记", "涉密载体销毁登记簿", [
        NUMBER, C("名称", 2.2, 34), DOC_NO, LEVEL, SERIAL, DT("销毁日期"), C("销毁方式", 0.7, 16),
        C("地点", 0.6, 14), WHO("批准人"), WHO("监销人一", True), WHO("监销人二", True),
        C("备注", 0.6, 14)], _destructions, aliases=("销毁",),
        signature=("批准人（签字）：____________　　　监销人（签字）：____________　____________　　　"
                   "销毁人（签字）：____________　　　" + SIGN_DATE,)),
    _ledger("归档", "涉密载体归档登记簿", [
        NUMBER, TITLE, LEVEL, C("档号", 1.0, 26), C("存放位置", 1.0, 20), DT("归档日期"),
        WHO("经办人"), NOTE], _archives, aliases=("归档登记",)),
    _ledger("定密", "定密、变更、解密登记簿", [
        NUMBER, TITLE, C("事项", 0.5, 12, "center"), C("原密级", 0.5, 13, "center"),
        C("密级", 0.5, 10, "center"), C("保密期限", 0.9, 20), WHO("拟定人"), WHO("确定人"),
        C("依据", 1.4, 22), DT("日期"), NOTE], _classifications, aliases=("定密登记",)),
    _ledger("交接清单", "涉密载体交接清单", [
        NUMBER, TITLE, C("类别", 0.6, 14, "center"), LEVEL, SERIAL, C("状态", 0.7, 18, "center"),
        C("存放位置", 1.0, 24), C("核对", 0.4, 11, "center"), NOTE], _handover, aliases=("交接",),
        dated=False),
    _ledger("涉密人员", "涉密人员登记簿", [
        WHO("姓名"), C("部门", 1.2, 20), C("涉密等级", 0.6, 15, "center"), C("领导", 0.6, 15, "center"),
        DAY("承诺书日期"), C("状态", 0.6, 13, "center"), DAY("脱密期至"), C("培训次数", 0.5, 14, "center"),
        C("持有载体", 0.5, 14, "center")], _people, aliases=("涉密人员登记",), level_column=None,
        dated=False),
    _ledger("计算机与介质", "涉密计算机及存储介质登记簿", [
        C("编号", 1.0, 22), C("类别", 0.8, 16), C("型号／名称", 1.8, 26), C("序列号", 1.1, 20), LEVEL,
        C("存放位置", 1.0, 18), WHO("责任人"), C("状态", 0.6, 13, "center"), C("维修记录", 1.4, 22), NOTE],
        _devices, aliases=("计算机及介质", "介质", "设备"), dated=False),
    _ledger("失泄密事件", "失泄密事件登记簿", [
        C("编号", 0.9, 22), DT("发现时间"), C("涉及载体", 0.9, 22),
        C("内容、密级、数量、载体形式", 1.6, 24), C("发现经过", 1.2, 18), C("责任人", 0.8, 14),
        C("时间、地点、经过", 1.2, 18), C("危害", 1.0, 14), C("查处情况", 1.0, 16),
        C("补救措施", 1.0, 16), C("书面报告", 0.8, 27, "center"), C("查处结果", 1.0, 18)],
        _incidents, aliases=("失泄密", "事件"), level_column=None, font_pt=8.0),
    _ledger("载体历史", "涉密载体流转记录", [
        DT("发生时间"), C("事项", 0.5, 14, "center"), WHO("人员", True), WHO("批准人"),
        C("状态", 0.6, 16, "center"), WHO("登记人"), DT("登记时间"), C("详情", 3.5, 40)], _history,
        aliases=("历史", "流转记录"), level_column=None, dated=False),
]}

# The scanning check's difference list (差异表) is printed with this layout but is
# built by app/io/scanning.py from what was scanned, not from a ledger query.
SCAN_DIFF = Layout("差异表", "清查扫描差异表", (
    NO, C("差异", 1.0, 22, "center"), NUMBER, TITLE, LEVEL, C("登记状态", 0.7, 14, "center"),
    C("持有人", 0.8, 14), C("存放位置", 1.0, 16), C("处理意见", 1.6, 24)),
    signature=("清查人（签字）：____________　　　复核人（签字）：____________　　　" + SIGN_DATE,),
    dated=False)


def find(name: str) -> Ledger:
    """The ledger for a name the clerk types: 收发登记, 借阅, 销毁 ..."""
    key = name.strip()
    if key in LEDGERS:
        return LEDGERS[key]
    for lg in LEDGERS.values():
        if key in lg.aliases or key + "登记" == lg.layout.name:
            return lg
    raise BadInput(f"没有名为「{name}」的台账，可选：{'、'.join(LEDGERS)}。")
