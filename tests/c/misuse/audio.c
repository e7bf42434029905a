/*
 * misuse/audio.c - the audio helpers and echo cancellation under misuse.
 * Part of the misuse program (see main.c).
 */
#include "misuse.h"

/* The audio helpers: NULLs, bad rates and channel counts, small buffers, and a player that
 * reads silence and counts what it was given. */
void audio_misuse(gemini_live_config *c) {
    gemini_live_resampler *rs = NULL;
    gemini_live_player *pl = NULL;
    gemini_live_player_stats st;
    gemini_live_turn_playback tp;
    int16_t in[64], out[256];
    float fin[4] = {0.0f, 0.5f, -0.5f, 0.0f};
    size_t got = 0;
    st.size = sizeof st;
    tp.size = sizeof tp;
    memset(in, 0, sizeof in);
    EXPECT(gemini_live_config_set_record(NULL, "x.jsonl", GEMINI_LIVE_RECORD_AUDIO_KEEP), NUL);
    EXPECT(gemini_live_config_set_record(c, "x.jsonl", 7), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_record(c, "/nonexistent-dir/x.jsonl",
                                         GEMINI_LIVE_RECORD_AUDIO_SUMMARY),
           GEMINI_LIVE_IO);
    EXPECT(gemini_live_config_set_record(c, NULL, GEMINI_LIVE_RECORD_AUDIO_KEEP), GEMINI_LIVE_OK);

    EXPECT(gemini_live_resampler_new(44100, 2, 16000, NULL), NUL);
    EXPECT(gemini_live_resampler_new(0, 2, 16000, &rs), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_resampler_new(44100, 0, 16000, &rs), GEMINI_LIVE_INVALID_ARGUMENT);
    CHECK(rs == NULL);
    CHECK(gemini_live_resampler_max_output(NULL, 10) == 0);
    CHECK(gemini_live_resampler_latency_us(NULL) == 0);
    EXPECT(gemini_live_resampler_process(NULL, in, 64, out, 256, &got), NUL);
    EXPECT(gemini_live_resampler_process_f32(NULL, fin, 4, out, 256, &got), NUL);
    EXPECT(gemini_live_resampler_flush(NULL, out, 256, &got), NUL);
    EXPECT(gemini_live_resampler_new(48000, 2, 16000, &rs), GEMINI_LIVE_OK);
    EXPECT(gemini_live_resampler_process(rs, NULL, 64, out, 256, &got), NUL);
    EXPECT(gemini_live_resampler_process(rs, in, 64, NULL, 256, &got), NUL);
    EXPECT(gemini_live_resampler_process(rs, in, 64, out, 256, NULL), NUL);
    EXPECT(gemini_live_resampler_process(rs, in, 64, out, 1, &got), GEMINI_LIVE_BUFFER_TOO_SMALL);
    EXPECT(gemini_live_resampler_process(rs, in, 64, out, 256, &got), GEMINI_LIVE_OK);
    EXPECT(gemini_live_resampler_process_f32(rs, fin, 4, out, 256, &got), GEMINI_LIVE_OK);
    CHECK(gemini_live_resampler_max_output(rs, 0) <= 256);
    CHECK(gemini_live_resampler_latency_us(rs) > 0);
    EXPECT(gemini_live_resampler_flush(rs, out, 256, &got), GEMINI_LIVE_OK);
    CHECK(got == (64 / 2 + 4 / 2) / 3);
    gemini_live_resampler_free(rs);
    gemini_live_resampler_free(NULL);

    EXPECT(gemini_live_player_new(48000, 2, NULL), NUL);
    EXPECT(gemini_live_player_new(48000, 0, &pl), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_player_new_with(0, 1, 80, 1000, &pl), GEMINI_LIVE_INVALID_ARGUMENT);
    CHECK(pl == NULL);
    EXPECT(gemini_live_player_push(NULL, in, 64), NUL);
    EXPECT(gemini_live_player_push_event(NULL, NULL, &tp), NUL);
    EXPECT(gemini_live_player_end_turn(NULL, &tp), NUL);
    EXPECT(gemini_live_player_flush(NULL, &tp), NUL);
    EXPECT(gemini_live_player_read(NULL, out, 16, &got), NUL);
    EXPECT(gemini_live_player_read_f32(NULL, fin, 2, &got), NUL);
    EXPECT(gemini_live_player_get_stats(NULL, &st), NUL);
    EXPECT(gemini_live_player_current(NULL, &tp), NUL);
    EXPECT(gemini_live_player_last(NULL, &tp), NUL);
    EXPECT(gemini_live_player_new_with(24000, 1, 0, 1000, &pl), GEMINI_LIVE_OK);
    EXPECT(gemini_live_player_push(pl, NULL, 64), NUL);
    EXPECT(gemini_live_player_push_event(pl, NULL, &tp), NUL);
    EXPECT(gemini_live_player_read(pl, NULL, 16, &got), NUL);
    EXPECT(gemini_live_player_get_stats(pl, NULL), NUL);
    EXPECT(gemini_live_player_current(pl, NULL), NUL);
    EXPECT(gemini_live_player_last(pl, NULL), NUL);
    in[0] = 7;
    EXPECT(gemini_live_player_push(pl, in, 64), GEMINI_LIVE_OK);
    EXPECT(gemini_live_player_read(pl, out, 16, NULL), GEMINI_LIVE_OK);
    EXPECT(gemini_live_player_read(pl, out, 16, &got), GEMINI_LIVE_OK);
    CHECK(got == 16);
    EXPECT(gemini_live_player_read_f32(pl, fin, 4, &got), GEMINI_LIVE_OK);
    EXPECT(gemini_live_player_flush(pl, &tp), GEMINI_LIVE_OK);
    CHECK(tp.interrupted == 1 && tp.received == 64 && tp.heard == 36 && tp.turn == 1);
    EXPECT(gemini_live_player_read(pl, out, 16, &got), GEMINI_LIVE_OK);
    CHECK(got == 0 && out[0] == 0);
    EXPECT(gemini_live_player_end_turn(pl, NULL), GEMINI_LIVE_OK);
    EXPECT(gemini_live_player_get_stats(pl, &st), GEMINI_LIVE_OK);
    CHECK(st.played == 36 && st.flushed == 28 && st.flushes == 1 && st.buffered == 0);
    EXPECT(gemini_live_player_current(pl, &tp), GEMINI_LIVE_OK);
    EXPECT(gemini_live_player_last(pl, &tp), GEMINI_LIVE_OK);
    CHECK(tp.heard == 36);
    gemini_live_player_free(pl);
    gemini_live_player_free(NULL);

    CHECK(gemini_live_transcript_heard_len(NULL, 0.5) == 0);
    CHECK(gemini_live_transcript_heard_len("one two three four", 0.5) == 7);
    CHECK(gemini_live_transcript_heard_len("one two", 1.0) == 7);
}

/* Echo cancellation (issue 21): NULLs, bad rates, levels and delays; then a canceller on a
 * 16 kHz player whose microphone hears the played audio at half level: the echo is gone from
 * the output after a second, and the statistics count the frames. */
void echo_misuse(void) {
    gemini_live_player *pl = NULL;
    gemini_live_echo_canceller *ec = NULL;
    gemini_live_echo_stats st;
    int16_t mic[160], dev[160], out[480], reply[24000];
    size_t got = 7;
    double in_energy = 0, out_energy = 0;
    uint32_t seed = 1;
    int i, k;
    st.size = sizeof st;
    EXPECT(gemini_live_echo_canceller_new(NULL, 16000, &ec), NUL);
    EXPECT(gemini_live_player_new(16000, 1, &pl), GEMINI_LIVE_OK);
    EXPECT(gemini_live_echo_canceller_new(pl, 16000, NULL), NUL);
    EXPECT(gemini_live_echo_canceller_new(pl, 22050, &ec), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_echo_canceller_new_with(pl, 16000, 501, 0, &ec),
           GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_echo_canceller_new_with(pl, 16000, 0, 5, &ec),
           GEMINI_LIVE_INVALID_ARGUMENT);
    CHECK(ec == NULL);
    EXPECT(gemini_live_echo_canceller_process(NULL, mic, mic, 160), NUL);
    EXPECT(gemini_live_echo_canceller_set_enabled(NULL, 1), NUL);
    EXPECT(gemini_live_echo_canceller_set_device_delay_ms(NULL, 10), NUL);
    EXPECT(gemini_live_echo_canceller_get_stats(NULL, &st), NUL);
    EXPECT(gemini_live_echo_canceller_new_with(pl, 16000, 20, GEMINI_LIVE_NOISE_SUPPRESSION_OFF,
                                               &ec),
           GEMINI_LIVE_OK);
    EXPECT(gemini_live_echo_canceller_process(ec, NULL, mic, 160), NUL);
    EXPECT(gemini_live_echo_canceller_process(ec, mic, NULL, 160), NUL);
    EXPECT(gemini_live_echo_canceller_get_stats(ec, NULL), NUL);
    EXPECT(gemini_live_echo_canceller_set_device_delay_ms(ec, 600), GEMINI_LIVE_INVALID_ARGUMENT);
    for (i = 0; i < 24000; i++) { /* one second of noise-like audio, the model's */
        seed = seed * 1664525u + 1013904223u;
        reply[i] = (int16_t)((int32_t)(seed >> 16) % 8000 - 4000);
    }
    EXPECT(gemini_live_player_push(pl, reply, 24000), GEMINI_LIVE_OK);
    EXPECT(gemini_live_player_end_turn(pl, NULL), GEMINI_LIVE_OK);
    for (k = 0; k < 100; k++) { /* 10 ms device reads; the microphone hears them at once */
        EXPECT(gemini_live_player_read(pl, dev, 160, NULL), GEMINI_LIVE_OK);
        for (i = 0; i < 160; i++) {
            mic[i] = (int16_t)(dev[i] / 2);
        }
        for (i = 0; k >= 70 && i < 160; i++) {
            in_energy += (double)mic[i] * mic[i];
        }
        EXPECT(gemini_live_echo_canceller_process(ec, mic, mic, 160), GEMINI_LIVE_OK);
        for (i = 0; k >= 70 && i < 160; i++) {
            out_energy += (double)mic[i] * mic[i];
        }
    }
    CHECK(in_energy > 0 && out_energy * 100 < in_energy); /* at least 20 dB */
    EXPECT(gemini_live_echo_canceller_get_stats(ec, &st), GEMINI_LIVE_OK);
    CHECK(st.capture_frames == 100 && st.reference_frames >= 99 && st.enabled == 1);
    CHECK(st.device_delay_ms == 20);
    EXPECT(gemini_live_echo_canceller_set_enabled(ec, 0), GEMINI_LIVE_OK);
    EXPECT(gemini_live_echo_canceller_get_stats(ec, &st), GEMINI_LIVE_OK);
    CHECK(st.enabled == 0);
    gemini_live_echo_canceller_free(ec);
    gemini_live_echo_canceller_free(NULL);
    gemini_live_player_free(pl);

    /* The same through push (the capture callback) and pull (the sending thread, every
     * other period): the echo is as far down. */
    pl = NULL;
    ec = NULL;
    in_energy = out_energy = 0;
    EXPECT(gemini_live_player_new(16000, 1, &pl), GEMINI_LIVE_OK);
    EXPECT(gemini_live_echo_canceller_new(pl, 16000, &ec), GEMINI_LIVE_OK);
    EXPECT(gemini_live_echo_canceller_push(NULL, mic, 160, NULL), NUL);
    EXPECT(gemini_live_echo_canceller_push(ec, NULL, 160, NULL), NUL);
    EXPECT(gemini_live_echo_canceller_pull(NULL, out, 480, &got), NUL);
    EXPECT(gemini_live_echo_canceller_pull(ec, NULL, 480, &got), NUL);
    EXPECT(gemini_live_echo_canceller_pull(ec, out, 480, NULL), NUL);
    EXPECT(gemini_live_echo_canceller_pull(ec, out, 480, &got), GEMINI_LIVE_OK);
    CHECK(got == 0); /* nothing pushed yet */
    EXPECT(gemini_live_player_push(pl, reply, 24000), GEMINI_LIVE_OK);
    EXPECT(gemini_live_player_end_turn(pl, NULL), GEMINI_LIVE_OK);
    for (k = 0; k < 100; k++) {
        size_t fit = 0;
        EXPECT(gemini_live_player_read(pl, dev, 160, NULL), GEMINI_LIVE_OK);
        for (i = 0; i < 160; i++) {
            mic[i] = (int16_t)(dev[i] / 2);
        }
        for (i = 0; k >= 70 && i < 160; i++) {
            in_energy += (double)mic[i] * mic[i];
        }
        EXPECT(gemini_live_echo_canceller_push(ec, mic, 160, &fit), GEMINI_LIVE_OK);
        CHECK(fit == 160);
        if (k % 2 == 1) {
            EXPECT(gemini_live_echo_canceller_pull(ec, out, 480, &got), GEMINI_LIVE_OK);
            CHECK(got == 320);
            for (i = 0; k >= 71 && i < 320; i++) {
                out_energy += (double)out[i] * out[i];
            }
        }
    }
    CHECK(in_energy > 0 && out_energy * 100 < in_energy); /* at least 20 dB */
    EXPECT(gemini_live_echo_canceller_get_stats(ec, &st), GEMINI_LIVE_OK);
    CHECK(st.capture_frames == 100 && st.reference_frames >= 99 && st.mic_dropped == 0);
    gemini_live_echo_canceller_free(ec);
    gemini_live_player_free(pl);
}
