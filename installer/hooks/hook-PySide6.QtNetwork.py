# Replaces PyInstaller's own hook: no TLS back-ends, no OpenSSL for Qt, no
# network-information plugin (R50). QtNetwork itself stays (local sockets).
import os
import sys

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

sys.path.insert(0, os.path.dirname(__file__))
from qt_trim import dropped  # noqa: E402

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [b for b in binaries if not dropped(b[0])]
