"""`baomi verify`: recompute the hash chain and replay it against the tables (R54).

A row edited, inserted or deleted behind the program's back (raw SQL with the
key) differs from what the journal says the row must be; a chain rewritten
from some point on no longer passes through a checkpoint printed earlier.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from app.crypto.canonical import canonical_json
from app.crypto.journal_hash import GENESIS, chain_hash, checkpoint_text
from app.errors import BadInput, PermissionDenied
from app.models import Base
from app.models.accounts import ROLE_ADMIN, ROLE_CLERK, ROLE_INSPECTOR
from app.models.journal import JournalEntry
from app.store.journaling import row_dict
from app.store.register import Register

BATCH = 5000


@dataclass
class VerifyReport:
    entries: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def checkpoint(self) -> str:
        return checkpoint_text(self.head_seq, self.head_hash)


def parse_checkpoint(text: str) -> tuple[int, str]:
    try:
        seq, short = text.strip().split(":")
        if len(short) < 8 or int(short, 16) < 0:
            raise ValueError
        return int(seq), short.lower()
    except ValueError:
        raise BadInput("检查点格式应为 序号:哈希前12位，例如 1234:0a1b2c3d4e5f。") from None


def require_reviewer(reg: Register) -> None:
    """Reviewing the journal is the inspector's (or the clerk's) work, never the
    account administrator's: 三员分立 separates who manages accounts from who audits."""
    if ROLE_ADMIN in reg.roles:
        raise PermissionDenied("系统管理员不得审查日志（三员分立），请由检查人员或保密员执行校验。")
    if not reg.roles & {ROLE_INSPECTOR, ROLE_CLERK}:
        raise PermissionDenied(f"当前账户（{reg.actor}）没有权限校验日志，需要角色：检查人员或保密员。")


def journaled_tables() -> dict[str, type[Base]]:
    return {m.class_.__tablename__: m.class_ for m in Base.registry.mappers
            if getattr(m.class_, "__journaled__", False)}


def checkpoint(reg: Register) -> str:
    from app.store.journaling import head
    with reg.read() as s:
        return checkpoint_text(*head(s))


def verify(reg: Register, checkpoint_: str | None = None,
           progress: Callable[[int], None] | None = None) -> VerifyReport:
    wanted = parse_checkpoint(checkpoint_) if checkpoint_ else None
    report = VerifyReport()
    tables = journaled_tables()
    expected: dict[tuple[str, str], bytes] = {}
    seen_checkpoint = False
    with reg.read() as s:
        prev, next_seq = GENESIS, 1
        j = JournalEntry.__table__
        cols = (j.c.seq, j.c.at, j.c.account, j.c.action, j.c.obj_type, j.c.obj_id, j.c.body,
                j.c.prev_hash, j.c.hash)
        for seq, at, account, action, obj_type, obj_id, body, prev_hash, h in \
                s.execute(select(*cols).order_by(j.c.seq)).yield_per(BATCH):
            if seq != next_seq:
                report.problems.append(f"日志序号不连续：应为 {next_seq}，实为 {seq}（有条目被删除或插入）。")
            if prev_hash != prev or chain_hash(prev, body.encode("utf-8")) != h:
                report.problems.append(f"日志第 {seq} 条的哈希链断裂（条目被改动）。")
            entry = json.loads(body)
            if (entry["seq"], entry["account"], entry["action"], entry["obj_type"],
                    entry["obj_id"]) != (seq, account, action, obj_type, obj_id):
                report.problems.append(f"日志第 {seq} 条的索引列与其内容不符（被改动）。")
            if obj_type in tables and entry.get("after") is not None:
                key = (obj_type, obj_id)
                _check_continuity(seq, key, expected.get(key), entry, report)
                expected[key] = canonical_json(entry["after"])
            if wanted and seq == wanted[0]:
                seen_checkpoint = h.startswith(wanted[1])
            prev, next_seq = h, seq + 1
            report.entries += 1
            report.head_seq, report.head_hash = seq, h
            if progress and report.entries % BATCH == 0:
                progress(report.entries)
        if wanted and not seen_checkpoint:
            report.problems.append(
                f"日志不再经过检查点 {checkpoint_}：该检查点之后（或之前）的日志被改写。")
        for name, cls in tables.items():
            _replay_table(s, name, cls, expected, report)
    for (name, obj_id) in sorted(expected):
        report.problems.append(f"表 {name} 中编号 {obj_id} 的记录在日志中存在，但已从表中删除。")
    return report


def _check_continuity(seq: int, key: tuple[str, str], prior: bytes | None, entry: dict,
                      report: VerifyReport) -> None:
    """An entry must start from the row the journal last recorded.

    An entry's `after` is the whole row as the program saw it, so a row edited
    behind the program's back and later changed by the program would otherwise
    be laundered into the journal.  Columns the entry did not change must equal
    the previous `after`, the `before` of those it changed must too, and a row is
    inserted only once (rows are never deleted).  Hazard: a column with an ORM
    `onupdate` would change without appearing in `before`; the models use none.
    """
    name, obj_id = key
    before = entry.get("before")
    row = f"表 {name} 中编号 {obj_id} 的记录在日志第 {seq} 条"
    if prior is None and before is None:
        return  # a normal insert
    if prior is None:
        report.problems.append(f"{row}之前不在日志中（绕过程序被插入）。")
        return
    if before is None:
        report.problems.append(f"{row}被再次插入（此前已绕过程序删除）。")
        return
    last = json.loads(prior)
    # None in `before` means the old value was not loaded, not that it was NULL.
    stale = {c for c, v in entry["after"].items() if c not in before and last.get(c) != v}
    stale |= {c for c, v in before.items() if v is not None and last.get(c) != v}
    if stale:
        report.problems.append(f"{row}之前已被绕过程序改动（{'、'.join(sorted(stale))}）。")


def _replay_table(s, name: str, cls: type[Base], expected: dict, report: VerifyReport) -> None:
    table = cls.__table__
    pk = [c.name for c in table.primary_key.columns]
    for row in s.execute(select(table)).mappings().yield_per(BATCH):
        obj_id = "/".join(str(row[c]) for c in pk)
        want = expected.pop((name, obj_id), None)
        got = canonical_json(row_dict(cls, dict(row)))
        if want is None:
            report.problems.append(f"表 {name} 中编号 {obj_id} 的记录不在日志中（绕过程序被插入）。")
        elif want != got:
            report.problems.append(f"表 {name} 中编号 {obj_id} 的记录与日志不符（绕过程序被改动）。")
