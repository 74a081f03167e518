"""The state of a carrier is what its movements make of it.

`next_state` is a pure function; every ledger operation calls it before it
writes, and `replay` recomputes a carrier's state from its movements so a test
(and verify) can compare the stored state with the history.
"""
from __future__ import annotations

from collections.abc import Iterable

from app.errors import RuleViolation

IN, OUT, CARRIED, SENT, RETURNED, ARCHIVED, DESTROYED, MISSING = (
    "在库", "借出", "外出携带", "已发出", "已清退", "已归档", "已销毁", "下落不明")

# kind -> {state it may happen in: state after}.  None as "after" keeps the state.
_TRANSITIONS: dict[str, dict[str, str | None]] = {
    "登记": {"": IN},
    "收文": {"": IN},
    "借出": {IN: OUT, ARCHIVED: OUT},  # 带出 turns OUT into CARRIED below
    "归还": {OUT: IN, CARRIED: IN},  # an archived carrier goes back to ARCHIVED below
    "发文": {IN: SENT},
    "回执": {SENT: None},  # the signed receipt of a dispatch comes back (R02, R25)
    "复制": {IN: None, ARCHIVED: None},
    "清查": {IN: None, OUT: None, CARRIED: None, ARCHIVED: None, MISSING: None},
    "清退": {IN: RETURNED},
    "销毁": {IN: DESTROYED},
    "归档": {IN: ARCHIVED},
    "定密": {s: None for s in (IN, OUT, CARRIED, ARCHIVED, SENT)},
    "变更": {s: None for s in (IN, OUT, CARRIED, ARCHIVED, SENT)},
    "解密": {s: None for s in (IN, OUT, CARRIED, ARCHIVED, SENT, RETURNED)},
    "交接": {IN: None, ARCHIVED: None, MISSING: None},  # a missing item is handed over as missing (R40)
    "丢失": {IN: MISSING, OUT: MISSING, CARRIED: MISSING, ARCHIVED: MISSING},
    "找回": {MISSING: IN},
    "更正": {s: None for s in (IN, OUT, CARRIED, SENT, RETURNED, ARCHIVED, DESTROYED, MISSING)},
}

_WHY_NOT = {
    DESTROYED: "该载体已销毁，不能再有任何流转",
    OUT: "该载体已借出，须先归还保密员",
    CARRIED: "该载体正被携带外出，须先归还保密员",
    SENT: "该载体已发出，不在本单位",
    RETURNED: "该载体已清退，不在本单位",
    MISSING: "该载体下落不明，须先找回",
    ARCHIVED: "该载体已归档",
}
_RULE_OF = {"借出": "R13", "归还": "R13", "销毁": "R32", "复制": "R20", "归档": "R33",
            "清退": "R30", "交接": "R40", "发文": "R25", "回执": "R25"}


def next_state(state: str, kind: str, detail: dict | None = None) -> str:
    """The state after a movement of `kind`, or RuleViolation when it cannot happen now."""
    detail = detail or {}
    allowed = _TRANSITIONS.get(kind)
    if allowed is None:
        raise ValueError(f"unknown movement kind {kind}")
    if state not in allowed:
        reason = _WHY_NOT.get(state, f"载体当前状态为{state}")
        if kind == "归还" and state in (IN, ARCHIVED):
            reason = "该载体不在借出状态，无需归还"
        rule = "R32" if state == DESTROYED else _RULE_OF.get(kind, "R13")
        raise RuleViolation(rule, f"{reason}，不能办理{kind}")
    after = allowed[state]
    if kind == "借出" and detail.get("place") == "带出":
        return CARRIED
    if kind == "归还" and detail.get("from_state") == ARCHIVED:
        return ARCHIVED
    if kind == "清查":
        return {"缺失": MISSING, "在": IN if state == MISSING else state}.get(
            detail.get("result", "在"), state)
    return state if after is None else after


def replay(events: Iterable[tuple[str, dict]]) -> str:
    """State after (kind, detail) movements in order, starting from nothing."""
    state = ""
    for kind, detail in events:
        state = next_state(state, kind, detail)
    return state
