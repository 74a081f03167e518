"""One tiny function per movement of the ledger: each returns a `LedgerOp` to run.

The arguments are the ledger function's own, keyword-only; what each op
reports as changed names the ledger pages (app/ui/ledgers.py keys) whose rows
it touches, so only those refresh.  Rules are not checked here: the ledger
refuses, and the form shows the refusal.
"""
from __future__ import annotations

from datetime import datetime

from app.ledger import archive as archive_ledger
from app.ledger import (
    carriers,
    checks,
    circulation,
    classification,
    copies,
    destruction,
    incidents,
    loans,
)
from app.ledger import dispatch as dispatch_ledger
from app.ledger import handover as handover_ledger
from app.ledger import withdraw as withdraw_ledger
from app.ledger.carriers import NewCarrier
from app.ui.operations import Changes, LedgerOp, changes

# Pages whose rows show a carrier's state or holder: any movement may change them.
_STATE = ("receipts", "today", "people")


def receive(*, carrier: NewCarrier, at: datetime | None = None) -> LedgerOp[list[str]]:
    """收文 / 自制 / 会议带回: N copies become N carriers (R01–R07)."""
    def report(numbers: list[str]) -> Changes:
        span = numbers[0] if len(numbers) == 1 else f"{numbers[0]} 至 {numbers[-1]}（共 {len(numbers)} 件）"
        return changes({"receipts", "classify", "today"}, numbers, f"已登记 {span}")
    return LedgerOp(lambda reg: carriers.receive(reg, carrier, at=at), report)


def lend(*, number: str, borrower: str | int, approver: str | int | None, purpose: str = "",
         place: str = "室内", due: datetime | None = None, principal_leader_approved: bool = False,
         at: datetime | None = None) -> LedgerOp[int]:
    """借阅 / 携带外出 (R10–R15)."""
    pages = {*_STATE, "loans", "carry"}
    return LedgerOp(
        lambda reg: loans.lend(reg, number, borrower=borrower, approver=approver, purpose=purpose,
                               place=place, due=due,
                               principal_leader_approved=principal_leader_approved, at=at),
        lambda _id: changes(pages, [number], f"已借出 {number}"))


def return_(*, number: str, returned_by: str | int, pages_checked: bool = True,
            condition: str = "完好", reader_signed: bool = True,
            at: datetime | None = None) -> LedgerOp[int]:
    """归还 (R13, R14)."""
    return LedgerOp(
        lambda reg: loans.return_(reg, number, returned_by=returned_by, pages_checked=pages_checked,
                                  condition=condition, reader_signed=reader_signed, at=at),
        lambda _id: changes({*_STATE, "loans", "carry"}, [number], f"已归还 {number}"))


def start_circulation(*, number: str, readers: list[str | int], approver: str | int | None,
                      purpose: str = "", at: datetime | None = None) -> LedgerOp[int]:
    """传阅: signed out to the first reader (R10, R11, R13)."""
    return LedgerOp(
        lambda reg: circulation.start_circulation(reg, number, readers=readers, approver=approver,
                                                  purpose=purpose, at=at),
        lambda _id: changes({*_STATE, "loans"}, [number], f"已开始传阅 {number}"))


def next_reader(*, number: str, reader_signed: bool = True, condition: str = "完好",
                at: datetime | None = None) -> LedgerOp[int | None]:
    """传阅: back from one reader, out to the next (or the circulation is complete)."""
    return LedgerOp(
        lambda reg: circulation.next_reader(reg, number, reader_signed=reader_signed,
                                            condition=condition, at=at),
        lambda mid: changes({*_STATE, "loans"}, [number],
                            f"{number} 已转下一位传阅人" if mid else f"{number} 传阅完毕，已归还"))


def dispatch(*, number: str, to_unit: str, channel: str, sent_by: str | int | None = None,
             at: datetime | None = None) -> LedgerOp[int]:
    """发文 (R02, R25)."""
    return LedgerOp(
        lambda reg: dispatch_ledger.dispatch(reg, number, to_unit=to_unit, channel=channel,
                                             sent_by=sent_by, at=at),
        lambda _id: changes(_STATE, [number], f"已发文 {number} 至 {to_unit}"))


def receipt_signed(*, number: str, signed_by: str, receipt_no: str = "",
                   at: datetime | None = None) -> LedgerOp[int]:
    """发文回执 (R02, R25)."""
    return LedgerOp(
        lambda reg: dispatch_ledger.receipt_signed(reg, number, signed_by=signed_by,
                                                   receipt_no=receipt_no, at=at),
        lambda _id: changes(_STATE, [number], f"已登记 {number} 的发文回执"))


def copy(*, number: str, count: int, approver: str | int | None = None, approval_ref: str = "",
         by: str | int | None = None, device: str | None = None, spoiled: int = 0,
         at: datetime | None = None) -> LedgerOp[list[str]]:
    """复制 (R20, R21, R22, R64)."""
    return LedgerOp(
        lambda reg: copies.copy(reg, number, count=count, approver=approver,
                                approval_ref=approval_ref, by=by, device=device, spoiled=spoiled,
                                at=at),
        lambda new: changes({*_STATE, "copies"}, [number, *new],
                            f"已复制 {number}：{'、'.join(new)}"))


def check_items(*, quarter: str, results: dict[str, str],
                at: datetime | None = None) -> LedgerOp[checks.CheckSummary]:
    """清查 of a quarter (R30; 缺失 opens an incident, R45)."""
    def report(summary: checks.CheckSummary) -> Changes:
        text = f"{summary.quarter} 清查：登记 {len(summary.recorded)} 件"
        if summary.incidents:
            text += f"，缺失 {len(summary.incidents)} 件已按失泄密事件登记"
        return changes({*_STATE, "clearout", "incidents", "destruction"}, summary.recorded, text)
    return LedgerOp(lambda reg: checks.check_items(reg, quarter, results, at=at), report)


def withdraw(*, number: str, to_unit: str, receipt_no: str = "",
             at: datetime | None = None) -> LedgerOp[str]:
    """清退 (R30)."""
    return LedgerOp(
        lambda reg: withdraw_ledger.withdraw(reg, number, to_unit=to_unit, receipt_no=receipt_no,
                                             at=at),
        lambda _state: changes({*_STATE, "clearout"}, [number], f"已清退 {number} 至 {to_unit}"))


def destroy(*, numbers: list[str], approver: str | int, witnesses: list[str | int],
            method: str = "送保密局", place: str = "", at: datetime | None = None) -> LedgerOp[int]:
    """销毁 batch (R32)."""
    return LedgerOp(
        lambda reg: destruction.destroy(reg, numbers, approver=approver, witnesses=witnesses,
                                        method=method, place=place, at=at),
        lambda _batch: changes({*_STATE, "destruction", "clearout"}, numbers,
                               f"已销毁 {len(numbers)} 件"))


def archive(*, number: str, archive_no: str, location: str = "",
            at: datetime | None = None) -> LedgerOp[str]:
    """归档 (R33)."""
    return LedgerOp(
        lambda reg: archive_ledger.archive(reg, number, archive_no=archive_no, location=location,
                                           at=at),
        lambda _state: changes({*_STATE, "archive"}, [number], f"已归档 {number}，档案号 {archive_no}"))


def classify(*, number: str, kind: str, level: str | None = None, period: str | None = None,
             proposed_by: str | int, confirmed_by: str | int, basis: str,
             at: datetime | None = None) -> LedgerOp[classification.Classified]:
    """定密 / 变更 / 解密 (R05, R06, R03)."""
    def report(done: classification.Classified) -> Changes:
        text = f"已{kind} {number}：{done.level}，{done.period}"
        if done.copies:
            text += f"；请同时处理复制件 {'、'.join(done.copies)}（R22）"
        return changes({*_STATE, "classify"}, [number], text)
    return LedgerOp(
        lambda reg: classification.classify(reg, number, kind=kind, level=level, period=period,
                                            proposed_by=proposed_by, confirmed_by=confirmed_by,
                                            basis=basis, at=at), report)


def handover(*, outgoing: str | int, incoming: str | int, checked_numbers: list[str],
             outgoing_confirmed: bool = False, incoming_confirmed: bool = False,
             at: datetime | None = None) -> LedgerOp[int]:
    """交接 (R40)."""
    return LedgerOp(
        lambda reg: handover_ledger.handover(reg, outgoing=outgoing, incoming=incoming,
                                             checked_numbers=checked_numbers,
                                             outgoing_confirmed=outgoing_confirmed,
                                             incoming_confirmed=incoming_confirmed, at=at),
        lambda _batch: changes({*_STATE, "handover"}, checked_numbers,
                               f"交接完成：{len(checked_numbers)} 件"))


def open_incident(*, discovered_at: datetime, carrier: str | None = None, content: str = "",
                  how_found: str, responsible: str, course: str, harm: str,
                  investigation: str = "正在调查", remedies: str,
                  mark_lost: bool = True) -> LedgerOp[str]:
    """失泄密事件 with the seven fields of R45."""
    return LedgerOp(
        lambda reg: incidents.open_incident(reg, discovered_at=discovered_at, carrier=carrier,
                                            content=content, how_found=how_found,
                                            responsible=responsible, course=course, harm=harm,
                                            investigation=investigation, remedies=remedies,
                                            mark_lost=mark_lost),
        lambda number: changes({*_STATE, "incidents"}, [carrier] if carrier else [],
                               f"已登记失泄密事件 {number}，须在 24 小时内书面报告（R45）"))
