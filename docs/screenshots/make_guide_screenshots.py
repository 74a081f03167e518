"""Grab the screens the user guide (docs/用户手册.md) walks through, offscreen.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. python docs/screenshots/make_guide_screenshots.py

A small, hand-made register (a unit of nine people, about fifteen carriers
received since July, a few loans, a copy, a quarterly check) in a temporary
folder, with a fake clock standing at Friday 2026-11-20 10:30.  The real forms
are opened over it, filled in as the clerk would, and grabbed; only the
destruction form is saved (to show the R32 refusal, which writes nothing).

Writes only files named guide-*.png next to this script (never the other
screenshots).  Nothing here is a test.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QStandardPaths, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app.clock import FakeClock  # noqa: E402
from app.crypto.kdf import TEST_PARAMS  # noqa: E402
from app.ledger import accounts  # noqa: E402

HERE = Path(__file__).resolve().parent
UNIT = "某市保密局机关"
ADMIN, ADMIN_PW = "admin", ("Guanli#2026ab", "Guanli#2026Nov")
CLERK = "zhangmin"
CLERK_PW = ("Chushi#2026ab", "Baomi#2026Jul", "Baomi#2026Nov")  # initial, July, November
INSPECTOR, INSPECTOR_PW = "jiancha", ("Shencha#2026a", "Shencha#2026b")
SHELF = "机要室1号保密柜"
TODAY = datetime(2026, 11, 20, 10, 30)  # a Friday


def settle(app: QApplication, cond=lambda: True, limit: float = 20.0) -> None:
    from app.ui import worker
    start = time.monotonic()
    while time.monotonic() - start < limit:
        app.processEvents()
        if cond():
            break
        time.sleep(0.01)
    worker.wait_idle()
    for _ in range(8):
        app.processEvents()
        time.sleep(0.01)


def save(app: QApplication, widget: QWidget, name: str) -> None:
    assert name.startswith("guide-") and name.endswith(".png"), name  # never another file
    settle(app)
    widget.grab().save(str(HERE / name))
    print(HERE / name)


# -- the register ---------------------------------------------------------------------

def build_register(folder: Path, clock: FakeClock) -> tuple[Path, dict[str, str]]:
    """The unit's history from July to this morning; returns the path and named carriers."""
    from app.ledger.carriers import NewCarrier, receive
    from app.ledger.checks import check_items
    from app.ledger.copies import copy
    from app.ledger.devices import add_device
    from app.ledger.loans import lend, return_
    from app.ledger.people import add_person

    path = folder / "台账.baomi"
    clock.set(datetime(2026, 7, 1, 8, 30))
    accounts.create_register(path, unit=UNIT, level="机密", admin=ADMIN, admin_password=ADMIN_PW[0],
                             clerk=CLERK, clerk_password=CLERK_PW[0], clock=clock, kdf=TEST_PARAMS)
    reg = accounts.sign_in(path, CLERK, CLERK_PW[0], clock=clock, allow_password_change=True)
    accounts.change_password(reg, CLERK_PW[0], CLERK_PW[1])
    pledge = date(2026, 1, 5)
    for name, dept, clearance, more in (
            ("王建国", "局领导", "核心", {"is_principal_leader": True}),
            ("李明华", "办公室", "核心", {"is_leader": True}),
            ("张敏", "机要室", "核心", {}),
            ("刘洋", "机要室", "核心", {}),
            ("陈静", "机要室", "重要", {}),
            ("张晓燕", "办公室", "重要", {}),
            ("孙丽", "办公室", "重要", {}),
            ("赵强", "综合科", "重要", {}),
            ("周文博", "业务一处", "一般", {})):
        add_person(reg, name=name, dept=dept, clearance=clearance, pledge_date=pledge, **more)
    copier = add_device(reg, kind="复印机", level="机密", location="机要室", custodian="张敏",
                        model="理光 MP 2014")

    n: dict[str, str] = {}

    def got(key: str, when: datetime, title: str, level: str, issuer: str, doc_no: str = "",
            **more) -> None:
        clock.set(when)  # registered the day it arrives (R01)
        numbers = receive(reg, NewCarrier(title=title, level=level, issuer=issuer, doc_no=doc_no,
                                          location=SHELF, custodian="张敏", received_by="张敏",
                                          via=more.pop("via", "机要交通"), **more))
        for i, number in enumerate(numbers):
            n[key if i == 0 else f"{key}.{i + 1}"] = number

    got("通知", datetime(2026, 7, 2, 9, 10), "关于做好2026年下半年保密工作的通知", "秘密",
        "市保密局", "市保发〔2026〕9号", pages=4)
    got("会议", datetime(2026, 7, 6, 14, 0), "全市保密工作会议材料", "机密", "市委办公厅",
        "市委办发〔2026〕31号", copies=2, serial="011", pages=12)
    got("专项", datetime(2026, 7, 15, 10, 20), "关于开展涉密载体专项检查的通知", "秘密", "市保密局",
        "市保发〔2026〕12号", pages=3)
    got("方案", datetime(2026, 8, 3, 9, 0), "重点项目建设方案（征求意见稿）", "机密", "市政府办公室",
        "市政办发〔2026〕45号", serial="005", pages=36)
    got("设计", datetime(2026, 8, 20, 15, 30), "某重点工程设计方案（送审稿）", "绝密", "省国家安全厅",
        "省安厅发〔2026〕7号", serial="001", pages=58)
    got("光盘", datetime(2026, 9, 8, 11, 0), "2026年保密检查资料", "秘密", "市保密局", kind="光盘")
    got("宣传", datetime(2026, 9, 22, 9, 30), "保密宣传教育月活动安排", "内部", "市委保密委员会",
        "市保委发〔2026〕3号", via="专人送达")
    got("节日", datetime(2026, 10, 9, 9, 15), "关于加强节日期间保密管理的通知", "秘密", "市保密局",
        "市保发〔2026〕15号")
    got("纪要", datetime(2026, 10, 21, 16, 0), "市委常委会会议纪要", "机密", "市委办公厅",
        "市委办发〔2026〕52号", serial="017", pages=9)
    got("自查", datetime(2026, 11, 4, 9, 40), "关于做好年度保密自查自评工作的通知", "秘密", "市保密局",
        "市保发〔2026〕18号", pages=5)
    got("总结", datetime(2026, 11, 12, 10, 0), "本单位2026年保密工作总结（送审稿）", "秘密", "本单位",
        origin="自制", via="", approved_by="李明华", approved_count=1, doc_date=date(2026, 11, 12))

    clock.set(datetime(2026, 7, 8, 10, 0))
    lend(reg, n["通知"], borrower="张晓燕", approver="李明华", purpose="传达学习")
    clock.set(datetime(2026, 7, 8, 15, 30))
    return_(reg, n["通知"], returned_by="张晓燕")
    clock.set(datetime(2026, 8, 10, 9, 30))  # never came back: more than three months (R31)
    lend(reg, n["专项"], borrower="周文博", approver="李明华", purpose="起草自查报告")
    clock.set(datetime(2026, 9, 28, 15, 0))
    check_items(reg, "2026Q3", {n[k]: "在" for k in ("通知", "会议", "会议.2", "方案", "设计",
                                                     "光盘", "宣传")})
    clock.set(datetime(2026, 10, 15, 8, 40))
    lend(reg, n["节日"], borrower="李明华", approver="王建国", place="带出", purpose="赴市委汇报",
         due=datetime(2026, 10, 15, 17, 30))
    clock.set(datetime(2026, 10, 15, 16, 50))
    return_(reg, n["节日"], returned_by="李明华")
    clock.set(datetime(2026, 10, 22, 9, 0))
    copy(reg, n["通知"], count=2, approver="李明华", by="陈静", device=copier)
    reg.close()

    # Monday: the password (机密 register: at most 7 days) has expired; changed at sign-in.
    clock.set(datetime(2026, 11, 16, 8, 30))
    reg = accounts.sign_in(path, CLERK, CLERK_PW[1], clock=clock, allow_password_change=True)
    accounts.change_password(reg, CLERK_PW[1], CLERK_PW[2])
    got("岗位", datetime(2026, 11, 18, 9, 0), "关于调整涉密岗位人员的通知", "机密", "市委组织部",
        "市组发〔2026〕21号", serial="003", pages=2)
    clock.set(datetime(2026, 11, 19, 9, 20))  # not back yesterday evening: overdue (R12)
    lend(reg, n["纪要"], borrower="赵强", approver="李明华", purpose="阅办")
    clock.set(datetime(2026, 11, 20, 9, 5))  # this morning: due back by 17:30
    lend(reg, n["方案"], borrower="张晓燕", approver="李明华", purpose="起草意见")
    clock.set(datetime(2026, 11, 20, 9, 40))
    lend(reg, n["自查"], borrower="周文博", approver="李明华", purpose="阅办")
    reg.close()

    clock.set(datetime(2026, 11, 20, 10, 0))
    admin = accounts.sign_in(path, ADMIN, ADMIN_PW[0], clock=clock, allow_password_change=True)
    accounts.change_password(admin, ADMIN_PW[0], ADMIN_PW[1])  # expired too
    accounts.add_account(admin, INSPECTOR, "检查人员", INSPECTOR_PW[0], display_name="检查组")
    admin.close()
    clock.set(TODAY)
    return path, n


# -- the screens ------------------------------------------------------------------------

def main() -> None:
    app = QApplication(sys.argv[:1])
    QStandardPaths.setTestModeEnabled(True)
    tmp = Path(tempfile.mkdtemp(prefix="baomi-guide-shots-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "ini"))
    from app.ui.main import configure_application
    configure_application(app)
    from app.ui import forms
    from app.ui.main_window import open_main_window

    clock = FakeClock()
    path, n = build_register(tmp, clock)
    reg = accounts.sign_in(path, CLERK, CLERK_PW[2], clock=clock)  # 3 days left: the banner

    # 今日: what is out and with whom, what is due tonight, overdue, R31, deadlines.
    window = open_main_window(reg, clock=clock, tick_ms=3_600_000)
    window.resize(1440, 660)
    window.show()
    page = window.open_page("today")
    settle(app, lambda: not page.model.is_loading() and page.model.known_total() is not None)
    save(app, window, "guide-today.png")

    def form(cls, width: int = 640):
        f = cls(reg)
        f.show()
        f.resize(width, f.sizeHint().height())
        settle(app)
        return f

    def fit(f) -> None:
        settle(app)
        f.resize(f.width(), f.sizeHint().height())
        f.fit_height()

    # 收文: three copies of a 机密 notice, one form, 份号 001–003.
    f = form(forms.ReceiveForm, 680)
    f.title_edit.setText("关于开展2026年度保密检查工作的通知")
    f.level.setCurrentText("机密")
    f.copies.setValue(3)
    f.serial.setText("001")
    f.issuer.setText("市保密局")
    f.doc_no.setText("市保发〔2026〕23号")
    f.kind.setCurrentText("文件")
    f.pages.setValue(6)
    f.scope.setText("局领导、办公室、机要室")
    f.location.setText(SHELF)
    f.custodian.setText("张敏（机要室）")
    f.via.setText("机要交通")
    f.received_by.setText("张敏（机要室）")
    f.note.setPlainText("")
    fit(f)
    save(app, f, "guide-form-receive.png")
    f.mark_clean()
    f.close()

    # 归还: scan the number, the borrower is filled in; the reader has signed (R13, R14).
    f = form(forms.ReturnForm)
    f.number.setText(n["自查"])
    f.number.look_up()
    f.signed.setChecked(True)
    fit(f)
    save(app, f, "guide-form-return.png")
    f.mark_clean()
    f.close()

    # 销毁: one witness only, saved: refused with R32, nothing written, input kept.
    f = form(forms.DestroyForm, 660)
    for key in ("光盘", "宣传"):
        f.items.add_number(n[key])
    f.approver.setText("李明华（办公室）")
    f.witnesses.add("孙丽")
    f.method.setCurrentText("送保密局")
    refused: list = []
    f.refused.connect(refused.append)
    f.save()
    settle(app, lambda: bool(refused) and not f.saving)
    assert refused and getattr(refused[0], "rule", "") == "R32", refused
    fit(f)
    save(app, f, "guide-form-destroy-refused-R32.png")
    f.mark_clean()
    f.close()

    # 季度清查: the 2026Q4 list; three scanned (在), one marked 拟销毁 (key 4).
    f = form(forms.CheckForm, 900)
    settle(app, lambda: f.loaded)
    for key in ("通知", "会议", "会议.2"):
        f.scanned(n[key])
    f.table.selectRow(f.table.row_of(n["光盘"]))
    f.table.set_row_result(f.table.row_of(n["光盘"]), "拟销毁")
    f._count()
    f.scan.setFocus(Qt.FocusReason.OtherFocusReason)
    fit(f)
    save(app, f, "guide-form-check.png")
    f.mark_clean()
    f.close()

    # 交接: 张敏 hands over to 刘洋; the list loads, items are ticked as they are checked.
    f = form(forms.HandoverForm, 940)
    loaded: list = []
    f.table.model_.rowsInserted.connect(lambda *_a: loaded.append(1))
    f.outgoing.setText("张敏（机要室）")
    f.incoming.setText("刘洋（机要室）")
    settle(app, lambda: bool(loaded) and f.table.model_.rowCount() > 0)
    for key in ("通知", "会议", "会议.2", "设计", "光盘", "宣传"):
        f.table.tick(n[key])
    f._count()
    fit(f)
    save(app, f, "guide-form-handover.png")
    f.mark_clean()
    f.close()
    from app.ledger import verify
    printed = verify.checkpoint(reg)  # as in the footer of a page printed now and signed
    window.close()

    # 日志 for the inspector: 核验 against the checkpoint printed on the signed page.
    inspector = accounts.sign_in(path, INSPECTOR, INSPECTOR_PW[0], clock=clock,
                                 allow_password_change=True)
    accounts.change_password(inspector, INSPECTOR_PW[0], INSPECTOR_PW[1])
    window = open_main_window(inspector, clock=clock, tick_ms=3_600_000)
    window.resize(1360, 700)
    window.show()
    page = window.open_page("journal")
    settle(app, lambda: not page.model.is_loading() and page.model.known_total() is not None)
    page.checkpoint_box.setText(printed)
    page.start_verify()
    settle(app, lambda: page.report is not None, limit=60)
    save(app, window, "guide-journal-verify.png")
    window.close()


if __name__ == "__main__":
    main()
