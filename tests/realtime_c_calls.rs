//! The C functions documented as real-time safe allocate nothing once their object exists:
//! G.711 encode/decode, `gemini_live_phone_in_process` / `_finish`, `gemini_live_phone_out_push` /
//! `_pop_frame` / `_clear` / `_finish` / `_get_stats`, `gemini_live_player_read` / `_read_f32` /
//! `_get_stats`, `gemini_live_client_vad_process` / `_get_stats`, and
//! `gemini_live_echo_canceller_push` / `_set_enabled` / `_set_device_delay_ms` /
//! `_get_stats`, called through the C
//! ABI (the panic boundary and the argument checks included) under a counting allocator.

mod voice;

use gemini_live::ffi::echo::*;
use gemini_live::ffi::player::*;
use gemini_live::ffi::telephony::*;
use gemini_live::ffi::vad::*;
use gemini_live::ffi::GEMINI_LIVE_OK;
use std::ptr::null_mut;
use voice::alloc_count::{allocations_during, CountingAllocator};

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

#[test]
fn real_time_safe_c_calls_allocate_nothing() {
    let tone: Vec<i16> = (0..4800)
        .map(|i| ((i as f64 * 0.13).sin() * 9000.0) as i16)
        .collect();
    let mut codes = vec![0u8; 4800];
    let mut pcm16 = vec![0i16; 1024];
    let mut frame = [0u8; 160];
    let mut device = vec![0i16; 480 * 2];
    let mut device_f = vec![0f32; 480 * 2];
    let (mut pi, mut po, mut pl, mut vad) = (null_mut(), null_mut(), null_mut(), null_mut());
    // SAFETY: every pointer below is either made by the matching constructor or a live
    // buffer of at least the length passed.
    unsafe {
        assert_eq!(
            gemini_live_phone_in_new(GEMINI_LIVE_G711_ULAW, &mut pi),
            GEMINI_LIVE_OK
        );
        assert_eq!(
            gemini_live_phone_out_new(GEMINI_LIVE_G711_ULAW, 0, 0, &mut po),
            GEMINI_LIVE_OK
        );
        assert_eq!(gemini_live_player_new(48_000, 2, &mut pl), GEMINI_LIVE_OK);
        assert_eq!(
            gemini_live_client_vad_new(GEMINI_LIVE_CLIENT_VAD_ACTIVITY, 0.5, 500, 300, &mut vad),
            GEMINI_LIVE_OK
        );
        let mut ec = null_mut();
        assert_eq!(
            gemini_live_echo_canceller_new(pl, 16_000, &mut ec),
            GEMINI_LIVE_OK
        );
        assert_eq!(
            gemini_live_player_push(pl, tone.as_ptr(), tone.len()),
            GEMINI_LIVE_OK
        );
        let (allocs, ok) = allocations_during(|| {
            let mut ok = true;
            for _ in 0..20 {
                let (mut got, mut played, mut events) = (0usize, 0usize, 0u32);
                ok &= gemini_live_g711_encode(
                    GEMINI_LIVE_G711_ULAW,
                    tone.as_ptr(),
                    4800,
                    codes.as_mut_ptr(),
                ) == 0;
                ok &= gemini_live_g711_decode(
                    GEMINI_LIVE_G711_ULAW,
                    codes.as_ptr(),
                    1024,
                    pcm16.as_mut_ptr(),
                ) == 0;
                ok &= gemini_live_phone_in_process(
                    pi,
                    codes.as_ptr(),
                    160,
                    pcm16.as_mut_ptr(),
                    1024,
                    &mut got,
                ) == 0;
                ok &= gemini_live_phone_out_push(po, tone.as_ptr(), 480, &mut got) == 0;
                ok &= gemini_live_phone_out_pop_frame(po, frame.as_mut_ptr(), 160, &mut got) == 0;
                let mut ps = gemini_live_phone_out_stats::default();
                ok &= gemini_live_phone_out_get_stats(po, &mut ps) == 0;
                ok &= ps.size as usize == std::mem::size_of::<gemini_live_phone_out_stats>();
                ok &= gemini_live_player_read(pl, device.as_mut_ptr(), 480, &mut played) == 0;
                ok &= gemini_live_player_read_f32(pl, device_f.as_mut_ptr(), 480, &mut played) == 0;
                let mut st = gemini_live_player_stats::default();
                ok &= gemini_live_player_get_stats(pl, &mut st) == 0;
                ok &= gemini_live_client_vad_process(vad, tone.as_ptr(), 320, &mut events) == 0;
                let mut vs = gemini_live_client_vad_stats::default();
                ok &= gemini_live_client_vad_get_stats(vad, &mut vs) == 0;
                // The echo canceller's capture-callback side and its controls.
                ok &= gemini_live_echo_canceller_push(ec, tone.as_ptr(), 160, &mut got) == 0;
                ok &= got == 160;
                ok &= gemini_live_echo_canceller_set_enabled(ec, 1) == 0;
                ok &= gemini_live_echo_canceller_set_device_delay_ms(ec, 40) == 0;
                let mut es = gemini_live_echo_stats::default();
                ok &= gemini_live_echo_canceller_get_stats(ec, &mut es) == 0;
            }
            ok &= gemini_live_phone_out_finish(po) == 0;
            ok &= gemini_live_phone_out_clear(po, null_mut()) == 0;
            // The end of a call: 100 codes held, then the rest and the filter's tail.
            let mut got = 0usize;
            ok &= gemini_live_phone_in_process(
                pi,
                codes.as_ptr(),
                100,
                pcm16.as_mut_ptr(),
                1024,
                &mut got,
            ) == 0;
            ok &= gemini_live_phone_in_finish(pi, pcm16.as_mut_ptr(), 1024, &mut got) == 0;
            ok &= got >= 200;
            ok
        });
        assert!(ok, "a call failed");
        assert_eq!(allocs, 0, "allocations in the real-time-safe C calls");
        // What was pushed is there to pull (outside the real-time part).
        let mut got = 0usize;
        let mut clean = vec![0i16; 4000];
        assert_eq!(
            gemini_live_echo_canceller_pull(ec, clean.as_mut_ptr(), clean.len(), &mut got),
            GEMINI_LIVE_OK
        );
        assert_eq!(got, 20 * 160);
        gemini_live_echo_canceller_free(ec);
        gemini_live_phone_in_free(pi);
        gemini_live_phone_out_free(po);
        gemini_live_player_free(pl);
        gemini_live_client_vad_free(vad);
    }
}
