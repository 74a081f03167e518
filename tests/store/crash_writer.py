"""Child process of test_crash.py: commits journaled operations in a loop until killed.

Usage: crash_writer.py DB USER PASSWORD START_ISO FIRST_COUNTER
Prints each counter value after its transaction has committed, one per line.
"""
from __future__ import annotations

import sys
from datetime import datetime
from itertools import count

from app.clock import FakeClock
from app.ledger import accounts, settings

PATTERN = "{{year}}-{n:09d}-{{seq:06d}}"


def main() -> None:
    db, user, password, start, first = sys.argv[1:6]
    clock = FakeClock(datetime.fromisoformat(start))
    reg = accounts.sign_in(db, user, password, clock=clock)
    for n in count(int(first)):
        clock.advance(seconds=1)
        # Two rows in one transaction: a torn commit would show up in verify.
        with reg.operation("修改设置") as s:
            settings.put(s, "number_pattern", PATTERN.format(n=n))
            settings.put(s, "idle_minutes", n % 60 + 1)
        sys.stdout.write(f"{n}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
