//! G.711 µ-law and A-law (ITU-T G.191's reference algorithm). Pure functions, real-time safe.
//! See [`super`] for the one deliberate difference from the tables (µ-law `0x7F`).

/// A G.711 companding law.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum G711 {
    /// µ-law (PCMU; Twilio media streams, North America, Japan).
    MuLaw,
    /// A-law (PCMA; Europe and most of the world).
    ALaw,
}

impl G711 {
    /// The law named `name`: `ulaw`, `mulaw`, `µ-law`, `pcmu`, or `alaw`, `a-law`, `pcma`
    /// (any case).
    pub fn parse(name: &str) -> Option<G711> {
        match name.to_ascii_lowercase().as_str() {
            "ulaw" | "u-law" | "mulaw" | "mu-law" | "µ-law" | "µlaw" | "pcmu" => {
                Some(G711::MuLaw)
            }
            "alaw" | "a-law" | "pcma" => Some(G711::ALaw),
            _ => None,
        }
    }

    /// The law's usual short name: `ulaw` or `alaw`.
    pub fn name(self) -> &'static str {
        match self {
            G711::MuLaw => "ulaw",
            G711::ALaw => "alaw",
        }
    }

    /// One PCM16 sample as a G.711 code. Real-time safe.
    pub fn encode(self, sample: i16) -> u8 {
        match self {
            G711::MuLaw => ulaw_encode(sample),
            G711::ALaw => alaw_encode(sample),
        }
    }

    /// One G.711 code as a PCM16 sample. Real-time safe.
    pub fn decode(self, code: u8) -> i16 {
        match self {
            G711::MuLaw => ulaw_decode(code),
            G711::ALaw => alaw_decode(code),
        }
    }

    /// Encodes `pcm` into `out` (as many as the shorter holds); returns the codes written.
    /// Real-time safe.
    pub fn encode_into(self, pcm: &[i16], out: &mut [u8]) -> usize {
        let n = pcm.len().min(out.len());
        for (o, &s) in out.iter_mut().zip(&pcm[..n]) {
            *o = self.encode(s);
        }
        n
    }

    /// Decodes `codes` into `out` (as many as the shorter holds); returns the samples
    /// written. Real-time safe.
    pub fn decode_into(self, codes: &[u8], out: &mut [i16]) -> usize {
        let n = codes.len().min(out.len());
        for (o, &c) in out.iter_mut().zip(&codes[..n]) {
            *o = self.decode(c);
        }
        n
    }

    /// The code of silence (what [`PhoneOut::finish`](super::PhoneOut::finish) pads the last frame with): `0xFF` for
    /// µ-law, `0xD5` for A-law.
    pub fn silence(self) -> u8 {
        self.encode(0)
    }
}

/// µ-law encoding of a PCM16 sample (G.191 `ulaw_compress`).
pub fn ulaw_encode(sample: i16) -> u8 {
    let lin = i32::from(sample);
    // One's complement for negative values, then 16 to 14 bits, plus the bias of 33.
    let magnitude = if lin < 0 { !lin } else { lin };
    let absno = ((magnitude >> 2) + 33).min(0x1FFF);
    let mut i = absno >> 6;
    let mut segment = 1;
    while i != 0 {
        segment += 1;
        i >>= 1;
    }
    let high = 0x08 - segment;
    let low = 0x0F - ((absno >> segment) & 0x0F);
    let code = (high << 4) | low;
    (if lin >= 0 { code | 0x80 } else { code }) as u8
}

/// PCM16 value of a µ-law code (G.191 `ulaw_expand`; `0x7F` gives -1, see the module docs).
pub fn ulaw_decode(code: u8) -> i16 {
    if code == 0x7F {
        return -1;
    }
    let negative = code < 0x80;
    let m = !i32::from(code);
    let exponent = (m >> 4) & 0x07;
    let mantissa = m & 0x0F;
    let step = 4 << (exponent + 1);
    let v = (0x80 << exponent) + step * mantissa + step / 2 - 4 * 33;
    (if negative { -v } else { v }) as i16
}

/// A-law encoding of a PCM16 sample (G.191 `alaw_compress`).
pub fn alaw_encode(sample: i16) -> u8 {
    let lin = i32::from(sample);
    // One's complement for negative values, then 16 to 12 bits of magnitude.
    let mut ix = if lin < 0 { !lin >> 4 } else { lin >> 4 };
    if ix > 15 {
        let mut exponent = 1;
        while ix > 16 + 15 {
            ix >>= 1;
            exponent += 1;
        }
        ix -= 16;
        ix += exponent << 4;
    }
    if lin >= 0 {
        ix |= 0x80;
    }
    (ix ^ 0x55) as u8
}

/// PCM16 value of an A-law code (G.191 `alaw_expand`).
pub fn alaw_decode(code: u8) -> i16 {
    let ix = i32::from(code ^ 0x55) & 0x7F;
    let exponent = ix >> 4;
    let mut mantissa = ix & 0x0F;
    if exponent > 0 {
        mantissa += 16;
    }
    mantissa = (mantissa << 4) + 0x08;
    if exponent > 1 {
        mantissa <<= exponent - 1;
    }
    (if code > 127 { mantissa } else { -mantissa }) as i16
}
