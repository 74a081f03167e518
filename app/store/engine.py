"""SQLCipher 4 through SQLAlchemy 2: raw 256-bit key, WAL, synchronous=FULL."""
from __future__ import annotations

import errno
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from app.errors import RegisterUnusable

NOT_A_REGISTER = "文件 {name} 不是本程序的登记簿，或密钥与之不符，无法打开。"


def _connect(path: Path, key: bytearray, create: bool):
    if not create and not path.exists():
        raise RegisterUnusable(f"找不到登记簿文件 {path}。")
    try:
        con = sqlcipher.connect(str(path), timeout=10, check_same_thread=False,
                                isolation_level=None)
    except sqlcipher.Error:
        raise RegisterUnusable(f"无法打开登记簿文件 {path.name}。") from None
    try:
        # Raw key: no per-open passphrase KDF; the keyslots already did that work.
        con.execute(f"PRAGMA key = \"x'{bytes(key).hex()}'\"")
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        con.execute("PRAGMA journal_mode = WAL").fetchone()
        con.execute("PRAGMA synchronous = FULL")
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA busy_timeout = 10000")
        # 32 MiB of page cache: whole-register lists (clear-out, export) read each page once.
        con.execute("PRAGMA cache_size = -32768")
    except sqlcipher.DatabaseError as e:
        con.close()
        msg = str(e).lower()
        if "readonly" in msg or "read-only" in msg:
            raise RegisterUnusable(f"登记簿文件 {path.name} 所在的磁盘为只读，无法使用。") from None
        raise RegisterUnusable(NOT_A_REGISTER.format(name=path.name)) from None
    return con


def open_engine(path: Path, key: bytearray, *, create: bool = False,
                writer: bool = True) -> Engine:
    """An engine whose every connection is keyed.

    pysqlite's own transaction handling is switched off (isolation_level=None).
    A writer engine's transactions BEGIN IMMEDIATE, so the writer lock is taken
    before the journal head is read: two writers can never chain two entries
    onto the same predecessor.  A reader engine BEGINs deferred: in WAL mode
    readers neither wait for the writer nor hold it up.
    """
    engine = create_engine("sqlite://", creator=lambda: _connect(path, key, create),
                           module=sqlcipher, poolclass=QueuePool, pool_size=2,
                           max_overflow=2)

    begin = "BEGIN IMMEDIATE" if writer else "BEGIN"

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001
        conn.exec_driver_sql(begin)

    return engine


def disk_error_message(exc: BaseException) -> str | None:
    """A Chinese sentence for disk-full / read-only failures hidden in a driver error."""
    text = str(exc).lower()
    if "full" in text or getattr(exc, "errno", None) == errno.ENOSPC:
        return "磁盘空间已满，本次操作未保存，登记簿中已有的内容未受影响。"
    if "readonly" in text or "read-only" in text:
        return "登记簿所在的磁盘为只读，本次操作未保存。"
    if "locked" in text or "busy" in text:
        return "登记簿正忙（另一程序正在写入），本次操作未保存，请稍后再试。"
    return None
