"""The desktop session around an open register: lock, unlock, drafts, the hour (R53).

Plain Python like the rest of app/ledger: the idle watcher and the lock screen
in app/ui decide *when*; these functions do the writing, each in one
`reg.operation`, so that lock, unlock, session timeout and forced exit are in
the hash-chained journal.

Hazard: after `lock()` the data key is gone, so nothing can be written until
`unlock()`.  When the hour (R53) comes while locked, the timeout and the exit
are kept as pending events in the keyslot file (like failed sign-ins) and
carried into the journal at the next successful sign-in.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.errors import RegisterUnusable
from app.ledger import accounts, passwords, settings
from app.models.movements import Draft
from app.store.journaling import append_entries
from app.store.register import Register

SESSION = "session"
# Actions as they appear in the journal.
LOCKED, UNLOCKED, TIMEOUT, FORCED_EXIT, SIGNED_OUT = "锁定", "解锁", "会话超时", "强制退出", "退出"


@dataclass(frozen=True)
class SessionInfo:
    unit: str
    level: str
    idle_minutes: int


@dataclass(frozen=True)
class DraftInfo:
    id: int
    form: str
    saved_at: datetime
    data: dict[str, Any]


# -- what the windows show ------------------------------------------------------

def session_info(reg: Register) -> SessionInfo:
    """Unit name, register level and the idle-lock minutes (R53: at most 60)."""
    with reg.read() as s:
        idle = int(settings.get(s, "idle_minutes"))
        return SessionInfo(settings.get(s, "unit_name"), settings.get(s, "level"),
                           max(1, min(60, idle)))


def rules_text(min_length: int, max_age_days: int) -> str:
    return (f"口令长度不少于 {min_length} 位，须包含大写字母、小写字母、数字、符号中的至少三类，"
            f"不得包含用户名，不得重复使用最近 {passwords.HISTORY} 次用过的口令；"
            f"口令最长使用 {max_age_days} 天，到期须修改（R51）。")


def level_rules_text(level: str) -> str:
    """The password rules of a register of `level`, before it exists (set-up wizard)."""
    # The floors are the register's defaults; settings may only make them stricter.
    length, age = settings._password_floor(level)
    return rules_text(length, age)


def register_rules_text(reg: Register) -> str:
    with reg.read() as s:
        pol = passwords.policy(s)
    return rules_text(pol.min_length, pol.max_age_days)


def setup_password_problem(level: str, username: str, password: str) -> str | None:
    """A quick check in the set-up wizard before the slow key derivation.

    `create_register` checks again with `passwords.check_new_password`; this
    only saves the clerk a second of waiting for a refusal.
    """
    length, _ = settings._password_floor(level)
    if len(password) < length:
        return f"口令长度不得少于 {length} 位。"
    if passwords.char_classes(password) < 3:
        return "口令须包含大写字母、小写字母、数字、符号中的至少三类。"
    if username and username.strip().casefold() in password.casefold():
        return "口令不得包含用户名。"
    return None


# -- lock and unlock --------------------------------------------------------------

def _journal(reg: Register, action: str, after: dict[str, Any]) -> None:
    with reg.operation(action) as s:
        append_entries(s, [{"action": action, "obj_type": SESSION, "obj_id": reg.actor,
                            "after": {"account": reg.actor, **after}}])


def lock(reg: Register, *, reason: str) -> None:
    """Journal the lock, then drop the data key (R53: away less than an hour)."""
    _journal(reg, LOCKED, {"reason": reason})
    reg.drop_keys()


def is_locked(reg: Register) -> bool:
    try:
        _ = reg.data_key  # raises once the key is dropped
    except RegisterUnusable:
        return True
    return False


def unlock(reg: Register, password: str, *, retire_drafts: list[int] | tuple[int, ...] = ()) -> None:
    """Re-derive the data key from the signed-in account's keyslot and reopen.

    Failures count exactly as at sign-in (five wrong passwords lock the account
    for the configured minutes).  `retire_drafts` are drafts written at lock
    time: their forms are still open with the same input, so they are marked
    used in the same transaction as the 解锁 entry.
    """
    key = accounts._unwrap(reg.keyfile, reg.actor, password, reg.clock.now())
    reg.reopen(key)
    with reg.operation(UNLOCKED) as s:
        accounts._carry_pending_events(s, reg.keyfile)
        append_entries(s, [{"action": UNLOCKED, "obj_type": SESSION, "obj_id": reg.actor,
                            "after": {"account": reg.actor}}])
        _mark_used(s, reg.actor, retire_drafts)
    if reg.keyfile.pending_events:
        reg.keyfile.pending_events = []
        reg.keyfile.save()


# -- drafts -------------------------------------------------------------------------

def save_drafts(reg: Register, items: list[tuple[str, dict[str, Any]]]) -> list[int]:
    """Unsaved form input kept in the encrypted register; returns the draft ids."""
    if not items:
        return []
    now = reg.clock.now()
    with reg.operation("保存草稿") as s:
        drafts = [Draft(account=reg.actor, form=form, saved_at=now,
                        data=json.dumps(data, ensure_ascii=False, sort_keys=True), used=False)
                  for form, data in items]
        s.add_all(drafts)
        s.flush()
        return [d.id for d in drafts]


def pending_drafts(reg: Register) -> list[DraftInfo]:
    """The signed-in account's drafts not yet restored or discarded, oldest first."""
    with reg.read() as s:
        rows = s.scalars(select(Draft).where(Draft.account == reg.actor, Draft.used.is_(False))
                         .order_by(Draft.id)).all()
        return [DraftInfo(d.id, d.form, d.saved_at, json.loads(d.data)) for d in rows]


def mark_drafts_used(reg: Register, ids: list[int] | tuple[int, ...], *,
                     action: str = "取用草稿") -> None:
    """Restored or discarded: a draft is offered once (rows are never deleted)."""
    if not ids:
        return
    with reg.operation(action) as s:
        _mark_used(s, reg.actor, ids)


def _mark_used(s: Any, account: str, ids: list[int] | tuple[int, ...]) -> None:
    if not ids:
        return
    for d in s.scalars(select(Draft).where(Draft.id.in_(list(ids)), Draft.account == account)):
        d.used = True


# -- the hour (R53) and a normal exit -----------------------------------------------

def end_session(reg: Register, *, drafts: list[tuple[str, dict[str, Any]]],
                idle_minutes: int, power_off: bool) -> list[int]:
    """An hour without input while unlocked: drafts, timeout and exit in one transaction.

    Closes the register (keys dropped, instance lock released).  Returns the
    ids of the drafts written.
    """
    now = reg.clock.now()
    with reg.operation(TIMEOUT) as s:
        new = [Draft(account=reg.actor, form=form, saved_at=now,
                     data=json.dumps(data, ensure_ascii=False, sort_keys=True), used=False)
               for form, data in drafts]
        s.add_all(new)
        s.flush()
        append_entries(s, [
            {"action": TIMEOUT, "obj_type": SESSION, "obj_id": reg.actor,
             "after": {"account": reg.actor, "idle_minutes": idle_minutes,
                       "drafts": [d.id for d in new]}},
            {"action": FORCED_EXIT, "obj_type": SESSION, "obj_id": reg.actor,
             "after": {"account": reg.actor, "power_off": power_off}}])
        ids = [d.id for d in new]
    reg.close()
    return ids


def end_locked_session(reg: Register, *, power_off: bool) -> None:
    """The hour came while locked: no key, so the events wait in the keyslot file.

    They become journal entries (obj_type "account") at the next sign-in or unlock.
    """
    now = reg.clock.now().isoformat(sep=" ")
    lookup = reg.keyfile.lookup_for(reg.actor)
    reg.keyfile.pending_events.append({"time": now, "lookup": lookup, "event": TIMEOUT})
    reg.keyfile.pending_events.append({"time": now, "lookup": lookup,
                                       "event": FORCED_EXIT + ("（关机）" if power_off else "")})
    try:
        reg.keyfile.save()
    finally:
        reg.close()


def sign_out(reg: Register) -> None:
    """A normal exit: journal it and close the register."""
    try:
        if not is_locked(reg):
            _journal(reg, SIGNED_OUT, {})
    finally:
        reg.close()
