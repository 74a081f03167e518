"""Printing a ledger of the register: read its rows and the journal checkpoint in one
snapshot, then hand them to the page engine.

The checkpoint is read in the same read transaction as the rows, so the
`SEQ:HASH12` on every page is exactly the journal state the printed rows come
from.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtGui import QPagedPaintDevice

from app.crypto.journal_hash import checkpoint_text
from app.errors import BadInput
from app.io import ledger_layouts
from app.io.jobs import CancelFn, ProgressFn
from app.io.ledger_layouts import Filters, Layout, LedgerRows
from app.io.marks import period_text
from app.io.printing import PageMeta, PrintDoc, PrintResult, print_pdf, render
from app.ledger import settings
from app.ledger.queries import reading
from app.store.journaling import head
from app.store.register import Register


def snapshot_meta(reg: Register, s, *, period: str, subtitle: str = "") -> PageMeta:
    """Unit, printer, time and the checkpoint, read inside the caller's read session."""
    return PageMeta(unit=settings.get(s, "unit_name") or "", period=period, printed_by=reg.actor,
                    printed_at=reg.clock.now(), checkpoint=checkpoint_text(*head(s)),
                    subtitle=subtitle)


def ledger_doc(reg: Register, ledger: str, *, date_from: date | None = None,
               date_to: date | None = None, number: str | None = None,
               from_person: str | None = None, to_person: str | None = None) -> PrintDoc:
    """The printable document of one ledger (收发登记, 借阅登记 ... 载体历史)."""
    if date_from and date_to and date_from > date_to:
        raise BadInput("起始日期不能晚于截止日期。")
    lg = ledger_layouts.find(ledger)
    f = Filters(date_from, date_to, number, from_person, to_person)
    with reading(reg) as s:
        lr: LedgerRows = lg.build(reg, s, f)
        if lg.layout.dated:
            period = period_text(date_from, date_to)
        else:
            period = f"截至 {reg.clock.now():%Y-%m-%d %H:%M}"
        meta = snapshot_meta(reg, s, period=period, subtitle=lr.subtitle)
    return PrintDoc(lg.layout, lr.rows, meta, levels=lr.levels, signature=lr.signature,
                    summary=lr.summary)


def rows_doc(reg: Register, layout: Layout, rows: list[tuple], *, period: str, subtitle: str = "",
             levels: list[str] | None = None, summary: str = "") -> PrintDoc:
    """A document of rows built elsewhere (差异表), with this moment's checkpoint."""
    with reading(reg) as s:
        meta = snapshot_meta(reg, s, period=period, subtitle=subtitle)
    return PrintDoc(layout, rows, meta, levels=levels, summary=summary)


def print_ledger(reg: Register, ledger: str, out: Path | str, *, date_from: date | None = None,
                 date_to: date | None = None, number: str | None = None,
                 from_person: str | None = None, to_person: str | None = None,
                 progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> PrintResult:
    """`baomi print`: one ledger to a PDF file (atomic)."""
    doc = ledger_doc(reg, ledger, date_from=date_from, date_to=date_to, number=number,
                     from_person=from_person, to_person=to_person)
    return print_pdf(doc, out, progress=progress, cancel=cancel)


def render_ledger(reg: Register, ledger: str, device: QPagedPaintDevice, *,
                  page_setup: bool = True, progress: ProgressFn | None = None,
                  cancel: CancelFn | None = None, **filters: object) -> PrintResult:
    """The same on a QPrinter (打印 / 打印预览 in the app)."""
    doc = ledger_doc(reg, ledger, **filters)  # type: ignore[arg-type]
    return render(doc, device, progress=progress, cancel=cancel, page_setup=page_setup)


def ledger_names() -> list[str]:
    return list(ledger_layouts.LEDGERS)


