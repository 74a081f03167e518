"""The room's computers, copiers, faxes and printers, and their repair log (R06, R64; S0 九、十、十一).

Media (U盘, disks) are carriers (app/ledger/carriers.py); the machines that
process secrets get this small register of their own.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import BadInput, NotFound, RuleViolation
from app.ledger import lookup
from app.ledger.accounts import require_role
from app.ledger.numbers import next_number
from app.ledger.record import event_time
from app.models.accounts import ROLE_CLERK
from app.models.carriers import LEVELS, Device, DeviceRepair, Person
from app.store.register import Register

DEVICE_KINDS = ("计算机", "复印机", "传真机", "打印机", "扫描仪", "其他")
SRC_FAX = "保密制度汇编 十、2（3）"
SRC_REPAIR = "保密制度汇编 九、4；保密单位电脑管理制度篇五 五、（四）"


@dataclass(frozen=True)
class DeviceInfo:
    id: int
    number: str
    kind: str
    model: str
    serial_no: str
    level: str
    location: str
    custodian: str
    status: str
    encrypted_fax: bool
    repairs: int
    last_repair_at: datetime | None


def is_classified(level: str) -> bool:
    return lookup.level_rank(level) > lookup.level_rank("内部")


def add_device(reg: Register, *, kind: str, level: str = "秘密", location: str = "",
               custodian: str | int | None = None, model: str = "", serial_no: str = "",
               encrypted_fax: bool = False, note: str = "", at: datetime | None = None) -> str:
    """Register a device of the room; returns its number (SJ-年-序号).

    R64: a fax without encryption may not carry secrets, so it can only be
    registered for non-secret use (内部).
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("设备登记") as s:
        return add_device_in(s, kind=kind, level=level, location=location, custodian=custodian,
                             model=model, serial_no=serial_no, encrypted_fax=encrypted_fax,
                             note=note, at=at).number


def add_device_in(s: Session, *, kind: str, level: str = "秘密", location: str = "",
                  custodian: str | int | None = None, model: str = "", serial_no: str = "",
                  encrypted_fax: bool = False, note: str = "", at: datetime | None = None) -> Device:
    when = event_time(s, at)
    if kind not in DEVICE_KINDS:
        raise BadInput(f"设备类型须为 {'、'.join(DEVICE_KINDS)} 之一。")
    if level not in LEVELS:
        raise BadInput(f"设备密级须为 {'、'.join(LEVELS)} 之一（内部 即非涉密使用）。")
    if kind == "传真机" and is_classified(level) and not encrypted_fax:
        raise RuleViolation("R64", f"严禁使用无加密设施的传真机传送国家秘密文件、资料，"
                                   f"未加密的传真机不能登记为{level}设备", SRC_FAX)
    serial_no = serial_no.strip()
    if serial_no and s.scalars(select(Device.id).where(Device.serial_no == serial_no)).first():
        raise BadInput(f"序列号为 {serial_no} 的设备已登记。")
    keeper = lookup.optional_person(s, custodian, what="责任人")
    device = Device(number=next_number(s, when, series="device"), kind=kind, model=model.strip(),
                    serial_no=serial_no, level=level, location=location.strip(),
                    custodian_id=keeper.id if keeper else None, status="在用",
                    encrypted_fax=bool(encrypted_fax) if kind == "传真机" else False,
                    note=note, registered_at=when)
    s.add(device)
    s.flush()
    return device


def device_by_ref(s: Session, ref: str | int) -> Device:
    """By number (as typed or scanned) or by id."""
    if isinstance(ref, int):
        device = s.get(Device, ref)
    else:
        device = s.scalars(select(Device).where(Device.number == lookup.normalize_number(ref))).first()
    if device is None:
        raise NotFound(f"设备登记中没有编号为 {ref} 的设备。")
    return device


def add_repair(reg: Register, device: str | int, *, company: str = "", on_site: bool = True,
               supervisor: str | int | None = None, description: str = "",
               storage_removed: bool = False, at: datetime | None = None) -> int:
    """Log a repair; returns its id.

    R06 (S0 九、4: "维修时应保证所存储的国家秘密信息不被泄露"; S4 篇五 五、（四）:
    "进行上门维修。确需外出修理的……维修前应检查硬盘中有否涉密信息，并由具体人员现场监督"):
    a classified device is repaired under a named supervisor, and leaves the
    room for repair only with its storage (hard disk) removed.
    """
    require_role(reg, ROLE_CLERK)
    with reg.operation("设备维修登记") as s:
        return add_repair_in(s, device, company=company, on_site=on_site, supervisor=supervisor,
                             description=description, storage_removed=storage_removed, at=at).id


def add_repair_in(s: Session, device: str | int, *, company: str = "", on_site: bool = True,
                  supervisor: str | int | None = None, description: str = "",
                  storage_removed: bool = False, at: datetime | None = None) -> DeviceRepair:
    when = event_time(s, at)
    d = device_by_ref(s, device)
    if when < d.registered_at:
        raise BadInput(f"维修时间早于该设备的登记时间（{d.registered_at:%Y-%m-%d %H:%M}）。")
    if is_classified(d.level):
        if not supervisor:
            raise RuleViolation("R06", f"涉密设备 {d.number} 维修须由本单位具体人员现场监督，请填写监修人",
                                SRC_REPAIR)
        if not on_site and not storage_removed:
            raise RuleViolation("R06", f"涉密{d.kind} {d.number} 应上门维修；确需外出修理的，须先拆下硬盘等"
                                       "存储部件留在本单位，保证所存储的国家秘密信息不被泄露", SRC_REPAIR)
    watcher = lookup.optional_person(s, supervisor, what="监修人")
    repair = DeviceRepair(device_id=d.id, at=when, company=company.strip(), on_site=bool(on_site),
                          supervisor_id=watcher.id if watcher else None,
                          description=description.strip(), storage_removed=bool(storage_removed))
    s.add(repair)
    s.flush()
    return repair


def list_devices(reg: Register) -> list[DeviceInfo]:
    """The 涉密计算机及设备登记 ledger, by number, with each device's repairs counted."""
    with reg.read() as s:
        repairs = {row[0]: (row[1], row[2]) for row in s.execute(
            select(DeviceRepair.device_id, func.count(), func.max(DeviceRepair.at))
            .group_by(DeviceRepair.device_id))}
        names = dict(s.execute(select(Person.id, Person.name)).all())
        return [DeviceInfo(d.id, d.number, d.kind, d.model, d.serial_no, d.level, d.location,
                           names.get(d.custodian_id, ""), d.status, d.encrypted_fax,
                           *repairs.get(d.id, (0, None)))
                for d in s.scalars(select(Device).order_by(Device.id))]
