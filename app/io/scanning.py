"""The quarterly check by scanning (差异表): what the register expects and what was scanned.

The clerk scans every label in the safe (the scanner types each number and
Enter into a text file or the app's scan box).  `diff_scanned` compares that
with what should be there — every carrier in custody at the quarter's end
(the clear-out list, R30), or every carrier kept at one storage location — and
lists what was expected but not scanned and what was scanned but not expected.
The list prints as the 差异表 for the clerk and a second person to sign.
Carriers out on loan are expected but cannot be in the safe: they are listed
with their borrower so the loan record can be checked instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import BadInput
from app.io import rows as extra
from app.io.jobs import CancelFn, ProgressFn
from app.io.ledger_layouts import SCAN_DIFF
from app.io.marks import highest
from app.ledger import lookup, stats
from app.ledger.queries import CarrierRow, carriers_page, reading
from app.store.register import Register

OUT = ("借出", "外出携带")
NOT_SCANNED, NOT_EXPECTED, OUT_ON_LOAN = "应在未扫到", "扫到但不应在此", "借出在外"


@dataclass
class ScanDiff:
    scope: str  # 2026Q4 清查 / 存放位置「保密柜1」
    expected: int
    scanned: int
    found: list[str] = field(default_factory=list)  # expected and scanned
    missing: list[CarrierRow] = field(default_factory=list)  # expected, in the room, not scanned
    on_loan: list[CarrierRow] = field(default_factory=list)  # expected, out with a borrower
    unexpected: list[tuple[str, CarrierRow | None]] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.missing and not self.unexpected

    def rows(self) -> list[tuple]:
        """Rows of the 差异表 layout."""
        out: list[tuple] = []
        for c in self.missing:
            out.append((NOT_SCANNED, c.number, c.title, c.level, c.state, c.holder, c.location,
                        "查找；确属缺失的，按失泄密事件报告（R45）"))
        for number, c in self.unexpected:
            if c is None:
                out.append((NOT_EXPECTED, number, "（登记簿中无此编号）", "", "", "", "",
                            "核实是否漏登记或标签有误"))
            else:
                out.append((NOT_EXPECTED, c.number, c.title, c.level, c.state, c.holder, c.location,
                            _why_unexpected(c)))
        for c in self.on_loan:
            out.append((OUT_ON_LOAN, c.number, c.title, c.level, c.state, c.holder, c.location,
                        "核对借阅记录，督促归还"))
        return out

    def summary(self) -> str:
        return (f"{self.scope}：应在 {self.expected} 件，扫描 {self.scanned} 件，相符 {len(self.found)} 件；"
                f"应在未扫到 {len(self.missing)} 件，扫到但不应在此 {len(self.unexpected)} 件，"
                f"借出在外 {len(self.on_loan)} 件。")


def _why_unexpected(c: CarrierRow) -> str:
    if c.state in ("已销毁", "已清退", "已发出"):
        return f"登记为{c.state}，实物却在：立即核查"
    if c.state == "下落不明":
        return "登记为下落不明，实物已找到：办理找回"
    if c.location:
        return f"登记存放于{c.location}：核对存放位置"
    return "核对登记"


def read_scanned(path: Path | str) -> list[str]:
    """Numbers from a text file: one per line (as a scanner types them), or separated by
    spaces or commas; blank lines and lines starting with # are ignored."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BadInput(f"找不到扫描结果文件「{path}」。") from None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise BadInput(f"扫描结果文件「{path.name}」不是文本文件。")
    numbers = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        numbers.extend(t for t in re.split(r"[\s,，;；]+", line) if t)
    return numbers


def diff_scanned(reg: Register, scanned: list[str], *, quarter: str | None = None,
                 location: str | None = None) -> ScanDiff:
    """Compare scanned numbers with the quarter's clear-out list or one storage location."""
    if bool(quarter) == bool(location):
        raise BadInput("请指定 --quarter（季度清查）或 --location（某一存放位置）之一。")
    wanted = list(dict.fromkeys(lookup.normalize_number(n) for n in scanned if n.strip()))
    with reading(reg) as s:
        if quarter:
            from app.ledger.checks import quarter_name
            scope = f"{quarter_name(quarter)} 季度清查"
            expected = stats.clear_out_list(s, quarter)
        else:
            scope = f"存放位置「{location}」"
            expected = [c for c in carriers_page(s, states=extra.HELD, limit=None)
                        if c.location.strip() == location.strip()]
        by_number = {c.number: c for c in expected}
        others = extra.carriers_by_number(s, [n for n in wanted if n not in by_number])
    seen = set(wanted)
    diff = ScanDiff(scope, len(expected), len(wanted))
    for c in expected:
        if c.number in seen:
            diff.found.append(c.number)
        elif c.state in OUT:
            diff.on_loan.append(c)
        else:
            diff.missing.append(c)
    for n in wanted:
        if n not in by_number:
            diff.unexpected.append((n, others.get(n)))
    return diff


def print_scan_diff(reg: Register, diff: ScanDiff, out: Path | str, *,
                    progress: ProgressFn | None = None, cancel: CancelFn | None = None):
    """The 差异表 as a PDF, with the checkpoint and lines to sign."""
    from app.io.ledger_print import rows_doc
    from app.io.printing import print_pdf
    rows = diff.rows()
    summary = diff.summary() + ("扫描结果与登记一致，无差异。" if diff.clean and not diff.on_loan else "")
    doc = rows_doc(reg, SCAN_DIFF, rows, period=diff.scope, summary=summary)
    if not rows:
        doc.levels = []
    return print_pdf(doc, out, progress=progress, cancel=cancel)


def level_of(diff: ScanDiff) -> str:
    return highest([r[3] for r in diff.rows()], "内部")

