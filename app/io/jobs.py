"""What every long io job shares: progress, cancelling, and writing files atomically.

`progress(done, total)` is called now and then from the thread doing the work
(the UI relays it to its progress dialog); `cancel()` returning True stops the
job at the next check and nothing is left behind: files are written to a
temporary name beside the target and only `os.replace`d when complete.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from app.errors import BadInput, BaomiError

ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]


class Cancelled(BaomiError):
    """The user cancelled a long job; nothing was written (exit 4, like Ctrl+C)."""

    exit_code = 4

    def __init__(self, message: str = "已取消，未生成文件，登记簿未做任何更改。") -> None:
        super().__init__(message)


class Ticker:
    """Calls `progress` at most every `step` units and checks `cancel` as often."""

    def __init__(self, total: int, progress: ProgressFn | None, cancel: CancelFn | None,
                 step: int = 200) -> None:
        self.total = max(total, 0)
        self.done = 0
        self._progress = progress
        self._cancel = cancel
        self._step = max(step, 1)
        self._next = 0

    def tick(self, n: int = 1) -> None:
        self.done += n
        if self.done >= self._next:
            self._next = self.done + self._step
            self.check()
            if self._progress:
                self._progress(min(self.done, self.total), self.total)

    def check(self) -> None:
        if self._cancel is not None and self._cancel():
            raise Cancelled()

    def finish(self) -> None:
        self.check()
        if self._progress:
            self._progress(self.total, self.total)


def temp_beside(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")


@contextmanager
def atomic_path(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target`.

    The caller writes the whole file to the yielded path.  On any exception
    (including Cancelled) the temporary file is removed and `target` is
    untouched.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise BadInput(f"目标文件夹不存在：{folder}")
    tmp = temp_beside(target)
    try:
        yield tmp
        if not tmp.exists():
            raise BadInput(f"未能生成文件：{target}")
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as e:
        raise BadInput(f"无法写入文件 {target}：{e.strerror or e}") from None
    finally:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
