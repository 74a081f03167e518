"""Only one program at a time may have a register open (the app or a command)."""
from __future__ import annotations

import os
from pathlib import Path

from app.errors import RegisterUnusable

IN_USE = "登记簿正由另一个程序（或另一个窗口）使用，请先关闭它再试。"


class InstanceLock:
    """An OS file lock on `<db>.lock`, released when the process ends, even by a crash."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> "InstanceLock":
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            raise RegisterUnusable(f"无法在 {self.path.parent} 中创建锁文件，文件夹可能为只读。") from None
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            raise RegisterUnusable(IN_USE) from None
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            try:
                _unlock(self._fd)
            finally:
                os.close(self._fd)
                self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None


if os.name == "nt":  # pragma: no cover - Windows
    import msvcrt

    def _lock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
