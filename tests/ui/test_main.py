"""Start-up decisions: one instance, set-up or sign-in, Chinese stock buttons."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from app.ui import main, prefs, single_instance

pytestmark = pytest.mark.usefixtures("ui_app")


def test_second_instance_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "run" / single_instance.LOCK_NAME
    first = single_instance.acquire(path)
    assert first is not None and first.isLocked()
    assert single_instance.acquire(path) is None  # the second start says so and exits
    first.unlock()
    again = single_instance.acquire(path)
    assert again is not None
    again.unlock()


def test_lock_lives_in_a_runtime_or_temp_folder() -> None:
    assert single_instance.lock_path().name == "baomi-desktop.lock"


def test_setup_or_sign_in(register_path: Path, tmp_path: Path) -> None:
    assert main.needs_setup("")
    assert main.needs_setup(str(tmp_path / "gone.baomi"))
    assert not main.needs_setup(str(register_path))
    assert prefs.register_path() == ""  # a fresh machine: the wizard runs
    prefs.set_register_path(str(register_path))
    assert prefs.register_path() == str(register_path)


def test_stock_buttons_are_chinese() -> None:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    assert box.button(QDialogButtonBox.StandardButton.Ok).text() in ("确定", "确认")


def test_power_off_is_off_by_default() -> None:
    assert prefs.power_off_enabled() is False
    assert prefs.power_off_command().startswith("shutdown")
