"""Texts shared by paper and workbook: the 密级 mark, the highest level, cell text, periods.

Qt-free, so the workbook export does not load Qt.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from app.ledger.lookup import LEVEL_RANK

SECRET_LEVELS = ("秘密", "机密", "绝密")


def marking(level: str) -> str:
    """The 密级 mark as on a Chinese document's cover: 机密★ (the level word and the star)."""
    return f"{level}★" if level in SECRET_LEVELS else level


def highest(levels: Iterable[str], default: str = "") -> str:
    """The highest 密级 among `levels` (unknown words are ignored), else `default`."""
    best, rank = default, LEVEL_RANK.get(default, -2)
    for lv in levels:
        r = LEVEL_RANK.get(lv, -2) if isinstance(lv, str) else -2
        if r > rank:
            best, rank = lv, r
    return best


def cell_text(value: object) -> str:
    """How a value is written in a printed cell."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is int:
        return str(value)
    if kind is date:
        return value.isoformat()  # type: ignore[union-attr]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}" if (value.hour, value.minute) != (0, 0) else f"{value:%Y-%m-%d}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def period_text(start: date | None, end: date | None) -> str:
    if start and end:
        return f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    if start:
        return f"{start:%Y-%m-%d} 起"
    if end:
        return f"截至 {end:%Y-%m-%d}"
    return "全部"
