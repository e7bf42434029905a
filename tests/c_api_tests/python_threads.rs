//! The Python binding over the same library from several threads at once.

use super::build::LIMIT;
use crate::c::support::{cdylib, expect_success, root, run};
use std::process::Command;

/// The Python binding from several threads at once: four threads send turns while three take
/// events, the main thread closes while they wait, and every turn is answered exactly once.
#[test]
fn python_binding_sends_and_reads_from_several_threads() {
    const SCRIPT: &str = r#"
import sys, threading, time
import gemini_live as gl

SENDERS, TURNS, READERS = 4, 10, 3
fake = gl.FakeServer()
s = gl.Session.connect(endpoint=fake.endpoint, response_modality="text", model="fake-text-live")
lock = threading.Lock()
seen = {"turns": 0, "text": 0, "closed": 0, "ended": 0}
errors = []

def sender(k):
    try:
        for t in range(TURNS):
            s.send_text(f"t{k}-{t}")
    except Exception as e:
        errors.append(repr(e))

def reader():
    try:
        while True:
            try:
                ev = s.next_event(0.1)
            except gl.ClosedError:
                with lock:
                    seen["ended"] += 1
                return
            if ev is None:
                continue
            with lock:
                if isinstance(ev, gl.TextEvent):
                    seen["text"] += len(ev.text.encode("utf-8"))
                elif isinstance(ev, gl.TurnCompleteEvent):
                    seen["turns"] += 1
                elif isinstance(ev, gl.ClosedEvent):
                    seen["closed"] += 1
                elif isinstance(ev, (gl.ErrorEvent, gl.ReconnectingEvent)):
                    errors.append(repr(ev))
    except Exception as e:
        errors.append(repr(e))

readers = [threading.Thread(target=reader) for _ in range(READERS)]
senders = [threading.Thread(target=sender, args=(k,)) for k in range(SENDERS)]
for t in readers + senders:
    t.start()
for t in senders:
    t.join(30)
deadline = time.time() + 30
while time.time() < deadline:
    with lock:
        if seen["turns"] >= SENDERS * TURNS:
            break
    time.sleep(0.01)
s.close()  # while the readers wait in next_event
for t in readers:
    t.join(30)
assert not any(t.is_alive() for t in readers + senders), "a thread hung"
n = SENDERS * TURNS
expected = sum(len(f"[turn {i}] ") for i in range(1, n + 1)) + n * len("echo: t0-0")
assert errors == [], errors
assert seen == {"turns": n, "text": expected, "closed": 1, "ended": READERS}, (seen, expected)
fake.close()
print("python threads: OK")
"#;
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(ok, "`python3` was not found");
    let mut cmd = Command::new("python3");
    cmd.current_dir(root())
        .arg("-c")
        .arg(SCRIPT)
        .env("GEMINI_LIVE_LIBRARY", cdylib())
        .env("PYTHONPATH", root().join("bindings/python"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("RUST_BACKTRACE", "0")
        .env_remove("GEMINI_API_KEY")
        .env_remove("GEMINI_LIVE_ENDPOINT");
    let stdout = expect_success("python threads", &run(cmd, LIMIT));
    assert!(stdout.contains("python threads: OK"), "{stdout}");
}
