"""Figure 8, product side: the desktop app browsing the carrier register (收发登记).

The start path of app.ui.main.run_app (application set-up, sign-in, the main window
with its session controller), the sign-in done directly instead of typed into the
dialog; then the 收发登记 page is opened and its table scrolled to the end again and
again, each time fetching the next chunk, until ROWS rows are loaded.  The parent
reads this process's peak RSS from the operating system when it exits.

    BENCH_PW=<the clerk's password> python mem_app.py DB ROWS
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.clock import SystemClock
from app.ledger import accounts
from app.ui.main import configure_application
from app.ui import worker
from app.ui.main_window import open_main_window

CLERK = "clerk"


def main() -> int:
    db, rows = Path(sys.argv[1]), int(sys.argv[2])
    app = QApplication(sys.argv[:1])
    configure_application(app)
    app.setQuitOnLastWindowClosed(False)
    clock = SystemClock()
    reg = accounts.sign_in(db, CLERK, os.environ["BENCH_PW"], clock=clock)
    window = open_main_window(reg, clock=clock)
    window.show()
    page = window.open_page("receipts")
    app.processEvents()
    table, model = page.table, page.model
    t = time.perf_counter()
    # The table reads on the register worker: scroll to the end, wait for the chunk to
    # arrive (the view asks for the next one when it reaches the end), and again.
    while model.loaded() < rows and time.perf_counter() - t < 300:
        table.scrollToBottom()
        app.processEvents()
        if not model.is_loading() and model.canFetchMore():
            model.fetchMore()  # the view fetches on its own; this only guards a stall
        app.processEvents()
        time.sleep(0.002)
    worker.wait_idle()
    app.processEvents()
    print(f"LOADED {model.loaded()} rows of {model.known_total()} in {time.perf_counter() - t:.2f} s",
          flush=True)
    if window.controller is not None:
        window.controller.watcher.stop()
    window._signed_out = True
    window.close()
    worker.wait_idle()
    reg.close()
    return 0 if model.loaded() >= rows else 1


if __name__ == "__main__":
    sys.exit(main())
