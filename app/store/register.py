"""An open register: the keyed engine, the keyslot file, who is acting, and the clock.

Writes go through `operation()`: one transaction, BEGIN IMMEDIATE, journaled by
`app.store.journaling`.  Reads go through `read()`, where any write is refused.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

import app.store.journaling  # noqa: F401  (registers the flush hook)
from app.clock import Clock
from app.crypto.keyslots import KeyslotFile, keyslot_path
from app.errors import BaomiError, RegisterUnusable
from app.store import migrate
from app.store.engine import disk_error_message, open_engine
from app.store.instance_lock import InstanceLock


class Register:
    def __init__(self, path: Path, engine: Engine | None, data_key: bytearray, keyfile: KeyslotFile,
                 lock: InstanceLock, clock: Clock, actor: str, roles: frozenset[str], *,
                 read_engine: Engine | None = None) -> None:
        self.path = path
        self._engine = engine
        self._data_key = data_key
        self.keyfile = keyfile
        self._lock = lock
        self.clock = clock
        self.actor = actor
        self.roles = roles
        self._read_engine = read_engine
        # Filled by the sign-in: 'must change' reason, days to expiry, notices.
        self.sign_in_info: dict = {}

    # -- opening ----------------------------------------------------------------
    @classmethod
    def open_with_key(cls, path: Path, data_key: bytes, keyfile: KeyslotFile, clock: Clock,
                      *, create: bool = False, lock: InstanceLock | None = None) -> "Register":
        """Open with the unwrapped data key.  Only the reader engine is opened (and
        checks the schema's revision) unless the file is new or must be upgraded:
        the writer is opened by the first operation, so that showing the first
        screen costs one keyed connection, not two."""
        lock = lock or InstanceLock(path).acquire()
        key = bytearray(data_key)
        engine = reader = None
        try:
            if not create:
                reader = open_engine(path, key, writer=False)
            if reader is None or not migrate.is_current(reader):
                engine = open_engine(path, key, create=create)
                migrate.upgrade(engine)
        except BaseException:
            for opened in (reader, engine):
                if opened is not None:
                    opened.dispose()
            lock.release()
            raise
        return cls(path, engine, key, keyfile, lock, clock, actor="", roles=frozenset(),
                   read_engine=reader)

    @staticmethod
    def new_data_key() -> bytes:
        return secrets.token_bytes(32)

    @property
    def data_key(self) -> bytes:
        if not self._data_key:
            raise RegisterUnusable("登记簿已锁定，请重新输入密码。")
        return bytes(self._data_key)

    def _key_for_engine(self) -> bytearray:
        if not self._data_key:
            raise RegisterUnusable("登记簿已锁定，请重新输入密码。")
        return self._data_key

    @property
    def keyslot_path(self) -> Path:
        return keyslot_path(self.path)

    # -- engines ----------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        """The writer engine (BEGIN IMMEDIATE), opened on first use."""
        if self._engine is None:
            self._engine = open_engine(self.path, self._key_for_engine())
        return self._engine

    # -- sessions ---------------------------------------------------------------
    @contextmanager
    def operation(self, action: str, *, actor: str | None = None) -> Iterator[Session]:
        """One ledger operation: one transaction with its journal entries."""
        session = Session(self.engine, expire_on_commit=False)
        session.info.update(actor=actor or self.actor, action=action, clock=self.clock)
        try:
            with session.begin():
                yield session
        except BaomiError:
            raise
        except (OperationalError, DBAPIError) as e:
            msg = disk_error_message(e.orig if getattr(e, "orig", None) else e)
            if msg:
                raise RegisterUnusable(msg) from None
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session on the reader engine; a flush of any change is refused."""
        if self._read_engine is None:
            self._read_engine = open_engine(self.path, self._key_for_engine(), writer=False)
        session = Session(self._read_engine, expire_on_commit=False)
        session.info.update(actor=self.actor, action=None, clock=self.clock)
        try:
            yield session
            session.rollback()
        finally:
            session.close()

    # -- closing ----------------------------------------------------------------
    def drop_keys(self) -> None:
        """Close every connection and overwrite the data key in memory (lock screen).

        Python may still hold copies inside the driver; this is the most a
        pure-Python program can do, and it ends the usable session.
        """
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        if self._read_engine is not None:
            self._read_engine.dispose()
            self._read_engine = None
        for i in range(len(self._data_key)):
            self._data_key[i] = 0
        self._data_key = bytearray()

    def reopen(self, data_key: bytes) -> None:
        """After a lock screen: key the engines again (the instance lock was kept);
        each is opened when first used."""
        self._data_key = bytearray(data_key)

    def close(self) -> None:
        if self._data_key:
            self.drop_keys()
        self._lock.release()

    def __enter__(self) -> "Register":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
