import shutil
from app.io.ledger_print import print_ledger, ledger_names
from tests.io.conftest import pdf_text
def test_all(filled, tmp_path):
    for name in ledger_names():
        kw = {"number": filled.numbers["secret"]} if name == "载体历史" else {}
        r = print_ledger(filled.reg, name, tmp_path / f"{name}.pdf", **kw)
        print(name, r.pages, r.rows, r.level)
        shutil.copy(tmp_path / f"{name}.pdf", f"/tmp/spike/{name}.pdf")
    from app.io.export_xlsx import export_quarter
    r = export_quarter(filled.reg, "2026Q4", "/tmp/spike/q.xlsx")
    from app.io.labels import print_labels
    print(print_labels(filled.reg, list(filled.numbers.values()), "/tmp/spike/labels.pdf"))
    print(print_labels(filled.reg, list(filled.numbers.values())[:2], "/tmp/spike/labels2.pdf", sheet="label-60x40"))
    from app.io.report import print_report
    print(print_report(filled.reg, "2026-11", "/tmp/spike/report.pdf"))
    from app.io.scanning import diff_scanned, print_scan_diff
    d = diff_scanned(filled.reg, [filled.numbers["secret"], filled.numbers["to_destroy"], "XYZ-1"], quarter="2026Q4")
    print(d.summary())
    print(print_scan_diff(filled.reg, d, "/tmp/spike/diff.pdf"))
    from app.io.import_check import import_check
    from openpyxl import load_workbook
    wb = load_workbook("/tmp/spike/q.xlsx")
    ws = wb["清查清单"]
    for row in ws.iter_rows(min_row=4):
        row[14].value = "在"
    ws.cell(5, 15).value = "缺失"
    wb.save("/tmp/spike/q_filled.xlsx")
    r = import_check(filled.reg, "/tmp/spike/q_filled.xlsx")
    print(r.report())
    r = import_check(filled.reg, "/tmp/spike/q_filled.xlsx")
    print(r.report())
