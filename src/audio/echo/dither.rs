//! The canceller's dither: noise far below one PCM16 step added to AEC3's input.

/// Noise far below one PCM16 step (about -126 dBFS peak), added to AEC3's input. In digital
/// silence (the player's reference whenever the model is not talking) AEC3's recursive
/// filters decay into subnormal floats, which x86 computes tens of times slower: measured,
/// the canceller's CPU rose from 0.8 % to 10.7 % of a core once the reference went silent.
/// Output is rounded to PCM16, so the noise never reaches it.
#[derive(Debug)]
pub(super) struct Dither(u32);

impl Default for Dither {
    fn default() -> Self {
        Dither(0x9E37_79B9)
    }
}

impl Dither {
    /// Plus or minus 2^-21 (1/64 of a PCM16 step), uniform.
    const SCALE: f32 = 1.0 / (1u64 << 52) as f32;

    pub(super) fn add(&mut self, frame: &mut [f32]) {
        for v in frame.iter_mut() {
            // xorshift32
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            self.0 = x;
            *v += (x as i32) as f32 * Self::SCALE;
        }
    }
}
