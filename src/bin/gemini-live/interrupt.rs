//! Ctrl-C: the conversation ends with a close frame, not a process killed mid-frame.
//!
//! The handler (its own thread, from `ctrlc`) closes the session being watched, which sends
//! the close frame and makes the main thread's `next_event` return; a command waiting for a
//! turn sees [`interrupted`], keeps what it has (`talk` writes the partial reply) and ends
//! with [`Interrupted`]; the process exits with 130 (128 + SIGINT), as shells expect. A
//! command blocked elsewhere (`chat` reading a line) is ended by the handler once the
//! session is closed. A second Ctrl-C exits at once.

use gemini_live::Session;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// The exit code after Ctrl-C.
pub(crate) const EXIT_CODE: u8 = 130;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

#[derive(Default)]
struct Watched {
    session: Option<Arc<Session>>,
    /// A thread is waiting for a turn and will end the command itself.
    in_turn: bool,
    /// The command has finished (saved what it had).
    done: bool,
}

static STATE: Mutex<Watched> = Mutex::new(Watched {
    session: None,
    in_turn: false,
    done: false,
});
static DONE: Condvar = Condvar::new();

/// The error a command ends with after Ctrl-C (its message was printed already).
#[derive(Debug)]
pub(crate) struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// Whether Ctrl-C was pressed.
pub(crate) fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

fn state() -> std::sync::MutexGuard<'static, Watched> {
    STATE.lock().unwrap_or_else(|p| p.into_inner())
}

/// Installs the handler. Without it (it failed), Ctrl-C kills the process as before.
pub(crate) fn install() {
    let result = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(EXIT_CODE.into());
        }
        eprintln!("\ngemini-live: interrupted; closing the session");
        let (session, in_turn) = {
            let s = state();
            (s.session.clone(), s.in_turn)
        };
        if let Some(s) = session {
            if let Err(e) = s.close() {
                log::debug!("close after Ctrl-C: {e}");
            }
        }
        if in_turn {
            // The waiting thread sees the close and ends the command; give it time to save.
            let s = state();
            let _ = DONE.wait_timeout_while(s, Duration::from_secs(10), |s| !s.done);
        }
        std::process::exit(EXIT_CODE.into());
    });
    if let Err(e) = result {
        log::debug!("no Ctrl-C handler: {e}");
    }
}

/// Closes `session` on Ctrl-C.
pub(crate) fn watch(session: &Arc<Session>) {
    state().session = Some(Arc::clone(session));
}

/// While alive, a thread waits for a turn and will end the command itself after Ctrl-C.
pub(crate) struct InTurn(());

impl InTurn {
    /// Marks the start of a wait for a turn.
    pub(crate) fn start() -> InTurn {
        state().in_turn = true;
        InTurn(())
    }
}

impl Drop for InTurn {
    fn drop(&mut self) {
        state().in_turn = false;
    }
}

/// The command is over: the handler may end the process.
pub(crate) fn finished() {
    state().done = true;
    DONE.notify_all();
}
