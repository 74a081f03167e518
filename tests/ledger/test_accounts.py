"""Accounts and passwords (R51, R52, R56; 三员分立 under R54)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.clock import FakeClock
from app.crypto.kdf import TEST_PARAMS
from app.crypto.keyslots import KeyslotFile, keyslot_path
from app.errors import (AccountDisabled, AccountLocked, AuthError, PasswordChangeRequired,
                        PermissionDenied, RuleViolation, WrongCredentials)
from app.ledger import accounts, settings
from app.models.journal import JournalEntry

ADMIN, ADMIN_PW = "admin", "Guanli#2026a"
CLERK, CLERK_PW = "clerk", "Baomi#2026ab"


def _fail(path: Path, clock: FakeClock, times: int, user: str = CLERK) -> None:
    for _ in range(times):
        with pytest.raises(WrongCredentials):
            accounts.sign_in(path, user, "Falsch#2026x", clock=clock)


def _journal(reg, action: str) -> list[dict]:
    """Entries of one action as plain dicts (a read session expires its objects)."""
    with reg.read() as s:
        rows = s.scalars(select(JournalEntry).where(JournalEntry.action == action)
                         .order_by(JournalEntry.seq))
        return [{"obj_id": e.obj_id, "obj_type": e.obj_type, "account": e.account,
                 "body": json.loads(e.body)} for e in rows]


# -- signing in ---------------------------------------------------------------------

def test_wrong_password_and_unknown_user_give_the_same_message_R52(register_path: Path,
                                                                   clock: FakeClock) -> None:
    with pytest.raises(WrongCredentials) as wrong_pw:
        accounts.sign_in(register_path, CLERK, "Falsch#2026x", clock=clock)
    with pytest.raises(WrongCredentials) as unknown:
        accounts.sign_in(register_path, "nobody", CLERK_PW, clock=clock)
    assert wrong_pw.value.message == unknown.value.message == "用户名或密码错误。"
    assert wrong_pw.value.exit_code == 2


def test_five_consecutive_failures_lock_the_account_with_minutes_left(register_path: Path,
                                                                       clock: FakeClock) -> None:
    _fail(register_path, clock, 4)
    with pytest.raises(AccountLocked) as locked:
        accounts.sign_in(register_path, CLERK, "Falsch#2026x", clock=clock)
    assert locked.value.minutes_left == 30 and "30 分钟" in locked.value.message
    clock.advance(minutes=10)
    # Even the right password is refused while locked, with the minutes left.
    with pytest.raises(AccountLocked) as still:
        accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    assert still.value.minutes_left == 20


def test_a_success_resets_the_failure_count(register_path: Path, clock: FakeClock) -> None:
    _fail(register_path, clock, 4)
    accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock).close()
    _fail(register_path, clock, 4)  # would lock on the 5th if the count had survived


def test_failure_count_survives_a_restart(register_path: Path, clock: FakeClock) -> None:
    _fail(register_path, clock, 4)
    # A restart knows only the files: the count is in the keyslot file.
    reloaded = KeyslotFile.load(keyslot_path(register_path))
    assert reloaded.find(CLERK).failures == 4
    with pytest.raises(AccountLocked):
        accounts.sign_in(register_path, CLERK, "Falsch#2026x", clock=clock)


def test_lock_expires_after_thirty_minutes(register_path: Path, clock: FakeClock) -> None:
    _fail(register_path, clock, 4)
    with pytest.raises(AccountLocked):
        accounts.sign_in(register_path, CLERK, "Falsch#2026x", clock=clock)
    clock.advance(minutes=29)
    with pytest.raises(AccountLocked) as locked:
        accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    assert locked.value.minutes_left == 1
    clock.advance(minutes=1)
    accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock).close()


def test_admin_unlock_clears_the_lock(register_path: Path, clock: FakeClock) -> None:
    _fail(register_path, clock, 4)
    with pytest.raises(AccountLocked):
        accounts.sign_in(register_path, CLERK, "Falsch#2026x", clock=clock)
    with accounts.sign_in(register_path, ADMIN, ADMIN_PW, clock=clock) as admin:
        assert [i.locked_minutes for i in accounts.list_accounts(admin) if i.username == CLERK] == [30]
        accounts.unlock_account(admin, CLERK)
        assert len(_journal(admin, "解锁账户")) == 1
    accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock).close()


def test_lockout_is_shown_to_the_admin_and_failures_are_journaled(register_path: Path,
                                                                  clock: FakeClock) -> None:
    _fail(register_path, clock, 4)
    with pytest.raises(AccountLocked):
        accounts.sign_in(register_path, CLERK, "Falsch#2026x", clock=clock)
    _fail(register_path, clock, 1, user="stranger")
    clock.advance(minutes=5)
    with accounts.sign_in(register_path, ADMIN, ADMIN_PW, clock=clock) as admin:
        notices = admin.sign_in_info["notices"]
        failed = _journal(admin, "登录失败")
        locked = _journal(admin, "账户锁定")
    assert len(notices) == 1 and CLERK in notices[0] and "锁定" in notices[0]
    assert [e["obj_id"] for e in failed] == [CLERK] * 5 + ["未知用户名"]
    assert [e["obj_id"] for e in locked] == [CLERK]
    assert locked[0]["body"]["after"]["event_time"] == "2026-11-02 09:00:00"
    # Carried into the journal once, and shown once.
    assert KeyslotFile.load(keyslot_path(register_path)).pending_events == []
    with accounts.sign_in(register_path, ADMIN, ADMIN_PW, clock=clock) as admin:
        assert admin.sign_in_info["notices"] == []
        assert len(_journal(admin, "登录失败")) == 6


def test_every_sign_in_is_journaled(register_path: Path, clock: FakeClock) -> None:
    with accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock) as reg:
        entries = _journal(reg, "登录")
    assert entries[-1]["account"] == CLERK and entries[-1]["obj_type"] == "accounts"


# -- password age (R51) -----------------------------------------------------------------

def test_expired_password_forces_a_change_R51(register_path: Path, clock: FakeClock) -> None:
    clock.advance(days=31)
    with pytest.raises(PasswordChangeRequired, match="最长使用期限"):
        accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    with accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock,
                          allow_password_change=True) as reg:
        assert reg.sign_in_info["must_change"] == "已过期"
        accounts.change_password(reg, CLERK_PW, "Xinkouling#31")
    accounts.sign_in(register_path, CLERK, "Xinkouling#31", clock=clock).close()


def test_secret_register_password_still_valid_on_day_29_R51(register_path: Path,
                                                            clock: FakeClock) -> None:
    clock.advance(days=29)
    accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock).close()


def test_confidential_register_password_expires_after_seven_days_R51(tmp_path: Path) -> None:
    clock = FakeClock()
    db = tmp_path / "jimi.baomi"
    accounts.create_register(db, unit="某单位", level="机密", admin=ADMIN,
                             admin_password="Guanli#2026ab", clock=clock, kdf=TEST_PARAMS)
    clock.advance(days=5)
    with accounts.sign_in(db, ADMIN, "Guanli#2026ab", clock=clock) as reg:
        assert reg.sign_in_info["expires_in_days"] == 2
    clock.advance(days=3)
    with pytest.raises(PasswordChangeRequired):
        accounts.sign_in(db, ADMIN, "Guanli#2026ab", clock=clock)


def test_expiry_warning_only_inside_the_last_week_R51(register_path: Path, clock: FakeClock) -> None:
    clock.advance(days=22)
    with accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock) as reg:
        assert reg.sign_in_info["expires_in_days"] is None
    clock.advance(days=2)
    with accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock) as reg:
        assert reg.sign_in_info["expires_in_days"] == 6


def test_first_login_forces_a_change_R52(admin_reg, register_path: Path, clock: FakeClock) -> None:
    accounts.add_account(admin_reg, "lingdao", "领导", "Chushi#2026x", display_name="王领导")
    admin_reg.close()
    with pytest.raises(PasswordChangeRequired, match="首次登录"):
        accounts.sign_in(register_path, "lingdao", "Chushi#2026x", clock=clock)


def test_admin_reset_forces_a_change_R56(admin_reg, register_path: Path, clock: FakeClock) -> None:
    accounts.reset_password(admin_reg, CLERK, "Linshi#2026x")
    admin_reg.close()
    with pytest.raises(WrongCredentials):
        accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    with pytest.raises(PasswordChangeRequired, match="重置"):
        accounts.sign_in(register_path, CLERK, "Linshi#2026x", clock=clock)
    with accounts.sign_in(register_path, CLERK, "Linshi#2026x", clock=clock,
                          allow_password_change=True) as reg:
        accounts.change_password(reg, "Linshi#2026x", "Xinkouling#56")
    accounts.sign_in(register_path, CLERK, "Xinkouling#56", clock=clock).close()


# -- password policy (R51) ----------------------------------------------------------------

@pytest.mark.parametrize("password, why", [
    ("Ab#12cd", "长度"),            # 7 < 8 on a 秘密 register
    ("abcdefgh12", "三类"),         # two classes
    ("Xclerk#2026", "用户名"),      # contains the user name
    ("XCLERK#2026", "用户名"),      # whatever the case
])
def test_weak_password_refused_R51(clerk_reg, password: str, why: str) -> None:
    with pytest.raises(RuleViolation, match=why) as refused:
        accounts.change_password(clerk_reg, CLERK_PW, password)
    assert refused.value.rule == "R51" and refused.value.exit_code == 3


def test_password_reuse_of_last_five_refused_sixth_last_allowed_R51(clerk_reg) -> None:
    chain = [CLERK_PW] + [f"Xinkouling#{n}" for n in range(1, 5)]
    for old, new in zip(chain, chain[1:]):
        accounts.change_password(clerk_reg, old, new)
    current = chain[-1]
    # History: Chushi#2026a (initial), then chain[0..4]; the last five are chain[0..4].
    for reused in chain:
        with pytest.raises(RuleViolation, match="最近 5 次") as refused:
            accounts.change_password(clerk_reg, current, reused)
        assert refused.value.rule == "R51"
    accounts.change_password(clerk_reg, current, "Chushi#2026a")  # the sixth-last


def test_settings_may_be_stricter_never_looser_R51(admin_reg) -> None:
    with admin_reg.operation("修改设置") as s:
        settings.put(s, "password_min_length", 12)
        settings.put(s, "password_max_age_days", 14)
    for key, looser in (("password_min_length", 7), ("password_max_age_days", 31)):
        with pytest.raises(RuleViolation) as refused:
            with admin_reg.operation("修改设置") as s:
                settings.put(s, key, looser)
        assert refused.value.rule == "R51"
    with admin_reg.read() as s:
        assert (settings.get(s, "password_min_length"), settings.get(s, "password_max_age_days")) == (12, 14)
    # The stricter length now applies: 11 characters are too few.
    with pytest.raises(RuleViolation, match="12"):
        accounts.change_password(admin_reg, ADMIN_PW, "Guanli#2026")


# -- roles (三员分立) ----------------------------------------------------------------------

def test_admin_may_not_also_be_inspector_R54(admin_reg) -> None:
    with pytest.raises(RuleViolation) as refused:
        accounts.add_account(admin_reg, "auditor", "系统管理员,检查人员", "Shenji#2026ab")
    assert refused.value.rule == "R54"
    assert "auditor" not in [i.username for i in accounts.list_accounts(admin_reg)]


def test_admin_and_clerk_of_the_same_name_refused_at_set_up_R54(tmp_path: Path) -> None:
    db = tmp_path / "r.baomi"
    with pytest.raises(RuleViolation) as refused:
        accounts.create_register(db, unit="某单位", level="秘密", admin="wang", admin_password="Guanli#2026a",
                                 clerk="Wang", clerk_password="Baomi#2026ab", kdf=TEST_PARAMS)
    assert refused.value.rule == "R54"
    assert list(tmp_path.iterdir()) == []


def test_only_the_admin_manages_accounts(clerk_reg) -> None:
    with pytest.raises(PermissionDenied):
        accounts.add_account(clerk_reg, "someone", "领导", "Lingdao#2026a")
    with pytest.raises(PermissionDenied):
        accounts.reset_password(clerk_reg, ADMIN, "Linshi#2026x")


# -- recovery and disabling -----------------------------------------------------------------

def test_recovery_code_resets_a_password(register_path: Path, recovery_code: str,
                                         clock: FakeClock) -> None:
    typed = recovery_code.lower().replace("-", " ")  # as read from the sealed printout
    accounts.recover(register_path, CLERK, typed, "Huifu#2026abc", clock=clock)
    with pytest.raises(WrongCredentials):
        accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    with accounts.sign_in(register_path, CLERK, "Huifu#2026abc", clock=clock) as reg:
        assert _journal(reg, "恢复码重置口令")[0]["account"] == "恢复码"


def test_wrong_recovery_code_is_refused(register_path: Path, clock: FakeClock) -> None:
    with pytest.raises(AuthError, match="恢复码不正确") as refused:
        accounts.recover(register_path, CLERK, "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA",
                         "Huifu#2026abc", clock=clock)
    assert refused.value.exit_code == 2
    accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock).close()


def test_disabled_account_cannot_sign_in_and_its_old_password_unwraps_nothing(
        admin_reg, register_path: Path, clock: FakeClock) -> None:
    accounts.disable_account(admin_reg, CLERK)
    admin_reg.close()
    with pytest.raises(AccountDisabled):
        accounts.sign_in(register_path, CLERK, CLERK_PW, clock=clock)
    keyfile = KeyslotFile.load(keyslot_path(register_path))
    slot = keyfile.find(CLERK)
    assert slot.disabled and slot.wrapped == ""
    assert keyfile.unwrap(slot, CLERK_PW) is None


def test_replaced_recovery_code_works_and_the_old_one_no_longer_does(
        register_path, recovery_code, clock) -> None:
    """After the envelope was opened the administrator makes a new code (R52)."""
    import pytest as _pytest

    from app.errors import AuthError, PermissionDenied
    reg = accounts.sign_in(register_path, "admin", "Guanli#2026a", clock=clock)
    with reg:
        new_code = accounts.replace_recovery_code(reg)
    assert new_code != recovery_code
    with _pytest.raises(AuthError):
        accounts.recover(register_path, "clerk", recovery_code, "Xinkouling#2026", clock=clock)
    accounts.recover(register_path, "clerk", new_code.lower().replace("-", " "), "Xinkouling#2026",
                     clock=clock)
    clerk = accounts.sign_in(register_path, "clerk", "Xinkouling#2026", clock=clock)
    with clerk:
        with _pytest.raises(PermissionDenied):
            accounts.replace_recovery_code(clerk)
