"""Grab the desktop app's screens to PNG, offscreen, from a throw-away register.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. python docs/screenshots/make_screenshots.py

Nothing here is a test; it only renders real widgets over a real register
made with a cheap key derivation in a temporary folder.
"""
from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.clock import FakeClock  # noqa: E402
from app.crypto.kdf import TEST_PARAMS  # noqa: E402
from app.ledger import accounts  # noqa: E402

OUT = Path(__file__).resolve().parent
UNIT = "某市保密局机关"
CLERK, CLERK_PW = "zhangmin", "Baomi#2026ab"


def save(widget: QWidget, name: str) -> None:
    QApplication.processEvents()
    widget.grab().save(str(OUT / name))
    print(OUT / name)


def main() -> None:
    app = QApplication(sys.argv[:1])
    QStandardPaths.setTestModeEnabled(True)
    tmp = Path(tempfile.mkdtemp(prefix="baomi-shots-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "ini"))
    from app.ui.main import configure_application
    configure_application(app)
    from app.ui import worker
    from app.ui.main_window import open_main_window
    from app.ui.setup_wizard import SetupWizard
    from app.ui.sign_in import SignInDialog

    clock = FakeClock(datetime(2026, 11, 2, 9, 0))
    wizard = SetupWizard(clock=clock, kdf=TEST_PARAMS)
    wizard.resize(700, 560)
    wizard.show()
    wizard.register_page.unit.setText(UNIT)
    wizard.register_page.path.setText(str(tmp / "register.baomi"))
    save(wizard, "setup-1-register.png")
    wizard.next()
    page = wizard.accounts_page
    page.clerk.setText(CLERK)
    for edit, text in ((page.admin_pw, "Guanli#2026a"), (page.admin_pw2, "Guanli#2026a"),
                       (page.clerk_pw, "Chushi#2026a"), (page.clerk_pw2, "Chushi#2026a")):
        edit.setText(text)
    save(wizard, "setup-2-accounts.png")
    wizard.next()
    while wizard.currentPage() is not wizard.recovery_page:
        app.processEvents()
    save(wizard, "setup-3-recovery-code.png")
    path = wizard.register_path
    wizard.accept()

    reg = accounts.sign_in(path, CLERK, "Chushi#2026a", clock=clock, allow_password_change=True)
    accounts.change_password(reg, "Chushi#2026a", CLERK_PW)
    from app.ledger.demo import build_demo
    build_demo(reg, carriers=300, seed=7)  # realistic rows for the ledger tables
    reg.close()

    dialog = SignInDialog(path, clock=clock)
    dialog.show()
    dialog.username.setText(CLERK)
    dialog.password.setText("wrong-password")
    dialog.submit()
    while dialog.busy.isVisible():
        app.processEvents()
    save(dialog, "sign-in-wrong-password.png")
    dialog.password.setText(CLERK_PW)
    dialog.submit()
    worker.wait_idle()
    while dialog.reg is None:
        app.processEvents()
    dialog.close()

    window = open_main_window(dialog.reg, clock=clock, tick_ms=3_600_000)
    window.resize(1200, 760)
    window.show()
    save(window, "main-window-today.png")
    window.open_page("receipts")
    save(window, "main-window-receipts.png")
    window.lock_now()
    window.controller.lock_screen.resize(1200, 760)
    save(window.controller.lock_screen, "lock-screen.png")
    window.controller.lock_screen.password.setText(CLERK_PW)
    window.controller.lock_screen.unlock_button.click()
    worker.wait_idle()
    while window.controller.is_locked:
        app.processEvents()
    window.close()

    reg = accounts.sign_in(path, "admin", "Guanli#2026a", clock=clock)
    admin = open_main_window(reg, clock=clock, tick_ms=3_600_000)
    admin.resize(1200, 600)
    admin.show()
    save(admin, "main-window-accounts.png")
    admin.close()


if __name__ == "__main__":
    main()
