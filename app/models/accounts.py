"""Accounts of the register and its settings."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

ROLE_ADMIN = "系统管理员"
ROLE_CLERK = "保密员"
ROLE_LEADER = "领导"
ROLE_INSPECTOR = "检查人员"
ROLES = (ROLE_ADMIN, ROLE_CLERK, ROLE_LEADER, ROLE_INSPECTOR)


class Account(Base):
    __tablename__ = "accounts"
    __journal_redact__ = frozenset({"password_history"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64), default="")
    roles: Mapped[str] = mapped_column(String(64))  # comma separated, from ROLES
    person_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime)
    # "" when no change is due; otherwise why: 首次登录 / 管理员重置 / 已过期
    must_change: Mapped[str] = mapped_column(String(16), default="")
    # JSON list of argon2 hashes of the current and previous passwords, newest last.
    password_history: Mapped[str] = mapped_column(Text, default="[]")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Highest journal sequence an administrator has been shown lock-outs up to.
    notices_seen_seq: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(",") if r)


class Setting(Base):
    """Settings an inspector relies on live here, in the encrypted register."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # canonical JSON
