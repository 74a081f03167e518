"""The SQL that proves journal entries for `verify` (R54), so that Python only hashes.

An entry is proven when SQLite shows, by comparing text it writes itself with the
stored body, everything the Python checks of `verify` would check for it:

- the body is the one text the program writes (canonical JSON: keys sorted, each
  once) and its index columns and `at` column say what the body says;
- continuity: a row's first entry has no `before`; a later one has a `before` that,
  laid over its `after`, gives the `after` of the row's previous entry;
- the replay: the row's last entry has the row as it is now as its `after`.

For a row's one entry that is a single comparison with the body written from the
table row (`_body_sql`).  The proof is only a filter: it never calls "equal" what
the Python checks would call different (`column_sql`, tried value by value in
tests/ledger/test_verify_sql.py); what it cannot show goes to Python.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, String
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import processors

from app.models import Base
from app.models.journal import JournalEntry

_DIALECT = sqlite.dialect()


@dataclass
class FastTable:
    """A table whose entries SQL proves: a key of one column, an integer (the rowid) or
    a text (a unique index), so that each lookup is a seek and str() of the key is
    the text of the key as SQLite stores it (the journal names rows by str())."""
    name: str
    cls: type[Base]
    pk: Column

    @property
    def integer_key(self) -> bool:
        return type(self.pk.type) is Integer


@dataclass
class Plan:
    fast: dict[str, FastTable]
    journal_sql: str  # the journal in order, with the proof as its 5th column up to seq ?1
    told_sql: str  # after seq ?1: (seq, not proven) of the entries not proven and of every 2048th
    keys_sql: str  # (obj_type, rows the journal names) of the fast tables


def processor(column: Column) -> Callable | None:
    """What SQLAlchemy applies to a stored value of `column` as it reads it."""
    return column.type.dialect_impl(_DIALECT).result_processor(_DIALECT, None)


def fast_tables(tables: Iterable[tuple[str, type[Base]]]) -> dict[str, FastTable]:
    fast = {}
    for name, cls in tables:
        pk = list(cls.__table__.primary_key.columns)
        # (BIGINT would not be the rowid; Text has no index to seek.)
        if len(pk) == 1 and type(pk[0].type) in (Integer, String):
            fast[name] = FastTable(name, cls, pk[0])
    return fast


def busiest_first(cur: Any, tables: dict[str, type[Base]]) -> tuple[str, ...]:
    """The fast tables, those with most rows (highest id: one seek each) first: the
    proof tests an entry's table against each name in this order."""
    size = {name: cur.execute(f"SELECT max(rowid) FROM {q(name)}").fetchone()[0] or 0
            for name in fast_tables(tables.items())}
    return tuple(sorted(size, key=lambda name: -size[name]))


@functools.cache
def plan(tables: tuple[tuple[str, type[Base]], ...], order: tuple[str, ...]) -> Plan:
    """The journal statements, built once: a few hundred lines of SQL for SQLite to
    compile, the same for every verify of a register of that shape."""
    found = fast_tables(tables)
    fast = {name: found[name] for name in order}
    cases = " ".join(f"WHEN {lit(name)} THEN {_proof_sql(t)}" for name, t in fast.items())
    proof = f"CASE j.obj_type {cases} END" if fast else "NULL"
    names = ", ".join(lit(name) for name in fast) or "NULL"
    return Plan(fast,
                f"SELECT j.seq, j.body, j.prev_hash, j.hash, CASE WHEN j.seq <= ?1 THEN {proof} ELSE 1 END "
                "FROM journal j ORDER BY j.seq",
                # (The seq test first: the proof is computed once for most entries.)
                f"SELECT j.seq, ({proof}) IS NULL FROM journal j WHERE j.seq > ?1 "
                f"AND (j.seq % 2048 = 0 OR ({proof}) IS NULL) ORDER BY j.seq",
                f"SELECT obj_type, count(DISTINCT obj_id) FROM journal WHERE obj_type IN ({names}) "
                "GROUP BY obj_type")


def _proof_sql(table: FastTable) -> str:
    """1 when the entry `j` of a row of `table` is proven, else NULL.

    The entry names the row by the text str() gives for its key, as the journal does:
    the text of an integer key, a text key itself.  A row's one entry (the common
    case, found by one seek in the journal's (obj_type, obj_id, seq) index) is its
    insert and its last: the body written from the table row must be the stored
    body.  Of a row with several entries, the last one's `after` must be the table
    row, an earlier one's `after` is taken from its body; either way `before` is
    taken from the body, and must be null for the first entry and, for a later one,
    continue the previous entry (`_continues`)."""
    name, pk = lit(table.name), f"c.{q(table.pk.name)}"
    this_row = (f"FROM {q(table.name)} c WHERE {pk} = CAST(j.obj_id AS INTEGER) AND CAST({pk} AS TEXT) = j.obj_id"
                if table.integer_key else
                f"FROM {q(table.name)} c WHERE {pk} = j.obj_id AND typeof({pk}) = 'text'")
    same_row = f"k.obj_type = {name} AND k.obj_id = j.obj_id"
    row_bad, row = _row_sql(table)
    before, after = "j.body -> '$.before'", "j.body -> '$.after'"
    only = f"(SELECT 1 {this_row} AND j.body = CASE WHEN {row_bad} THEN NULL ELSE {_body_sql(table, row, 'NULL')} END)"
    last = f"(SELECT 1 {this_row} AND j.body = CASE WHEN {row_bad} THEN NULL ELSE {_body_sql(table, row, before)} END)"
    earlier = f"(j.body = {_body_sql(table, after, before)} AND json_type(j.body, '$.after') = 'object')"
    # JSON functions raise on text that is not JSON: CASE tests json_valid first.
    several = (f"(SELECT CASE WHEN NOT json_valid(j.body) OR (prev IS NOT NULL AND NOT json_valid(prev)) "
               f"THEN NULL WHEN (CASE WHEN later IS NULL THEN {last} ELSE {earlier} END) AND (CASE WHEN "
               f"prev IS NULL THEN json_type(j.body, '$.before') = 'null' ELSE {_continues('prev')} END) "
               f"THEN 1 END FROM (SELECT (SELECT k.body FROM journal k WHERE {same_row} AND k.seq < j.seq "
               f"ORDER BY k.seq DESC LIMIT 1) AS prev, "
               f"(SELECT 1 FROM journal k WHERE {same_row} AND k.seq > j.seq LIMIT 1) AS later "
               f"LIMIT 1 OFFSET 0))")  # OFFSET: not flattened, so `prev` is read once
    journal_bad = " OR ".join(column_sql(JournalEntry.__table__.c[c], f"j.{c}")[0]
                              for c in ("account", "action", "at"))
    return (f"CASE WHEN {journal_bad} THEN NULL "
            f"WHEN NOT EXISTS (SELECT 1 FROM journal k WHERE {same_row} AND k.seq <> j.seq) "
            f"THEN {only} ELSE {several} END")


def _continues(prev: str) -> str:
    """The entry `j` (with a `before`) starts from `prev`, the body of the row's previous
    entry, as Python's test has it: every column `before` names with a value (not
    NULL: "old value not loaded") had that value in the previous `after`, and every
    column it does not name is the same in both `after`s.  json_patch lays `before`
    over an `after`, keeping the order of its keys and the texts of the values, and
    drops the columns `before` says NULL.  With no NULL in `before` and no object in it
    (json_patch would merge an object into the value it replaces) — no ':null' and no
    second '{' in its text — the test is one patch: `after` patched is the previous
    `after`.  Else the columns not named must agree (the same text once each `after`
    is patched) and those named with a value must match one by one.

    A key twice is read as its first value by SQLite and its last by Python: `prev`
    must have one `after`, its `after` each key once (json_patch replaces only a key's
    first copy), and so must `before` where it is read key by key.  (This entry's
    own `after` needs no test: a key twice in it shows as a difference here, or in
    the next entry's test, where it is the previous `after`.)"""
    before, after, last = "(j.body -> '$.before')", "(j.body -> '$.after')", f"({prev} -> '$.after')"
    return (f"(json_type(j.body, '$.before') = 'object' AND json_type({prev}, '$.after') = 'object' "
            f"AND (SELECT count(*) FROM json_each({prev}) WHERE key = 'after') = 1 "
            f"AND {_each_key_once(last)} "
            f"AND CASE WHEN instr({before}, ':null') = 0 AND {before} NOT GLOB '{{*{{*' "
            f"THEN json_patch({after}, {before}) = {last} "
            f"ELSE json_patch({after}, {before}) = json_patch({last}, {before}) AND {_each_key_once(before)} "
            f"AND NOT EXISTS (SELECT 1 FROM json_each({before}) e WHERE e.type <> 'null' "
            f"AND ({before} -> e.fullkey) IS NOT ({last} -> e.fullkey)) END)")


def _each_key_once(obj: str) -> str:
    return f"(SELECT count(*) = count(DISTINCT key) FROM json_each({obj}))"


def _body_sql(table: FastTable, after: str, before: str) -> str:
    """The canonical body of the entry `j` of a row of `table` with this `after` and
    `before` (JSON values), its other members written from the journal row's columns.
    json_object keeps the order of its arguments (as canonical_json sorts keys), and
    embeds JSON values (a json_object, a `->` of the body) as they are.  obj_id needs
    no test: it equals the text of an integer key or a text key (see `_proof_sql`),
    which json_object writes as json.dumps does."""
    journal = JournalEntry.__table__.c
    account, action, at = (column_sql(journal[c], f"j.{c}")[1] for c in ("account", "action", "at"))
    return (f"json_object('account', {account}, 'action', {action}, 'after', {after}, 'at', {at}, "
            f"'before', {before}, 'obj_id', j.obj_id, 'obj_type', {lit(table.name)}, 'seq', j.seq)")


def _row_sql(table: FastTable) -> tuple[str, str]:
    """(a test true when SQLite cannot write the row `c` as the journal would, the row
    as json_object writes it).  CASE WHEN takes NULL as false: a test on a NULL column
    that gives NULL is not "bad"."""
    bad: list[str] = []
    args: list[str] = []
    for col in sorted(table.cls.__table__.columns, key=lambda c: c.key):
        is_bad, value = column_sql(col, f"c.{q(col.name)}", col.key in table.cls.__journal_redact__)
        bad.append(is_bad)
        args += [lit(col.key), value]
    return " OR ".join(bad), f"json_object({', '.join(args)})"


def column_sql(col: Column, x: str, redacted: bool = False) -> tuple[str, str]:
    """(a test that is true when SQLite cannot write the value of `x` as the journal
    would, the value to hand json_object).  Mirrors what `select(table)` and
    `to_jsonable` make of the stored value (row_dict for the journal's side):

    - no result processor (integers, text, reals): the stored value itself, but a blob
      is bad: json_object would read it as JSONB, and CAST(x AS TEXT) as its bytes
      ("ab" for CAST('ab' AS BLOB)) where Python writes its hex ("6162");
    - Boolean (int_to_boolean: any true value is True): only 0 and 1;
    - Date/DateTime (fromisoformat): only the very text SQLite writes for the value
      (+ ".000000": the form SQLAlchemy stores, for a time without microseconds), so a
      real calendar date and time, from year 1 (Python's first), written as isoformat()
      does.  SQLite moves an impossible day into the next month and gives NULL for what
      it cannot read; a time goes through julianday() because datetime() alone would
      write "24:00:00" back.  A time with microseconds, or any other form, is left to
      Python;
    - redacted columns (the journal holds a SHA-256) and anything else: only NULL.
    `x >= x''` is true for a blob only (every other type sorts below blobs).  `+x` drops
    the column's affinity: a DATE column is NUMERIC, and would turn '0001' into 1 (then
    every text would sort above it) and try to read every date as a number."""
    t = col.type
    proc = processor(col)
    if redacted:
        return f"{x} IS NOT NULL", x
    if proc is None:
        return f"{x} >= x''", x
    if isinstance(t, Boolean) and proc is processors.int_to_boolean:
        return f"{x} NOT IN (0, 1)", f"CASE {x} WHEN 1 THEN json('true') WHEN 0 THEN json('false') END"
    if isinstance(t, DateTime) and proc is processors.str_to_datetime:
        return f"+{x} IS NOT datetime(julianday({x})) || '.000000' OR +{x} < '0001'", f"substr({x}, 1, 19)"
    if isinstance(t, Date) and proc is processors.str_to_date:
        return f"+{x} IS NOT date({x}) OR +{x} < '0001'", x
    return f"{x} IS NOT NULL", x


def q(name: str) -> str:
    """An SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """An SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
