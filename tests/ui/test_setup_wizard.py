"""The set-up wizard end to end: fields, the register created off the GUI thread, the recovery code."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard

from app.clock import FakeClock
from app.crypto.kdf import TEST_PARAMS
from app.errors import PasswordChangeRequired
from app.ledger import accounts, session
from app.ui.setup_wizard import SetupWizard, default_register_path

pytestmark = pytest.mark.usefixtures("ui_app")
CODE = re.compile(r"^[A-Z0-9]{5}(-[A-Z0-9]{5}){5}$")


def fill_first_page(wizard: SetupWizard, path: Path, level: str = "机密") -> None:
    page = wizard.register_page
    page.unit.setText("某县档案局")
    page.level.setCurrentText(level)
    page.path.setText(str(path))


def fill_accounts(wizard: SetupWizard, clerk_pw2: str = "Chushi#2026abc") -> None:
    page = wizard.accounts_page
    page.admin.setText("xitong")
    page.admin_pw.setText("Guanli#2026abc")
    page.admin_pw2.setText("Guanli#2026abc")
    page.clerk.setText("zhangsan")
    page.clerk_pw.setText("Chushi#2026abc")
    page.clerk_pw2.setText(clerk_pw2)


@pytest.fixture
def wizard(qtbot) -> SetupWizard:
    w = SetupWizard(clock=FakeClock(), kdf=TEST_PARAMS)
    qtbot.addWidget(w)
    w.show()
    return w


def test_default_location_is_the_app_data_folder() -> None:
    assert default_register_path().name == "register.baomi"
    assert "baomi" in str(default_register_path().parent).lower()


def test_wizard_creates_the_register_and_shows_the_code_once(qtbot, wizard: SetupWizard,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "new folder" / "台账.baomi"
    fill_first_page(wizard, path)
    wizard.next()
    assert wizard.currentPage() is wizard.accounts_page
    # The rules of the chosen level are shown before a password is typed.
    assert "不少于 10 位" in wizard.accounts_page.rules.text()
    assert "7 天" in wizard.accounts_page.rules.text()
    fill_accounts(wizard)
    wizard.next()  # 创建登记簿: runs on the worker
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page, timeout=10000)
    code = wizard.recovery_page.code_label.text()
    assert CODE.match(code)
    assert path.exists() and Path(str(path) + ".keys").exists()
    assert code.encode() not in Path(str(path) + ".keys").read_bytes()
    assert wizard.register_path == path and wizard.clerk_name == "zhangsan"
    # The register opens: the administrator signs in; the clerk must change the first password.
    reg = accounts.sign_in(path, "xitong", "Guanli#2026abc", clock=FakeClock())
    try:
        info = session.session_info(reg)
        assert (info.unit, info.level) == ("某县档案局", "机密")
    finally:
        reg.close()
    with pytest.raises(PasswordChangeRequired):
        accounts.sign_in(path, "zhangsan", "Chushi#2026abc", clock=FakeClock())
    # The recovery code works, and is gone from the screen once the wizard closes.
    accounts.recover(path, "xitong", code.lower(), "Xinkouling#2026", clock=FakeClock())
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.recovery_page.code_label.text() == ""


def test_mismatched_passwords_are_refused_before_anything_is_created(qtbot, wizard: SetupWizard,
                                                                     tmp_path: Path) -> None:
    path = tmp_path / "r.baomi"
    fill_first_page(wizard, path)
    wizard.next()
    fill_accounts(wizard, clerk_pw2="Other#2026abc")
    wizard.next()
    assert wizard.currentPage() is wizard.accounts_page
    assert wizard.accounts_page.error.text() == "保密员：两次输入的口令不一致。"
    assert not path.exists()


def test_a_weak_password_shows_the_rule(qtbot, wizard: SetupWizard, tmp_path: Path) -> None:
    fill_first_page(wizard, tmp_path / "r.baomi", level="秘密")
    wizard.next()
    fill_accounts(wizard)
    wizard.accounts_page.admin_pw.setText("short1A")
    wizard.accounts_page.admin_pw2.setText("short1A")
    wizard.next()
    assert wizard.accounts_page.error.text() == "系统管理员：口令长度不得少于 8 位。"


def test_an_existing_register_is_never_overwritten(qtbot, wizard: SetupWizard,
                                                   register_path: Path) -> None:
    fill_first_page(wizard, register_path)
    wizard.next()
    assert wizard.currentPage() is wizard.register_page
    assert "不会覆盖" in wizard.register_page.error.text()


def test_the_recovery_sheet_paints(ui_app) -> None:
    from datetime import datetime

    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter

    from app.ui.recovery_sheet import paint_sheet
    image = QImage(1240, 1754, QImage.Format.Format_RGB32)  # A4 at 150 dpi
    image.fill(QColor("white"))
    painter = QPainter(image)
    paint_sheet(painter, QRectF(100, 100, 1040, 1554), unit="某县档案局",
                code="ACDEF-GHJKM-NPQRT-UVWXY-34679-ACDEF", when=datetime(2026, 11, 2, 9, 0))
    painter.end()
    dark = sum(1 for x in range(100, 1140, 4) for y in range(100, 700, 4)
               if image.pixelColor(x, y).lightness() < 128)
    assert dark > 500  # text was drawn
