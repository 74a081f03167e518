"""The room's computers, copiers and faxes and their repairs (R06, R64): one op per ledger call."""
from __future__ import annotations

from datetime import datetime

from app.ledger import devices
from app.ui.operations import LedgerOp, changes


def add_device(*, kind: str, level: str = "秘密", location: str = "",
               custodian: str | int | None = None, model: str = "", serial_no: str = "",
               encrypted_fax: bool = False, note: str = "",
               at: datetime | None = None) -> LedgerOp[str]:
    return LedgerOp(
        lambda reg: devices.add_device(reg, kind=kind, level=level, location=location,
                                       custodian=custodian, model=model, serial_no=serial_no,
                                       encrypted_fax=encrypted_fax, note=note, at=at),
        lambda number: changes({"devices"}, (), f"已登记设备 {number}"))


def add_repair(*, device: str, company: str = "", on_site: bool = True,
               supervisor: str | int | None = None, description: str = "",
               storage_removed: bool = False, at: datetime | None = None) -> LedgerOp[int]:
    return LedgerOp(
        lambda reg: devices.add_repair(reg, device, company=company, on_site=on_site,
                                       supervisor=supervisor, description=description,
                                       storage_removed=storage_removed, at=at),
        lambda _id: changes({"devices"}, (), f"已登记设备 {device} 的维修"))
