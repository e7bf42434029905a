"""Proxies from Python: ``Config(proxy=...)`` through a CONNECT proxy (a small one in this
test; tests/proxies.rs runs tinyproxy and microsocks), its refusals as ``ProxyError``, the
proxy phase's timeout and metric, and credentials never in messages."""

import socket
import threading
import unittest

from _support import collect_turn, gl


class _ConnectProxy:
    """Answers CONNECT: with ``refuse`` (a status line) it refuses, else it tunnels."""

    def __init__(self, refuse=None):
        self.targets = []
        self.auth = []
        self.refuse = refuse
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self):
        self.sock.close()

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            b = client.recv(1)
            if not b:
                return
            head += b
        lines = head.decode("latin-1").split("\r\n")
        self.targets.append(lines[0].split()[1])
        self.auth += [l for l in lines if l.lower().startswith("proxy-authorization:")]
        if self.refuse:
            client.sendall(self.refuse.encode() + b"\r\nContent-Length: 0\r\n\r\n")
            client.close()
            return
        host, port = self.targets[-1].rsplit(":", 1)
        up = socket.create_connection((host, int(port)))
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

        def pipe(a, b):
            try:
                while True:
                    data = a.recv(65536)
                    if not data:
                        break
                    b.sendall(data)
            except OSError:
                pass
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

        threading.Thread(target=pipe, args=(client, up), daemon=True).start()
        threading.Thread(target=pipe, args=(up, client), daemon=True).start()


class ProxyTest(unittest.TestCase):
    def setUp(self):
        self.fake = gl.FakeServer()
        self.addCleanup(self.fake.close)

    def proxy(self, refuse=None):
        p = _ConnectProxy(refuse)
        self.addCleanup(p.close)
        return p

    def test_a_turn_through_a_connect_proxy_with_credentials(self):
        p = self.proxy()
        url = f"http://alice:PYCANARY-pw@127.0.0.1:{p.port}"
        # The default text+audio: the reply text is the audio's transcription.
        s = gl.Session.connect(endpoint=self.fake.endpoint, proxy=url)
        self.addCleanup(s.close)
        s.send_text("through the proxy")
        text, _, _ = collect_turn(s)
        self.assertEqual(text, "[turn 1] echo: through the proxy")
        self.assertEqual(p.targets, [self.fake.endpoint.split("//")[1]])
        # Basic credentials: base64("alice:PYCANARY-pw").
        self.assertEqual(p.auth, ["Proxy-Authorization: Basic YWxpY2U6UFlDQU5BUlktcHc="])
        m = s.metrics()
        self.assertGreater(m["connect_proxy_us"], 0)

    def test_none_connects_directly(self):
        s = gl.Session.connect(endpoint=self.fake.endpoint, proxy="none")
        self.addCleanup(s.close)
        self.assertEqual(s.metrics()["connect_proxy_us"], 0)

    def test_a_407_is_a_proxy_error_not_retried(self):
        p = self.proxy("HTTP/1.1 407 Proxy Authentication Required")
        with self.assertRaises(gl.ProxyError) as cm:
            gl.Session.connect(
                endpoint=self.fake.endpoint,
                proxy=f"http://127.0.0.1:{p.port}",
            )
        self.assertIn("requires credentials", str(cm.exception))
        self.assertIsInstance(cm.exception, gl.ConnectionFailedError)
        self.assertEqual(len(p.targets), 1, "asked once")

    def test_a_silent_proxy_times_out_in_its_phase(self):
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        self.addCleanup(silent.close)
        with self.assertRaises(gl.ConnectTimeoutError) as cm:
            gl.Session.connect(
                endpoint=self.fake.endpoint,
                proxy=f"http://127.0.0.1:{silent.getsockname()[1]}",
                phase_timeouts_ms={"proxy": 200},
                first_connect_budget=(1, 2000),
            )
        self.assertIn("proxy", str(cm.exception))
        self.assertEqual(gl.Phase.PROXY, 5)

    def test_a_malformed_url_is_refused_without_its_credentials(self):
        with self.assertRaises(gl.InvalidConfigError) as cm:
            gl.Config(proxy="gopher://bob:PYCANARY@proxy:70")
        self.assertIn("gopher", str(cm.exception))
        self.assertNotIn("PYCANARY", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
