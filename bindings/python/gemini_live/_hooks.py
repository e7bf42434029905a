"""Session observers: how optional instrumentation (``gemini_live.otel``) sees a session
without the session knowing about it. A connect hook, registered in ``CONNECT_HOOKS``, is
called after every ``Session.connect`` (also a failed one, with ``session`` None and the
error) and may return an observer; the session then calls the observer's ``on_send(kind)``
after each successful send, ``on_event(event)`` for each event taken and ``on_close()``
when it is closed. An observer that raises is logged and otherwise ignored: instrumentation
never breaks the application.
"""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional

if TYPE_CHECKING:
    from .config import Config

log = logging.getLogger("gemini_live.hooks")

#: What an observer is told about the session: never a credential.
SAFE_SETTINGS = ("model", "endpoint", "vertex", "response_modality", "api_version")

ConnectHook = Callable[[Any, Mapping[str, Any], int, Optional[BaseException]], Any]
#: Called after each connect (see the module documentation).
CONNECT_HOOKS: List[ConnectHook] = []


def now_ns() -> int:
    return time.time_ns()


def settings(config: "Config") -> Dict[str, Any]:
    """The non-secret settings of ``config`` an observer may use (model, endpoint, Vertex
    target, modality), with the environment's where the config has none."""
    chosen: Mapping[str, Any] = getattr(config, "_settings", {})
    out = {k: chosen[k] for k in SAFE_SETTINGS if chosen.get(k) is not None}
    env = {"model": "GEMINI_LIVE_MODEL", "endpoint": "GEMINI_LIVE_ENDPOINT"}
    for key, var in env.items():
        if key not in out and os.environ.get(var):
            out[key] = os.environ[var]
    return out


def connected(
    session: Any, info: Mapping[str, Any], start_ns: int, error: Optional[BaseException]
) -> List[Any]:
    """Runs the connect hooks; returns the observers they gave."""
    observers: List[Any] = []
    for hook in list(CONNECT_HOOKS):
        try:
            observer = hook(session, info, start_ns, error)
        except Exception:  # instrumentation must not break a connect
            log.debug("a connect hook failed", exc_info=True)
            continue
        if observer is not None:
            observers.append(observer)
    return observers


def notify(observers: List[Any], method: str, *args: Any) -> None:
    """Calls ``method(*args)`` on each observer, logging (not raising) what they raise."""
    for observer in observers:
        try:
            getattr(observer, method)(*args)
        except Exception:
            log.debug("a session observer's %s failed", method, exc_info=True)
