"""One exception tree for every layer below the UI.

Each error carries a single Chinese sentence for the person in front of the
screen and the exit status the `baomi` command reports for it.  Rule refusals
name the DOMAIN.md rule id so the message, the code and the test meet.
"""
from __future__ import annotations


class BaomiError(Exception):
    """Base class: `message` is what a user sees, `exit_code` what the CLI returns."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class VerifyFailed(BaomiError):
    exit_code = 1


class AuthError(BaomiError):
    """Wrong user or password, locked or disabled account (exit 2)."""

    exit_code = 2


class WrongCredentials(AuthError):
    def __init__(self) -> None:
        super().__init__("用户名或密码错误。")


class AccountLocked(AuthError):
    def __init__(self, minutes_left: int) -> None:
        super().__init__(f"该账户因连续多次密码错误已被锁定，请 {minutes_left} 分钟后再试，或请系统管理员解锁。")
        self.minutes_left = minutes_left


class AccountDisabled(AuthError):
    def __init__(self) -> None:
        super().__init__("该账户已停用，请联系系统管理员。")


class PasswordChangeRequired(AuthError):
    """Signed in, but the password must be changed before anything else (R51)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)


class RuleViolation(BaomiError):
    """A DOMAIN.md rule refuses the operation (exit 3); raised before anything is written."""

    exit_code = 3

    def __init__(self, rule: str, message: str, source: str = "") -> None:
        text = f"{message}（{rule}" + (f"，{source}" if source else "") + "）"
        super().__init__(text)
        self.rule = rule
        self.source = source
        self.reason = message


class PermissionDenied(BaomiError):
    """The signed-in account's role does not allow this (exit 3, like a rule)."""

    exit_code = 3


class BadInput(BaomiError):
    """Arguments, files or values that cannot be used (exit 4)."""

    exit_code = 4


class NotFound(BadInput):
    pass


class RegisterUnusable(BaomiError):
    """Not a register, keyslots missing or damaged, in use, disk full or read-only (exit 5)."""

    exit_code = 5
