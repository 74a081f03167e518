"""Register numbers: short, printable, scanner-friendly, never given twice (R02)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.ledger import settings
from app.models.carriers import Counter


def next_number(s: Session, when: datetime, *, series: str = "carrier") -> str:
    """Take the next number of the year's sequence inside the caller's transaction.

    The counter only ever grows, so a number survives even if its carrier is
    destroyed; the pattern setting (default `{year}-{seq:06d}`) formats it.
    """
    name = f"{series}:{when.year}"
    counter = s.get(Counter, name)
    if counter is None:
        counter = Counter(name=name, value=0)
        s.add(counter)
    counter.value += 1
    pattern = settings.get(s, "number_pattern") if series == "carrier" else "SJ-{year}-{seq:04d}"
    return pattern.format(year=when.year, seq=counter.value).upper()
