"""gemini_live.aio: async with / async for over the blocking core, woken by the library's
thread (never by a timeout), with ordered sends, cancellation and close."""

import asyncio
import unittest

from _support import TEXT_MODEL, fnv1a64, gl, le_bytes, tone

from gemini_live import aio

LIMIT = 20  # seconds any single await may take before the test fails


async def turn(s):
    """Text of one turn, up to TurnComplete."""
    text = []
    async for ev in s:
        if isinstance(ev, gl.TextEvent):
            text.append(ev.text)
        elif isinstance(ev, gl.ClosedEvent):
            raise AssertionError(f"closed during the turn: {ev!r}")
        elif isinstance(ev, gl.TurnCompleteEvent):
            return "".join(text)
    raise AssertionError("events ended during the turn")


class AioTest(unittest.TestCase):
    def setUp(self):
        self.fake = gl.FakeServer()
        self.addCleanup(self.fake.close)

    def run_async(self, coro):
        return asyncio.run(asyncio.wait_for(coro, LIMIT * 3))

    def test_text_and_audio_turns(self):
        async def main():
            async with aio.connect(endpoint=self.fake.endpoint, modality="text", model=TEXT_MODEL) as s:
                first = await asyncio.wait_for(s.next_event(), LIMIT)
                self.assertIsInstance(first, gl.SetupCompleteEvent)
                await s.send_text("hello from asyncio")
                self.assertEqual(await asyncio.wait_for(turn(s), LIMIT),
                                 "[turn 1] echo: hello from asyncio")
                samples = tone(8000)
                for i in range(0, len(samples), 320):
                    await s.send_audio(samples[i:i + 320])
                await s.audio_stream_end()
                text = await asyncio.wait_for(turn(s), LIMIT)
                raw = le_bytes(samples)
                self.assertEqual(text, f"[turn 2] heard {len(raw)} bytes of audio, "
                                       f"checksum {fnv1a64(raw):016x}")
                return s

        s = self.run_async(main())
        self.assertTrue(s.session.closed)
        self.assertTrue(s.session._owner._freed)
        self.assertFalse(s._reader.is_alive())

    def test_the_reader_is_woken_by_events_never_by_a_timeout(self):
        calls = []

        async def main():
            s = await aio.connect(endpoint=self.fake.endpoint, modality="text", model=TEXT_MODEL)
            real_next = s.session._next

            def traced(timeout_ms):
                ev = real_next(timeout_ms)
                calls.append((timeout_ms, ev))
                return ev

            s.session._next = traced
            try:
                await s.send_text("one")
                await asyncio.wait_for(turn(s), LIMIT)
                await s.send_text("two")
                await asyncio.wait_for(turn(s), LIMIT)
            finally:
                await s.close()

        self.run_async(main())
        self.assertGreater(len(calls), 4)
        self.assertTrue(all(ms == 0xFFFFFFFF for ms, _ in calls), calls)
        self.assertTrue(all(ev is not None for _, ev in calls), "a wait timed out: polling")

    def test_events_end_with_closed_and_close_is_idempotent(self):
        async def main():
            s = await aio.connect(endpoint=self.fake.endpoint, modality="text", model=TEXT_MODEL)
            await s.send_text("bye")
            await asyncio.wait_for(turn(s), LIMIT)
            await s.close()
            await s.close()
            with self.assertRaises(gl.ClosedError):
                await s.send_text("late")
            with self.assertRaises(gl.ClosedError):
                await s.next_event()
            self.assertEqual([e async for e in s], [])

        self.run_async(main())

    def test_cancelled_consumer_and_close_from_another_task(self):
        async def main():
            s = await aio.connect(endpoint=self.fake.endpoint, modality="text", model=TEXT_MODEL)
            self.assertIsInstance(await s.next_event(LIMIT), gl.SetupCompleteEvent)
            while await s.next_event(0.05) is not None:  # e.g. a resumption update
                pass
            waiting = asyncio.ensure_future(s.next_event())  # nothing will come
            await asyncio.sleep(0)
            waiting.cancel()
            with self.assertRaises(asyncio.CancelledError):
                await waiting
            # After the cancellation the session still works...
            await s.send_text("still here")
            self.assertEqual(await asyncio.wait_for(turn(s), LIMIT),
                             "[turn 1] echo: still here")
            # ...and a consumer blocked in `async for` ends when another task closes.
            consumer = asyncio.ensure_future(self.drain(s))
            await asyncio.sleep(0)
            await s.close()
            rest = await asyncio.wait_for(consumer, LIMIT)
            self.assertTrue(all(isinstance(e, gl.Event) for e in rest))
            self.assertTrue(s.session._owner._freed)

        self.run_async(main())

    async def drain(self, s):
        return [e async for e in s]

    def test_a_waiting_consumer_is_woken_when_another_one_gives_up(self):
        async def main():
            async with aio.connect(endpoint=self.fake.endpoint, modality="text", model=TEXT_MODEL) as s:
                self.assertIsInstance(await s.next_event(LIMIT), gl.SetupCompleteEvent)
                while await s.next_event(0.05) is not None:
                    pass
                first = asyncio.ensure_future(turn(s))
                await asyncio.sleep(0)  # waits now
                second = asyncio.ensure_future(s.next_event())
                await asyncio.sleep(0)  # waits too, then is cancelled
                second.cancel()
                with self.assertRaises(asyncio.CancelledError):
                    await second
                await s.send_text("still heard")
                self.assertEqual(await asyncio.wait_for(first, LIMIT),
                                 "[turn 1] echo: still heard")

        self.run_async(main())

    def test_next_event_timeout_returns_none(self):
        async def main():
            async with aio.connect(endpoint=self.fake.endpoint, modality="text", model=TEXT_MODEL) as s:
                self.assertIsInstance(await s.next_event(LIMIT), gl.SetupCompleteEvent)
                # The fake may send a resumption update; then nothing comes: None.
                for _ in range(10):
                    ev = await s.next_event(0.05)
                    if ev is None:
                        break
                    self.assertIsInstance(ev, gl.ResumptionUpdateEvent)
                self.assertIsNone(ev)
                await s.send_text("after a timeout")
                self.assertEqual(await asyncio.wait_for(turn(s), LIMIT),
                                 "[turn 1] echo: after a timeout")

        self.run_async(main())

    def test_a_cancelled_connect_raises_cancelled_error_without_waiting_for_it(self):
        async def main():
            with gl.FakeServer(faults="1@up:stall") as stalling:
                task = asyncio.ensure_future(self.connect_task(stalling.endpoint))
                await asyncio.sleep(0)
                task.cancel()
                with self.assertRaises(asyncio.CancelledError):
                    await task  # does not wait for the 60 s connect timeout

        self.run_async(main())

    async def connect_task(self, endpoint):
        return await aio.connect(endpoint=endpoint, connect_timeout_ms=60000, reconnect=False)

    def test_connect_errors_are_raised_by_await(self):
        async def main():
            with self.assertRaises(gl.ModelNotFoundError):
                await aio.connect(endpoint=self.fake.endpoint, model="no-such-model")
            with self.assertRaises(gl.InvalidArgumentError):
                async with aio.connect(endpoint=self.fake.endpoint, model="a\x00b"):
                    pass

        self.run_async(main())


if __name__ == "__main__":
    unittest.main()
