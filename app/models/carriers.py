"""Carriers (涉密载体), the people of the register (涉密人员) and the room's devices."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

LEVELS = ("内部", "秘密", "机密", "绝密")  # ascending; 内部 is not a state secret
KINDS = ("文件", "资料", "图纸", "光盘", "磁盘", "U盘/移动硬盘", "笔记本", "其他")
MEDIA_KINDS = ("光盘", "磁盘", "U盘/移动硬盘")  # R06: media held to the 三密 rules
STATES = ("在库", "借出", "外出携带", "已发出", "已清退", "已归档", "已销毁", "下落不明")
ORIGINS = ("收文", "自制", "复制", "会议带回")
CLEARANCES = ("核心", "重要", "一般")
PERSON_STATUSES = ("在岗", "脱密期", "离岗")


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    dept: Mapped[str] = mapped_column(String(64), default="")
    clearance: Mapped[str] = mapped_column(String(8))  # 核心 / 重要 / 一般
    is_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    is_principal_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    pledge_date: Mapped[date | None] = mapped_column(Date)  # 保密承诺书 (R62)
    status: Mapped[str] = mapped_column(String(8), default="在岗")
    declassify_until: Mapped[date | None] = mapped_column(Date)  # end of 脱密期
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_people_name", "name"),)


class Training(Base):
    """A training record of a person (R63)."""

    __tablename__ = "trainings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    on: Mapped[date] = mapped_column(Date)
    topic: Mapped[str] = mapped_column(String(200))
    hours: Mapped[float | None] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")


class Carrier(Base):
    """One classified carrier: one copy of a document, one disk, one USB stick.

    `state`, `holder_id` and `open_movement_id` are the current state that the
    movements produce (see app/ledger/state.py); they are never set directly.
    """

    __tablename__ = "carriers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="文件")
    title: Mapped[str] = mapped_column(String(300))
    doc_no: Mapped[str] = mapped_column(String(100), default="")  # 文号
    issuer: Mapped[str] = mapped_column(String(100), default="")  # 来文/发文单位
    level: Mapped[str] = mapped_column(String(4))
    highest_level: Mapped[str] = mapped_column(String(4))  # R06: never registered lower
    period: Mapped[str] = mapped_column(String(100), default="")  # 10年 / 2030-12-31 / 条件
    period_until: Mapped[date | None] = mapped_column(Date)  # when computable
    serial: Mapped[str] = mapped_column(String(32), default="")  # 份号 (R03)
    copies_total: Mapped[int] = mapped_column(Integer, default=1)  # 共 N 份
    pages: Mapped[int | None] = mapped_column(Integer)
    scope_people: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of person ids
    scope_depts: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of dept names
    origin: Mapped[str] = mapped_column(String(8), default="收文")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("carriers.id"))  # copy of
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))  # R04
    approved_count: Mapped[int | None] = mapped_column(Integer)  # R04
    location: Mapped[str] = mapped_column(String(100), default="")
    custodian_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    doc_date: Mapped[date | None] = mapped_column(Date)  # when the document arose (R05)
    classified: Mapped[bool] = mapped_column(Boolean, default=True)  # 定密 confirmed (R05)
    registered_at: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(8), default="在库")
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    open_movement_id: Mapped[int | None] = mapped_column(Integer)  # the loan now open
    media_id: Mapped[str] = mapped_column(String(100), default="")  # a medium's hardware serial (R06)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_carriers_media", "media_id"),
        Index("ix_carriers_state_level", "state", "level"),
        Index("ix_carriers_holder", "holder_id"),
        Index("ix_carriers_registered", "registered_at"),
        Index("ix_carriers_custodian", "custodian_id"),
        Index("ix_carriers_parent", "parent_id"),  # copies of a carrier (R22)
        Index("ix_carriers_classified", "classified"),  # 定密 pending (R05), few rows
        Index("ix_carriers_period_until", "period_until"),  # periods ending this year
    )


class Counter(Base):
    """Register-number sequences: a number once given is never given again."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Device(Base):
    """A computer, copier, fax or printer of the room (R64, S0 九/十一)."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # 计算机 / 复印机 / 传真机 / 打印机 / 其他
    model: Mapped[str] = mapped_column(String(100), default="")
    serial_no: Mapped[str] = mapped_column(String(100), default="")
    level: Mapped[str] = mapped_column(String(4), default="秘密")
    location: Mapped[str] = mapped_column(String(100), default="")
    custodian_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    status: Mapped[str] = mapped_column(String(8), default="在用")
    encrypted_fax: Mapped[bool] = mapped_column(Boolean, default=False)  # R64
    note: Mapped[str] = mapped_column(Text, default="")
    registered_at: Mapped[datetime] = mapped_column(DateTime)


class DeviceRepair(Base):
    """Repairs happen on site under supervision (S0 九)."""

    __tablename__ = "device_repairs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    company: Mapped[str] = mapped_column(String(100), default="")
    on_site: Mapped[bool] = mapped_column(Boolean, default=True)
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    description: Mapped[str] = mapped_column(Text, default="")
    storage_removed: Mapped[bool] = mapped_column(Boolean, default=False)
