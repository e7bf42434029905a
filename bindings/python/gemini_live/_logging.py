"""Routes the library's log records into ``logging.getLogger("gemini_live")`` and its
children (a record of the Rust module ``gemini_live::session`` goes to ``gemini_live.session``).

Installed on import. The callback runs on the library's threads (ctypes takes the GIL); its
ctypes object is kept alive here, and it is removed at interpreter exit, before Python
can no longer run it.
"""

from __future__ import annotations

import atexit
import logging
from typing import Dict, Optional

from . import _lib
from ._messages import pythonize
from .errors import check

L = _lib.lib
logger = logging.getLogger("gemini_live")
# A library adds no output of its own: records are shown once the application configures
# logging (e.g. logging.basicConfig(level=logging.INFO)).
logger.addHandler(logging.NullHandler())

_TO_PYTHON: Dict[int, int] = {
    _lib.LOG_ERROR: logging.ERROR,
    _lib.LOG_WARN: logging.WARNING,
    _lib.LOG_INFO: logging.INFO,
    _lib.LOG_DEBUG: logging.DEBUG,
    _lib.LOG_TRACE: 5,
}


def _logger_for(target: Optional[bytes]) -> logging.Logger:
    """``gemini_live::session::threads`` logs to ``gemini_live.session.threads``."""
    name = target.decode("utf-8", "replace").replace("::", ".") if target else ""
    return logging.getLogger(name) if name.startswith("gemini_live") else logger


def _on_log(
    _user_data: Optional[int], level: int, target: Optional[bytes], message: Optional[bytes]
) -> None:
    try:
        py_level = _TO_PYTHON.get(level, logging.DEBUG)
        log = _logger_for(target)
        if log.isEnabledFor(py_level):
            text = message.decode("utf-8", "replace") if message else ""
            log.log(py_level, "%s", pythonize(text))  # in Python's terms, as errors are
    except Exception:  # never let an exception escape into the library's thread
        pass


_CALLBACK = _lib.LOG_CALLBACK(_on_log)
_installed = False


def install() -> None:
    """Routes library logs to Python logging (done on import)."""
    global _installed
    check(L.gemini_live_set_log_callback(_CALLBACK, None, _lib.USER_DATA_FREE()))
    _installed = True


def uninstall() -> None:
    """Stops routing library logs (done at exit)."""
    global _installed
    if _installed:
        L.gemini_live_set_log_callback(_lib.LOG_CALLBACK(), None, _lib.USER_DATA_FREE())
        _installed = False


def set_log_level(level: int) -> None:
    """Sets the most detailed level the library produces, as a ``logging`` level
    (e.g. ``logging.DEBUG``; default INFO). Filtering by the ``gemini_live`` logger's own
    level still applies."""
    if level <= 5:
        c_level = _lib.LOG_TRACE
    elif level <= logging.DEBUG:
        c_level = _lib.LOG_DEBUG
    elif level <= logging.INFO:
        c_level = _lib.LOG_INFO
    elif level <= logging.WARNING:
        c_level = _lib.LOG_WARN
    elif level <= logging.CRITICAL:
        c_level = _lib.LOG_ERROR
    else:
        c_level = _lib.LOG_OFF
    check(L.gemini_live_set_log_level(c_level))


atexit.register(uninstall)
