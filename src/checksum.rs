//! FNV-1a 64, the checksum the fake server reports for the audio it heard and the recorder
//! writes for audio it summarises: one small place both use (neither depends on the other).

/// The FNV-1a 64-bit offset basis: the state to start [`fnv1a64_update`] from.
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Extend a running FNV-1a 64-bit checksum with `bytes`. The fake keeps one such running
/// checksum over all decoded input audio bytes of a logical session, in order, starting from
/// [`FNV_OFFSET`]; a client computes the same value over what it sent.
pub fn fnv1a64_update(state: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(state, |h, b| (h ^ u64::from(*b)).wrapping_mul(FNV_PRIME))
}

/// FNV-1a 64-bit of `bytes`: the checksum used everywhere by the fake server.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    fnv1a64_update(FNV_OFFSET, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_known_values() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
        let running = fnv1a64_update(fnv1a64_update(FNV_OFFSET, b"foo"), b"bar");
        assert_eq!(running, fnv1a64(b"foobar"));
    }
}
