/*
 * growth.c - the "ABI growth" promise of the out-structs that start with `uint32_t size`
 * (gemini_live_metrics, gemini_live_usage, gemini_live_player_stats,
 * gemini_live_turn_playback, gemini_live_phone_out_stats, gemini_live_client_vad_stats,
 * gemini_live_echo_stats), checked the way an old program meets a newer library: its struct
 * is shorter than the library's. Each struct sits at the start of a buffer filled with a guard
 * pattern; with `size` covering only its first fields the library fills those, writes not
 * one byte past them and sets `size` to the bytes it filled; with the full size it fills all
 * and writes nothing past the struct; with a `size` below 4 (not even the `size` field) the
 * call is GEMINI_LIVE_INVALID_ARGUMENT, writes nothing and says what to do in C terms; and a
 * call that acts (flush, end_turn, push_event) refuses before acting. Run by
 * tests/abi_growth.rs as C99 and as C++, and under valgrind. Valid C99 and C++11.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define EXPECT(call, want) CHECK((call) == (want))

#define GUARD 0xA5
#define ROOM 1024

/* A caller's memory: the struct at the start, the guard after it. */
typedef union {
    uint64_t align;
    double d;
    unsigned char bytes[ROOM];
} room;

/* Fills the room with the guard and states `size`. */
static void prepare(room *r, uint32_t size) {
    memset(r->bytes, GUARD, sizeof r->bytes);
    memcpy(r->bytes, &size, sizeof size);
}

static uint32_t size_of(const room *r) {
    uint32_t size;
    memcpy(&size, r->bytes, sizeof size);
    return size;
}

/* Every byte of the room from `from` on still holds the guard. */
static int untouched_from(const room *r, size_t from) {
    size_t i;
    for (i = from; i < sizeof r->bytes; i++) {
        if (r->bytes[i] != GUARD) {
            fprintf(stderr, "  byte %u of the room was written (from %u on it must not be)\n",
                    (unsigned)i, (unsigned)from);
            return 0;
        }
    }
    return 1;
}

/* The last error names the struct's `sizeof` and says nothing in Rust terms. */
static int error_speaks_c(const char *type_name) {
    char msg[512], want[128];
    gemini_live_last_error_message(msg, sizeof msg, NULL);
    snprintf(want, sizeof want, "sizeof(%s)", type_name);
    if (strstr(msg, want) && strstr(msg, "->size") && !strstr(msg, "u32") &&
        !strstr(msg, "usize") && !strstr(msg, "::")) {
        return 1;
    }
    fprintf(stderr, "  last error \"%s\" does not ask for %s\n", msg, want);
    return 0;
}

/* One out-struct call: fills `out` (the start of a room). */
typedef gemini_live_result (*fill_fn)(void *ctx, void *out);

/*
 * The whole promise for one struct of `full` bytes whose first fields end at `keep`: the full
 * size, the truncated size and the too-small sizes. Leaves the truncated result in `*r` for
 * the caller to check the fields it covers.
 */
static void check_growth(const char *type_name, size_t full, size_t keep, fill_fn fill,
                         void *ctx, room *r) {
    static const uint32_t too_small[] = {0, 1, 3};
    size_t i;
    CHECK(keep >= 4 && keep < full && full + 64 <= ROOM);

    prepare(r, (uint32_t)full);
    OK(fill(ctx, r->bytes));
    CHECK(size_of(r) == full);
    CHECK(untouched_from(r, full));

    /* A newer program asking for more than the library knows gets what it knows. */
    prepare(r, (uint32_t)full + 64);
    OK(fill(ctx, r->bytes));
    CHECK(size_of(r) == full);
    CHECK(untouched_from(r, full));

    for (i = 0; i < sizeof too_small / sizeof too_small[0]; i++) {
        prepare(r, too_small[i]);
        EXPECT(fill(ctx, r->bytes), GEMINI_LIVE_INVALID_ARGUMENT);
        CHECK(size_of(r) == too_small[i]);
        CHECK(untouched_from(r, sizeof(uint32_t)));
        CHECK(error_speaks_c(type_name));
    }

    prepare(r, (uint32_t)keep);
    OK(fill(ctx, r->bytes));
    CHECK(size_of(r) == keep);
    CHECK(untouched_from(r, keep));
    if (!untouched_from(r, keep)) {
        fprintf(stderr, "  in %s (size %u)\n", type_name, (unsigned)keep);
    }
}

/* The end of field `f` of struct type `T`. */
#define END_OF(T, f) (offsetof(T, f) + sizeof(((T *)0)->f))

/* Reads a field of type `T` from the room. */
#define FIELD(r, T, f, out) memcpy(&(out), (r)->bytes + offsetof(T, f), sizeof(out))

static gemini_live_result player_stats(void *ctx, void *out) {
    return gemini_live_player_get_stats((const gemini_live_player *)ctx,
                                        (gemini_live_player_stats *)out);
}
static gemini_live_result player_current(void *ctx, void *out) {
    return gemini_live_player_current((const gemini_live_player *)ctx,
                                      (gemini_live_turn_playback *)out);
}
static gemini_live_result player_last(void *ctx, void *out) {
    return gemini_live_player_last((const gemini_live_player *)ctx,
                                   (gemini_live_turn_playback *)out);
}
static gemini_live_result phone_out_stats(void *ctx, void *out) {
    return gemini_live_phone_out_get_stats((const gemini_live_phone_out *)ctx,
                                           (gemini_live_phone_out_stats *)out);
}
static gemini_live_result client_vad_stats(void *ctx, void *out) {
    return gemini_live_client_vad_get_stats((const gemini_live_client_vad *)ctx,
                                            (gemini_live_client_vad_stats *)out);
}
static gemini_live_result echo_stats(void *ctx, void *out) {
    return gemini_live_echo_canceller_get_stats((const gemini_live_echo_canceller *)ctx,
                                                (gemini_live_echo_stats *)out);
}
static gemini_live_result session_metrics(void *ctx, void *out) {
    return gemini_live_session_metrics((const gemini_live_session *)ctx,
                                       (gemini_live_metrics *)out);
}
static gemini_live_result event_usage(void *ctx, void *out) {
    bool has = false;
    return gemini_live_event_usage((const gemini_live_event *)ctx, (gemini_live_usage *)out,
                                   &has);
}

/* The player's stats and playback; a flush or end of turn with a too-small `size` does
 * nothing. */
static void player(void) {
    gemini_live_player *pl = NULL;
    int16_t tone[480];
    room r;
    uint32_t u32 = 0;
    uint64_t u64 = 0;
    size_t i;
    gemini_live_player_stats st;
    gemini_live_turn_playback tp;
    for (i = 0; i < 480; i++) {
        tone[i] = (int16_t)(i % 2 ? 1000 : -1000);
    }
    OK(gemini_live_player_new_with(24000, 1, 0, 1000, &pl));
    OK(gemini_live_player_push(pl, tone, 480));

    check_growth("gemini_live_player_stats", sizeof st,
                 END_OF(gemini_live_player_stats, buffered), player_stats, pl, &r);
    FIELD(&r, gemini_live_player_stats, device_rate, u32);
    FIELD(&r, gemini_live_player_stats, buffered, u64);
    CHECK(u32 == 24000 && u64 == 480);

    check_growth("gemini_live_turn_playback", sizeof tp,
                 END_OF(gemini_live_turn_playback, received), player_current, pl, &r);
    FIELD(&r, gemini_live_turn_playback, turn, u64);
    CHECK(u64 == 1);
    FIELD(&r, gemini_live_turn_playback, received, u64);
    CHECK(u64 == 480);

    /* Refused before acting: nothing flushed, the turn not ended. */
    prepare(&r, 2);
    EXPECT(gemini_live_player_flush(pl, (gemini_live_turn_playback *)r.bytes),
           GEMINI_LIVE_INVALID_ARGUMENT);
    CHECK(untouched_from(&r, sizeof(uint32_t)));
    EXPECT(gemini_live_player_end_turn(pl, (gemini_live_turn_playback *)r.bytes),
           GEMINI_LIVE_INVALID_ARGUMENT);
    CHECK(error_speaks_c("gemini_live_turn_playback"));
    st.size = sizeof st;
    OK(gemini_live_player_get_stats(pl, &st));
    CHECK(st.size == sizeof st && st.buffered == 480 && st.flushes == 0 && st.flushed == 0);
    tp.size = sizeof tp;
    OK(gemini_live_player_last(pl, &tp));
    CHECK(tp.size == sizeof tp && tp.turn == 0);

    /* The flush, with an old caller's playback struct. */
    prepare(&r, (uint32_t)END_OF(gemini_live_turn_playback, heard));
    OK(gemini_live_player_flush(pl, (gemini_live_turn_playback *)r.bytes));
    CHECK(size_of(&r) == END_OF(gemini_live_turn_playback, heard));
    CHECK(untouched_from(&r, END_OF(gemini_live_turn_playback, heard)));
    FIELD(&r, gemini_live_turn_playback, received, u64);
    CHECK(u64 == 480);
    OK(gemini_live_player_get_stats(pl, &st));
    CHECK(st.flushes == 1 && st.flushed == 480 && st.buffered == 0);
    check_growth("gemini_live_turn_playback", sizeof tp,
                 END_OF(gemini_live_turn_playback, turn), player_last, pl, &r);
    FIELD(&r, gemini_live_turn_playback, turn, u64);
    CHECK(u64 == 1);

    /* The optional playback stays optional. */
    OK(gemini_live_player_end_turn(pl, NULL));
    gemini_live_player_free(pl);
}

static void phone_out(void) {
    gemini_live_phone_out *po = NULL;
    int16_t pcm[480];
    size_t queued = 0;
    room r;
    uint64_t u64 = 0;
    memset(pcm, 0, sizeof pcm);
    OK(gemini_live_phone_out_new(GEMINI_LIVE_G711_ULAW, 0, 0, &po));
    OK(gemini_live_phone_out_push(po, pcm, 480, &queued));
    CHECK(queued > 0);
    check_growth("gemini_live_phone_out_stats", sizeof(gemini_live_phone_out_stats),
                 END_OF(gemini_live_phone_out_stats, buffered), phone_out_stats, po, &r);
    FIELD(&r, gemini_live_phone_out_stats, buffered, u64);
    CHECK(u64 == queued);
    gemini_live_phone_out_free(po);
}

static void client_vad(void) {
    gemini_live_client_vad *vad = NULL;
    int16_t quiet[320];
    uint32_t events = 0, u32 = 7;
    room r;
    memset(quiet, 0, sizeof quiet);
    OK(gemini_live_client_vad_new(GEMINI_LIVE_CLIENT_VAD_GATE, 0.5f, 500, 300, &vad));
    OK(gemini_live_client_vad_process(vad, quiet, 320, &events));
    check_growth("gemini_live_client_vad_stats", sizeof(gemini_live_client_vad_stats),
                 END_OF(gemini_live_client_vad_stats, speaking), client_vad_stats, vad, &r);
    FIELD(&r, gemini_live_client_vad_stats, speaking, u32);
    CHECK(u32 == 0);
    gemini_live_client_vad_free(vad);
}

static void echo(void) {
    gemini_live_player *pl = NULL;
    gemini_live_echo_canceller *ec = NULL;
    room r;
    uint32_t u32 = 9;
    OK(gemini_live_player_new(16000, 1, &pl));
    OK(gemini_live_echo_canceller_new(pl, 16000, &ec));
    OK(gemini_live_echo_canceller_set_enabled(ec, 1));
    check_growth("gemini_live_echo_stats", sizeof(gemini_live_echo_stats),
                 END_OF(gemini_live_echo_stats, enabled), echo_stats, ec, &r);
    FIELD(&r, gemini_live_echo_stats, enabled, u32);
    CHECK(u32 == 1);
    gemini_live_echo_canceller_free(ec);
    gemini_live_player_free(pl);
}

/* The metrics and the usage of a session with the embedded fake. */
static void session(void) {
    gemini_live_fake_server *f = NULL;
    gemini_live_config *c = NULL;
    gemini_live_session *s = NULL;
    gemini_live_event *ev = NULL, *usage = NULL;
    char ep[128];
    room r;
    uint32_t u32 = 0;
    int64_t i64 = 0;
    OK(gemini_live_fake_server_start(0, &f));
    OK(gemini_live_fake_server_endpoint(f, ep, sizeof ep, NULL));
    OK(gemini_live_config_new(&c));
    OK(gemini_live_config_set_endpoint(c, ep));
    OK(gemini_live_session_connect(c, &s));
    gemini_live_config_free(c);
    if (!s) {
        gemini_live_fake_server_free(f);
        return;
    }
    OK(gemini_live_session_send_text(s, "usage only"));
    while (gemini_live_session_next_event(s, 10000, &ev) == GEMINI_LIVE_OK) {
        uint32_t type = gemini_live_event_type(ev);
        if (type == GEMINI_LIVE_EVENT_USAGE && !usage) {
            usage = ev;
            continue;
        }
        gemini_live_event_free(ev);
        if (type == GEMINI_LIVE_EVENT_TURN_COMPLETE) {
            break;
        }
    }
    CHECK(usage != NULL);
    if (usage) {
        check_growth("gemini_live_usage", sizeof(gemini_live_usage),
                     END_OF(gemini_live_usage, prompt_token_count), event_usage, usage, &r);
        FIELD(&r, gemini_live_usage, prompt_token_count, i64);
        CHECK(i64 > 0);
        gemini_live_event_free(usage);
    }
    check_growth("gemini_live_metrics", sizeof(gemini_live_metrics), END_OF(gemini_live_metrics, version),
                 session_metrics, s, &r);
    FIELD(&r, gemini_live_metrics, version, u32);
    CHECK(u32 == 3);
    OK(gemini_live_session_close(s));
    gemini_live_session_free(s);
    gemini_live_fake_server_free(f);
}

int main(void) {
    player();
    phone_out();
    client_vad();
    echo();
    session();
    return check_report("growth");
}
