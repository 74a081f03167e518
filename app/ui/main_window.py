"""The main window: ledgers on the left, the chosen ledger's table on the right.

Which ledgers appear depends on the signed-in account's roles (三员分立: the
account administrator sees only the accounts, the journal is for the
inspector).  Pages are built when first opened, so signing in stays quick:
even the page the window opens on is built only once the window is on screen
(or when someone asks for the current page), so a clerk who goes straight to
another ledger never pays for the first one's queries.  The 打印与导出 and
登记 menus import what they start when it is first started.
Geometry and the last page are remembered in QSettings; nothing secret is.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QMainWindow, QMessageBox, QPushButton, QSizePolicy, QSplitter,
                               QStackedWidget, QToolBar,
                               QToolButton, QVBoxLayout, QWidget)

from app.clock import Clock
from app.ledger import session
from app.store.register import Register
from app.ui import actions, operations, prefs, shutdown
from app.ui.drafts_dialog import DraftsDialog
from app.ui.form_base import open_forms
from app.ui.io_menu import install_io_actions
from app.ui.ledger_page import LedgerPage, build_page
from app.ui.ledgers import Ledger, read_only, visible_ledgers
from app.ui.password_change import ChangePasswordDialog
from app.ui.session_control import SessionController

if TYPE_CHECKING:
    from app.ui.detail_pane import DetailPane


class MainWindow(QMainWindow):
    closed = Signal()  # after signing out or the end of the session

    def __init__(self, reg: Register, info: session.SessionInfo,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reg = reg
        self.info = info
        self.controller: SessionController | None = None
        self.drafts_dialog: DraftsDialog | None = None
        self.pages: dict[str, LedgerPage] = {}
        self.ledgers: list[Ledger] = visible_ledgers(reg.roles)
        self.read_only = read_only(reg.roles)
        self._signed_out = False
        self.setWindowTitle(self.tr("保密台账 — %1").replace("%1", info.unit))
        self.setMinimumSize(QSize(980, 620))

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(170)
        for ledger in self.ledgers:
            item = QListWidgetItem(ledger.title)
            item.setData(Qt.ItemDataRole.UserRole, ledger.key)
            item.setToolTip(ledger.hint)
            self.navigation.addItem(item)
        self.stack = QStackedWidget()
        self.navigation.currentRowChanged.connect(self._show_page)

        self.banners = QVBoxLayout()
        self.banners.setContentsMargins(18, 10, 18, 0)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        right_layout.addLayout(self.banners)
        # The table, and beside it the detail pane once a carrier is chosen (self.detail).
        self._detail: DetailPane | None = None
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setChildrenCollapsible(False)
        right_layout.addWidget(self.splitter, 1)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.navigation)
        row.addWidget(right, 1)
        self.setCentralWidget(central)

        self._build_actions()
        self.io_actions = install_io_actions(self)  # 打印与导出 menu (none for the administrator)
        self.form_actions = actions.install(self)  # the 登记 menu and shortcuts (clerk only)
        operations.hub().changed.connect(self.apply_changes)
        self._build_status_bar()
        self._show_sign_in_banners()
        self._restore_settings()

    # -- building ----------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.lock_action = QAction(self.tr("锁定"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.setToolTip(self.tr("立即锁定（Ctrl+L）：离开保密室时使用"))
        self.lock_action.triggered.connect(lambda: self.lock_now())
        self.password_action = QAction(self.tr("修改口令"), self)
        self.password_action.triggered.connect(self.change_password)
        self.search_action = QAction(self.tr("查找"), self)
        self.search_action.setShortcut(QKeySequence.StandardKey.Find)
        self.search_action.triggered.connect(self._focus_search)
        self.power_off_action = QAction(self.tr("一小时无操作后关闭计算机"), self)
        self.power_off_action.setCheckable(True)
        self.power_off_action.setChecked(prefs.power_off_enabled())
        self.power_off_action.setToolTip(self.tr("R53：离开一小时以上须关机。命令：%1").replace(
            "%1", prefs.power_off_command()))
        self.power_off_action.toggled.connect(prefs.set_power_off_enabled)
        self.quit_action = QAction(self.tr("退出"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)

        menu = self.menuBar().addMenu(self.tr("登记簿(&F)"))
        menu.addAction(self.search_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        account_menu = self.menuBar().addMenu(self.tr("账户(&A)"))
        account_menu.addAction(self.lock_action)
        account_menu.addAction(self.password_action)
        account_menu.addSeparator()
        account_menu.addAction(self.power_off_action)

        bar = QToolBar(self.tr("工具栏"))
        bar.setObjectName("mainToolBar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addAction(self.search_action)
        bar.addAction(self.password_action)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        bar.addAction(self.lock_action)
        self.addToolBar(bar)

    def _build_status_bar(self) -> None:
        roles = "、".join(sorted(self.reg.roles))
        account = QLabel(self.tr("当前账户：%1（%2）").replace("%1", self.reg.actor).replace("%2", roles))
        unit = QLabel(self.tr("单位：%1").replace("%1", self.info.unit))
        level = QLabel(self.info.level)
        level.setObjectName("levelBadge")
        level.setToolTip(self.tr("登记簿密级"))
        mode = QLabel(self.tr("只读") if self.read_only else "")
        lock_button = QToolButton()
        lock_button.setDefaultAction(self.lock_action)
        bar = self.statusBar()
        for w in (account, unit, level, mode):
            bar.addWidget(w)
        bar.addPermanentWidget(lock_button)

    def _banner(self, text: str, name: str) -> QFrame:
        frame = QFrame()
        frame.setObjectName(name)
        label = QLabel(text)
        label.setWordWrap(True)
        row = QHBoxLayout(frame)
        row.setContentsMargins(12, 8, 12, 8)
        row.addWidget(label, 1)
        self.banners.addWidget(frame)
        return frame

    def _show_sign_in_banners(self) -> None:
        info = self.reg.sign_in_info
        self.expiry_banner: QFrame | None = None
        days = info.get("expires_in_days")
        if days:
            self.expiry_banner = self._banner(
                self.tr("您的口令将在 %n 天后到期，请及时修改"
                        "（口令使用期不得超过规定期限，R51）。", "", days),
                "banner")
            change = QPushButton(self.tr("现在修改"))
            change.clicked.connect(self.change_password)
            self.expiry_banner.layout().addWidget(change)
        for notice in info.get("notices") or []:
            self._banner(self.tr("系统管理员提示：") + notice, "noticeBanner")

    def _restore_settings(self) -> None:
        geometry = prefs.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 760)
        keys = [ledger.key for ledger in self.ledgers]
        last = prefs.last_page()
        if keys:
            self.navigation.setCurrentRow(keys.index(last) if last in keys else 0)

    # -- the detail pane --------------------------------------------------------------------
    @property
    def detail(self) -> DetailPane:
        """The selected carrier's fields and history beside the table, made when first
        needed (a carrier chosen): hidden until then, and never built for a window
        where none is (its text browsers and tabs cost about 5 MiB)."""
        if self._detail is None:
            from app.ui.detail_pane import DetailPane
            self._detail = DetailPane(self.reg)
            self._detail.hide()
            self.splitter.addWidget(self._detail)
            self.splitter.setStretchFactor(1, 2)
        return self._detail

    def _follow_carrier(self, number: str) -> None:
        if number:  # a selection that names no carrier changes nothing (DetailPane.follow)
            self.detail.follow(number)

    def _open_carrier(self, number: str) -> None:
        if number:
            self.detail.open_carrier(number)

    def refresh_detail(self) -> None:
        """Read the carrier shown again (it may be the one that moved); none shown: nothing."""
        if self._detail is not None:
            self._detail.refresh()

    # -- pages -----------------------------------------------------------------------------
    def _show_page(self, row: int) -> None:
        if row < 0:
            return
        prefs.set_last_page(self.ledgers[row].key)
        if self.isVisible():
            self._build_current()
        # Before the window is shown (the page it opens on): built after the first paint
        # (showEvent), or at once when asked for (current_page, open_page).

    def _showing_current(self) -> bool:
        """Whether the stack shows the page of the navigation's current row."""
        row = self.navigation.currentRow()
        page = self.pages.get(self.ledgers[row].key) if row >= 0 else None
        return page is not None and self.stack.currentWidget() is page

    def _build_current(self) -> LedgerPage | None:
        """The navigation's current page, built now if it was not yet, and shown in the stack."""
        row = self.navigation.currentRow()
        if row < 0:
            return None
        ledger = self.ledgers[row]
        page = self.pages.get(ledger.key)
        if page is None:
            page = build_page(ledger, self.reg, read_only=self.read_only)
            page.carrier_selected.connect(self._follow_carrier)
            page.carrier_activated.connect(self._open_carrier)
            self.pages[ledger.key] = page
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        return page

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._showing_current():
            QTimer.singleShot(0, self, self._build_if_still_needed)

    def _build_if_still_needed(self) -> None:
        # Nothing to do when a page was opened or asked for meanwhile, or the session ended.
        if not self._signed_out and not self._showing_current():
            self._build_current()

    def current_page(self) -> LedgerPage | None:
        if not self._signed_out and not self._showing_current():
            self._build_current()
        page = self.stack.currentWidget()
        return page if isinstance(page, LedgerPage) else None

    def open_page(self, key: str) -> LedgerPage:
        row = [ledger.key for ledger in self.ledgers].index(key)
        self.navigation.setCurrentRow(row)
        page = self._build_current()
        assert page is not None
        return page

    def apply_changes(self, changes: operations.Changes) -> None:
        """A form saved: the pages built so far that show what changed read again."""
        if self._signed_out:
            return
        if self.controller is not None and self.controller.is_locked:
            # A save that finished as the lock came: no key to read with until unlocked.
            self.controller.unlocked.connect(lambda c=changes: self.apply_changes(c),
                                             Qt.ConnectionType.SingleShotConnection)
            return
        for key, page in self.pages.items():
            if changes.touches(key):
                refresh = getattr(page, "refresh", None) or getattr(page.model, "refresh", None)
                (refresh or page.model.reload)()
        self.refresh_detail()  # the carrier shown may be the one that moved
        if changes.summary:
            self.statusBar().showMessage(changes.summary, 8000)

    def _focus_search(self) -> None:
        page = self.current_page()
        if page is not None:
            page.focus_search()

    # -- session -------------------------------------------------------------------------------
    def attach_session(self, controller: SessionController) -> None:
        self.controller = controller
        controller.ended.connect(self._session_ended)

    def lock_now(self) -> None:
        if self.controller is not None:
            self.controller.lock(reason="手动")

    def change_password(self) -> None:
        dialog = ChangePasswordDialog(self.reg, parent=self)
        dialog.accepted.connect(self._password_changed)
        dialog.open()
        self.password_dialog = dialog

    def _password_changed(self) -> None:
        if self.expiry_banner is not None:
            self.expiry_banner.hide()
        self.statusBar().showMessage(self.tr("口令已修改。"), 5000)

    def offer_drafts(self) -> DraftsDialog | None:
        """Drafts left by a forced session end come back here (R53)."""
        drafts = session.pending_drafts(self.reg)
        if not drafts:
            return None
        self.drafts_dialog = DraftsDialog(self.reg, drafts, self)
        self.drafts_dialog.open()
        return self.drafts_dialog

    def _session_ended(self) -> None:
        self._signed_out = True  # the controller closed the register
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        prefs.save_geometry(self.saveGeometry(), self.saveState())
        if not self._signed_out:
            dirty = [f for f in open_forms(self) if f.is_dirty()]
            if dirty and QMessageBox.question(
                    self, self.tr("退出"),
                    self.tr("有 %n 份表单尚未保存，退出将丢失其中的内容。确定退出吗？", "", len(dirty))
            ) != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            if self.controller is not None:
                self.controller.watcher.stop()
            self._signed_out = True
            session.sign_out(self.reg)
        event.accept()
        self.closed.emit()


def open_main_window(reg: Register, *, clock: Clock, power_off_runner: shutdown.Runner | None = None,
                     quit_app=None, tick_ms: int | None = None) -> MainWindow:
    """The main window with its session controller, idle watcher started."""
    info = session.session_info(reg)
    window = MainWindow(reg, info)
    controller = SessionController(reg, info, clock=clock, root=window,
                                   power_off_runner=power_off_runner, quit_app=quit_app,
                                   tick_ms=tick_ms)
    window.attach_session(controller)
    controller.start()
    return window
