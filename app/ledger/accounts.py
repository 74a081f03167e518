"""Setting up a register, signing in, and the accounts of its users (R51, R52, R56).

Roles: 系统管理员 (accounts), 保密员 (the ledgers), 领导 (approvals), 检查人员
(read-only, print, verify, and the review of the journal).  One person may hold
several roles, except that the account administrator is never also the one who
reviews the journal (三员分立).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import Clock, SystemClock
from app.crypto.kdf import KdfParams, calibrate
from app.crypto.keyslots import RECOVERY, KeyslotFile, keyslot_path
from app.crypto.recovery import new_recovery_code, normalize
from app.errors import (AccountDisabled, AccountLocked, AuthError, BadInput, PasswordChangeRequired,
                        PermissionDenied, RegisterUnusable, RuleViolation, WrongCredentials)
from app.ledger import passwords, settings
from app.models.accounts import (ROLE_ADMIN, ROLE_CLERK, ROLE_INSPECTOR, ROLES, Account)
from app.models.journal import JournalEntry
from app.store.instance_lock import InstanceLock
from app.store.journaling import append_entries
from app.store.register import Register


@dataclass(frozen=True)
class AccountInfo:
    username: str
    display_name: str
    roles: tuple[str, ...]
    disabled: bool
    must_change: str
    password_changed_at: datetime
    last_login_at: datetime | None
    locked_minutes: int


# -- roles ----------------------------------------------------------------------

def parse_roles(text: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    items = text.replace("，", ",").split(",") if isinstance(text, str) else list(text)
    roles = tuple(dict.fromkeys(r.strip() for r in items if r.strip()))
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise BadInput(f"未知的角色：{'、'.join(unknown) or '（空）'}。可选：{'、'.join(ROLES)}。")
    if ROLE_ADMIN in roles and ROLE_INSPECTOR in roles:
        raise RuleViolation("R54", "系统管理员不得同时担任检查人员（审计日志的人员），三员须分立")
    return roles


def require_role(reg: Register, *roles: str) -> None:
    if not reg.roles & set(roles):
        raise PermissionDenied(f"当前账户（{reg.actor}）没有权限执行此操作，需要角色：{'或'.join(roles)}。")


def _validate_username(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 32 or any(c.isspace() or c in ",，" for c in name) or name == RECOVERY:
        raise BadInput("用户名须为 1 至 32 个字符，不含空格或逗号。")
    return name


# -- set-up -----------------------------------------------------------------------

def create_register(path: Path | str, *, unit: str, level: str, admin: str, admin_password: str,
                    clerk: str | None = None, clerk_password: str | None = None,
                    clock: Clock | None = None, kdf: KdfParams | None = None) -> str:
    """Create a new register and its keyslots; returns the recovery code (shown once)."""
    path = Path(path)
    clock = clock or SystemClock()
    if path.exists() or keyslot_path(path).exists():
        raise BadInput(f"文件 {path} 已存在，不会覆盖已有的登记簿。")
    if level not in settings.LEVELS:
        raise BadInput(f"登记簿密级须为 {'、'.join(settings.LEVELS)} 之一。")
    if not unit.strip():
        raise BadInput("单位名称不能为空。")
    admin = _validate_username(admin)
    if clerk is not None:
        clerk = _validate_username(clerk)
        if clerk.casefold() == admin.casefold():
            raise RuleViolation("R54", "系统管理员与保密员须为不同账户（三员分立）")
    if not path.parent.is_dir():
        raise BadInput(f"文件夹 {path.parent} 不存在。")
    kdf = kdf or calibrate()
    keyfile = KeyslotFile.new(keyslot_path(path), kdf)
    data_key = Register.new_data_key()
    code = new_recovery_code()
    reg = Register.open_with_key(path, data_key, keyfile, clock, create=True)
    try:
        now = clock.now()
        with reg.operation("建立登记簿", actor=admin) as s:
            settings.put(s, "unit_name", unit.strip())
            settings.put(s, "level", level)
            passwords.check_new_password(s, admin, admin_password)
            s.add(_new_account(admin, (ROLE_ADMIN,), admin_password, now, must_change=""))
            if clerk is not None:
                if not clerk_password:
                    raise BadInput("请为保密员设置口令。")
                passwords.check_new_password(s, clerk, clerk_password)
                # Typed by whoever ran the set-up: changed at first sign-in (R52).
                s.add(_new_account(clerk, (ROLE_CLERK,), clerk_password, now, must_change="首次登录"))
        keyfile.put(admin, admin_password, data_key)
        if clerk is not None and clerk_password:
            keyfile.put(clerk, clerk_password, data_key)
        keyfile.put(RECOVERY, normalize(code), data_key, kind="recovery")
        keyfile.save()
    except BaseException:
        reg.close()
        # Nothing of a failed set-up stays behind, not even the (released) lock file.
        for p in (path, keyslot_path(path), path.with_name(path.name + "-wal"),
                  path.with_name(path.name + "-shm"), path.with_name(path.name + ".lock")):
            p.unlink(missing_ok=True)
        raise
    reg.close()
    return code


def _new_account(username: str, roles: tuple[str, ...], password: str, now: datetime, *,
                 must_change: str, display_name: str = "") -> Account:
    return Account(username=username, display_name=display_name or username, roles=",".join(roles),
                   created_at=now, password_changed_at=now, must_change=must_change,
                   password_history=passwords.push_history("[]", password), disabled=False,
                   notices_seen_seq=0)


# -- signing in -------------------------------------------------------------------

def _load_keyfile(path: Path) -> KeyslotFile:
    if not path.exists():
        raise RegisterUnusable(f"找不到登记簿文件 {path}。")
    return KeyslotFile.load(keyslot_path(path))


def _unwrap(keyfile: KeyslotFile, username: str, secret: str, now: datetime) -> bytes:
    """The data key, counting failures and lock-outs in the keyslot file."""
    slot = keyfile.find(username)
    if slot is not None:
        minutes = keyfile.minutes_locked(slot, now)
        if minutes:
            raise AccountLocked(minutes)
    key = keyfile.unwrap(slot, secret) if slot is not None else None
    if slot is None:
        keyfile.dummy_derive(secret)
    if key is not None:
        if slot.failures or slot.locked_until:
            keyfile.clear_failures(slot)
            keyfile.save()
        return key
    locked = keyfile.record_failure(slot, keyfile.lookup_for(username), now)
    keyfile.save()
    if slot is not None and slot.disabled:
        raise AccountDisabled()
    if locked:
        raise AccountLocked(keyfile.lockout_minutes)
    raise WrongCredentials()


def sign_in(path: Path | str, username: str, password: str, *, clock: Clock | None = None,
            allow_password_change: bool = False) -> Register:
    """Open the register as `username`.

    Raises AuthError subclasses for a wrong name or password (one message for
    both), a locked or a disabled account; PasswordChangeRequired when the
    password is expired, new or reset, unless `allow_password_change` (the
    caller then offers the change before anything else).
    """
    path = Path(path)
    clock = clock or SystemClock()
    keyfile = _load_keyfile(path)
    lock = InstanceLock(path).acquire()
    try:
        key = _unwrap(keyfile, username, password, clock.now())
        reg = Register.open_with_key(path, key, keyfile, clock, lock=lock)
    except BaseException:
        lock.release()
        raise
    try:
        _after_unlock(reg, username)
    except BaseException:
        reg.close()
        raise
    if reg.sign_in_info.get("must_change") and not allow_password_change:
        reason = reg.sign_in_info["must_change"]
        reg.close()
        raise PasswordChangeRequired(_must_change_text(reason))
    return reg


def _must_change_text(reason: str) -> str:
    return {"已过期": "口令已超过最长使用期限，请先修改口令（baomi passwd）。",
            "首次登录": "首次登录须先修改初始口令（baomi passwd）。",
            "管理员重置": "口令已被管理员重置，请先修改口令（baomi passwd）。"}.get(
        reason, "请先修改口令（baomi passwd）。")


def _after_unlock(reg: Register, username: str) -> None:
    now = reg.clock.now()
    with reg.operation("登录", actor=username) as s:
        account = _account(s, username)
        if account is None:
            raise WrongCredentials()
        if account.disabled:
            raise AccountDisabled()
        _carry_pending_events(s, reg.keyfile)
        reason = passwords.change_reason(s, account, now)
        if reason == "已过期" and account.must_change != "已过期":
            account.must_change = "已过期"
        account.last_login_at = now
        reg.actor = account.username
        reg.roles = account.role_set
        reg.sign_in_info = {"must_change": reason,
                            "expires_in_days": passwords.expiry_warning(s, account, now),
                            "notices": _admin_notices(s, account)}
    if reg.keyfile.pending_events:
        reg.keyfile.pending_events = []
        reg.keyfile.save()


def _carry_pending_events(s: Session, keyfile: KeyslotFile) -> None:
    """Failures recorded before any key was known become journal entries now."""
    if not keyfile.pending_events:
        return
    names = {keyfile.lookup_for(a): a for a in s.scalars(select(Account.username))}
    names[RECOVERY] = "恢复码"
    action = {"login_failed": "登录失败", "account_locked": "账户锁定"}
    entries = []
    for ev in keyfile.pending_events:
        who = names.get(ev["lookup"], "未知用户名")
        entries.append({"action": action.get(ev["event"], ev["event"]), "obj_type": "account",
                        "obj_id": who, "account": who,
                        "after": {"event_time": ev["time"], "username": who}})
    append_entries(s, entries)


def _admin_notices(s: Session, account: Account) -> list[str]:
    """Lock-outs since this administrator last signed in (shown at sign-in)."""
    if ROLE_ADMIN not in account.role_set:
        return []
    rows = s.execute(select(JournalEntry.seq, JournalEntry.obj_id, JournalEntry.body)
                     .where(JournalEntry.action == "账户锁定",
                            JournalEntry.seq > account.notices_seen_seq)
                     .order_by(JournalEntry.seq)).all()
    notices = []
    for seq, who, body in rows:
        import json
        when = json.loads(body)["after"]["event_time"]
        notices.append(f"账户 {who} 于 {when} 因连续口令错误被锁定。")
        account.notices_seen_seq = seq
    return notices


def _account(s: Session, username: str) -> Account | None:
    return s.scalars(select(Account).where(Account.username == username.strip())).first()


def _require_account(s: Session, username: str) -> Account:
    account = _account(s, username)
    if account is None:
        raise BadInput(f"没有名为 {username} 的账户。")
    return account


# -- passwords --------------------------------------------------------------------

def change_password(reg: Register, old_password: str, new_password: str) -> None:
    """The signed-in account changes its own password: one slot is rewrapped (R51)."""
    now = reg.clock.now()
    slot = reg.keyfile.find(reg.actor)
    if slot is None or reg.keyfile.unwrap(slot, old_password) is None:
        raise WrongCredentials()
    _set_password(reg, reg.actor, new_password, now, must_change="", action="修改口令",
                  kdf=slot.kdf)
    reg.sign_in_info["must_change"] = ""


def _set_password(reg: Register, username: str, new_password: str, now: datetime, *,
                  must_change: str, action: str, kdf: KdfParams | None = None) -> None:
    """Check the policy, journal the change, then rewrap the slot.

    The database change commits first; if writing the keyslot file then fails
    the old password still opens the register and the journal says a change
    was attempted, so nothing is lost.
    """
    with reg.operation(action) as s:
        account = _require_account(s, username)
        passwords.check_new_password(s, account.username, new_password, account.password_history)
        account.password_history = passwords.push_history(account.password_history, new_password)
        account.password_changed_at = now
        account.must_change = must_change
        reg.keyfile.lockout_minutes = settings.get(s, "lockout_minutes")
    reg.keyfile.put(account.username, new_password, reg.data_key,
                    kdf=kdf or reg.keyfile.kdf_default)
    reg.keyfile.save()


def recover(path: Path | str, username: str, recovery_code: str, new_password: str, *,
            clock: Clock | None = None) -> None:
    """Reset `username`'s password with the sealed recovery code."""
    path = Path(path)
    clock = clock or SystemClock()
    keyfile = _load_keyfile(path)
    lock = InstanceLock(path).acquire()
    try:
        key = _unwrap(keyfile, RECOVERY, normalize(recovery_code), clock.now())
        reg = Register.open_with_key(path, key, keyfile, clock, lock=lock)
    except (WrongCredentials, AccountDisabled):
        lock.release()
        # A wrong code is a wrong credential (exit 2), like a wrong password.
        raise AuthError("恢复码不正确。") from None
    except BaseException:
        lock.release()
        raise
    with reg:
        reg.actor = "恢复码"
        with reg.read() as s:
            account = _require_account(s, username)
            if account.disabled:
                raise AccountDisabled()
            # Read inside the session: read() rolls back, which expires the object.
            name = account.username
        _set_password(reg, name, new_password, clock.now(), must_change="",
                      action="恢复码重置口令")


# -- administration ---------------------------------------------------------------

def add_account(reg: Register, username: str, roles: str | tuple[str, ...], initial_password: str,
                *, display_name: str = "") -> None:
    """The administrator creates an account; its first sign-in forces a change (R52)."""
    require_role(reg, ROLE_ADMIN)
    username = _validate_username(username)
    role_tuple = parse_roles(roles)
    now = reg.clock.now()
    with reg.operation("新建账户") as s:
        if any(a.casefold() == username.casefold() for a in s.scalars(select(Account.username))):
            raise BadInput(f"账户 {username} 已存在。")
        passwords.check_new_password(s, username, initial_password)
        s.add(_new_account(username, role_tuple, initial_password, now, must_change="首次登录",
                           display_name=display_name))
    reg.keyfile.put(username, initial_password, reg.data_key)
    reg.keyfile.save()


def reset_password(reg: Register, username: str, temporary_password: str) -> None:
    """The administrator sets a temporary password; it must be changed at sign-in (R56)."""
    require_role(reg, ROLE_ADMIN)
    if username == reg.actor:
        raise BadInput("不能用重置功能修改自己的口令，请使用修改口令。")
    now = reg.clock.now()
    with reg.read() as s:
        if _require_account(s, username).disabled:
            raise AccountDisabled()
    _set_password(reg, username, temporary_password, now, must_change="管理员重置",
                  action="重置口令")
    unlock_account(reg, username, journal=False)


def disable_account(reg: Register, username: str) -> None:
    require_role(reg, ROLE_ADMIN)
    if username == reg.actor:
        raise BadInput("不能停用当前登录的账户。")
    with reg.operation("停用账户") as s:
        account = _require_account(s, username)
        if account.disabled:
            raise BadInput(f"账户 {username} 已停用。")
        account.disabled = True
    reg.keyfile.disable(username)
    reg.keyfile.save()


def unlock_account(reg: Register, username: str, *, journal: bool = True) -> None:
    require_role(reg, ROLE_ADMIN)
    with reg.operation("解锁账户") as s:
        account = _require_account(s, username)
        if journal:
            append_entries(s, [{"action": "解锁账户", "obj_type": "account",
                                "obj_id": account.username, "after": {"username": account.username}}])
    slot = reg.keyfile.find(username)
    if slot is not None:
        reg.keyfile.clear_failures(slot)
        reg.keyfile.save()


def list_accounts(reg: Register) -> list[AccountInfo]:
    require_role(reg, ROLE_ADMIN)
    now = reg.clock.now()
    with reg.read() as s:
        out = []
        for a in s.scalars(select(Account).order_by(Account.id)):
            slot = reg.keyfile.find(a.username)
            out.append(AccountInfo(a.username, a.display_name, tuple(sorted(a.role_set)), a.disabled,
                                   passwords.change_reason(s, a, now), a.password_changed_at,
                                   a.last_login_at,
                                   reg.keyfile.minutes_locked(slot, now) if slot else 0))
        return out


def replace_recovery_code(reg: Register) -> str:
    """A new recovery code after the old one was used or its envelope opened.

    The old code stops working at once; the new one is shown once, to be
    printed, sealed and kept in the safe.  Journaled (never the code itself).
    """
    require_role(reg, ROLE_ADMIN)
    code = new_recovery_code()
    with reg.operation("更换恢复码") as s:
        append_entries(s, [{"action": "更换恢复码", "obj_type": "register", "obj_id": "recovery",
                            "after": {"replaced_by": reg.actor}}])
    reg.keyfile.put(RECOVERY, normalize(code), reg.data_key, kind="recovery")
    reg.keyfile.save()
    return code
