//! [`State`], the lifecycle of a session, in a module of its own: the session sets it and
//! the metrics report it, and neither needs to import the other for it.
//!
//! Re-exported as `gemini_live::State` and `gemini_live::session::State`.

/// The state of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(u8)]
pub enum State {
    /// Opening the connection and waiting for `setupComplete` (the default: a session starts
    /// out connecting).
    #[default]
    Connecting = 0,
    /// Set up; input is accepted and events flow.
    Connected = 1,
    /// The connection was lost and a new one is being made.
    Reconnecting = 2,
    /// `close` was called; the close handshake is under way.
    Closing = 3,
    /// Closed; no more input is accepted.
    Closed = 4,
}

impl State {
    /// The state stored as `v` (`State as u8`); anything unknown reads as `Closed`.
    pub(crate) fn from_u8(v: u8) -> State {
        match v {
            0 => State::Connecting,
            1 => State::Connected,
            2 => State::Reconnecting,
            3 => State::Closing,
            _ => State::Closed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::State;

    #[test]
    fn every_state_round_trips_through_its_byte() {
        for s in [
            State::Connecting,
            State::Connected,
            State::Reconnecting,
            State::Closing,
            State::Closed,
        ] {
            assert_eq!(State::from_u8(s as u8), s);
        }
        assert_eq!(State::from_u8(200), State::Closed);
        assert_eq!(State::default(), State::Connecting);
    }
}
