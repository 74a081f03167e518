"""Movements of carriers: every receipt, loan, copy, check, destruction ... is one row.

A movement is what the paper ledgers record line by line; the per-ledger
columns that only one kind needs (channel, witnesses, purpose ...) live in
`detail` (canonical JSON).  Batches group the movements of one form:
a destruction list, a handover, a circulation, a quarterly check.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

MOVEMENT_KINDS = ("登记", "收文", "发文", "借出", "归还", "复制", "清查", "清退", "销毁", "归档",
                  "定密", "变更", "解密", "交接", "更正", "丢失", "找回", "回执")
BATCH_KINDS = ("销毁", "交接", "传阅", "清查", "复制", "收文")


class Batch(Base):
    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    entered_at: Mapped[datetime] = mapped_column(DateTime)
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(8), default="完成")

    __table_args__ = (Index("ix_batches_kind_time", "kind", "occurred_at"),)


class Movement(Base):
    __tablename__ = "movements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    carrier_id: Mapped[int] = mapped_column(ForeignKey("carriers.id"))
    kind: Mapped[str] = mapped_column(String(8))
    occurred_at: Mapped[datetime] = mapped_column(DateTime)  # when it happened (on paper)
    entered_at: Mapped[datetime] = mapped_column(DateTime)  # when it was entered (补登记)
    account: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))  # borrower, receiver ...
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    due_at: Mapped[datetime | None] = mapped_column(DateTime)  # loans
    closed_by_id: Mapped[int | None] = mapped_column(Integer)  # the 归还 that closed a loan
    state_after: Mapped[str] = mapped_column(String(8))
    flagged: Mapped[str] = mapped_column(String(200), default="")  # e.g. R01 late registration
    detail: Mapped[str] = mapped_column(Text, default="{}")

    __table_args__ = (
        Index("ix_movements_carrier", "carrier_id", "occurred_at"),
        Index("ix_movements_kind_time", "kind", "occurred_at"),
        Index("ix_movements_open_loans", "kind", "closed_by_id", "due_at"),
        Index("ix_movements_person", "person_id", "kind"),
    )


class Incident(Base):
    """A loss or leak (失泄密事件) with the seven fields of R45 and its deadlines."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    discovered_at: Mapped[datetime] = mapped_column(DateTime)
    carrier_id: Mapped[int | None] = mapped_column(ForeignKey("carriers.id"))
    content: Mapped[str] = mapped_column(Text, default="")  # 泄露的内容、密级、数量、载体形式
    how_found: Mapped[str] = mapped_column(Text, default="")  # 发现经过
    responsible: Mapped[str] = mapped_column(Text, default="")  # 责任人
    course: Mapped[str] = mapped_column(Text, default="")  # 时间、地点、经过
    harm: Mapped[str] = mapped_column(Text, default="")  # 造成或可能造成的危害
    investigation: Mapped[str] = mapped_column(Text, default="")  # 已查明的情况
    remedies: Mapped[str] = mapped_column(Text, default="")  # 已采取或拟采取的补救措施
    reported_at: Mapped[datetime | None] = mapped_column(DateTime)  # written report (24 h)
    result_at: Mapped[datetime | None] = mapped_column(DateTime)  # investigation result (3 months)
    result: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(16), default="")  # 清查 / 超期 / 报告
    closed: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_incidents_open", "closed", "discovered_at"),)


class Draft(Base):
    """Unsaved form input kept at a forced session end (R53), offered back at sign-in."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(String(64))
    form: Mapped[str] = mapped_column(String(32))
    saved_at: Mapped[datetime] = mapped_column(DateTime)
    data: Mapped[str] = mapped_column(Text)  # JSON of the form's fields
    used: Mapped[bool] = mapped_column(Boolean, default=False)
