//! The user texts that make the fake do something other than echo, so that barge-in, tools
//! and unknown messages can be tried offline from any language. Listed in
//! `gemini-live fake-server --help`, the C header's preamble and the README (a test checks
//! all three).

/// Starts a tool call: `call tool get_time with {"zone": "UTC"}`.
pub const CALL_TOOL: &str = "call tool NAME with {JSON}";
/// The reply stops after two parts with `interrupted` (barge-in).
pub const INTERRUPT_ME: &str = "interrupt me";
/// A message kind no client knows comes before the reply.
pub const SEND_UNKNOWN: &str = "send unknown";
/// A `serverContent` carrying only `usageMetadata` comes before the reply.
pub const USAGE_ONLY: &str = "usage only";

/// Every test phrase with what the fake does with it.
pub const TEST_PHRASES: &[(&str, &str)] = &[
    (
        CALL_TOOL,
        "a toolCall of NAME with those args (a JSON object); once every call has a \
         toolResponse the turn is answered \"tool NAME returned ...\"; new input cancels it",
    ),
    (
        INTERRUPT_ME,
        "the reply stops after two parts with interrupted: true (barge-in), then turnComplete",
    ),
    (
        SEND_UNKNOWN,
        "a message kind no client knows ({\"someFutureMessage\":...}) comes first",
    ),
    (
        USAGE_ONLY,
        "a serverContent with nothing but usageMetadata comes first",
    ),
];

/// The phrases as help text, one per line.
pub fn help() -> String {
    let mut s = String::from(
        "Test phrases (send them as text turns; anything else is echoed \"[turn N] echo: ...\", \
         audio answered \"[turn N] heard B bytes of audio, checksum C\"):\n",
    );
    for (phrase, what) in TEST_PHRASES {
        s.push_str(&format!("  {phrase:<28} {what}\n"));
    }
    s
}
