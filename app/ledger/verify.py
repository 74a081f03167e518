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

from app.crypto.canonical import canonical_json, to_jsonable
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
        cols = (j.c.seq, j.c.account, j.c.action, j.c.obj_type, j.c.obj_id, j.c.body,
                j.c.prev_hash, j.c.hash)
        for seq, account, action, obj_type, obj_id, body, prev_hash, h in \
                s.execute(select(*cols).order_by(j.c.seq)).yield_per(BATCH):
            if seq != next_seq:
                report.problems.append(f"日志序号不连续：应为 {next_seq}，实为 {seq}（有条目被删除或插入）。")
            if prev_hash != prev or chain_hash(prev, body.encode("utf-8")) != h:
                report.problems.append(f"日志第 {seq} 条的哈希链断裂（条目被改动）。")
            after = _inserted_after(body, seq, account, action, obj_type, obj_id)
            if after is not None:
                # An entry without `before` whose index columns match: nothing to parse.
                if obj_type in tables and after != "null":
                    key = (obj_type, obj_id)
                    _check_continuity(seq, key, expected.get(key), _NO_BEFORE, report)
                    expected[key] = after.encode("utf-8")
            else:
                entry = json.loads(body)
                if (entry["seq"], entry["account"], entry["action"], entry["obj_type"],
                        entry["obj_id"]) != (seq, account, action, obj_type, obj_id):
                    report.problems.append(f"日志第 {seq} 条的索引列与其内容不符（被改动）。")
                if obj_type in tables and entry.get("after") is not None:
                    key = (obj_type, obj_id)
                    _check_continuity(seq, key, expected.get(key), entry, report)
                    after = _after_text(body, entry)
                    expected[key] = (after.encode("utf-8") if after is not None
                                     else canonical_json(entry["after"]))
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


_NO_BEFORE: dict = {"before": None}


def _json_text(value: object) -> str:
    """`value` as canonical_json writes it inside a body (a fast path for plain strings)."""
    if isinstance(value, str) and '"' not in value and "\\" not in value and value.isprintable():
        return '"' + value + '"'
    return json.dumps(value, ensure_ascii=False)


def _inserted_after(body: str, seq: int, account: str, action: str, obj_type: str,
                    obj_id: str) -> str | None:
    """The `after` of an entry with no `before` (an insert), as the canonical JSON text
    inside `body`, when the body's seq, account, action, obj_type and obj_id equal the
    index columns; None for any other entry (then the body is parsed in full).

    Why: most entries are inserts, and parsing every body with json.loads and writing
    its `after` again with canonical_json was a third of the time of a verify.  The body
    is canonical JSON (sorted keys, no whitespace), so its text is fixed by its values:
    it starts with the account, the action and "after", and ends with "before", obj_id,
    obj_type and seq.  Between `after` and "before" is only "at", whose value (a time)
    holds no quote, so the last `,"at":` before the end is the key, never text inside
    `after`.  The `after` text is the canonical JSON of `after` (what canonical_json
    would give after parsing), so the replay compares the same bytes either way.
    """
    start = '{"account":' + _json_text(account) + ',"action":' + _json_text(action) + ',"after":'
    end = (',"before":null,"obj_id":' + _json_text(obj_id) + ',"obj_type":' + _json_text(obj_type)
           + ',"seq":' + str(seq) + "}")
    if not (body.startswith(start) and body.endswith(end)):
        return None
    at = body.rfind(',"at":', len(start), len(body) - len(end))
    return body[len(start):at] if at > len(start) else None


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


def _after_text(body: str, entry: dict) -> str | None:
    """The canonical JSON text of a parsed entry's `after`, cut from its body (see
    `_inserted_after`): cheaper than writing `after` again, since `before` holds only
    the changed columns.  None when the body is not laid out as expected."""
    start = ('{"account":' + _json_text(entry["account"]) + ',"action":' + _json_text(entry["action"])
             + ',"after":')
    end = (',"before":' + canonical_json(entry["before"]).decode("utf-8") + ',"obj_id":'
           + _json_text(entry["obj_id"]) + ',"obj_type":' + _json_text(entry["obj_type"])
           + ',"seq":' + _json_text(entry["seq"]) + "}")
    if not (body.startswith(start) and body.endswith(end)):
        return None
    at = body.rfind(',"at":', len(start), len(body) - len(end))
    return body[len(start):at] if at > len(start) else None


def _replay_table(s, name: str, cls: type[Base], expected: dict, report: VerifyReport) -> None:
    table = cls.__table__
    keys = [c.key for c in table.columns]
    pk = [keys.index(c.key) for c in table.primary_key.columns]
    single = pk[0] if len(pk) == 1 else None
    redact = [k for k in keys if k in cls.__journal_redact__]
    for row in s.execute(select(table)).yield_per(BATCH):
        obj_id = str(row[single]) if single is not None else "/".join(str(row[i]) for i in pk)
        want = expected.pop((name, obj_id), None)
        if want is None:
            report.problems.append(f"表 {name} 中编号 {obj_id} 的记录不在日志中（绕过程序被插入）。")
            continue
        # The row as row_dict journals it: JSON scalars, redacted columns hashed.
        values = {k: v if type(v) in _JSON_SCALARS else to_jsonable(v) for k, v in zip(keys, row)}
        if redact:
            values.update(row_dict(cls, {k: values[k] for k in redact}))
        if not _same_row(want, values) and canonical_json(values) != want:
            report.problems.append(f"表 {name} 中编号 {obj_id} 的记录与日志不符（绕过程序被改动）。")


_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})
_EXACT = frozenset({str, int, bool, type(None)})


def _same_row(want: bytes, values: dict) -> bool:
    """True only when canonical_json(values) == want, decided without writing `values`
    out (a third of a verify's time went into canonical_json of every row).

    `want` is the canonical JSON of a row as journaled.  Two dicts of JSON scalars have
    the same canonical JSON exactly when they have the same keys and every value has the
    same type and is equal (floats: the same repr, as json writes them), so True is
    never wrong.  False only means "not shown equal here": the caller then compares
    the canonical bytes, so a value of an unexpected type costs time, never a verdict.
    """
    try:
        journaled = json.loads(want)
    except ValueError:
        return False
    if type(journaled) is not dict or len(journaled) != len(values):
        return False
    for key, w in journaled.items():
        if key not in values:
            return False
        v = values[key]
        t = type(v)
        if t is not type(w):
            return False
        if t is float:
            if repr(v) != repr(w):
                return False
        elif t not in _EXACT or v != w:
            return False
    return True
