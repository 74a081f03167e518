"""Paper and Excel: printed ledgers, the quarterly workbook, imports, labels, reports.

Knows app/ledger (its queries and operations) and nothing above; no rule lives
here.  Qt is imported only by the printing modules (printing, ledger_print,
labels, report, qtenv), which create an offscreen QGuiApplication when the
program has no window (the CLI).  Every long job takes `progress(done, total)`
and `cancel() -> bool` (app/io/jobs.py) and writes its file atomically.

What the app calls (all plain functions; run them on the register worker):

Printing (打印 / 打印预览; `device` is the QPrinter of QPrintDialog/QPrintPreviewDialog):
    ledger_print.ledger_names() -> list[str]
    ledger_print.ledger_doc(reg, ledger, *, date_from, date_to, number, from_person, to_person)
        -> printing.PrintDoc                       (reads rows + checkpoint in one snapshot)
    printing.render(doc, device, *, progress, cancel, page_setup=True) -> PrintResult
    printing.print_pdf(doc, path, *, progress, cancel) -> PrintResult
    ledger_print.print_ledger(reg, ledger, path, **filters) -> PrintResult   (`baomi print`)
    ledger_print.render_ledger(reg, ledger, device, **filters) -> PrintResult
Quarterly workbook (R30, R31):
    export_xlsx.export_quarter(reg, quarter, path, *, progress, cancel) -> ExportResult
    import_check.read_check_workbook(path, quarter=None) -> (CheckImport, [Problem])
    import_check.import_check(reg, path, *, quarter=None, dry_run=False) -> CheckImport
Importing old ledgers (the import dialog):
    import_ledger.propose(path, sheet=None) -> Proposal     (headers, mapping field -> column)
    import_ledger.plan(reg, path, proposal) -> Plan         (rows, problems, skipped)
    import_ledger.apply(reg, plan, *, valid_rows_only, dry_run, progress, cancel) -> ImportResult
    import_ledger.FIELDS / LABELS                           (what a column can be mapped to)
Labels and scanning:
    labels.labels_for(reg, numbers) -> [Label];  labels.render_labels(labels, device, sheet=)
    labels.print_labels(reg, numbers, path, sheet="A4" | "label-60x40") -> LabelResult
    scanning.diff_scanned(reg, scanned, *, quarter=None, location=None) -> ScanDiff
    scanning.print_scan_diff(reg, diff, path) -> PrintResult
Monthly report (R60):
    report.gather(reg, month) -> MonthlyReport;  report.render_report(report, device)
    report.print_report(reg, month, path) -> ReportResult
"""
