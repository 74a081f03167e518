"""What the cells of a clerk's old Excel ledger mean: header variants, dates, 密级, counts.

Pure functions over cell values (no register, no Qt), used by app/io/import_ledger.py.
"""
from __future__ import annotations

import re
import string
from datetime import date, datetime, time
from typing import Any

from openpyxl.utils.datetime import from_excel

from app.io import xlsx_read

HEADER_SCAN = 30  # the header is looked for in the first rows

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
NOT_REGISTERED = ("公开", "非密", "无", "普通")
KIND_WORDS = {"纸质": "文件", "公文": "文件", "文件": "文件", "纸质文件": "文件", "资料": "资料",
               "图纸": "图纸", "光盘": "光盘", "磁盘": "磁盘", "硬盘": "磁盘", "软盘": "磁盘", "磁带": "磁盘",
               "U盘": "U盘/移动硬盘", "u盘": "U盘/移动硬盘", "移动硬盘": "U盘/移动硬盘",
               "U盘/移动硬盘": "U盘/移动硬盘", "笔记本": "笔记本", "其他": "其他"}
_TOTALS = re.compile(r"^(合\s*计|总\s*计|小\s*计|共\s*计)")
_FOOTNOTE = re.compile(r"^(制表|填表|审核|负责人|保密员|经办人|签字|签名|说明|注[:：]|备注[:：])")
_DATE = re.compile(r"^(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?"
                   r"(?:\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*分?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_COUNT = re.compile(r"^(\d+)\s*(份|件|张|页|个|本)?$")


def norm_header(value: Any) -> str:
    t = xlsx_read.text(value)
    t = re.sub(r"\s+", "", t.replace("\u3000", ""))
    t = re.sub(r"[（(][^）)]*[）)]$", "", t)  # 份数（份）, 日期(年月日)
    return t.replace("（", "(").replace("）", ")")


VARIANTS: dict[str, tuple[str, int]] = {}
for _f, _names in FIELDS.items():
    for _i, _n in enumerate(_names):
        VARIANTS.setdefault(norm_header(_n), (_f, _i))


def match_row(cells: list[Any]) -> dict[str, tuple[int, int]]:
    """field -> (column, rank of the variant) for one candidate header row."""
    found: dict[str, tuple[int, int]] = {}
    for col, v in enumerate(cells):
        hit = VARIANTS.get(norm_header(v))
        if hit is None:
            continue
        f_, rank = hit
        if f_ not in found or rank < found[f_][1]:
            found[f_] = (col, rank)
    return found


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


def parse_level(raw: str) -> tuple[str, str]:
    """(level, period) from 机密, 机密级, 机密★20年, ★机密."""
    t = re.sub(r"\s+", "", raw).strip("★*")
    period = ""
    if "★" in t or "*" in t:
        t, _, period = re.split(r"([★*])", t, maxsplit=1)
    t = t.removesuffix("级")
    return _LEVEL_WORDS.get(t, ""), period


def parse_count(raw: Any, what: str, *, low: int, high: int) -> int:
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


def keepable(old: str, own: re.Pattern[str]) -> bool:
    """Can the old number be this carrier's register number? (see the module docstring)"""
    if not old or len(old) > 32 or any(ch.isspace() for ch in old):
        return False
    if not any(ch.isdigit() for ch in old):
        return False
    if old.isdigit() and len(old) <= 6:
        return False
    return own.fullmatch(old) is None


def skip_kind(cells: list[Any], headers: list[str], mapping: dict[str, int]) -> str:
    """'' for a data row, else why it is not one: blank / totals / header / footnote."""
    texts = [xlsx_read.text(v) for v in cells]
    filled = [t for t in texts if t]
    if not filled:
        return "blank"
    if _TOTALS.match(filled[0]) or any(_TOTALS.match(texts[c]) for c in mapping.values()
                                         if c < len(texts) and texts[c]):
        return "totals"
    if [norm_header(t) for t in texts[:len(headers)]] == [norm_header(h) for h in headers]:
        return "header"
    title_col = mapping.get("title")
    title = texts[title_col] if title_col is not None and title_col < len(texts) else ""
    if _FOOTNOTE.match(filled[0]) and (not title or title == filled[0]):
        return "footnote"
    return ""
