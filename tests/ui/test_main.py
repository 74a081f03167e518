"""Start-up decisions: one instance, set-up or sign-in, Chinese stock buttons."""
from __future__ import annotations

import os
import subprocess
import sys
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


REPO_ROOT = Path(__file__).resolve().parents[2]

# Run as the desktop app starts (app.cli.main with no arguments), with the sign-in's
# exec() answering 退出 at once, then list what the start had imported (figure 2).
_START_UNTIL_SIGN_IN = """
import sys
from pathlib import Path
from PySide6.QtWidgets import QApplication, QDialog
from app.ui import prefs, sign_in

app = QApplication(["baomi"])
app.setOrganizationName(prefs.ORGANISATION)
app.setApplicationName(prefs.APPLICATION)
prefs.set_register_path(sys.argv[1])
shown = []

def exec_(self):
    shown.append(type(self).__name__)
    return QDialog.DialogCode.Rejected

sign_in.SignInDialog.exec = exec_
from app.cli import main
assert main([]) == 0 and shown == ["SignInDialog"], shown
heavy = ("sqlalchemy", "sqlcipher3", "argon2", "cryptography", "openpyxl", "app.ledger",
         "app.store", "app.models", "app.ui.main_window", "app.ui.setup_wizard",
         "app.ui.password_change")
print(" ".join(sorted(m for m in sys.modules if m.startswith(heavy))) or "none")
"""


def test_the_sign_in_window_comes_before_the_ledger_is_imported(tmp_path: Path) -> None:
    """The start imports PySide6 and small app modules only; the ledger comes with the sign-in."""
    register = tmp_path / "台账.baomi"
    register.write_bytes(b"")  # exists: no set-up wizard
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_RUNTIME_DIR=str(tmp_path / "run"))
    (tmp_path / "run").mkdir(mode=0o700)
    out = subprocess.run([sys.executable, "-c", _START_UNTIL_SIGN_IN, str(register)], cwd=REPO_ROOT,
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "none"
