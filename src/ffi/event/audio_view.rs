//! Where the samples of an AUDIO event are (`gemini_live_event_audio`): a zero-copy view
//! into the event's decoded PCM16LE bytes when their layout allows it. A child module of
//! `event.rs`.

/// Where an AUDIO event's samples are: in the event's own PCM16LE bytes when their layout is
/// already `int16_t`'s (a little-endian host, and the buffer 2-byte aligned, which the
/// allocator gives every buffer it hands out), else in a native-endian copy made once.
pub(super) enum Samples {
    /// `AudioChunk::data` itself.
    InPlace,
    /// A converted copy (big-endian host or an odd address).
    Copied(Vec<i16>),
}

impl Samples {
    pub(super) fn of(pcm: &[u8]) -> Samples {
        let aligned = pcm.as_ptr().align_offset(std::mem::align_of::<i16>()) == 0;
        if cfg!(target_endian = "little") && aligned {
            Samples::InPlace
        } else {
            Samples::Copied(
                pcm.chunks_exact(2)
                    .map(|b| i16::from_le_bytes([b[0], b[1]]))
                    .collect(),
            )
        }
    }

    pub(super) fn ptr(&self, pcm: &[u8]) -> *const i16 {
        match self {
            Samples::InPlace if pcm.is_empty() => std::ptr::NonNull::<i16>::dangling().as_ptr(),
            Samples::InPlace => pcm.as_ptr().cast(),
            Samples::Copied(v) => v.as_ptr(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;
    use crate::session::AudioChunk;

    #[test]
    fn audio_samples_are_a_view_into_the_decoded_chunk() {
        let pcm: Vec<u8> = [1i16, -2, 300, i16::MIN]
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        let ev = gemini_live_event::new(Event::Audio(AudioChunk {
            data: pcm,
            sample_rate: 24_000,
        }));
        let Event::Audio(chunk) = &ev.event else {
            unreachable!()
        };
        let (mut ptr, mut n, mut rate) = (std::ptr::null(), 0usize, 0u32);
        let r = unsafe { gemini_live_event_audio(&ev, &mut ptr, &mut n, &mut rate) };
        assert_eq!(r, GEMINI_LIVE_OK);
        assert_eq!((n, rate), (4, 24_000));
        assert_eq!(ptr as usize % std::mem::align_of::<i16>(), 0);
        if cfg!(target_endian = "little") {
            assert_eq!(ptr, chunk.data.as_ptr().cast::<i16>(), "no copy");
        }
        let samples = unsafe { std::slice::from_raw_parts(ptr, n) };
        assert_eq!(samples, &[1, -2, 300, i16::MIN]);
    }

    #[test]
    fn samples_at_an_odd_address_are_copied_aligned() {
        let buf = [0u8, 0x34, 0x12, 0xff, 0xff];
        let odd = if buf.as_ptr() as usize % 2 == 1 {
            &buf[..4]
        } else {
            &buf[1..]
        };
        let s = Samples::of(odd);
        assert!(matches!(s, Samples::Copied(_)));
        let p = s.ptr(odd);
        assert_eq!(p as usize % 2, 0);
        let v = unsafe { std::slice::from_raw_parts(p, 2) };
        assert_eq!(
            v,
            &[
                i16::from_le_bytes([odd[0], odd[1]]),
                i16::from_le_bytes([odd[2], odd[3]])
            ]
        );
    }
}
