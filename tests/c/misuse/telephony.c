/*
 * misuse/telephony.c - telephony under misuse.
 * Part of the misuse program (see main.c).
 */
#include "misuse.h"

/* Telephony: NULLs, unknown laws, small buffers; the codec round trip and a barge-in clear. */
void telephony_misuse(void) {
    gemini_live_phone_in *pi = NULL;
    gemini_live_phone_out *po = NULL;
    gemini_live_phone_out_stats st;
    int16_t pcm[480] = {0};
    int16_t back[256];
    uint8_t codes[256];
    uint8_t frame[GEMINI_LIVE_PHONE_FRAME];
    size_t got = 7, i, total;
    uint32_t action = 9;
    st.size = sizeof st;
    for (i = 0; i < 256; i++) {
        codes[i] = (uint8_t)i;
    }
    EXPECT(gemini_live_g711_encode(3, pcm, 4, codes), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_g711_encode(GEMINI_LIVE_G711_ULAW, NULL, 4, codes), NUL);
    EXPECT(gemini_live_g711_encode(GEMINI_LIVE_G711_ULAW, pcm, 4, NULL), NUL);
    EXPECT(gemini_live_g711_decode(0, codes, 4, back), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_g711_decode(GEMINI_LIVE_G711_ALAW, NULL, 4, back), NUL);
    EXPECT(gemini_live_g711_decode(GEMINI_LIVE_G711_ALAW, codes, 4, NULL), NUL);
    EXPECT(gemini_live_g711_decode(GEMINI_LIVE_G711_ALAW, codes, 256, back), GEMINI_LIVE_OK);
    EXPECT(gemini_live_g711_encode(GEMINI_LIVE_G711_ALAW, back, 256, codes), GEMINI_LIVE_OK);
    for (i = 0; i < 256; i++) {
        CHECK(codes[i] == (uint8_t)i);
    }

    EXPECT(gemini_live_phone_in_new(GEMINI_LIVE_G711_ULAW, NULL), NUL);
    EXPECT(gemini_live_phone_in_new(7, &pi), GEMINI_LIVE_INVALID_ARGUMENT);
    CHECK(pi == NULL);
    CHECK(gemini_live_phone_in_max_output(NULL, 160) == 0);
    EXPECT(gemini_live_phone_in_process(NULL, codes, 160, back, 256, &got), NUL);
    EXPECT(gemini_live_phone_in_new(GEMINI_LIVE_G711_ULAW, &pi), GEMINI_LIVE_OK);
    CHECK(gemini_live_phone_in_max_output(pi, 160) >= 320);
    EXPECT(gemini_live_phone_in_process(pi, NULL, 160, pcm, 480, &got), NUL);
    EXPECT(gemini_live_phone_in_process(pi, codes, 160, NULL, 480, &got), NUL);
    EXPECT(gemini_live_phone_in_process(pi, codes, 160, pcm, 480, NULL), NUL);
    EXPECT(gemini_live_phone_in_process(pi, codes, 160, pcm, 10, &got),
           GEMINI_LIVE_BUFFER_TOO_SMALL);
    CHECK(got == 7); /* not written on error */
    EXPECT(gemini_live_phone_in_process(pi, codes, 160, pcm, 480, &got), GEMINI_LIVE_OK);
    CHECK(got > 0 && got <= 320);
    total = got;
    /* The end of the call: 100 codes held plus the filter's tail, 2 samples per code in all. */
    EXPECT(gemini_live_phone_in_process(pi, codes, 100, pcm, 480, &got), GEMINI_LIVE_OK);
    CHECK(got == 0);
    CHECK(gemini_live_phone_in_finish_max_output(NULL) == 0);
    CHECK(gemini_live_phone_in_finish_max_output(pi) > 320);
    CHECK(gemini_live_phone_in_finish_max_output(pi) <= 480);
    EXPECT(gemini_live_phone_in_finish(NULL, pcm, 480, &got), NUL);
    EXPECT(gemini_live_phone_in_finish(pi, NULL, 480, &got), NUL);
    EXPECT(gemini_live_phone_in_finish(pi, pcm, 480, NULL), NUL);
    got = 7;
    EXPECT(gemini_live_phone_in_finish(pi, pcm, 10, &got), GEMINI_LIVE_BUFFER_TOO_SMALL);
    CHECK(got == 7);
    EXPECT(gemini_live_phone_in_process(pi, codes, 160, pcm, 480, &got), GEMINI_LIVE_OK);
    total += got;
    EXPECT(gemini_live_phone_in_finish(pi, pcm, 480, &got), GEMINI_LIVE_OK);
    CHECK(total + got == 2 * (160 + 100 + 160));
    gemini_live_phone_in_reset(pi);
    gemini_live_phone_in_reset(NULL);
    gemini_live_phone_in_free(pi);
    gemini_live_phone_in_free(NULL);
    memset(pcm, 0, sizeof pcm); /* silence for the output side */

    EXPECT(gemini_live_phone_out_new(GEMINI_LIVE_G711_ULAW, 0, 0, NULL), NUL);
    EXPECT(gemini_live_phone_out_new(5, 0, 0, &po), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_phone_out_new(GEMINI_LIVE_G711_ULAW, 100000, 0, &po),
           GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_phone_out_push(NULL, pcm, 480, NULL), NUL);
    EXPECT(gemini_live_phone_out_push_event(NULL, NULL, &action, NULL), NUL);
    EXPECT(gemini_live_phone_out_finish(NULL), NUL);
    EXPECT(gemini_live_phone_out_pop_frame(NULL, frame, sizeof frame, &got), NUL);
    EXPECT(gemini_live_phone_out_clear(NULL, NULL), NUL);
    EXPECT(gemini_live_phone_out_get_stats(NULL, &st), NUL);
    EXPECT(gemini_live_phone_out_new(GEMINI_LIVE_G711_ALAW, 0, 1000, &po), GEMINI_LIVE_OK);
    EXPECT(gemini_live_phone_out_push(po, NULL, 480, NULL), NUL);
    EXPECT(gemini_live_phone_out_push_event(po, NULL, &action, NULL), NUL);
    CHECK(action == 9);
    EXPECT(gemini_live_phone_out_push(po, pcm, 480, NULL), GEMINI_LIVE_OK);
    EXPECT(gemini_live_phone_out_pop_frame(po, frame, 10, &got), GEMINI_LIVE_BUFFER_TOO_SMALL);
    EXPECT(gemini_live_phone_out_pop_frame(po, NULL, sizeof frame, &got), NUL);
    EXPECT(gemini_live_phone_out_pop_frame(po, frame, sizeof frame, NULL), NUL);
    EXPECT(gemini_live_phone_out_finish(po), GEMINI_LIVE_OK);
    EXPECT(gemini_live_phone_out_pop_frame(po, frame, sizeof frame, &got), GEMINI_LIVE_OK);
    CHECK(got == GEMINI_LIVE_PHONE_FRAME);
    CHECK(frame[0] == 0xD5); /* silence in, A-law silence out */
    EXPECT(gemini_live_phone_out_pop_frame(po, frame, sizeof frame, &got), GEMINI_LIVE_OK);
    CHECK(got == 0);
    EXPECT(gemini_live_phone_out_push(po, pcm, 480, &got), GEMINI_LIVE_OK);
    EXPECT(gemini_live_phone_out_clear(po, &got), GEMINI_LIVE_OK);
    EXPECT(gemini_live_phone_out_get_stats(po, NULL), NUL);
    EXPECT(gemini_live_phone_out_get_stats(po, &st), GEMINI_LIVE_OK);
    CHECK(st.frames == 1 && st.buffered == 0 && st.cleared == got);
    gemini_live_phone_out_free(po);
    gemini_live_phone_out_free(NULL);

    /* The client VAD. */
    {
        gemini_live_client_vad *vad = NULL;
        gemini_live_client_vad_stats vs;
        uint32_t ev = 77;
        vs.size = sizeof vs;
        EXPECT(gemini_live_client_vad_new(GEMINI_LIVE_CLIENT_VAD_ACTIVITY, 0.5f, 500, 300, NULL), NUL);
        EXPECT(gemini_live_client_vad_new(9, 0.5f, 500, 300, &vad), GEMINI_LIVE_INVALID_ARGUMENT);
        EXPECT(gemini_live_client_vad_new(GEMINI_LIVE_CLIENT_VAD_GATE, 1.5f, 500, 300, &vad),
               GEMINI_LIVE_INVALID_ARGUMENT);
        CHECK(vad == NULL);
        EXPECT(gemini_live_client_vad_configure(NULL, NULL), NUL);
        EXPECT(gemini_live_client_vad_push(NULL, NULL, pcm, 480, &ev), NUL);
        EXPECT(gemini_live_client_vad_finish(NULL, NULL), NUL);
        EXPECT(gemini_live_client_vad_process(NULL, pcm, 480, &ev), NUL);
        EXPECT(gemini_live_client_vad_get_stats(NULL, &vs), NUL);
        EXPECT(gemini_live_client_vad_new(GEMINI_LIVE_CLIENT_VAD_ACTIVITY, 0.5f, 500, 300, &vad),
               GEMINI_LIVE_OK);
        EXPECT(gemini_live_client_vad_configure(vad, NULL), NUL);
        EXPECT(gemini_live_client_vad_push(vad, NULL, pcm, 480, &ev), NUL);
        EXPECT(gemini_live_client_vad_finish(vad, NULL), NUL);
        EXPECT(gemini_live_client_vad_process(vad, NULL, 480, &ev), NUL);
        EXPECT(gemini_live_client_vad_process(vad, pcm, 480, &ev), GEMINI_LIVE_OK);
        CHECK(ev == 0); /* silence */
        EXPECT(gemini_live_client_vad_get_stats(vad, NULL), NUL);
        EXPECT(gemini_live_client_vad_get_stats(vad, &vs), GEMINI_LIVE_OK);
        CHECK(vs.speaking == 0 && vs.utterances == 0);
        gemini_live_client_vad_free(vad);
        gemini_live_client_vad_free(NULL);
    }

    /* The player's adaptive start. */
    {
        gemini_live_player *pl = NULL;
        gemini_live_player_stats ps;
        ps.size = sizeof ps;
        EXPECT(gemini_live_player_new_paced(24000, 1, 80, 1000, true, NULL), NUL);
        EXPECT(gemini_live_player_new_paced(24000, 0, 80, 1000, true, &pl),
               GEMINI_LIVE_INVALID_ARGUMENT);
        EXPECT(gemini_live_player_new_paced(24000, 1, 80, 1000, false, &pl), GEMINI_LIVE_OK);
        EXPECT(gemini_live_player_get_stats(pl, &ps), GEMINI_LIVE_OK);
        CHECK(ps.start_delay == 0 && ps.arrival_rate_milli == 0);
        CHECK(ps.pauses == 0 && ps.paused == 0);
        gemini_live_player_free(pl);
    }
}
