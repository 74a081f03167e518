"""The SQL that proves journal entries for `verify` (R54) is only a filter: for every
stored value it either writes what Python's check would compare (the value as
`select(table)` and `to_jsonable` give it, written by canonical_json; for a real,
digits that read back as the same double), or says it cannot, so the entry goes to
the Python checks.  It must never call "equal" what
Python would call different: tried here on every storage class and the odd values
an intruder with the key could store (types changed behind the program, dates in
other forms, impossible dates, booleans of 2, NUL characters, blobs read as JSONB).
"""
from __future__ import annotations

import json

import pytest
import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, String, Text

from app.crypto.canonical import canonical_json, to_jsonable
from app.ledger import verify_sql

# Declared types as the migrations write them (their affinity decides what SQLite stores).
COLUMNS = {
    "i": ("INTEGER", Column("i", Integer)),
    "s": ("VARCHAR(64)", Column("s", String(64))),
    "t": ("TEXT", Column("t", Text)),
    "b": ("BOOLEAN", Column("b", Boolean)),
    "d": ("DATE", Column("d", Date)),
    "dt": ("DATETIME", Column("dt", DateTime)),
    "f": ("DOUBLE", Column("f", Float)),
}

# SQL expressions for the values to store (literals keep their exact storage class).
VALUES = [
    "NULL", "0", "1", "-1", "2", "9223372036854775807", "-9223372036854775808",
    "0.0", "-0.0", "1.0", "1.5", "0.30000000000000004", "1e20", "1e-7", "1.7976931348623157e308",
    "9e999", "''", "'abc'", "'中文'", "'a\"b\\c'", "char(0)", "'a' || char(0) || 'b'", "char(1)",
    "char(31)", "char(127)", "char(8232)", "'😀'", "'1'", "'1.0'", "'true'", "'null'", "'x'''",
    "'2026-01-01'", "'2026-01-01 08:00:00.000000'", "'2026-01-01 08:00:00.123456'",
    "'2026-01-01T08:00:00'", "'2026-01-01 08:00:00'", "'2026-01-01 08:00:00.000000Z'",
    "'2026-01-01 08:00:00+08:00'", "'2026-02-30'", "'2026-02-30 08:00:00.000000'",
    "'2024-02-29'", "'2024-02-29 23:59:59.000000'", "'2025-02-29'", "'0000-01-01'",
    "'0000-01-01 00:00:00.000000'", "'0001-01-01 00:00:00.000000'", "'9999-12-31 23:59:59.000000'",
    "'2026-13-01'", "'2026-00-10'", "'2026-01-00'", "'2026-01-01 24:00:00.000000'",
    "'2026-01-01 23:60:00.000000'", "'2026-01-01 23:59:60.000000'", "'2026-1-1'", "'20260101'",
    "' 2026-01-01'", "'2026-01-01 '", "'2026-01-01' || char(0)",
    "'2026-01-01 08:00:00.000000' || char(0)", "'2026-01-01 08:00:00.00000a'",
    "'2026-01-01 08:00:00.000000 '", "'٢٠٢٦-01-01'", "'-001-01-01'",
    "x''", "x'00'", "x'0c'", "x'61'", "x'ff'", "jsonb('\"abc\"')", "jsonb('true')", "jsonb('1')",
    "jsonb('null')", "CAST('2026-01-01' AS BLOB)", "CAST('2026-01-01 08:00:00.000000' AS BLOB)",
    "CAST('1' AS BLOB)",
]

_UNREADABLE = "(the ORM cannot read it)"


@pytest.fixture(scope="module")
def db() -> sqlcipher.Connection:
    con = sqlcipher.connect(":memory:")
    cols = ", ".join(f"{name} {decl}" for name, (decl, _) in COLUMNS.items())
    con.execute(f"CREATE TABLE t (n INTEGER PRIMARY KEY, {cols})")
    for n, value in enumerate(VALUES):
        con.execute(f"INSERT INTO t VALUES ({n}, {', '.join([value] * len(COLUMNS))})")
    return con


def _python_json(column: Column, stored: object) -> str:
    """What the Python check compares: the value as select(table) gives it, as JSON."""
    proc = verify_sql.processor(column)
    try:
        value = proc(stored) if proc else stored
    except (ValueError, TypeError):
        return _UNREADABLE
    return canonical_json({"v": to_jsonable(value)}).decode("utf-8")


@pytest.mark.parametrize("name", list(COLUMNS))
@pytest.mark.parametrize("redacted", [False, True])
def test_sql_writes_a_value_as_python_would_or_not_at_all_R54(db, name: str, redacted: bool) -> None:
    column = COLUMNS[name][1]
    bad, value = verify_sql.column_sql(column, name, redacted)
    rows = db.execute(f"SELECT n, {name}, CASE WHEN {bad} THEN NULL ELSE json_object('v', {value}) END "
                      "FROM t ORDER BY n").fetchall()
    written = 0
    for n, stored, sql_json in rows:
        if sql_json is None:
            continue  # left to Python
        written += 1
        expected = _python_json(column, stored)
        if redacted:  # the journal holds a SHA-256 of the value: SQL writes only NULL
            assert stored is None and sql_json == '{"v":null}', VALUES[n]
        elif sql_json != expected:
            # Reals: SQLite may write other digits than repr() (1.0e+20), but they must
            # read back as the very double Python holds, which is all Python compares.
            assert expected != _UNREADABLE, f"{VALUES[n]!r} stored as {stored!r}"
            ours, python = json.loads(sql_json)["v"], json.loads(expected)["v"]
            assert type(ours) is type(python) is float and repr(ours) == repr(python), VALUES[n]
    # The filter does its work: the common values are written in SQL.
    if not redacted and name != "f":
        assert written >= 3


def test_a_blob_is_left_to_python_in_every_column(db) -> None:
    """A blob of the very text the journal holds ("ab" stored as x'6162') is what the
    ORM reads as bytes and the journal writes as hex: SQL must not write it."""
    for name, (_, column) in COLUMNS.items():
        bad, _ = verify_sql.column_sql(column, name)
        rows = db.execute(f"SELECT count(*) FROM t WHERE typeof({name}) = 'blob' AND NOT ({bad})").fetchone()
        assert rows == (0,), name


@pytest.mark.parametrize("value, python", [
    ("'2026-11-02 08:30:00.000000'", "2026-11-02 08:30:00"),
    ("'2024-02-29 23:59:59.000000'", "2024-02-29 23:59:59"),
])
def test_a_stored_datetime_is_written_without_its_zero_fraction(db, value: str, python: str) -> None:
    bad, written = verify_sql.column_sql(COLUMNS["dt"][1], value)
    assert db.execute(f"SELECT {bad}, {written}").fetchone() == (0, python)


def test_every_code_point_is_escaped_as_python_json_does(db) -> None:
    """json_object escapes text as json.dumps(ensure_ascii=False) does, code point by code
    point (NUL and the other control characters included), so a text value SQL writes
    is the text canonical_json writes."""
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    [(written,)] = db.execute("SELECT json_object('v', ?)", (text,)).fetchall()
    assert written == json.dumps({"v": text}, ensure_ascii=False, separators=(",", ":"))


def test_a_real_is_written_in_digits_that_read_back_as_the_same_double(db) -> None:
    """Python writes repr(); SQLite may write other digits (1.0e+20), which only makes an
    entry go to Python; but digits SQLite writes must never read back as another value."""
    import random
    rng = random.Random(8)
    values = [rng.uniform(-1e6, 1e6) for _ in range(2000)] + [rng.random() * 10 ** rng.randint(-300, 300)
                                                             for _ in range(2000)]
    for value in values:
        [(written,)] = db.execute("SELECT json_object('v', ?)", (value,)).fetchall()
        got = json.loads(written)["v"]
        assert type(got) is float and got == value
