//! A progress line for `gemini-live talk`: audio sent against the file's length, bytes up
//! and down, and the latest turn latency, redrawn in place on a terminal (every 250 ms) and
//! printed once a second otherwise (logs, pipes). It runs on its own scoped thread and reads
//! only [`Session::metrics`] and the count of audio sent, so the streaming loop pays one
//! atomic add per chunk.

use gemini_live::Session;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread::{Scope, ScopedJoinHandle};
use std::time::{Duration, Instant};

/// Audio sent so far, shared by the streaming loop and the progress thread.
#[derive(Default)]
pub(crate) struct AudioSent(AtomicU64);

impl AudioSent {
    /// Counts `samples` sent at `rate` Hz.
    pub(crate) fn add(&self, samples: usize, rate: u32) {
        let us = samples as u64 * 1_000_000 / u64::from(rate.max(1));
        self.0.fetch_add(us, Ordering::Relaxed);
    }

    fn get(&self) -> Duration {
        Duration::from_micros(self.0.load(Ordering::Relaxed))
    }
}

/// A running progress line; [`Progress::finish`] (or dropping it) prints the last one.
pub(crate) struct Progress<'scope> {
    stop: mpsc::Sender<()>,
    thread: ScopedJoinHandle<'scope, ()>,
}

/// The numbers one line shows.
struct Line {
    elapsed: Duration,
    sent: Duration,
    total: Duration,
    up: u64,
    down: u64,
    first_reply: Option<Duration>,
}

impl Line {
    fn render(&self) -> String {
        let latency = match self.first_reply {
            Some(d) if d < Duration::from_millis(10) => format!("{:.1} ms", d.as_secs_f64() * 1e3),
            Some(d) => format!("{} ms", d.as_millis()),
            None => "-".into(),
        };
        format!(
            "talk: {:5.1} s | audio sent {:.1} / {:.1} s | up {} down {} | turn latency {latency}",
            self.elapsed.as_secs_f64(),
            self.sent.as_secs_f64(),
            self.total.as_secs_f64(),
            kib(self.up),
            kib(self.down),
        )
    }
}

fn kib(bytes: u64) -> String {
    if bytes < 10 * 1024 {
        format!("{bytes} B")
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

impl<'scope> Progress<'scope> {
    /// Starts the progress thread in `scope` for a file of `total` audio, of which `sent`
    /// counts what was sent.
    pub(crate) fn start<'env>(
        scope: &'scope Scope<'scope, 'env>,
        session: &'scope Session,
        total: Duration,
        sent: &'scope AudioSent,
    ) -> Progress<'scope> {
        let (stop, stopped) = mpsc::channel::<()>();
        let tty = std::io::stderr().is_terminal();
        let every = if tty {
            Duration::from_millis(250)
        } else {
            Duration::from_secs(1)
        };
        let started = Instant::now();
        let thread = scope.spawn(move || {
            let mut last_len = 0usize;
            loop {
                let done = !matches!(
                    stopped.recv_timeout(every),
                    Err(mpsc::RecvTimeoutError::Timeout)
                );
                let m = session.metrics();
                let line = Line {
                    elapsed: started.elapsed(),
                    sent: sent.get(),
                    total,
                    up: m.bytes_sent,
                    down: m.bytes_received,
                    first_reply: m.last_first_reply,
                }
                .render();
                let mut err = std::io::stderr().lock();
                let _ = if tty {
                    // Redraw in place; pad over a longer previous line.
                    let pad = last_len.saturating_sub(line.len());
                    write!(err, "\r{line}{:pad$}", "")
                } else {
                    writeln!(err, "{line}")
                };
                last_len = line.len();
                if done {
                    if tty {
                        let _ = writeln!(err);
                    }
                    return;
                }
            }
        });
        Progress { stop, thread }
    }

    /// Prints the final line and stops the thread.
    pub(crate) fn finish(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_shows_audio_bytes_and_latency() {
        let line = Line {
            elapsed: Duration::from_millis(2500),
            sent: Duration::from_millis(2000),
            total: Duration::from_millis(4000),
            up: 64_000,
            down: 512,
            first_reply: Some(Duration::from_millis(420)),
        }
        .render();
        assert_eq!(
            line,
            "talk:   2.5 s | audio sent 2.0 / 4.0 s | up 62 KiB down 512 B | turn latency 420 ms"
        );
        let none = none_line().render();
        assert!(none.ends_with("turn latency -"), "{none}");
        let fast = Line {
            first_reply: Some(Duration::from_micros(420)),
            ..none_line()
        }
        .render();
        assert!(fast.ends_with("turn latency 0.4 ms"), "{fast}");
    }

    fn none_line() -> Line {
        Line {
            elapsed: Duration::ZERO,
            sent: Duration::ZERO,
            total: Duration::ZERO,
            up: 0,
            down: 0,
            first_reply: None,
        }
    }

    #[test]
    fn audio_sent_adds_up_in_time() {
        let sent = AudioSent::default();
        sent.add(320, 16_000);
        sent.add(480, 24_000);
        assert_eq!(sent.get(), Duration::from_millis(40));
    }
}
