"""Importing the ledgers a clerk already keeps in Excel (收文登记 and the like).

Three steps, each usable on its own by the import dialog:

1. `propose(path, sheet)` finds the header row (title rows above it, merged
   cells and blank rows are fine) and proposes which column is which field,
   recognising the usual header variants (登记号/编号/序号, 文件名称/名称/标题 …).
2. `plan(reg, path, proposal)` reads every row and validates it: unknown 密级,
   a date that is not a date, a 机密/绝密 item without 份号 (R03, decided by the
   ledger itself), duplicate numbers (in the file and against the register),
   missing title.  Each problem is (row, column, value, reason in Chinese).
   Rows already imported before are recognised and skipped.
3. `apply(reg, plan, valid_rows_only=...)` registers the rows through
   `app.ledger.carriers.receive_in`, all in ONE transaction: nothing unless every
   row is valid, or, when the clerk explicitly asks, the valid rows (the report of
   the others is returned to be kept).

Register numbers (decided here, see README "导入旧台账"):
- A row's old number becomes the carrier's register number when it is a real
  register number: at most 32 characters, no spaces, with a digit, not a bare
  row count (all digits, 6 or fewer, or from a column headed 序号), not in the
  shape of this register's own numbers (which the counter may hand out later),
  and not used by any carrier already registered.
- Otherwise the carrier gets a new number from the register's sequence, and
  the old one is kept in its 备注.  Either way the 备注 starts with the marker
  `【台账导入 原登记号 X】` (or `【台账导入】` without a number), which is how a
  second import of the same file recognises rows already imported and skips
  them: importing twice never duplicates a carrier.  Rows without any number
  are matched on title, 文号, 份号, 密级 and date instead.
- A row with 份数 N > 1 becomes N carriers (第n份/共N份) with new numbers, each
  carrying the marker.

Hazard: the old number is put on the carrier right after `receive_in` gave it
a number from the sequence, in the same transaction (the journal shows both);
that sequence number is then never used (numbers are never given twice).
Hazard: `receive_in` flags a receipt registered later than its date (R01);
imported rows carry that flag, which is true of the register if not of the
paper ledger.
"""
from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl.utils.datetime import from_excel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import BadInput, BaomiError, RuleViolation
from app.io import xlsx_read
from app.io.jobs import CancelFn, ProgressFn, Ticker
from app.ledger import lookup, settings
from app.ledger.accounts import require_role
from app.ledger.carriers import NewCarrier, receive_in
from app.models.accounts import ROLE_CLERK
from app.models.carriers import KINDS, Carrier
from app.store.register import Register

HEADER_SCAN = 30
MARK_PREFIX = "【台账导入"
ACTION = "台账导入"

# field -> header variants, best first (for 登记号: a 序号 column is only a row count).
FIELDS: dict[str, tuple[str, ...]] = {
    "number": ("登记号", "登记编号", "收文编号", "收文登记号", "编号", "收文号", "流水号", "顺序号", "序号"),
    "title": ("文件名称", "名称", "文件标题", "标题", "文件题目", "题名", "载体名称", "文件资料名称",
              "文件(资料)名称", "资料名称", "文件名"),
    "level": ("密级", "密级标志"),
    "copies": ("份数", "数量", "总份数"),
    "serial": ("份号", "份次号"),
    "issuer": ("来文单位", "发文单位", "来文机关", "发文机关", "来文机关单位", "制发单位", "来源单位"),
    "date": ("收文日期", "收到日期", "收文时间", "来文日期", "收件日期", "登记日期", "日期"),
    "doc_no": ("文号", "发文字号", "发文文号", "文件字号", "字号", "发文号"),
    "period": ("保密期限", "密级期限"),
    "kind": ("载体类型", "载体形式", "载体种类", "载体类别", "类别", "类型"),
    "pages": ("页数", "页码数"),
    "location": ("存放位置", "存放地点", "保存位置"),
    "received_by": ("签收人", "接收人", "收文人"),
    "note": ("备注", "说明"),
}
LABELS = {"number": "登记号", "title": "名称", "level": "密级", "copies": "份数", "serial": "份号",
          "issuer": "来文单位", "date": "收文日期", "doc_no": "文号", "period": "保密期限",
          "kind": "载体类型", "pages": "页数", "location": "存放位置", "received_by": "签收人",
          "note": "备注"}
REQUIRED = ("title", "level")

_LEVEL_WORDS = {"秘密": "秘密", "机密": "机密", "绝密": "绝密", "内部": "内部", "内部资料": "内部",
                "内部文件": "内部", "内部使用": "内部"}
_NOT_REGISTERED = ("公开", "非密", "无", "普通")
_KIND_WORDS = {"纸质": "文件", "公文": "文件", "文件": "文件", "纸质文件": "文件", "资料": "资料",
               "图纸": "图纸", "光盘": "光盘", "磁盘": "磁盘", "硬盘": "磁盘", "软盘": "磁盘", "磁带": "磁盘",
               "U盘": "U盘/移动硬盘", "u盘": "U盘/移动硬盘", "移动硬盘": "U盘/移动硬盘",
               "U盘/移动硬盘": "U盘/移动硬盘", "笔记本": "笔记本", "其他": "其他"}
_TOTALS = re.compile(r"^(合\s*计|总\s*计|小\s*计|共\s*计)")
_FOOTNOTE = re.compile(r"^(制表|填表|审核|负责人|保密员|经办人|签字|签名|说明|注[:：]|备注[:：])")
_DATE = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?"
                   r"(?:\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*分?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_GENERATED_SERIAL = re.compile(r"第\d+份/共\d+份")
_COUNT = re.compile(r"^(\d+)\s*(份|件|张|页|个|本)?$")


# -- results -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    row: int  # the row in the sheet (1-based, as Excel shows it); 0 when not a row
    column: str  # the field's label (名称, 密级 …) or the header text
    value: str
    reason: str

    def text(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        col = f"「{self.column}」列" if self.column else ""
        val = f"值「{self.value}」" if self.value else "（空）"
        return f"{where}{col}，{val}：{self.reason}"


def problems_text(problems: list[Problem]) -> str:
    return "\n".join(p.text() for p in problems)


@dataclass
class Proposal:
    """Which column holds which field; the dialog shows it and may change `mapping`."""

    sheet: str
    sheets: list[str]
    header_row: int  # 1-based
    headers: list[str]
    mapping: dict[str, int]  # field -> column (0-based)
    unused: list[str] = field(default_factory=list)  # headers not mapped to anything

    def lines(self) -> list[str]:
        out = []
        for f_, col in sorted(self.mapping.items(), key=lambda kv: kv[1]):
            out.append(f"{LABELS[f_]} ← 第 {_col_name(col)} 列「{self.headers[col]}」")
        return out


@dataclass
class Row:
    row: int
    nc: NewCarrier
    at: datetime | None
    old_number: str  # normalized, "" when none
    keep_number: bool
    fingerprint: tuple


@dataclass
class Plan:
    proposal: Proposal
    rows: list[Row]  # valid rows to import
    problems: list[Problem]
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row, why) already imported
    ignored: int = 0  # blank, totals, repeated header and footnote rows
    total: int = 0  # data rows read

    @property
    def invalid_rows(self) -> set[int]:
        return {p.row for p in self.problems}


@dataclass
class ImportResult:
    plan: Plan
    imported: list[str] = field(default_factory=list)  # register numbers created
    kept_numbers: int = 0  # rows whose old number became the register number
    applied: bool = False  # False: dry run, or refused because of problems

    def report(self) -> str:
        p = self.plan
        lines = [f"工作表「{p.proposal.sheet}」，表头在第 {p.proposal.header_row} 行；"
                 + "；".join(p.proposal.lines()) + "。"]
        if p.proposal.unused:
            lines.append(f"未使用的列：{'、'.join(p.proposal.unused)}。")
        bad = len(p.invalid_rows)
        lines.append(f"共读取 {p.total} 行：可导入 {len(p.rows)} 行，此前已导入（跳过）{len(p.skipped)} 行，"
                     f"有问题 {bad} 行；空行、合计行等 {p.ignored} 行未读取。")
        if p.problems:
            lines.append("问题：")
            lines.extend("  " + q.text() for q in p.problems)
        if self.applied:
            lines.append(f"已导入 {len(self.imported)} 件载体（保留原登记号 {self.kept_numbers} 件）。")
        elif p.problems:
            lines.append("有问题的行须先在 Excel 中改正；未导入任何内容。"
                         "（如只导入无问题的行，请使用 --valid-rows-only，并保留本报告。）")
        else:
            lines.append("试导入（--dry-run）：未做任何更改。")
        return "\n".join(lines)


class _Rollback(Exception):
    """Raised inside the import transaction to undo it (dry run, or refused)."""


# -- 1. the header -----------------------------------------------------------------------

def _norm_header(value: Any) -> str:
    t = xlsx_read.text(value)
    t = re.sub(r"\s+", "", t.replace("\u3000", ""))
    t = re.sub(r"[（(][^）)]*[）)]$", "", t)  # 份数（份）, 日期(年月日)
    return t.replace("（", "(").replace("）", ")")


_VARIANTS: dict[str, tuple[str, int]] = {}
for _f, _names in FIELDS.items():
    for _i, _n in enumerate(_names):
        _VARIANTS.setdefault(_norm_header(_n), (_f, _i))


def _match_row(cells: list[Any]) -> dict[str, tuple[int, int]]:
    """field -> (column, rank of the variant) for one candidate header row."""
    found: dict[str, tuple[int, int]] = {}
    for col, v in enumerate(cells):
        hit = _VARIANTS.get(_norm_header(v))
        if hit is None:
            continue
        f_, rank = hit
        if f_ not in found or rank < found[f_][1]:
            found[f_] = (col, rank)
    return found


def _col_name(col: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(col + 1)


def _propose_grid(grid: xlsx_read.Grid, sheets: list[str]) -> Proposal | None:
    best: tuple[int, int, dict] | None = None
    for r in range(1, min(len(grid.rows), HEADER_SCAN) + 1):
        found = _match_row(grid.rows[r - 1])
        if "title" not in found or len(found) < 2:
            continue
        if best is None or len(found) > best[1]:
            best = (r, len(found), found)
    if best is None:
        return None
    r, _, found = best
    headers = [xlsx_read.text(v) for v in grid.rows[r - 1]]
    mapping = {f_: col for f_, (col, _) in found.items()}
    used = set(mapping.values())
    unused = [h for i, h in enumerate(headers) if h and i not in used]
    return Proposal(grid.sheet, sheets, r, headers, mapping, unused)


def propose(path: Path | str, sheet: str | None = None) -> Proposal:
    """Find the header row and propose the column mapping (the first sheet that has one)."""
    wb = xlsx_read.open_workbook(path)
    names = [sheet] if sheet else wb.sheetnames
    for name in names:
        grid = xlsx_read.read_grid(wb, name)
        proposal = _propose_grid(grid, wb.sheetnames)
        if proposal is not None:
            return proposal
    where = f"工作表「{sheet}」" if sheet else f"「{Path(path).name}」的各工作表"
    raise BadInput(f"{where}中找不到表头：需要有「名称」（或 文件名称、标题）和「密级」等列，"
                   "表头须在前 30 行内。")


# -- 2. reading and validating the rows ----------------------------------------------------

def parse_date(value: Any) -> datetime | None:
    """Excel dates, Excel serial numbers and text such as 2026.3.5, 2026/3/5, 2026年3月5日."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel serial day shown as a number (1954–2119)
            d = from_excel(value)
            return d if isinstance(d, datetime) else datetime.combine(d, time())
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = str(value).strip()
    m = _DATE.match(text)
    try:
        if m:
            y, mo, d, hh, mm = m.groups()
            return datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0))
        m = _COMPACT_DATE.match(text)
        if m:
            return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        pass
    raise ValueError(text)


def _level(raw: str) -> tuple[str, str]:
    """(level, period) from 机密, 机密级, 机密★20年, ★机密."""
    t = re.sub(r"\s+", "", raw).strip("★*")
    period = ""
    if "★" in t or "*" in t:
        t, _, period = re.split(r"([★*])", t, maxsplit=1)
    t = t.removesuffix("级")
    return _LEVEL_WORDS.get(t, ""), period


def _count(raw: Any, what: str, *, low: int, high: int) -> int:
    t = xlsx_read.text(raw)
    m = _COUNT.match(t)
    if not m:
        raise ValueError(f"{what}应为正整数")
    n = int(m.group(1))
    if not low <= n <= high:
        raise ValueError(f"{what}应在 {low} 至 {high} 之间")
    return n


def number_shape(pattern: str) -> re.Pattern[str]:
    """A regex matching the numbers this register's own pattern gives (e.g. 2026-000123)."""
    out = []
    for literal, name, spec, _conv in string.Formatter().parse(pattern):
        out.append(re.escape(literal))
        if name == "year":
            out.append(r"\d{4}")
        elif name:
            out.append(r"\d+")
    return re.compile("".join(out), re.IGNORECASE)


def keepable(old: str, from_row_count: bool, own: re.Pattern[str]) -> bool:
    """Can the old number be this carrier's register number? (see the module docstring)"""
    if not old or from_row_count or len(old) > 32 or any(ch.isspace() for ch in old):
        return False
    if not any(ch.isdigit() for ch in old):
        return False
    if old.isdigit() and len(old) <= 6:
        return False
    return own.fullmatch(old) is None


def marker(old: str) -> str:
    return f"{MARK_PREFIX} 原登记号 {old}】" if old else f"{MARK_PREFIX}】"


def _skip_kind(cells: list[Any], headers: list[str], mapping: dict[str, int]) -> str:
    """'' for a data row, else why it is not one: blank / totals / header / footnote."""
    texts = [xlsx_read.text(v) for v in cells]
    filled = [t for t in texts if t]
    if not filled:
        return "blank"
    if _TOTALS.match(filled[0]) or any(_TOTALS.match(texts[c]) for c in mapping.values()
                                         if c < len(texts) and texts[c]):
        return "totals"
    if [_norm_header(t) for t in texts[:len(headers)]] == [_norm_header(h) for h in headers]:
        return "header"
    title_col = mapping.get("title")
    title = texts[title_col] if title_col is not None and title_col < len(texts) else ""
    if _FOOTNOTE.match(filled[0]) and (not title or title == filled[0]):
        return "footnote"
    return ""


def _read_rows(grid: xlsx_read.Grid, proposal: Proposal, own: re.Pattern[str],
               plan_: Plan) -> list[Row]:
    m = proposal.mapping
    for f_ in REQUIRED:
        if f_ not in m:
            raise BadInput(f"没有指定「{LABELS[f_]}」列，无法导入。")
    row_count_col = (proposal.headers[m["number"]] in ("序号",)) if "number" in m else False
    out: list[Row] = []
    for r in range(proposal.header_row + 1, len(grid.rows) + 1):
        cells = grid.rows[r - 1]
        if _skip_kind(cells, proposal.headers, m):
            plan_.ignored += 1
            continue
        plan_.total += 1

        def raw(f_: str, r: int = r) -> Any:
            return grid.cell(r, m[f_]) if f_ in m else None

        def txt(f_: str) -> str:
            return xlsx_read.text(raw(f_))

        bad: list[Problem] = []

        def problem(f_: str, reason: str, value: Any = None, r: int = r,
                    bad: list[Problem] = bad) -> None:
            bad.append(Problem(r, LABELS[f_], xlsx_read.text(raw(f_)) if value is None else str(value),
                               reason))

        title = txt("title")
        if not title:
            problem("title", "缺少文件名称")
        elif len(title) > 300:
            problem("title", "文件名称超过 300 个字")
        level_raw = txt("level")
        level, star_period = _level(level_raw)
        if not level_raw:
            problem("level", "缺少密级")
        elif not level:
            if re.sub(r"\s+", "", level_raw) in _NOT_REGISTERED:
                problem("level", f"「{level_raw}」不是涉密载体，不属登记范围")
            else:
                problem("level", "未知的密级，应为 秘密、机密、绝密 或 内部")
        when = None
        try:
            when = parse_date(raw("date"))
        except ValueError:
            problem("date", "不是有效的日期（应如 2026-03-05、2026.3.5、2026/3/5 或 2026年3月5日）")
        copies = 1
        if txt("copies"):
            try:
                copies = _count(raw("copies"), "份数", low=1, high=1000)
            except ValueError as e:
                problem("copies", str(e))
        pages = None
        if txt("pages"):
            try:
                pages = _count(raw("pages"), "页数", low=1, high=100000)
            except ValueError as e:
                problem("pages", str(e))
        kind_raw = txt("kind")
        kind = _KIND_WORDS.get(kind_raw.replace(" ", ""), kind_raw if kind_raw in KINDS else "")
        old = lookup.normalize_number(txt("number")) if txt("number") else ""
        notes = [marker(old)]
        if kind_raw and not kind:
            kind = "其他"
            notes.append(f"原载体类型：{kind_raw}")
        if txt("received_by"):
            notes.append(f"签收人：{txt('received_by')}")
        if txt("note"):
            notes.append(txt("note"))
        if bad:
            plan_.problems.extend(bad)
            continue
        nc = NewCarrier(title=title, level=level, issuer=txt("issuer"), doc_no=txt("doc_no"),
                        kind=kind or "文件", copies=copies, serial=txt("serial"),
                        period=txt("period") or star_period, pages=pages, location=txt("location"),
                        note="".join(notes[:1]) + "；".join(notes[1:]))
        fp = (title, nc.doc_no, nc.serial, level, when.date() if when else None)
        out.append(Row(r, nc, when, old, copies == 1 and keepable(old, row_count_col, own), fp))
    return out


def _imported_before(s: Session) -> tuple[dict[str, str], set[tuple]]:
    """Old numbers already imported (-> a carrier number) and fingerprints of unnumbered rows."""
    olds: dict[str, str] = {}
    prints: set[tuple] = set()
    q = select(Carrier.number, Carrier.note, Carrier.title, Carrier.doc_no, Carrier.serial,
               Carrier.level, Carrier.registered_at).where(Carrier.note.like(MARK_PREFIX + "%"))
    for number, note, title, doc_no, serial, level, at in s.execute(q):
        m = re.match(re.escape(MARK_PREFIX) + r"(?: 原登记号 (.*?))?】", note)
        if not m:
            continue
        if m.group(1):
            olds.setdefault(m.group(1), number)
        else:
            # The 份号 of a multi-copy row was generated (第n份/共N份): the row had none.
            serial = "" if _GENERATED_SERIAL.fullmatch(serial or "") else serial
            prints.add((title, doc_no, serial, level, at.date() if at else None))
    return olds, prints


def _check_duplicates(s: Session, rows: list[Row], plan_: Plan) -> list[Row]:
    olds, prints = _imported_before(s)
    wanted = [r.old_number for r in rows if r.old_number]
    taken: dict[str, str] = {}
    for i in range(0, len(wanted), 900):
        for number, title in s.execute(select(Carrier.number, Carrier.title)
                                       .where(Carrier.number.in_(wanted[i:i + 900]))):
            taken[number] = title
    prints4 = {p[:4] for p in prints}  # rows without a date: the import day was used
    seen_old: dict[str, int] = {}
    seen_fp: dict[tuple, int] = {}
    keep: list[Row] = []
    for r in rows:
        if r.old_number:
            if r.old_number in seen_old:
                plan_.problems.append(Problem(r.row, LABELS["number"], r.old_number,
                                              f"与第 {seen_old[r.old_number]} 行的登记号重复"))
                continue
            seen_old[r.old_number] = r.row
            if r.old_number in olds:
                plan_.skipped.append((r.row, f"原登记号 {r.old_number} 已于此前导入（{olds[r.old_number]}）"))
                continue
            if r.old_number in taken:
                plan_.problems.append(Problem(
                    r.row, LABELS["number"], r.old_number,
                    f"登记簿中已有登记号为 {r.old_number} 的载体《{taken[r.old_number]}》，登记号重复"))
                continue
        else:
            if r.fingerprint in seen_fp:
                plan_.problems.append(Problem(r.row, LABELS["title"], r.nc.title,
                                              f"与第 {seen_fp[r.fingerprint]} 行内容完全相同（重复登记）"))
                continue
            seen_fp[r.fingerprint] = r.row
            if r.fingerprint in prints or (r.fingerprint[4] is None and r.fingerprint[:4] in prints4):
                plan_.skipped.append((r.row, "与此前导入的载体相同"))
                continue
        keep.append(r)
    return keep


def plan(reg: Register, path: Path | str, proposal: Proposal | None = None, *,
         sheet: str | None = None) -> Plan:
    """Read and validate every row (no rule of the ledger is run yet: see `apply`)."""
    proposal = proposal or propose(path, sheet)
    wb = xlsx_read.open_workbook(path)
    grid = xlsx_read.read_grid(wb, proposal.sheet)
    result = Plan(proposal, [], [])
    with reg.read() as s:
        own = number_shape(settings.get(s, "number_pattern"))
        rows = _read_rows(grid, proposal, own, result)
        result.rows = _check_duplicates(s, rows, result)
    result.problems.sort(key=lambda p: (p.row, p.column))
    return result


# -- 3. applying -------------------------------------------------------------------------------

_RULE_COLUMNS = {"R03": "serial", "R06": "kind", "R04": "note", "R07": "note"}
_WORD_COLUMNS = (("份号", "serial"), ("份数", "copies"), ("页数", "pages"), ("密级", "level"),
                 ("载体类型", "kind"), ("名称", "title"), ("时间", "date"), ("日期", "date"))


def _column_of(e: BaomiError) -> str:
    if isinstance(e, RuleViolation) and e.rule in _RULE_COLUMNS:
        return LABELS[_RULE_COLUMNS[e.rule]]
    for word, f_ in _WORD_COLUMNS:
        if word in e.message:
            return LABELS[f_]
    return ""


def _value_of(r: Row, column: str) -> str:
    by_label = {"份号": r.nc.serial, "份数": str(r.nc.copies), "页数": str(r.nc.pages or ""),
                "密级": r.nc.level, "载体类型": r.nc.kind, "名称": r.nc.title,
                "收文日期": f"{r.at:%Y-%m-%d}" if r.at else ""}
    return by_label.get(column, "")


def apply(reg: Register, plan_: Plan, *, valid_rows_only: bool = False, dry_run: bool = False,
          progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> ImportResult:
    """Register the plan's rows in one transaction, each checked by the ledger's rules.

    A row the ledger refuses (R03 机密 without 份号 …) becomes a problem like the
    others.  Nothing is written when `dry_run`, or when any row has a problem and
    `valid_rows_only` is not set; the report says so.
    """
    require_role(reg, ROLE_CLERK)
    result = ImportResult(plan_)
    ticker = Ticker(len(plan_.rows), progress, cancel, step=50)
    set_number = _number_setter()
    try:
        with reg.operation(ACTION) as s:
            for r in plan_.rows:
                ticker.tick()
                try:
                    with s.begin_nested():
                        numbers = set_number(s, r)
                except BaomiError as e:
                    column = _column_of(e)
                    plan_.problems.append(Problem(r.row, column, _value_of(r, column), e.message))
                    continue
                result.imported.extend(numbers)
                result.kept_numbers += int(r.keep_number)
            plan_.problems.sort(key=lambda p: (p.row, p.column))
            if dry_run or (plan_.problems and not valid_rows_only) or not result.imported:
                raise _Rollback()
    except _Rollback:
        result.imported = []
        result.kept_numbers = 0
    failed = plan_.invalid_rows
    plan_.rows = [r for r in plan_.rows if r.row not in failed]
    if not result.imported:
        return result
    result.applied = True
    ticker.finish()
    return result


def _number_setter() -> Callable[[Session, Row], list[str]]:
    """Register one row; a kept old number replaces the sequence number at once."""
    def register(s: Session, r: Row) -> list[str]:
        numbers = receive_in(s, r.nc, at=r.at)
        if r.keep_number and len(numbers) == 1:
            carrier = s.scalars(select(Carrier).where(Carrier.number == numbers[0])).one()
            carrier.number = r.old_number
            s.flush()
            return [r.old_number]
        return numbers
    return register


def import_ledger(reg: Register, path: Path | str, *, sheet: str | None = None,
                  dry_run: bool = False, valid_rows_only: bool = False,
                  proposal: Proposal | None = None, progress: ProgressFn | None = None,
                  cancel: CancelFn | None = None) -> ImportResult:
    """`baomi import`: propose, plan and apply in one call."""
    require_role(reg, ROLE_CLERK)
    p = plan(reg, path, proposal, sheet=sheet)
    if not p.rows:
        return ImportResult(p)
    return apply(reg, p, valid_rows_only=valid_rows_only, dry_run=dry_run, progress=progress,
                 cancel=cancel)
