"""``Managed``: the one owner of a C handle (config, session, fake server, event, audio
resampler and player).

A handle is freed exactly once: by ``close()``, by leaving a ``with`` block, or when the
Python object is garbage-collected (a ``weakref.finalize``, which also runs at interpreter
exit). ``close()`` may run while another thread is inside a call on the same handle (e.g. a
thread waiting in ``Session.next_event``): the handle is then freed when the last such call
returns, never under it. Calls that start after ``close()`` raise ``ClosedError``.
"""

from __future__ import annotations

import threading
import weakref
from types import TracebackType
from typing import Any, Callable, Optional, Type, TypeVar

from . import _lib
from .errors import ClosedError

M = TypeVar("M", bound="Managed")


class _Owner:
    """The pointer, its free function and the count of calls using it. Kept apart from the
    ``Managed`` object so that the finalizer does not keep that object alive."""

    __slots__ = ("ptr", "_free", "_what", "_lock", "_busy", "_closing", "_freed")

    def __init__(self, ptr: Any, free: Callable[[Any], None], what: str) -> None:
        self.ptr = ptr
        self._free = free
        self._what = what
        self._lock = threading.Lock()
        self._busy = 0
        self._closing = False
        self._freed = False

    def acquire(self) -> Any:
        """The pointer, counted as in use until ``release()``; ``ClosedError`` once closed."""
        with self._lock:
            if self._closing:
                raise ClosedError(_lib.CLOSED, f"the {self._what} was closed")
            self._busy += 1
        return self.ptr

    def release(self) -> None:
        """Ends a use; frees the handle if it was closed meanwhile and this was the last."""
        with self._lock:
            self._busy -= 1
            free_now = self._closing and self._busy == 0 and not self._freed
            if free_now:
                self._freed = True
        if free_now:
            self._free(self.ptr)

    def close(self) -> None:
        """Refuses new uses and frees the handle now, or when the last use ends."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            free_now = self._busy == 0
            if free_now:
                self._freed = True
        if free_now:
            self._free(self.ptr)

    @property
    def closing(self) -> bool:
        return self._closing


class Managed:
    """Base of the objects that own a C handle; see the module documentation.

    Subclasses call ``super().__init__(ptr, free, what)`` and wrap each C call as::

        code = self._call(L.gemini_live_session_send_text, text)  # fn(ptr, *args)
    """

    def __init__(self, ptr: Any, free: Callable[[Any], None], what: str) -> None:
        self._owner = _Owner(ptr, free, what)
        self._finalizer = weakref.finalize(self, self._owner.close)

    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(ptr, *args)`` with the handle held in use (``ClosedError`` once closed)."""
        ptr = self._owner.acquire()
        try:
            return fn(ptr, *args)
        finally:
            self._owner.release()

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called (the handle is freed or about to be)."""
        return self._owner.closing

    def close(self) -> None:
        """Frees the C object (once no other thread is inside a call on it). Idempotent."""
        self._finalizer()

    def __enter__(self: M) -> M:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()
