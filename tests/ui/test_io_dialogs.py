"""Paper and Excel from the app: export (cancellable), the import dialogs, print previews."""
from __future__ import annotations

import subprocess
import threading
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import QPushButton

from app.ledger import history, queries
from app.ui import io_dialogs, worker
from app.ui.io_dialogs import CheckImportDialog, ImportDialog, start_export
from app.ui.main_window import open_main_window
from app.ui.print_preview import pdf_printer
from ledger_data import fill

pytestmark = pytest.mark.usefixtures("ui_app")


def carriers(reg) -> int:
    with queries.reading(reg) as s:
        return queries.count_carriers(s)


def busy_worker() -> threading.Event:
    """Hold the register worker so a job queued now has not started when it is cancelled."""
    gate = threading.Event()
    worker.run_in_background(lambda: gate.wait(10), lambda _r: None, lambda _e: None)
    return gate


def cancel_button(job: io_dialogs.Job) -> QPushButton:
    return job.dialog.findChild(QPushButton)


# -- the quarterly workbook ---------------------------------------------------------------------

def test_export_runs_off_the_gui_thread(qtbot, clerk_reg, people, clock, tmp_path) -> None:
    fill(clerk_reg, clock)
    out = tmp_path / "2026Q4清查清单.xlsx"
    results = []
    job = start_export(None, clerk_reg, "2026Q4", out, on_done=results.append)
    qtbot.waitUntil(lambda: job.done, timeout=20000)
    assert job.error is None and results and results[0].path == out
    wb = openpyxl.load_workbook(out, read_only=True)
    assert "清查清单" in wb.sheetnames and "汇总" in wb.sheetnames
    assert job.dialog is None  # the progress dialog is gone


def test_export_can_be_cancelled_and_leaves_no_file(qtbot, clerk_reg, people, clock, tmp_path) -> None:
    fill(clerk_reg, clock)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "q.xlsx"
    gate = busy_worker()
    job = start_export(None, clerk_reg, "2026Q4", out, on_done=lambda _r: None)
    cancel_button(job).click()  # the progress dialog's 取消
    gate.set()
    qtbot.waitUntil(lambda: job.done, timeout=20000)
    assert job.cancelled and job.result is None
    assert list(folder.iterdir()) == []  # neither the workbook nor a temporary file


def test_cancelling_during_the_export_stops_it(qtbot, clerk_reg, people, clock, tmp_path) -> None:
    """The flag is checked at every tick of the io layer, not only before it starts."""
    fill(clerk_reg, clock)
    out = tmp_path / "q.xlsx"
    job = io_dialogs.Job(None, "导出", "…", lambda progress, cancel: io_dialogs.export_xlsx.export_quarter(
        clerk_reg, "2026Q4", out, progress=lambda d, t: (job.cancel(), progress(d, t)), cancel=cancel))
    job.start()
    qtbot.waitUntil(lambda: job.done, timeout=20000)
    assert job.cancelled and not out.exists()


def test_the_filled_check_list_comes_back_R30(qtbot, clerk_reg, people, clock, tmp_path) -> None:
    f = fill(clerk_reg, clock)
    out = tmp_path / "q.xlsx"
    job = start_export(None, clerk_reg, "2026Q4", out, on_done=lambda _r: None)
    qtbot.waitUntil(lambda: job.done, timeout=20000)
    wb = openpyxl.load_workbook(out)
    ws = wb["清查清单"]
    header = [c.value for c in ws[3]]
    number_col, result_col = header.index("登记号") + 1, header.index("核对结果") + 1
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, number_col).value == f.archived:
            ws.cell(r, result_col).value = "在"
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)
    with queries.reading(clerk_reg) as s:
        before = history.count_movements(s, "清查")
    dialog = CheckImportDialog(clerk_reg, filled)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.record_button.isEnabled(), timeout=10000)
    assert "填写核对结果 3 件" in dialog.text.toPlainText()  # two were checked already
    with qtbot.waitSignal(dialog.recorded, timeout=10000):
        dialog.record()
    with queries.reading(clerk_reg) as s:
        assert history.count_movements(s, "清查") == before + 1
    assert "新登记清查结果 1 件，与已登记结果相同未变 2 件" in dialog.text.toPlainText()


def test_a_check_list_with_an_unknown_result_is_refused(qtbot, clerk_reg, people, tmp_path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    dialog = CheckImportDialog(clerk_reg, bad)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.job.done, timeout=10000)
    assert "不是 Excel 工作簿" in dialog.text.toPlainText()
    assert not dialog.record_button.isEnabled()


# -- importing an old ledger --------------------------------------------------------------------

@pytest.fixture
def messy(tmp_path) -> Path:
    """A clerk's ledger: a merged title row, the header, three rows (two bad), a totals row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "收文登记"
    ws.append(["某局涉密载体收文登记簿（2025年）"])
    ws.merge_cells("A1:F1")
    ws.append(["登记号", "文件名称", "密级", "份数", "来文单位", "收文日期"])
    ws.append(["SW-2025-0001", "关于做好保密工作的通知", "秘密", 1, "市保密局", "2025-03-05"])
    ws.append(["SW-2025-0002", "保密工作要点", "特密", 1, "市委办公厅", "2025-03-06"])
    ws.append(["SW-2025-0003", "会议纪要", "秘密", 1, "市委办公厅", "2025年13月45日"])
    ws.append(["合计", "", "", 3])
    path = tmp_path / "旧台账.xlsx"
    wb.save(path)
    return path


def loaded_dialog(qtbot, reg, path: Path) -> ImportDialog:
    dialog = ImportDialog(reg)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.load(path)
    qtbot.waitUntil(lambda: dialog.proposal is not None, timeout=10000)
    return dialog


def validated(qtbot, dialog: ImportDialog) -> ImportDialog:
    dialog.check_button.click()
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=10000)
    return dialog


def test_the_import_dialog_shows_the_mapping_and_the_problems_and_imports_nothing(
        qtbot, clerk_reg, people, messy) -> None:
    dialog = loaded_dialog(qtbot, clerk_reg, messy)
    assert dialog.header_label.text().startswith("表头在第 2 行")
    table = dialog.mapping_table
    assert [table.item(r, 1).text() for r in range(table.rowCount())] == [
        "登记号", "文件名称", "密级", "份数", "来文单位", "收文日期"]
    fields = [dialog.field_combo(r).currentData() for r in range(table.rowCount())]
    assert fields == ["number", "title", "level", "copies", "issuer", "date"]
    assert "关于做好保密工作的通知" in table.item(1, 3).text()  # a sample of the column
    validated(qtbot, dialog)
    problems = dialog.problems()
    assert ("4", "密级", "特密", "未知的密级，应为 秘密、机密、绝密 或 内部") in problems
    assert any(p[0] == "5" and p[1] == "收文日期" and p[2] == "2025年13月45日" for p in problems)
    assert "有问题 2 行" in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled()  # all or nothing
    assert dialog.valid_button.isEnabled()
    assert dialog.import_all() is None
    assert carriers(clerk_reg) == 0


def test_only_valid_rows_with_the_report_kept(qtbot, clerk_reg, people, messy, tmp_path) -> None:
    dialog = validated(qtbot, loaded_dialog(qtbot, clerk_reg, messy))
    report = tmp_path / "导入报告.xlsx"
    with qtbot.waitSignal(dialog.imported, timeout=10000) as got:
        dialog.import_valid(report_path=report)
    assert got.args[0] == ["SW-2025-0001"]  # its old number kept as the register number
    assert carriers(clerk_reg) == 1
    rows = list(openpyxl.load_workbook(report)["问题"].iter_rows(values_only=True))
    assert rows[0] == ("行", "列", "值", "原因") and len(rows) == 3
    assert not dialog.valid_button.isEnabled() and not dialog.import_button.isEnabled()
    # The same file again: the imported row is recognised, nothing is duplicated.
    again = validated(qtbot, loaded_dialog(qtbot, clerk_reg, messy))
    assert "此前已导入（跳过）1 行" in again.summary_label.text()


def test_a_clean_workbook_imports_all(qtbot, clerk_reg, people, tmp_path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "标题", "密级", "发文单位", "日期"])
    ws.append([1, "关于做好保密工作的通知", "秘密", "市保密局", "2026.3.5"])
    ws.append([2, "会议纪要", "内部", "本局", "2026/3/6"])
    path = tmp_path / "ok.xlsx"
    wb.save(path)
    dialog = validated(qtbot, loaded_dialog(qtbot, clerk_reg, path))
    assert dialog.problems() == [] and dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=10000) as got:
        dialog.import_button.click()
    assert len(got.args[0]) == 2 and carriers(clerk_reg) == 2


def test_the_clerk_corrects_the_mapping(qtbot, clerk_reg, people, messy) -> None:
    dialog = loaded_dialog(qtbot, clerk_reg, messy)
    dialog.set_field(1, "")  # 文件名称 not imported: 名称 is required
    assert not dialog.check_button.isEnabled()
    assert "缺少必填字段：名称" in dialog.summary_label.text()
    dialog.set_field(4, "title")  # a wrong choice, then the right one
    assert dialog.mapping()["title"] == 4
    dialog.set_field(1, "title")  # one column per field: the last choice wins
    assert dialog.mapping()["title"] == 1 and dialog.field_combo(4).currentData() == ""
    assert dialog.check_button.isEnabled()


def test_a_file_that_is_no_workbook_is_named(qtbot, clerk_reg, people, tmp_path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"")
    dialog = ImportDialog(clerk_reg)
    qtbot.addWidget(dialog)
    dialog.load(path)
    qtbot.waitUntil(lambda: dialog.job.done, timeout=10000)
    assert "是空的" in dialog.summary_label.text() and not dialog.check_button.isEnabled()


# -- printing -------------------------------------------------------------------------------------

@pytest.fixture
def window(qtbot, clerk_reg, people, clock):
    f = fill(clerk_reg, clock)
    w = open_main_window(clerk_reg, clock=clock, tick_ms=3_600_000)
    w.show()
    w.filled = f
    return w


def test_print_preview_of_a_ledger_page(qtbot, window) -> None:
    page = window.open_page("loans")
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=5000)
    job = window.io_actions.print_current(preview=True)
    qtbot.waitUntil(lambda: job.done, timeout=10000)
    assert job.error is None and job.result.layout.name == "借阅登记"
    assert len(job.result.rows) == 3
    assert isinstance(page.print_dialog, QPrintPreviewDialog)
    page.print_dialog.close()


def test_a_screen_list_prints_its_own_columns(qtbot, window, tmp_path) -> None:
    page = window.open_page("today")
    qtbot.waitUntil(lambda: page.model.known_total() is not None, timeout=5000)
    doc = io_dialogs.gather_page_doc(window.reg, page)
    assert doc.layout.title == "今日" and len(doc.rows) == page.model.known_total()
    assert [c.title for c in doc.layout.columns][1:] == list(page.model.source.headers)
    out = tmp_path / "today.pdf"
    result = io_dialogs.printing.render(doc, pdf_printer(out), page_setup=False)
    assert result.pages >= 1 and out.stat().st_size > 0
    text = unicodedata.normalize("NFKC", subprocess.run(  # ﬀ ligatures, Kangxi radicals folded
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout)
    assert doc.meta.checkpoint in text  # every page carries the journal checkpoint


def test_labels_and_monthly_report_previews(qtbot, window) -> None:
    job = io_dialogs.print_labels(window, window.reg, [window.filled.notice], sheet="A4")
    qtbot.waitUntil(lambda: job.done, timeout=10000)
    assert isinstance(window.print_dialog, QPrintPreviewDialog)
    window.print_dialog.close()
    job = io_dialogs.monthly_report(window, window.reg, month="2026-11")
    qtbot.waitUntil(lambda: job.done, timeout=10000)
    assert job.error is None and job.result.month == "2026-11"
    assert isinstance(window.print_dialog, QPrintPreviewDialog)
    window.print_dialog.close()


def test_the_menu_is_there_and_imports_are_the_clerks(qtbot, window) -> None:
    texts = [a.text() for a in window.menuBar().actions()]
    assert "打印与导出(&P)" in texts
    io = window.io_actions
    assert io.import_action.isEnabled() and io.check_action.isEnabled()
    dialog = io.import_ledger()
    assert isinstance(dialog, ImportDialog) and dialog.isVisible()
    dialog.close()
