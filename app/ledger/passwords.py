"""Password policy of the register (R51, R52, R56).

Floors by the register's level (秘密: 8 characters, 30 days; 机密/绝密: 10
characters, 7 days), at least three character classes, never containing the
user name, none of the last five reused.  Settings may only be stricter.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from app.errors import RuleViolation
from app.ledger import settings
from app.models.accounts import Account

HISTORY = 5
# History hashes sit inside the encrypted register; a modest cost keeps a
# password change under a tenth of a second while still being a real KDF.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

R51_SOURCE = "保密制度汇编 十一、（一）2"


@dataclass(frozen=True)
class Policy:
    min_length: int
    max_age_days: int

    @property
    def warn_days(self) -> int:
        """Warn a week ahead for a 30-day password, three days ahead for a 7-day one."""
        return 7 if self.max_age_days >= 30 else 3


def policy(s: Session) -> Policy:
    return Policy(settings.get(s, "password_min_length"), settings.get(s, "password_max_age_days"))


def char_classes(password: str) -> int:
    return sum([any(c.islower() for c in password), any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not (c.isascii() and c.isalnum()) for c in password)])


def check_new_password(s: Session, username: str, password: str,
                       history_json: str = "[]") -> None:
    """Raise RuleViolation (R51) naming the first requirement the password misses."""
    pol = policy(s)
    if len(password) < pol.min_length:
        raise RuleViolation("R51", f"口令长度不得少于 {pol.min_length} 位", R51_SOURCE)
    if char_classes(password) < 3:
        raise RuleViolation("R51", "口令须包含大写字母、小写字母、数字、符号中的至少三类", R51_SOURCE)
    if username and username.casefold() in password.casefold():
        raise RuleViolation("R51", "口令不得包含用户名", R51_SOURCE)
    if in_history(history_json, password):
        raise RuleViolation("R51", f"不得重复使用最近 {HISTORY} 次用过的口令", R51_SOURCE)


def in_history(history_json: str, password: str) -> bool:
    for h in json.loads(history_json or "[]"):
        try:
            if _hasher.verify(h, password):
                return True
        except (VerificationError, InvalidHashError):
            continue
    return False


def push_history(history_json: str, password: str) -> str:
    hist = json.loads(history_json or "[]") + [_hasher.hash(password)]
    return json.dumps(hist[-HISTORY:])


def days_left(s: Session, account: Account, now: datetime) -> float:
    expires = account.password_changed_at + timedelta(days=policy(s).max_age_days)
    return (expires - now).total_seconds() / 86400


def change_reason(s: Session, account: Account, now: datetime) -> str:
    """Why this account must change its password before anything else, or ''."""
    if account.must_change:
        return account.must_change
    if days_left(s, account, now) <= 0:
        return "已过期"
    return ""


def expiry_warning(s: Session, account: Account, now: datetime) -> int | None:
    """Whole days left when inside the warning window, else None."""
    left = days_left(s, account, now)
    if 0 < left <= policy(s).warn_days:
        return max(1, int(left + 0.999))
    return None
