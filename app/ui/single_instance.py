"""Only one copy of the desktop app at a time (issue 5): a QLockFile with a fixed name.

The register file has its own OS lock (app.store.instance_lock); this guard
stops a second window before it asks for a password at all.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLockFile, QStandardPaths

LOCK_NAME = "baomi-desktop.lock"


def lock_path() -> Path:
    folder = (QStandardPaths.writableLocation(QStandardPaths.StandardLocation.RuntimeLocation)
              or QStandardPaths.writableLocation(QStandardPaths.StandardLocation.TempLocation))
    return Path(folder) / LOCK_NAME


def acquire(path: Path | None = None) -> QLockFile | None:
    """The held lock, or None when another instance runs (the caller says so and exits).

    A lock left by a crashed instance is stale (its process is gone) and is taken over.
    """
    path = path or lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # never age out a live lock; only a dead owner frees it
    if lock.tryLock(200):
        return lock
    if lock.error() == QLockFile.LockError.LockFailedError:
        return None
    # Cannot create the lock file at all (read-only temp): do not block the clerk.
    return lock
