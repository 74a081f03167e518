"""SQLCipher 4 through SQLAlchemy 2: raw 256-bit key, WAL, synchronous=FULL."""
from __future__ import annotations

import errno
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Connection, Engine, create_engine, event
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
        # The page cache stays at SQLite's default: a larger one stays filled for as
        # long as the pooled connection lives.  Whole-register jobs ask for more
        # (bulk_page_cache).
    except sqlcipher.DatabaseError as e:
        con.close()
        msg = str(e).lower()
        if "readonly" in msg or "read-only" in msg:
            raise RegisterUnusable(f"登记簿文件 {path.name} 所在的磁盘为只读，无法使用。") from None
        raise RegisterUnusable(NOT_A_REGISTER.format(name=path.name)) from None
    return con


class _KeyRef:
    """The key an engine's new connections are made with: the key of the Register
    that opened the engine last (zeroed in place by its drop_keys)."""

    __slots__ = ("key",)

    def __init__(self, key: bytearray) -> None:
        self.key = key


# Engines of the registers opened in this process, by file and role, so that opening
# the same register again (an unlock after the lock screen, a sign-in after a sign-out)
# keeps what SQLAlchemy compiled for it: it compiles per engine, and the first screen's
# statement took longer to compile (2 ms) than to run.  Only an engine's compiled SQL
# outlives its register: Register.drop_keys closes its connections.
_REUSED: OrderedDict[tuple[str, bool], tuple[Engine, _KeyRef]] = OrderedDict()
_REUSED_MAX = 4


def open_engine(path: Path, key: bytearray, *, create: bool = False,
                writer: bool = True) -> Engine:
    """An engine whose every connection is keyed with `key`.

    pysqlite's own transaction handling is switched off (isolation_level=None).
    A writer engine's transactions BEGIN IMMEDIATE, so the writer lock is taken
    before the journal head is read: two writers can never chain two entries
    onto the same predecessor.  A reader engine BEGINs deferred: in WAL mode
    readers neither wait for the writer nor hold it up.

    Hazard: the engine may be one an earlier Register of the same file used (see
    _REUSED); only one Register per file is open at a time (InstanceLock).
    """
    if create:
        return _new_engine(path, _KeyRef(key), create=True, writer=writer)
    ident = (str(Path(path).resolve()), writer)
    reused = _REUSED.get(ident)
    if reused is not None:
        engine, ref = reused
        pool = engine.pool
        if isinstance(pool, QueuePool) and (pool.checkedin() or pool.checkedout()):
            engine.dispose()  # no connection made with an earlier key stays in its pool
        ref.key = key
        _REUSED.move_to_end(ident)
        return engine
    ref = _KeyRef(key)
    engine = _new_engine(path, ref, create=False, writer=writer)
    _REUSED[ident] = (engine, ref)
    while len(_REUSED) > _REUSED_MAX:
        _REUSED.popitem(last=False)
    return engine


def _new_engine(path: Path, ref: _KeyRef, *, create: bool, writer: bool) -> Engine:
    engine = create_engine("sqlite://", creator=lambda: _connect(path, ref.key, create),
                           module=sqlcipher, poolclass=QueuePool, pool_size=2,
                           max_overflow=2)

    begin = "BEGIN IMMEDIATE" if writer else "BEGIN"

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001
        conn.exec_driver_sql(begin)

    return engine


BULK_CACHE_KIB = 32768


@contextmanager
def bulk_page_cache(conn: Connection) -> Iterator[None]:
    """32 MiB of page cache on `conn` while a whole-register job reads (the
    clear-out list, the quarter's workbook), then the connection's own size again.

    Only for those jobs: the cache fills as pages are read and stays filled while
    the pooled connection lives (with it on every connection, browsing 5,000 rows
    of a 1,000,000-carrier register peaked 7 MiB higher: the table's count reads
    every page of an index), and setting the size back frees the pages above it.
    """
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


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
