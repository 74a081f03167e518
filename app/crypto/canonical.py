"""Canonical JSON: the one byte form of a journal entry that its hash covers."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any


def to_jsonable(value: Any) -> Any:
    """Column values as JSON scalars; datetimes keep second precision in ISO form."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, Decimal):
        return str(value)
    return value


def canonical_json(obj: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8: equal data always gives equal bytes."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=to_jsonable).encode("utf-8")
