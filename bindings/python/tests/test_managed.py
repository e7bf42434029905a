"""Managed: one owner per C handle; freed exactly once, never under a call in flight."""

import threading
import unittest

from _support import gl

from gemini_live._managed import Managed, _Owner


class OwnerTest(unittest.TestCase):
    def owner(self):
        freed = []
        return _Owner("ptr", freed.append, "thing"), freed

    def test_close_frees_once(self):
        owner, freed = self.owner()
        owner.close()
        owner.close()
        self.assertEqual(freed, ["ptr"])
        with self.assertRaises(gl.ClosedError) as cm:
            owner.acquire()
        self.assertIn("the thing was closed", cm.exception.detail)

    def test_close_during_a_call_frees_when_the_last_call_ends(self):
        owner, freed = self.owner()
        self.assertEqual(owner.acquire(), "ptr")
        self.assertEqual(owner.acquire(), "ptr")
        owner.close()
        self.assertEqual(freed, [])
        owner.release()
        self.assertEqual(freed, [])
        owner.release()
        self.assertEqual(freed, ["ptr"])

    def test_concurrent_uses_and_close_free_exactly_once(self):
        owner, freed = self.owner()
        start = threading.Barrier(9)

        def use():
            start.wait()
            for _ in range(2000):
                try:
                    owner.acquire()
                except gl.ClosedError:
                    return
                self.assertEqual(freed, [])  # never freed under a use
                owner.release()

        threads = [threading.Thread(target=use) for _ in range(8)]
        for t in threads:
            t.start()
        start.wait()
        owner.close()
        for t in threads:
            t.join(30)
        self.assertEqual(freed, ["ptr"])


class ManagedTest(unittest.TestCase):
    def test_garbage_collection_and_with_free_the_handle(self):
        freed = []
        m = Managed("a", freed.append, "thing")
        del m  # the finalizer runs with the last reference
        self.assertEqual(freed, ["a"])
        with Managed("b", freed.append, "thing") as m:
            self.assertFalse(m.closed)
        self.assertTrue(m.closed)
        self.assertEqual(freed, ["a", "b"])

    def test_every_handle_owner_is_managed(self):
        from gemini_live import audio, vertex

        owners = (gl.Config, gl.Session, gl.FakeServer, vertex.VertexFakeServer,
                  audio.Resampler, audio.Player)
        for cls in owners:
            self.assertTrue(issubclass(cls, Managed), cls)
        with audio.Player() as player:
            pass
        with self.assertRaises(gl.ClosedError):
            player.stats()
        cfg = gl.Config(model="m")
        owner = cfg._owner
        del cfg
        self.assertTrue(owner._freed)

    def test_a_failing_config_frees_its_handle(self):
        created = []
        real_init = Managed.__init__

        def spy(self, ptr, free, what):
            real_init(self, ptr, free, what)
            created.append(self._owner)

        Managed.__init__ = spy
        try:
            with self.assertRaises(gl.InvalidArgumentError):
                gl.Config(model="ok", voice="bad\x00")
        finally:
            Managed.__init__ = real_init
        self.assertEqual(len(created), 1)
        self.assertTrue(created[0]._freed)


if __name__ == "__main__":
    unittest.main()
