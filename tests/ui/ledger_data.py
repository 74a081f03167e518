"""A small register with a line in every ledger, for the page tests (tests/ui is on sys.path).

Monday 2026-11-02, the clerk's day (times in order, every event through the
ledger's own functions, so every rule holds):
 08:30 received 关于开展保密检查的通知 (秘密), 年度保密工作要点 (机密, 份号 001),
       会议纪要 and the rest;
 09:00-09:30 张三 borrows and returns the 通知 (李处长 approves);
 10:00 李四 borrows the 会议纪要 (out now); 张三 takes the 要点 out until tomorrow;
 copies, a dispatch, a return to the issuer, the quarter's check, a destruction
 witnessed by two, an archive, 定密 (one done, one overdue), a handover from
 赵六 to 张三, an incident, a CD among the media and a computer with a repair.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from app.ledger.archive import archive
from app.ledger.carriers import NewCarrier, receive
from app.ledger.checks import check_items
from app.ledger.classification import classify
from app.ledger.copies import copy
from app.ledger.destruction import destroy
from app.ledger.devices import add_device, add_repair
from app.ledger.dispatch import dispatch
from app.ledger.handover import handover
from app.ledger.incidents import open_incident
from app.ledger.loans import lend, return_
from app.ledger.withdraw import withdraw


def at(hh: int, mm: int = 0, day: int = 2) -> datetime:
    return datetime(2026, 11, day, hh, mm)


@dataclass
class Filled:
    notice: str = ""  # lent and returned
    plan: str = ""  # 机密, taken out
    minutes: str = ""  # lent, out now
    copies: list[str] = field(default_factory=list)
    sent: str = ""
    withdrawn: str = ""
    destroyed: str = ""
    archived: str = ""
    classified: str = ""
    pending: str = ""
    handed: str = ""
    lost: str = ""
    incident: str = ""
    disc: str = ""
    device: str = ""


def _receive(reg, title: str, level: str = "秘密", **more) -> str:
    if level in ("机密", "绝密"):
        more.setdefault("serial", "001")
    [n] = receive(reg, NewCarrier(title=title, level=level, issuer=more.pop("issuer", "市保密局"),
                                  **more), at=at(8, 30))
    return n


def fill(reg, clock) -> Filled:
    """Needs the `people` fixture's five people."""
    f = Filled()
    clock.set(at(8, 40))
    f.notice = _receive(reg, "关于开展保密检查的通知", doc_no="市保发〔2026〕3号", period="10年")
    f.plan = _receive(reg, "年度保密工作要点", "机密", issuer="市委办公厅", period="20年")
    f.minutes = _receive(reg, "市委常委会会议纪要", issuer="市委办公厅")
    f.sent = _receive(reg, "关于报送保密自查报告的函", issuer="本局")
    f.withdrawn = _receive(reg, "全市保密工作会议材料")
    f.destroyed = _receive(reg, "过期的保密工作简报")
    f.archived = _receive(reg, "2025年保密工作总结")
    f.handed = _receive(reg, "保密要害部门名单", custodian="赵六")
    f.lost = _receive(reg, "涉密人员培训讲义")
    f.disc = _receive(reg, "保密检查录像光盘", kind="光盘", media_id="CD-2026-07")
    f.classified = _receive(reg, "关于2027年度保密工作安排的请示", origin="自制", approved_by="李处长",
                            approved_count=1, doc_date=date(2026, 10, 30))
    f.pending = _receive(reg, "关于调整涉密岗位的报告", origin="自制", approved_by="李处长",
                         approved_count=1, doc_date=date(2026, 10, 20))
    clock.set(at(9))
    lend(reg, f.notice, borrower="张三", approver="李处长", purpose="阅办")
    clock.set(at(9, 30))
    return_(reg, f.notice, returned_by="张三")
    clock.set(at(9, 40))
    f.copies = copy(reg, f.notice, count=1, approver="李处长", by="赵六")
    dispatch(reg, f.sent, to_unit="市保密局", channel="机要通信")
    withdraw(reg, f.withdrawn, to_unit="市保密局", receipt_no="QT-001")
    check_items(reg, "2026Q4", {f.notice: "在", f.plan: "在"})
    clock.set(at(9, 50))
    destroy(reg, [f.destroyed], approver="李处长", witnesses=["张三", "李四"])
    archive(reg, f.archived, archive_no="WS-2026-001", location="档案柜1")
    classify(reg, f.classified, kind="定密", period="10年", proposed_by="张三", confirmed_by="李处长",
             basis="《国家秘密事项一览表》第3项")
    handover(reg, outgoing="赵六", incoming="张三", checked_numbers=[f.handed],
             outgoing_confirmed=True, incoming_confirmed=True)
    f.incident = open_incident(reg, discovered_at=at(9, 55), carrier=f.lost, how_found="清点时发现缺失",
                               responsible="张三", course="培训后未交回", harm="待评估",
                               remedies="全面清查")
    clock.set(at(10))
    lend(reg, f.minutes, borrower="李四", approver="李处长", purpose="阅办")
    lend(reg, f.plan, borrower="张三", approver="李处长", purpose="赴省厅汇报", place="带出",
         due=at(17, day=3))
    f.device = add_device(reg, kind="计算机", level="秘密", location="保密室", custodian="赵六",
                          model="联想启天 M430", serial_no="PF-1A2B3C")
    add_repair(reg, f.device, company="市保密技术服务中心", supervisor="赵六", description="更换电源")
    clock.set(at(10, 30))
    return f
