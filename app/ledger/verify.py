"""`baomi verify`: recompute the hash chain and replay it against the tables (R54).

A row edited, inserted or deleted behind the program's back (raw SQL with the
key) differs from what the journal says the row must be; a chain rewritten
from some point on no longer passes through a checkpoint printed earlier.

What is checked, entry by entry in sequence: the sequence has no gap, the chain
(prev_hash, hash) holds, the index columns (seq, account, action, obj_type,
obj_id and `at`) agree with the body, each entry starts from the row the journal
last recorded (continuity); then every row of every journaled table must equal
its last journaled `after`, and a journaled row must not be missing.

How, fast: Python hashes each entry; the other checks of most entries run in
SQLite (app/ledger/verify_sql.py proves an entry by writing its body again and
comparing).  The entries SQL does not prove, and the rows they name, go through
the checks in Python (`_SlowPath`, `_replay`), which read what else they need
(an earlier `after`) from the journal: Python keeps no row's text.  With a second
core the proof runs on a second connection in a helper thread (`_Helper`).
"""
from __future__ import annotations

import hashlib
import json
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from app.crypto.canonical import canonical_json, to_jsonable
from app.crypto.journal_hash import GENESIS, checkpoint_text
from app.errors import BadInput, PermissionDenied
from app.ledger.verify_sql import FastTable, Plan, busiest_first, plan, processor, q
from app.models import Base
from app.models.accounts import ROLE_ADMIN, ROLE_CLERK, ROLE_INSPECTOR
from app.models.journal import JournalEntry
from app.store.engine import bulk_page_cache
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
    """The hash chain, the index columns, the continuity of every row and the replay
    of the journal against the tables (R54); `checkpoint_` (SEQ:HASH12) must lie on
    the chain."""
    wanted = parse_checkpoint(checkpoint_) if checkpoint_ else None
    report = VerifyReport()
    tables = journaled_tables()
    with reg.read() as s, bulk_page_cache(s.connection()):
        # One read transaction (one snapshot) for every statement below; the driver's
        # own cursor, because a row through SQLAlchemy costs more than hashing it.
        cur = s.connection().connection.cursor()
        journal = _Journal(cur)
        try:
            proofs = plan(tuple(tables.items()), busiest_first(cur, tables))
            slow = _SlowPath(tables, proofs, journal)
            with _unproven_entries(reg, cur, proofs) as unproven:
                _journal_pass(cur, unproven, slow, report, progress)
                keys = {name: unproven.keys(name) for name in proofs.fast}
            if wanted and not _on_chain(cur, *wanted):
                report.problems.append(
                    f"日志不再经过检查点 {checkpoint_}：该检查点之后（或之前）的日志被改写。")
            deleted: list[tuple[str, str]] = []
            for name, cls in tables.items():
                if name in proofs.fast:
                    rows, named = _rows_left(cur, proofs.fast[name], keys[name], slow, journal)
                else:
                    rows, named = _all_rows(cur, cls), journal.objects(name)
                named -= _replay(rows, name, cls, journal, report)
                # Named, not found, and with an `after` to replay: deleted.
                deleted += [(name, obj_id) for obj_id in named if journal.last_after(name, obj_id)[0]]
        finally:
            journal.close()
            cur.close()
    for (name, obj_id) in sorted(deleted):
        report.problems.append(f"表 {name} 中编号 {obj_id} 的记录在日志中存在，但已从表中删除。")
    return report


# -- the journal pass ---------------------------------------------------------------

def _journal_pass(cur: Any, unproven: _Unproven, slow: _SlowPath, report: VerifyReport,
                  progress: Callable[[int], None] | None) -> None:
    """Chain every entry; hand those SQL did not prove to the slow path.  Kept tight:
    this loop runs once per entry and is most of a verify's time.

    An entry is proven when its 5th column (the proof, up to the seq where a helper
    takes over) is set and the helper did not say it is not: it says so for each entry
    it did not prove and, now and then, for one it did, so that this loop need not
    wait for it to find the next one."""
    problems = report.problems
    sha256 = hashlib.sha256
    # The index columns of an entry left to Python, read when it comes up: its page
    # is then in SQLite's cache (fetching them for every entry costs more).
    index_columns = cur.connection.cursor()
    prev, next_seq, n, seq, h = GENESIS, 1, 0, 0, GENESIS
    told, unproven_told = unproven.next()
    try:
        for seq, body, prev_hash, h, proven in cur.execute(unproven.journal_sql, (unproven.split,)):
            if seq != next_seq:
                problems.append(f"日志序号不连续：应为 {next_seq}，实为 {seq}（有条目被删除或插入）。")
            # (prev + body) as UTF-8 is prev's ASCII bytes followed by the body's: chain_hash.
            if prev_hash != prev or sha256((prev + body).encode("utf-8")).hexdigest() != h:
                problems.append(f"日志第 {seq} 条的哈希链断裂（条目被改动）。")
            if seq >= told or not proven:
                while told < seq:  # a seq that is not there (a gap)
                    told, unproven_told = unproven.next()
                if seq == told:
                    proven = not unproven_told
                    told, unproven_told = unproven.next()
                if not proven:
                    slow.entry(seq, *index_columns.execute(_INDEX_COLUMNS, (seq,)).fetchone(), body, report)
            prev, next_seq = h, seq + 1
            n += 1
            if progress and n % BATCH == 0:
                progress(n)
    finally:
        index_columns.close()
    report.entries, report.head_seq, report.head_hash = n, (seq if n else 0), (h if n else GENESIS)


def _on_chain(cur: Any, seq: int, short_hash: str) -> bool:
    row = cur.execute("SELECT hash FROM journal WHERE seq = ?", (seq,)).fetchone()
    return row is not None and row[0].startswith(short_hash)


_INDEX_COLUMNS = "SELECT account, action, obj_type, obj_id, at FROM journal WHERE seq = ?"
_HEAD = "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1"
_END = (1 << 63) - 1  # after the last entry (an int, and one SQLite takes: the largest)


class _Unproven:
    """Which entries SQL did not prove: here, all in the journal query itself (its 5th
    column up to `split`); `_Helper` proves those after `split` on a second connection."""

    split = _END

    def __init__(self, proofs: Plan, cur: Any) -> None:
        self.journal_sql = proofs.journal_sql
        self._keys = dict(cur.execute(proofs.keys_sql).fetchall())

    def keys(self, table: str) -> int:
        """How many rows of `table` the journal names (call after the journal pass)."""
        return self._keys.get(table, 0)

    def next(self) -> tuple[int, bool]:
        """(seq, not proven) of the next entry the proof tells about (_END: no more);
        the entries before it not told about are proven."""
        return _END, False

    def stop(self) -> None:
        pass


class _Helper(_Unproven):
    """The proof on a second read connection, in a thread of its own, while this one
    hashes: SQLite releases the GIL while it steps, and the proof query hands back
    only the few entries it did not prove (and every 2048th), so the two run side by
    side (with two cores, a verify takes about as long as the longer of the two).
    The hashing thread proves the first tenth itself: it has less to do, and the
    helper reads only the rest of the journal."""

    def __init__(self, proofs: Plan, cur: Any, entries: int) -> None:
        self.journal_sql = proofs.journal_sql
        self.split = entries // 10
        self._cur = cur
        self._proofs = proofs
        self._keys: dict[str, int] = {}
        self._results: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="verify-proof", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            # Each row at once: this thread may be the slower one, and the other waits.
            for row in self._cur.execute(self._proofs.told_sql, (self.split,)):
                self._results.put(row)
            self._keys = dict(self._cur.execute(self._proofs.keys_sql).fetchall())
            self._results.put((_END, False))  # (after _keys: read once this is)
        except BaseException as e:  # noqa: BLE001 - handed to the verifying thread
            self._results.put(e)

    def next(self) -> tuple[int, bool]:
        item = self._results.get()
        if isinstance(item, BaseException):
            self._results.put(item)  # (again, should it be asked again)
            raise item
        if item[0] == _END:
            self._results.put(item)
        return item

    def stop(self) -> None:
        if self._thread.is_alive():
            self._cur.connection.interrupt()  # a cancelled or failed verify
        self._thread.join()


@contextmanager
def _unproven_entries(reg: Register, cur: Any, proofs: Plan) -> Iterator[_Unproven]:
    """A `_Helper` on a second connection when there is a second core and that
    connection sees the same journal, else the proof in the journal query itself.

    Hazard: the two connections each take a snapshot.  Every write of the program
    adds journal entries, so equal heads (read after both began) mean the same
    register; a raw write landing between the two reads (a millisecond) would be
    judged as of either moment, as if it came just after the verify."""
    head = cur.execute(_HEAD).fetchall()  # (this connection's snapshot began earlier)
    if not _helper_wanted(head[0][0] if head else 0):
        yield _Unproven(proofs, cur)
        return
    with reg.read() as s, bulk_page_cache(s.connection()):
        helper_cur = s.connection().connection.cursor()
        try:
            if helper_cur.execute(_HEAD).fetchall() != head:
                yield _Unproven(proofs, cur)
                return
            helper = _Helper(proofs, helper_cur, head[0][0])
            try:
                yield helper
            finally:
                helper.stop()
        finally:
            helper_cur.close()


def _helper_wanted(entries: int) -> bool:
    """A journal long enough to repay a second connection, and a second core free.

    The helper reads the journal a second time: with no core to spare that is only
    more work (1,000,000 carriers: 20 s with it on an idle machine, 33 s without it,
    41 s with it while another program kept a core busy).  The load average (POSIX;
    Windows has none) is the measure at hand: below the number of cores, some core
    is free much of the time (this verify's own last run counts in it)."""
    cores = os.cpu_count() or 1
    if entries < 20_000 or cores < 2:
        return False
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return True
    return load < cores


# -- the checks in Python -------------------------------------------------------------

class _Journal:
    """What the checks in Python read back from the journal (the same snapshot)."""

    def __init__(self, cur: Any) -> None:
        self._cur = cur.connection.cursor()

    def last_after(self, obj_type: str, obj_id: Any, before_seq: int = _END) -> tuple[bool, Any]:
        """(True, its `after`) of the last entry of the row (before `before_seq`) that has
        one, parsed as Python parses it; (False, None) when there is none.  A body that
        is not a JSON object is passed over (it is reported where it stands)."""
        for (body,) in self._cur.execute(
                "SELECT body FROM journal WHERE obj_type = ? AND obj_id = ? AND seq < ? "
                "ORDER BY seq DESC", (obj_type, obj_id, before_seq)):
            entry = _parse_entry(body)
            if entry is not None and entry.get("after") is not None:
                return True, entry["after"]
        return False, None

    def last_seq(self, obj_type: str, obj_id: Any) -> int:
        return self._cur.execute("SELECT max(seq) FROM journal WHERE obj_type = ? AND obj_id = ?",
                                 (obj_type, obj_id)).fetchone()[0]

    def objects(self, obj_type: str) -> set[Any]:
        """The obj_ids the journal names for `obj_type`."""
        return {obj_id for (obj_id,) in self._cur.execute(
            "SELECT DISTINCT obj_id FROM journal WHERE obj_type = ?", (obj_type,))}

    def close(self) -> None:
        self._cur.close()


_UNREADABLE = object()  # a stored value the program could not have written: equals nothing


class _SlowPath:
    """The checks of one entry in Python: its body parsed, compared with the index
    columns, continuity with the row's previous `after` (read from the journal).
    `last` keeps, per fast table, the seq of the last entry of each row seen here,
    for the replay (a row whose last entry SQL proved needs nothing more)."""

    def __init__(self, tables: dict[str, type[Base]], proofs: Plan, journal: _Journal) -> None:
        self.tables = tables
        self.journal = journal
        self.last: dict[str, dict[Any, int]] = {name: {} for name in proofs.fast}
        self._at = processor(JournalEntry.__table__.c.at)

    def entry(self, seq: int, account: Any, action: Any, obj_type: Any, obj_id: Any, at: Any,
              body: str, report: VerifyReport) -> None:
        if obj_type in self.last:
            self.last[obj_type][obj_id] = seq
        entry = _parse_entry(body)
        if entry is None:
            report.problems.append(f"日志第 {seq} 条的内容不是有效的日志条目（被改动）。")
            return
        if (entry.get("seq"), entry.get("account"), entry.get("action"), entry.get("obj_type"),
                entry.get("obj_id"), entry.get("at")) != (seq, account, action, obj_type, obj_id,
                                                          self._at_text(at)):
            report.problems.append(f"日志第 {seq} 条的索引列与其内容不符（被改动）。")
        if obj_type in self.tables and entry.get("after") is not None:
            found, prior = self.journal.last_after(obj_type, obj_id, seq)
            _check_continuity(seq, (obj_type, obj_id), found, prior, entry, report)

    def _at_text(self, at: Any) -> Any:
        """The `at` column as the body writes it; a value the ORM cannot read equals nothing."""
        try:
            return to_jsonable(self._at(at) if self._at else at)
        except (ValueError, TypeError):
            return _UNREADABLE


def _parse_entry(body: str) -> dict | None:
    try:
        entry = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return entry if type(entry) is dict else None


def _check_continuity(seq: int, key: tuple[str, str], found: bool, last: Any, entry: dict,
                      report: VerifyReport) -> None:
    """An entry must start from the row the journal last recorded (`last`, when `found`).

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
    if not found and before is None:
        return  # a normal insert
    if not found:
        report.problems.append(f"{row}之前不在日志中（绕过程序被插入）。")
        return
    if before is None:
        report.problems.append(f"{row}被再次插入（此前已绕过程序删除）。")
        return
    after = entry["after"]
    if not (type(last) is dict and type(after) is dict and type(before) is dict):
        report.problems.append(f"{row}之前已被绕过程序改动（内容格式不符）。")
        return
    # None in `before` means the old value was not loaded, not that it was NULL.
    stale = {c for c, v in after.items() if c not in before and last.get(c) != v}
    stale |= {c for c, v in before.items() if v is not None and last.get(c) != v}
    if stale:
        report.problems.append(f"{row}之前已被绕过程序改动（{'、'.join(sorted(stale))}）。")


# -- the replay -----------------------------------------------------------------------

def _rows_left(cur: Any, table: FastTable, keys: int, slow: _SlowPath,
               journal: _Journal) -> tuple[list[tuple[int, tuple]], set[Any]]:
    """The rows of a fast table the replay must look at, and the obj_ids whose last
    entry SQL did not prove (their rows, if any, are among those rows).

    A row whose last entry SQL proved equals it.  The others are the rows of the
    entries the slow path saw last and, when the count of rows says there are more
    (`keys` rows are named in the journal), the rows no entry names."""
    seen = slow.last[table.name]
    left = {obj_id for obj_id, seq in seen.items() if journal.last_seq(table.name, obj_id) == seq}
    rows = _rows_by_id(cur, table, left)
    total = cur.execute(f"SELECT count(*) FROM {q(table.name)}").fetchone()[0]
    if total != keys - len(left) + len(rows):
        # Rows no entry names (inserted behind the program); rare, so a full scan.
        ids = {rowid for rowid, _ in rows}
        rows += [r for r in _unjournaled_rows(cur, table) if r[0] not in ids]
    rows.sort(key=lambda r: r[0])  # table order, as a plain scan gives the rows
    return rows, left


def _replay(rows: Iterable[tuple[int, tuple]], name: str, cls: type[Base], journal: _Journal,
            report: VerifyReport) -> set[Any]:
    """Each row, in order, against its last journaled `after`; returns the obj_ids
    matched (a second row of the same obj_id is one the journal does not know)."""
    columns = list(cls.__table__.columns)
    keys = [c.key for c in columns]
    procs = [processor(c) for c in columns]
    pk = [keys.index(c.key) for c in cls.__table__.primary_key.columns]
    redact = [k for k in keys if k in cls.__journal_redact__]
    matched: set[Any] = set()
    for _, raw in rows:
        loaded, readable = _load(procs, raw)
        obj_id = "/".join(str(loaded[i]) for i in pk)
        found, want = journal.last_after(name, obj_id) if obj_id not in matched else (False, None)
        matched.add(obj_id)
        if not found:
            report.problems.append(f"表 {name} 中编号 {obj_id} 的记录不在日志中（绕过程序被插入）。")
            continue
        # The row as row_dict journals it: JSON scalars, redacted columns hashed.
        values = {k: v if type(v) in _JSON_SCALARS else to_jsonable(v) for k, v in zip(keys, loaded)}
        if readable and redact:
            values.update(row_dict(cls, {k: values[k] for k in redact}))
        if not readable or not _same_row(want, values) and canonical_json(values) != canonical_json(want):
            report.problems.append(f"表 {name} 中编号 {obj_id} 的记录与日志不符（绕过程序被改动）。")
    return matched


def _load(procs: list[Callable | None], raw: tuple) -> tuple[list, bool]:
    """The row as `select(table)` gives it; False when a stored value is one the ORM
    cannot read (a date in another form, text in a date column), which the program
    never writes, so the row cannot equal its journal (it is kept as stored)."""
    loaded = list(raw)
    readable = True
    for i, proc in enumerate(procs):
        if proc is not None:
            try:
                loaded[i] = proc(raw[i])
            except (ValueError, TypeError):
                readable = False
    return loaded, readable


def _select_rows(cls: type[Base]) -> str:
    cols = ", ".join(f"c.{q(c.name)}" for c in cls.__table__.columns)
    return f"SELECT c.rowid, {cols} FROM {q(cls.__tablename__)} c"


def _all_rows(cur: Any, cls: type[Base]) -> list[tuple[int, tuple]]:
    return [(row[0], row[1:]) for row in cur.execute(_select_rows(cls) + " ORDER BY c.rowid")]


def _rows_by_id(cur: Any, table: FastTable, ids: set[Any]) -> list[tuple[int, tuple]]:
    """The rows whose obj_id (str of the key) is in `ids`."""
    texts = [i for i in ids if type(i) is str]
    keys = sorted(int(i) for i in texts if _is_int_text(i)) if table.integer_key else sorted(texts)
    out: list[tuple[int, tuple]] = []
    sql = _select_rows(table.cls) + f" WHERE c.{q(table.pk.name)} IN "
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        out += [(r[0], r[1:]) for r in cur.execute(sql + f"({', '.join('?' * len(chunk))})", chunk)]
    return out


def _is_int_text(text: str) -> bool:
    """True for the text str() gives for an int (not "05", " 5" or other digits)."""
    try:
        return str(int(text)) == text
    except ValueError:
        return False


def _unjournaled_rows(cur: Any, table: FastTable) -> list[tuple[int, tuple]]:
    pk = f"c.{q(table.pk.name)}"
    kind = "integer" if table.integer_key else "text"  # any other: str() is not CAST's text
    sql = (_select_rows(table.cls) + f" WHERE typeof({pk}) <> '{kind}' OR NOT EXISTS "
           f"(SELECT 1 FROM journal k WHERE k.obj_type = ? AND k.obj_id = CAST({pk} AS TEXT))")
    return [(r[0], r[1:]) for r in cur.execute(sql, (table.name,))]


_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})
_EXACT = frozenset({str, int, bool, type(None)})


def _same_row(journaled: Any, values: dict) -> bool:
    """True only when canonical_json(values) == canonical_json(journaled), decided
    without writing them out.

    `journaled` is a row's `after` as parsed from the journal.  Two dicts of JSON
    scalars have the same canonical JSON exactly when they have the same keys and
    every value has the same type and is equal (floats: the same repr, as json writes
    them), so True is never wrong.  False only means "not shown equal here": the
    caller then compares the canonical bytes, so a value of an unexpected type costs
    time, never a verdict.
    """
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
