from app.io.ledger_print import print_ledger, ledger_names
from tests.io.conftest import pdf_text
def test_all(filled, tmp_path):
    for name in ledger_names():
        kw = {"number": filled.numbers["secret"]} if name == "载体历史" else {}
        r = print_ledger(filled.reg, name, tmp_path / f"{name}.pdf", **kw)
        print(name, r.pages, r.rows, r.level)
        import shutil; shutil.copy(tmp_path / f"{name}.pdf", f"/tmp/spike/{name}.pdf")

def test_export(filled, tmp_path):
    from app.io.export_xlsx import export_quarter
    r = export_quarter(filled.reg, "2026Q4", "/tmp/spike/q.xlsx")
    print(r)
