"""asyncio adapter over the blocking core::

    import asyncio
    import gemini_live

    async def main() -> None:
        async with gemini_live.aio.connect() as s:
            await s.send_text("Hello!")
            async for ev in s:
                if isinstance(ev, gemini_live.TextEvent):
                    print(ev.text, end="")
                elif isinstance(ev, gemini_live.TurnCompleteEvent):
                    break

    asyncio.run(main())

How it works: one thread per session waits in ``gemini_live_session_next_event`` (the GIL
released) and hands each event to the loop with ``loop.call_soon_threadsafe``, so the loop
is woken only when an event arrives, never polled. At most ``max_pending`` events (default
64) wait in Python for the consumer; beyond that the thread stops taking events and the
library's own bounded event queue applies its policy.

Sends are coroutines: blocking calls run, in order, on one worker thread per session;
audio first tries the non-blocking ``try_send_audio`` on the loop's thread and falls back to
the worker only when the send queue is full or other sends are still pending (so order is
kept). ``close()`` (also on leaving ``async with``, and when the task is cancelled there)
closes the session, wakes and joins both threads, and frees the C session.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from array import array
from collections import deque
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Deque,
    Generator,
    List,
    Mapping,
    Optional,
    Sequence,
    Type,
    TypeVar,
    Union,
    cast,
)

from ._pcm import convert
from .config import Config
from .errors import ClosedError, GeminiLiveError
from .events import ClosedEvent, Event
from .session import Audio, Session
from .types import Scheduling

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .config import ConfigOptions

T = TypeVar("T")

__all__ = ["AsyncSession", "connect"]

# The reader thread's wait per call: the longest the C API allows (it is woken by events
# and by close, never by this timeout in practice).
_WAIT_MS = 0xFFFFFFFF

_END = object()  # the reader is done: the session is closed and every event was taken


class AsyncSession:
    """A ``Session`` driven from asyncio; make one with ``await aio.connect(...)`` or
    ``async with aio.connect(...) as s``. ``session`` is the blocking core (its non-blocking
    properties such as ``state`` and ``metrics()`` may be used directly)."""

    def __init__(self, session: Session, *, max_pending: int = 64) -> None:
        if max_pending < 1:
            raise ValueError("max_pending must be at least 1")
        self.session = session
        self._loop = asyncio.get_running_loop()
        self._items: Deque[Union[Event, BaseException, object]] = deque()
        self._waiters: List[asyncio.Future[None]] = []
        self._room = threading.Semaphore(max_pending)
        self._stopping = threading.Event()
        self._worker = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="gemini_live.aio.send"
        )
        self._pending_sends = 0
        self._closed = False
        self._ended = False
        self._reader = threading.Thread(
            target=self._read, name="gemini_live.aio.events", daemon=True
        )
        self._reader.start()

    # ---- the reader thread -----------------------------------------------------------------

    def _read(self) -> None:
        """Takes events from the library and hands them to the loop (runs on its thread)."""
        try:
            while not self._stopping.is_set():
                self._room.acquire()
                if self._stopping.is_set():
                    break
                try:
                    ev = self.session.next_event(_WAIT_MS / 1000)
                except ClosedError:
                    break
                if ev is None:
                    self._room.release()
                    continue
                if not self._deliver(ev) or isinstance(ev, ClosedEvent):
                    break
        except BaseException as e:  # reported to the consumer, never lost
            self._deliver(e)
        self._deliver(_END)

    def _deliver(self, item: Union[Event, BaseException, object]) -> bool:
        """Queues ``item`` for the loop; False if the loop is gone."""
        try:
            self._loop.call_soon_threadsafe(self._push, item)
        except RuntimeError:  # the loop was closed
            return False
        return True

    def _push(self, item: Union[Event, BaseException, object]) -> None:
        """On the loop's thread: queue the item and wake the consumer."""
        self._items.append(item)
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:  # every waiting consumer re-checks; one takes the item
            if not waiter.done():
                waiter.set_result(None)

    # ---- receiving -------------------------------------------------------------------------

    async def next_event(self, timeout: Optional[float] = None) -> Optional[Event]:
        """The next event, waiting up to ``timeout`` seconds (None: until one comes);
        ``None`` on timeout. Raises ``ClosedError`` once every event, including the
        ``ClosedEvent``, was taken, or after ``close()``."""
        if self._closed:
            raise ClosedError(102, "the session was closed")
        while not self._items:
            if self._ended:
                raise ClosedError(102, "the session is closed")
            waiter = self._loop.create_future()
            self._waiters.append(waiter)
            try:
                if timeout is None:
                    await waiter
                else:
                    await asyncio.wait_for(asyncio.shield(waiter), timeout)
            except asyncio.TimeoutError:
                return None
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
        item = self._items.popleft()
        if item is _END:
            self._ended = True
            raise ClosedError(102, "the session is closed")
        self._room.release()
        if isinstance(item, BaseException):
            self._ended = True
            raise item
        return cast(Event, item)

    def __aiter__(self) -> "AsyncSession":
        return self

    async def __anext__(self) -> Event:
        """Events until (and including) the ``ClosedEvent``; ends after ``close()``."""
        try:
            ev = await self.next_event()
        except ClosedError:
            raise StopAsyncIteration from None
        return cast(Event, ev)  # never None without a timeout

    # ---- sending ---------------------------------------------------------------------------

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        """Runs the blocking ``fn(*args)`` on the session's worker thread, in call order."""
        if self._closed:
            raise ClosedError(102, "the session is closed")
        try:
            future = self._worker.submit(fn, *args)
        except RuntimeError:  # close() shut the worker down meanwhile
            raise ClosedError(102, "the session is closed") from None
        self._pending_sends += 1
        try:
            return await asyncio.wrap_future(future)
        finally:
            self._pending_sends -= 1

    async def send_text(self, text: str) -> None:
        """``Session.send_text`` (may wait while the send queue is full)."""
        await self._run(self.session.send_text, text)

    async def send_realtime_text(self, text: str) -> None:
        """``Session.send_realtime_text``."""
        await self._run(self.session.send_realtime_text, text)

    async def send_audio(self, audio: Audio, sample_rate: int = 16000) -> None:
        """``Session.send_audio``: without a thread hop when the send queue has room."""
        pcm = convert(audio, what="send_audio")  # once, and refused here if it is wrong
        samples = pcm.int16()
        if self._pending_sends == 0 and not self._closed:
            if self.session.try_send_audio(samples, sample_rate):
                return
        # The caller may reuse its buffer once this returns: the worker sends a copy.
        await self._run(self.session.send_audio, array("h", samples), sample_rate)

    def try_send_audio(self, audio: Audio, sample_rate: int = 16000) -> bool:
        """``Session.try_send_audio`` (never waits): False if the queue is full."""
        return self.session.try_send_audio(audio, sample_rate)

    async def send_video_frame(self, jpeg: Union[bytes, bytearray, memoryview]) -> None:
        """``Session.send_video_frame``."""
        await self._run(self.session.send_video_frame, jpeg)

    async def audio_stream_end(self) -> None:
        """``Session.audio_stream_end``."""
        await self._run(self.session.audio_stream_end)

    async def activity_start(self) -> None:
        """``Session.activity_start``."""
        await self._run(self.session.activity_start)

    async def activity_end(self) -> None:
        """``Session.activity_end``."""
        await self._run(self.session.activity_end)

    async def send_tool_response(
        self,
        call_id: str,
        name: str,
        response: Mapping[str, Any],
        scheduling: Optional[Scheduling] = None,
        will_continue: bool = False,
    ) -> None:
        """``Session.send_tool_response``."""
        await self._run(
            self.session.send_tool_response, call_id, name, response, scheduling, will_continue
        )

    async def send_context_update(
        self, system_instruction: Optional[str] = None, tools: Optional[Config] = None
    ) -> None:
        """``Session.send_context_update``."""
        await self._run(self.session.send_context_update, system_instruction, tools)

    async def send_client_content(
        self, turns: Sequence[Mapping[str, Any]], turn_complete: bool = True
    ) -> None:
        """``Session.send_client_content``."""
        await self._run(self.session.send_client_content, turns, turn_complete)

    # ---- closing ---------------------------------------------------------------------------

    async def close(self) -> None:
        """Closes and frees the session, then joins its threads. Idempotent; events not
        yet taken are dropped. If cancelled meanwhile, the close still completes in the
        background and the cancellation propagates."""
        if self._closed:
            return
        self._closed = True
        done = self._loop.run_in_executor(None, self._shutdown)
        await asyncio.shield(done)
        self._items.clear()

    def _shutdown(self) -> None:
        """Blocking part of ``close`` (runs on a thread): close, wake the reader, join."""
        self._worker.shutdown(wait=True)  # sends already started finish first
        self._stopping.set()
        error: Optional[GeminiLiveError] = None
        try:
            self.session.close()
        except GeminiLiveError as e:
            error = e
        self._room.release()  # wakes the reader if it waits for room
        self._reader.join()
        if error is not None:
            raise error

    async def __aenter__(self) -> "AsyncSession":
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()


def _close_in_background(session: Session) -> None:
    """Closes ``session`` on a new thread (closing may wait up to the close timeout)."""
    threading.Thread(target=session.close, name="gemini_live.aio.close", daemon=True).start()


class _Connecting:
    """What ``connect`` returns: ``await`` it for an ``AsyncSession``, or use it with
    ``async with`` (which closes the session on exit)."""

    def __init__(self, config: Optional[Config], max_pending: int, options: Any) -> None:
        self._config = config
        self._max_pending = max_pending
        self._options = options
        self._session: Optional[AsyncSession] = None

    async def _connect(self) -> AsyncSession:
        """Connects on a thread of its own; if the awaiting task is cancelled meanwhile, the
        cancellation propagates at once and a session that still connects is closed (on a
        thread, never blocking the loop)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Session] = loop.create_future()
        config, options = self._config, self._options

        def settle(result: Optional[Session], error: Optional[BaseException]) -> None:
            if future.cancelled():
                if result is not None:
                    _close_in_background(result)
            elif error is not None:
                future.set_exception(error)
            elif result is not None:
                future.set_result(result)

        def work() -> None:
            result: Optional[Session] = None
            error: Optional[BaseException] = None
            try:
                result = Session.connect(config, **options)
            except BaseException as e:  # handed to the awaiting task
                error = e
            try:
                loop.call_soon_threadsafe(settle, result, error)
            except RuntimeError:  # the loop is gone: nobody will take the session
                if result is not None:
                    result.close()

        threading.Thread(target=work, name="gemini_live.aio.connect", daemon=True).start()
        session = await future
        return AsyncSession(session, max_pending=self._max_pending)

    def __await__(self) -> Generator[Any, None, AsyncSession]:
        return self._connect().__await__()

    async def __aenter__(self) -> AsyncSession:
        self._session = await self._connect()
        return self._session

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if self._session is not None:
            await self._session.close()


def connect(
    config: Optional[Config] = None,
    *,
    max_pending: int = 64,
    **options: "Unpack[ConfigOptions]",
) -> _Connecting:
    """Connects without blocking the loop (the connect runs on a thread): ``await
    connect(...)`` or ``async with connect(...) as s``. Arguments as ``Session.connect``;
    ``max_pending`` bounds the events waiting in Python for the consumer."""
    return _Connecting(config, max_pending, options)
