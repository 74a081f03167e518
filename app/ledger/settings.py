"""Register settings an inspector relies on: kept in the encrypted register and journaled.

Each setting is declared once here with its default and its check.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import bindparam, event, select
from sqlalchemy.orm import Session

from app.errors import BadInput, RuleViolation
from app.models.accounts import Setting

LEVELS = ("秘密", "机密", "绝密")


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    default: Any
    check: Callable[[Any, Session], None] | None = None


def _password_floor(level: str) -> tuple[int, int]:
    """(minimum length, maximum age in days) from R51 and BMB17 practice."""
    return (8, 30) if level == "秘密" else (10, 7)


def _check_min_length(value: Any, s: Session) -> None:
    floor = _password_floor(get(s, "level"))[0]
    if not isinstance(value, int) or value < floor:
        raise RuleViolation("R51", f"口令最短长度只能加严，不得少于 {floor} 位")


def _check_max_age(value: Any, s: Session) -> None:
    floor = _password_floor(get(s, "level"))[1]
    if not isinstance(value, int) or not 1 <= value <= floor:
        raise RuleViolation("R51", f"口令最长使用期只能加严，不得超过 {floor} 天")


def _check_idle(value: Any, _s: Session) -> None:
    if not isinstance(value, int) or not 1 <= value <= 60:
        raise RuleViolation("R53", "无操作锁屏时间应在 1 至 60 分钟之间")


def _check_end_of_day(value: Any, _s: Session) -> None:
    try:
        hh, mm = (int(p) for p in str(value).split(":"))
        assert 0 <= hh < 24 and 0 <= mm < 60
    except (ValueError, AssertionError):
        raise BadInput("下班时间格式应为 时:分，例如 17:30。") from None


def _check_positive(value: Any, _s: Session) -> None:
    if not isinstance(value, int) or value < 1:
        raise BadInput("该设置必须是正整数。")


OPTIONS: dict[str, Option] = {o.key: o for o in [
    Option("unit_name", "单位名称", ""),
    Option("level", "登记簿密级", "秘密"),
    Option("password_min_length", "口令最短长度", None, _check_min_length),
    Option("password_max_age_days", "口令最长使用天数", None, _check_max_age),
    Option("lockout_minutes", "锁定时长（分钟）", 30, _check_positive),
    Option("idle_minutes", "无操作锁屏（分钟）", 10, _check_idle),
    Option("end_of_day", "下班时间", "17:30", _check_end_of_day),
    Option("number_pattern", "登记号格式", "{year}-{seq:06d}"),
]}


# Values read in this session, by key (defaults included).  Without it every
# call was a Session.get: the identity map holds the Setting weakly, so it was
# dropped after each call and read again (once per row of the overdue list).
_CACHE = "settings_values"


def get(s: Session, key: str) -> Any:
    option = OPTIONS[key]
    cache: dict[str, Any] = s.info.setdefault(_CACHE, {})
    if key in cache:
        return cache[key]
    text = _stored(s, key)
    if text is not None:
        value = json.loads(text)
    elif key == "password_min_length":
        value = _password_floor(get(s, "level"))[0]
    elif key == "password_max_age_days":
        value = _password_floor(get(s, "level"))[1]
    else:
        value = option.default
    cache[key] = value
    return value


# The stored text alone: loading a Setting object (Session.get) cost 0.5 ms, more
# than the rest of a read session's overhead on the dashboard.
_STORED = select(Setting.__table__.c.value).where(Setting.__table__.c.key == bindparam("key"))


def _stored(s: Session, key: str) -> str | None:
    """The JSON text of `key` as this session sees it; None when it is not stored."""
    held = s.identity_map.get(s.identity_key(Setting, key))
    if held is not None:  # read or changed in this session (put)
        return held.value
    if s.autoflush:
        s.flush()  # as Session.get would: a Setting added in this operation counts
    return s.connection().execute(_STORED, {"key": key}).scalar()


@event.listens_for(Session, "after_transaction_end")
def _forget_values(session: Session, transaction: Any) -> None:
    """A value read or put inside a transaction or savepoint that ends (commit,
    rollback, release) is read again: a rolled-back put must not outlive its
    transaction, nor a value another connection committed meanwhile."""
    if transaction.nested or transaction.parent is None:
        session.info.pop(_CACHE, None)


def put(s: Session, key: str, value: Any) -> None:
    """Set one option inside the caller's operation (journaled by the flush hook)."""
    option = OPTIONS.get(key)
    if option is None:
        raise BadInput(f"没有名为 {key} 的设置。")
    if option.check:
        option.check(value, s)
    text = json.dumps(value, ensure_ascii=False)
    # Every cached value goes: the password floors are derived from `level`.
    s.info.pop(_CACHE, None)
    row = s.get(Setting, key)
    if row is None:
        s.add(Setting(key=key, value=text))
    elif row.value != text:
        row.value = text
