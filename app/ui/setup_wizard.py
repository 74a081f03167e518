"""First run: the set-up wizard creates the register and shows its recovery code once.

Pages: the register (unit, level, file), the two accounts with the level's
password rules, and the recovery code with the instruction to print it, seal
it and keep it in the safe.  Creating the register calibrates Argon2 (about a
second), so it runs on the register worker behind a busy bar.  The code is
held in one label only and cleared when the wizard closes.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QProgressBar, QPushButton, QVBoxLayout, QWidget, QWizard,
                               QWizardPage)

from app.clock import Clock, SystemClock
from app.crypto.kdf import KdfParams
from app.errors import BaomiError
from app.ledger import accounts, session
from app.ledger.settings import LEVELS
from app.ui import worker
from app.ui.recovery_sheet import INSTRUCTIONS, print_sheet

DEFAULT_FILE_NAME = "register.baomi"


def default_register_path() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder) / DEFAULT_FILE_NAME


def _title(text: str) -> str:
    return f"<span style='font-size:15pt; font-weight:bold'>{text}</span>"


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class RegisterPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(_title(self.tr("新建登记簿")))
        self.setSubTitle(self.tr("第 1 步，共 3 步。本机尚无登记簿。"
                                 "请填写使用单位、登记簿的最高密级和文件存放位置。"))
        self.unit = QLineEdit()
        self.unit.setPlaceholderText(self.tr("例如：某市某局办公室"))
        self.level = QComboBox()
        self.level.addItems(list(LEVELS))
        self.path = QLineEdit(str(default_register_path()))
        browse = QPushButton(self.tr("浏览…"))
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        note = QLabel(self.tr("登记簿文件与同名的 .keys 密钥槽文件须放在同一文件夹；"
                              "密级决定口令规则：秘密级口令不少于 8 位、30 天内更换，"
                              "机密级和绝密级不少于 10 位、7 天内更换。"))
        note.setObjectName("rulesText")
        note.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("errorText")
        form = QFormLayout()
        form.addRow(self.tr("使用单位"), self.unit)
        form.addRow(self.tr("登记簿密级"), self.level)
        form.addRow(self.tr("文件位置"), path_row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.registerField("unit*", self.unit)
        self.registerField("level", self.level, "currentText")
        self.registerField("path*", self.path)

    def _browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, self.tr("登记簿文件存放位置"), self.path.text(),
                                                self.tr("登记簿 (*.baomi)"))
        if chosen:
            self.path.setText(chosen if chosen.endswith(".baomi") else chosen + ".baomi")

    def validatePage(self) -> bool:
        path = Path(self.path.text().strip())
        if path.exists() or Path(str(path) + ".keys").exists():
            self.error.setText(self.tr("该位置已有登记簿文件，不会覆盖。请另选文件名，或在登录界面打开它。"))
            return False
        if not self.unit.text().strip():
            self.error.setText(self.tr("请填写使用单位。"))
            return False
        self.error.clear()
        return True


class AccountsPage(QWizardPage):
    """The administrator and the clerk are different people (三员分立)."""

    def __init__(self, wizard: "SetupWizard") -> None:
        super().__init__()
        self._wizard = wizard
        self.created = False
        self.setTitle(_title(self.tr("设置账户")))
        self.setSubTitle(self.tr("第 2 步，共 3 步。系统管理员只管理账户；保密员登记台账。"
                                 "保密员首次登录时须修改这里设置的初始口令。"))
        self.admin = QLineEdit("admin")
        self.admin_pw, self.admin_pw2 = _password_edit(), _password_edit()
        self.clerk = QLineEdit()
        self.clerk.setPlaceholderText(self.tr("例如：baomiyuan"))
        self.clerk_pw, self.clerk_pw2 = _password_edit(), _password_edit()
        form = QFormLayout()
        form.addRow(QLabel(self.tr("<b>系统管理员</b>")))
        form.addRow(self.tr("用户名"), self.admin)
        form.addRow(self.tr("口令"), self.admin_pw)
        form.addRow(self.tr("再次输入口令"), self.admin_pw2)
        form.addRow(QLabel(self.tr("<b>保密员</b>")))
        form.addRow(self.tr("用户名"), self.clerk)
        form.addRow(self.tr("初始口令"), self.clerk_pw)
        form.addRow(self.tr("再次输入口令"), self.clerk_pw2)
        self.rules = QLabel()
        self.rules.setObjectName("rulesText")
        self.rules.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setFormat(self.tr("正在创建加密登记簿…"))
        self.busy.setTextVisible(True)
        self.busy.hide()
        self.error = QLabel()
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.rules)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("创建登记簿"))

    def initializePage(self) -> None:
        self.rules.setText(self.tr("口令规则：") + session.level_rules_text(self.field("level")))

    def _problem(self) -> str | None:
        level = self.field("level")
        admin, clerk = self.admin.text().strip(), self.clerk.text().strip()
        if not admin or not clerk:
            return self.tr("请填写系统管理员和保密员的用户名。")
        if admin.casefold() == clerk.casefold():
            return self.tr("系统管理员与保密员须为不同账户（三员分立）。")
        for who, name, pw, pw2 in ((self.tr("系统管理员"), admin, self.admin_pw, self.admin_pw2),
                                   (self.tr("保密员"), clerk, self.clerk_pw, self.clerk_pw2)):
            if pw.text() != pw2.text():
                return who + self.tr("：两次输入的口令不一致。")
            problem = session.setup_password_problem(level, name, pw.text())
            if problem:
                return who + "：" + problem
        return None

    def validatePage(self) -> bool:
        if self.created:
            return True
        if self.busy.isVisible():
            return False
        problem = self._problem()
        if problem:
            self.error.setText(problem)
            return False
        self.error.clear()
        self.busy.show()
        self._wizard.set_busy(True)
        w = self._wizard
        path = Path(self.field("path").strip())
        args = dict(unit=self.field("unit").strip(), level=self.field("level"),
                    admin=self.admin.text().strip(), admin_password=self.admin_pw.text(),
                    clerk=self.clerk.text().strip(), clerk_password=self.clerk_pw.text(),
                    clock=w.clock, kdf=w.kdf)

        def create() -> str:
            path.parent.mkdir(parents=True, exist_ok=True)
            return accounts.create_register(path, **args)

        worker.run_in_background(create, self._created, self._failed)
        return False

    def _created(self, code: str) -> None:
        self.created = True
        self.busy.hide()
        for edit in (self.admin_pw, self.admin_pw2, self.clerk_pw, self.clerk_pw2):
            edit.clear()
        self._wizard.set_busy(False)
        self._wizard.created(Path(self.field("path").strip()), self.clerk.text().strip(), code)

    def _failed(self, error: BaseException) -> None:
        self.busy.hide()
        self._wizard.set_busy(False)
        self.error.setText(error.message if isinstance(error, BaomiError)
                           else self.tr("无法创建登记簿：%1").replace("%1", str(error)))


class RecoveryPage(QWizardPage):
    def __init__(self, wizard: "SetupWizard") -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(_title(self.tr("恢复码")))
        self.setSubTitle(self.tr("第 3 步，共 3 步。登记簿已建立。下面的恢复码只显示这一次。"))
        self.code_label = QLabel()
        self.code_label.setObjectName("recoveryCode")
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        steps = QLabel("<br>".join(INSTRUCTIONS))
        steps.setWordWrap(True)
        self.print_button = QPushButton(self.tr("打印恢复码…"))
        self.print_button.clicked.connect(self._print)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<b>请立即打印恢复码，装入信封密封，存放于保密柜。</b>")))
        layout.addWidget(self.code_label)
        layout.addWidget(steps)
        layout.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def _print(self) -> None:
        w = self._wizard
        if print_sheet(self, unit=w.field("unit").strip(), code=self.code_label.text(),
                       when=w.clock.now()):
            self.print_button.setText(self.tr("已打印，可再次打印…"))


class SetupWizard(QWizard):
    def __init__(self, *, clock: Clock | None = None, kdf: KdfParams | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.clock = clock or SystemClock()
        self.kdf = kdf  # None: calibrate on this machine (tests pass a cheap one)
        self.register_path: Path | None = None
        self.clerk_name = ""
        self.setWindowTitle(self.tr("保密台账 — 新建登记簿"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setTitleFormat(Qt.TextFormat.RichText)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setMinimumSize(720, 560)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("上一步"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("取消"))
        self.register_page = RegisterPage()
        self.accounts_page = AccountsPage(self)
        self.recovery_page = RecoveryPage(self)
        for page in (self.register_page, self.accounts_page, self.recovery_page):
            self.addPage(page)

    def set_busy(self, busy: bool) -> None:
        for which in (QWizard.WizardButton.CommitButton, QWizard.WizardButton.BackButton,
                      QWizard.WizardButton.CancelButton):
            button = self.button(which)
            if button is not None:
                button.setEnabled(not busy)

    def created(self, path: Path, clerk: str, code: str) -> None:
        self.register_path = path
        self.clerk_name = clerk
        self.recovery_page.code_label.setText(code)
        self.next()

    def done(self, result: int) -> None:
        # The recovery code lives nowhere but on paper.
        self.recovery_page.code_label.clear()
        super().done(result)
