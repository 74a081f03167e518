"""`baomi` with no arguments: the desktop app.

Start-up: the Qt application in Chinese (Qt's own qtbase_zh_CN for stock
buttons and file dialogs), the shipped CJK font, one instance only, then
either the set-up wizard (no register yet) or the sign-in, then the main
window with the idle lock armed.
"""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app.clock import Clock, SystemClock
from app.ui import prefs, single_instance, warmup, worker
from app.ui.style import STYLE_SHEET

ALREADY_RUNNING = "保密台账已在运行，请切换到已打开的窗口。同一时间只能运行一个保密台账。"

_translators: list[QTranslator] = []  # kept alive for the life of the application


def install_qt_translation(app: QApplication) -> bool:
    """Qt's own Chinese strings (确定/取消, file dialogs), as Picard's i18n/qt.py does."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ok = False
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
            _translators.append(translator)
            ok = True
    return ok


def configure_application(app: QApplication) -> None:
    """Names for QSettings, Chinese locale and translations, the shipped font, the style."""
    app.setOrganizationName(prefs.ORGANISATION)
    app.setApplicationName(prefs.APPLICATION)
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    install_qt_translation(app)
    from app.ui.fonts import apply_app_font
    apply_app_font(app)
    app.setStyle("Fusion")  # the same look on every platform, and on the offscreen grabs
    app.setStyleSheet(STYLE_SHEET)


def needs_setup(path_text: str) -> bool:
    """No register known, or the known file is gone: the set-up wizard runs."""
    return not path_text or not Path(path_text).exists()


def run_app(argv: list[str], *, clock: Clock | None = None) -> int:
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    configure_application(app)
    app.setQuitOnLastWindowClosed(False)  # the lock screen hides every window on purpose
    guard = single_instance.acquire()
    if guard is None:
        QMessageBox.information(None, "保密台账", ALREADY_RUNNING)
        return 1
    clock = clock or SystemClock()
    try:
        return _run(app, clock)
    finally:
        worker.wait_idle()
        guard.unlock()


def _run(app: QApplication, clock: Clock) -> int:
    # Each window's module is imported when it is about to be shown: the sign-in
    # must not wait for the wizard, the main window or the ledger (figure 2).
    from app.ui.sign_in import SignInDialog

    path_text = prefs.register_path()
    username = ""
    if needs_setup(path_text):
        from app.ui.setup_wizard import SetupWizard
        wizard = SetupWizard(clock=clock)
        wizard.exec()
        if wizard.register_path is None:
            return 0
        path_text, username = str(wizard.register_path), wizard.clerk_name
        prefs.set_register_path(path_text)

    dialog = SignInDialog(Path(path_text), clock=clock, username=username)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.reg is None:
        return 0
    warmup.wait()  # the warm-up may still be importing the main window's modules
    from app.ui.main_window import open_main_window
    window = open_main_window(dialog.reg, clock=clock)
    window.show()
    window.offer_drafts()
    # Closing the main window, or the end of the session (R53), quits.
    window.closed.connect(app.quit)
    return app.exec()
