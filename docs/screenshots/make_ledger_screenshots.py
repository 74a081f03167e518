"""Grab the ledger pages, the detail pane and the import dialog to PNG, offscreen.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. python docs/screenshots/make_ledger_screenshots.py [OUT]

A throw-away register filled by app.ledger.demo.build_demo (300 carriers).
Writes ledger-lending.png, detail-history.png and import-dialog.png into
docs/screenshots/, and a grab of every page into OUT when given (for review).
Nothing here is a test.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QStandardPaths  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.clock import FakeClock  # noqa: E402
from app.crypto.kdf import TEST_PARAMS  # noqa: E402
from app.ledger import accounts  # noqa: E402

HERE = Path(__file__).resolve().parent
UNIT = "某市保密局机关"
CLERK, CLERK_PW = "zhangmin", "Baomi#2026ab"


def settle(app: QApplication, cond=lambda: True, limit: float = 20.0) -> None:
    start = time.monotonic()
    while time.monotonic() - start < limit:
        app.processEvents()
        if cond():
            break
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()
        time.sleep(0.01)


def save(app: QApplication, widget: QWidget, path: Path) -> None:
    settle(app)
    widget.grab().save(str(path))
    print(path)


def messy_workbook(folder: Path) -> Path:
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "2025年收文"
    ws.append(["某市保密局机关涉密载体收文登记簿（2025年）"])
    ws.merge_cells("A1:H1")
    ws.append(["编号", "文件名称", "密级", "份数", "份号", "来文单位", "收文日期", "备注"])
    rows = [
        ("SW-2025-0001", "关于做好2025年元旦春节期间保密工作的通知", "秘密", 1, "", "市保密局", "2025.1.6", ""),
        ("SW-2025-0002", "全市保密工作会议材料", "机密", 2, "", "市委办公厅", "2025年1月9日", "会议带回"),
        ("SW-2025-0003", "关于开展保密自查自评的通知", "秘密", 1, "", "市保密局", "2025/2/13", ""),
        ("SW-2025-0004", "年度重点工作任务分解方案", "特密", 1, "", "市政府办公室", "2025-02-20", ""),
        ("SW-2025-0005", "关于调整涉密岗位人员的批复", "秘密", 1, "", "市委组织部", "2025-02-30", ""),
        ("SW-2025-0006", "专项检查情况通报", "机密", 1, "003", "省国家安全厅", "2025-03-04", ""),
        ("SW-2025-0003", "关于开展保密自查自评的通知（重复登记）", "秘密", 1, "", "市保密局", "2025-03-05", ""),
        ("SW-2025-0007", "保密宣传教育月活动方案", "内部", 1, "", "市委保密委员会", "2025-03-10", ""),
    ]
    for r in rows:
        ws.append(list(r))
    ws.append(["合计", "", "", 9])
    path = folder / "2025年收文登记簿.xlsx"
    wb.save(path)
    return path


def main() -> None:
    review = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    app = QApplication(sys.argv[:1])
    QStandardPaths.setTestModeEnabled(True)
    tmp = Path(tempfile.mkdtemp(prefix="baomi-ledger-shots-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "ini"))
    from app.ui.main import configure_application
    configure_application(app)
    from app.ledger.demo import build_demo
    from app.ui.io_dialogs import ImportDialog
    from app.ui.main_window import open_main_window

    clock = FakeClock(datetime(2026, 11, 20, 10, 30))
    path = tmp / "register.baomi"
    accounts.create_register(path, unit=UNIT, level="机密", admin="admin",
                             admin_password="Guanli#2026a", clerk=CLERK,
                             clerk_password="Chushi#2026a", clock=clock, kdf=TEST_PARAMS)
    reg = accounts.sign_in(path, CLERK, "Chushi#2026a", clock=clock, allow_password_change=True)
    accounts.change_password(reg, "Chushi#2026a", CLERK_PW)
    build_demo(reg, carriers=400, seed=7)
    window = open_main_window(reg, clock=clock, tick_ms=3_600_000)
    window.resize(1480, 860)
    window.show()

    def page_ready(page):
        return lambda: not page.model.is_loading() and page.model.known_total() is not None

    for ledger in window.ledgers:
        page = window.open_page(ledger.key)
        settle(app, page_ready(page))
        for i in range(len(page.views)):
            page.view_filter.setCurrentIndex(i)
            settle(app, page_ready(page))
            if review:
                review.mkdir(parents=True, exist_ok=True)
                save(app, window, review / f"page-{ledger.key}-{i}.png")
        page.view_filter.setCurrentIndex(0)

    # 借阅登记: every sign-out, returned or not, with borrower, approver, out, due, back.
    page = window.open_page("loans")
    settle(app, page_ready(page))
    save(app, window, HERE / "ledger-lending.png")

    # A carrier with a long life: received, lent, copied, checked ... in the detail pane.
    page = window.open_page("receipts")
    settle(app, page_ready(page))
    from app.ledger import queries
    from app.ledger.history import history
    best, most = None, 0
    with queries.reading(reg) as s:
        for r in queries.carriers_page(s, limit=120, order_by="number"):
            n = len(history(s, r.number).movements)
            if n > most:
                best, most = r.number, n
    row = next(r for r in range(page.model.rowCount()) if page.number_at(r) == best)
    page.table.selectRow(row)
    page.table.scrollTo(page.model.index(row, 0))
    settle(app, lambda: window.detail.history is not None and window.detail.number == best)
    save(app, window, HERE / "detail-history.png")
    if review:
        save(app, window.detail, review / "detail-pane.png")
        window.detail.tabs.setCurrentIndex(1)
        save(app, window.detail, review / "detail-journal.png")
        window.detail.tabs.setCurrentIndex(0)

    if review:  # a print preview of the 借阅登记, and the inspector's journal
        page = window.open_page("loans")
        job = window.io_actions.print_current(preview=True)
        settle(app, lambda: job.done and getattr(page, "print_dialog", None) is not None)
        settle(app, limit=1.0)
        save(app, page.print_dialog, review / "print-preview-loans.png")
        page.print_dialog.close()

    dialog = ImportDialog(reg, window)
    dialog.show()
    folder = Path(tempfile.gettempdir()) / "保密室旧台账"  # a stable path for the picture
    folder.mkdir(exist_ok=True)
    dialog.load(messy_workbook(folder))
    settle(app, lambda: dialog.proposal is not None)
    dialog.validate()
    settle(app, lambda: dialog.plan is not None)
    save(app, dialog, HERE / "import-dialog.png")
    dialog.close()
    window.close()
    if review:
        admin = accounts.sign_in(path, "admin", "Guanli#2026a", clock=clock)
        accounts.add_account(admin, "jiancha", "检查人员", "Chushi#2026ab")
        admin.close()
        inspector = accounts.sign_in(path, "jiancha", "Chushi#2026ab", clock=clock,
                                     allow_password_change=True)
        accounts.change_password(inspector, "Chushi#2026ab", "Xinde#2026abc")
        window = open_main_window(inspector, clock=clock, tick_ms=3_600_000)
        window.resize(1480, 860)
        window.show()
        page = window.open_page("journal")
        settle(app, page_ready(page))
        page.start_verify()
        settle(app, lambda: page.report is not None, limit=60)
        save(app, window, review / "page-journal.png")
        window.close()


if __name__ == "__main__":
    main()
