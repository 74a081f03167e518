"""UI test fixtures: the configured application, private QSettings, cleanup between tests."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QApplication

_configured = False

# Widgets need a QApplication; app/io/qtenv.py makes a bare QGuiApplication when it
# prints and none exists, and a process can have only one.  Collection imports this
# file before any test runs, so making the QApplication here wins in every xdist worker.
if QApplication.instance() is None:
    QApplication(["baomi-tests"])


@pytest.fixture
def ui_app(qapp: QApplication, tmp_path: Path):
    """The app as run_app configures it, with settings in a temporary folder."""
    global _configured
    QStandardPaths.setTestModeEnabled(True)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "ini"))
    if not _configured:
        from app.ui.main import configure_application
        configure_application(qapp)
        _configured = True
    yield qapp
    from app.ui import worker
    worker.wait_idle()
    from app.ui.form_base import LedgerForm
    from app.ui.main_window import MainWindow
    widgets = QApplication.topLevelWidgets()
    for w in widgets:
        for form in [w, *w.findChildren(LedgerForm)]:
            if isinstance(form, LedgerForm):
                form.mark_clean()  # no "unsaved input" question during cleanup
    for w in widgets:
        if isinstance(w, MainWindow):
            w.close()  # signs out and closes the register
    for w in widgets:
        # Qt's own popups (a completer's list, a combo's drop-down) belong to the
        # widget that owns them; deleting one first crashes the process.
        if w.parentWidget() is not None or w.windowType() == Qt.WindowType.Popup:
            continue
        w.setProperty("allow_close", True)
        w.setProperty("session_ended", True)
        w.hide()
        w.deleteLater()
    QApplication.processEvents()
