"""Which Qt plugins stay out of the bundle (used by the hooks here and by baomi.spec).

Dropped before PyInstaller follows their library dependencies, so nothing they
alone need (the GTK stack, EGLFS, OpenSSL) is copied in either:
- VNC platform plugin: a TCP server; TUIO touch input: listens on UDP;
  QML debugging: opens ports; TLS back-ends and network information (R50: the
  program never uses the network);
- display back-ends for embedded boards (EGLFS, linuxfb, Vulkan KHR display)
  and their input plugins (generic/evdev);
- the GTK 3 platform theme: it would mix the build machine's pango/cairo with
  the target's GTK, a known source of crashes; Qt's own dialogs are used and
  translated (qtbase_zh_CN);
- SQL drivers (the register uses SQLCipher through Python) and Designer plugins.
Kept: xcb, wayland, offscreen, minimal (Linux); windows (Windows); printing,
image formats, input methods (ibus, compose), icon engines.
"""
from __future__ import annotations

import os

DROP_PLUGIN_TYPES = ("egldeviceintegrations", "generic", "qmltooling", "tls", "networkinformation",
                     "sqldrivers", "designer")
DROP_PLUGIN_FILES = ("qvnc", "qeglfs", "qlinuxfb", "qvkkhrdisplay", "qminimalegl", "qdirect2d",
                     "qgtk3")


def dropped(path: str) -> bool:
    """True for a Qt plugin file (source or bundle path) that stays out of the bundle."""
    parts = path.replace("\\", "/").split("/")
    if "plugins" not in parts:
        return False
    i = len(parts) - 1 - parts[::-1].index("plugins")
    rest = parts[i + 1:]
    if not rest or rest[0] in DROP_PLUGIN_TYPES:
        return bool(rest)
    stem = os.path.splitext(rest[-1])[0]
    stem = stem[3:] if stem.startswith("lib") else stem
    return stem in DROP_PLUGIN_FILES
