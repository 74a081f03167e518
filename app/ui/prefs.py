"""Local, non-secret preferences of the desktop app, over QSettings.

Only what may sit in a plain file on the disk: where the register file is,
window geometry, the last ledger page, and the power-off option of R53.
Rules an inspector relies on (idle minutes, password age) live in the
encrypted register (app.ledger.settings), never here.

The power-off option is kept here because app.ledger.settings has no such
option yet; it belongs in the register once the ledger layer offers it.
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "baomi"
APPLICATION = "baomi-desktop"

REGISTER_PATH = "register/path"
GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
LAST_PAGE = "window/last_page"
POWER_OFF = "session/power_off_after_hour"
POWER_OFF_COMMAND = "session/power_off_command"

DEFAULT_POWER_OFF_COMMAND = "shutdown /s /t 0" if sys.platform == "win32" else "shutdown -h now"


def settings() -> QSettings:
    """The application's settings (names set by app.ui.main.configure_application)."""
    return QSettings()


def register_path() -> str:
    return str(settings().value(REGISTER_PATH, "") or "")


def set_register_path(path: str) -> None:
    settings().setValue(REGISTER_PATH, path)


def geometry() -> QByteArray | None:
    value = settings().value(GEOMETRY)
    return value if isinstance(value, QByteArray) else None


def save_geometry(geometry: QByteArray, state: QByteArray) -> None:
    s = settings()
    s.setValue(GEOMETRY, geometry)
    s.setValue(WINDOW_STATE, state)


def window_state() -> QByteArray | None:
    value = settings().value(WINDOW_STATE)
    return value if isinstance(value, QByteArray) else None


def last_page() -> str:
    return str(settings().value(LAST_PAGE, "") or "")


def set_last_page(key: str) -> None:
    settings().setValue(LAST_PAGE, key)


def power_off_enabled() -> bool:
    value = settings().value(POWER_OFF, False)
    return value in (True, "true", "1", 1)


def set_power_off_enabled(on: bool) -> None:
    settings().setValue(POWER_OFF, bool(on))


def power_off_command() -> str:
    return str(settings().value(POWER_OFF_COMMAND, "") or DEFAULT_POWER_OFF_COMMAND)
