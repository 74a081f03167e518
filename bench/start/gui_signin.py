"""Figure 2, product side: `baomi` (app.cli.main with no arguments) until the sign-in
dialog is on screen, then quit.

Bench-only hook: SignInDialog.exec is replaced by "show, wait until the window is
exposed, print the time, reject", so app.ui.main.run_app runs its real start path
(translations, font, style, single-instance guard, settings, the dialog) and then
returns as if the clerk had pressed 退出.  The register path comes from the app's own
settings (written by the runner into a private XDG_CONFIG_HOME).
"""
from __future__ import annotations

import sys
import time

from PySide6.QtWidgets import QApplication, QDialog

from app.ui import sign_in


def _exec_until_shown(self: QDialog) -> int:
    self.show()
    app = QApplication.instance()
    while self.windowHandle() is None or not self.windowHandle().isExposed():
        app.processEvents()
    app.processEvents()
    print(f"SHOWN {time.monotonic():.6f}", flush=True)
    return QDialog.DialogCode.Rejected


sign_in.SignInDialog.exec = _exec_until_shown  # type: ignore[method-assign]

if __name__ == "__main__":
    from app.cli import main
    code = main([])
    sys.exit(code)
