/*
 * stress.c - the C API under load, for leak and thread checkers (valgrind memcheck):
 *
 *   1. N connect/converse/close cycles (100 by default, or argv[1]) against the embedded fake
 *      server with faults on a quarter of its connections (TCP drop, close 1011, replies cut
 *      by a drop or a 1011, GoAway): every reply must be right; every other session is freed
 *      without an explicit close.
 *   2. One session used by several threads at once (pthreads): four threads send text turns
 *      and one streams audio while three threads take events; the main thread closes the
 *      session while the readers wait; every turn is answered exactly once (the replies'
 *      total length is what the turns' numbers and texts add up to) and every reader ends
 *      with GEMINI_LIVE_CLOSED.
 *   3. Events kept after their session (and their fake server) were freed are still
 *      readable, then freed.
 *   4. Panics forced on several threads at once are caught and reported as
 *      GEMINI_LIVE_PANIC, each thread keeping its own detail text.
 *
 * Run by tests/c_api.rs. Prints "stress: ALL OK (...)" and exits 0 on success.
 */
#define _POSIX_C_SOURCE 200809L
/* gemini_live_test_panic: only in the test build (cargo feature test-exports) */
#define GEMINI_LIVE_TEST_EXPORTS
#include "gemini_live.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

static void fail(const char *what, int line, gemini_live_result r) {
    char detail[256];
    gemini_live_last_error_message(detail, sizeof detail, NULL);
    pthread_mutex_lock(&fail_lock);
    fprintf(stderr, "line %d: %s (result %u %s; %s)\n", line, what, (unsigned)r,
            gemini_live_result_str(r), detail);
    failures++;
    pthread_mutex_unlock(&fail_lock);
}

#define OK(call)                                                                              \
    do {                                                                                      \
        gemini_live_result r_ = (call);                                                       \
        if (r_ != GEMINI_LIVE_OK) {                                                           \
            fail(#call, __LINE__, r_);                                                        \
        }                                                                                     \
    } while (0)

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fail(#cond, __LINE__, GEMINI_LIVE_OK);                                            \
        }                                                                                     \
    } while (0)

static gemini_live_config *new_config(const char *endpoint) {
    gemini_live_config *c = NULL;
    OK(gemini_live_config_new(&c));
    OK(gemini_live_config_set_endpoint(c, endpoint));
    OK(gemini_live_config_set_response_modality(c, GEMINI_LIVE_MODALITY_TEXT));
    /* TEXT: no current Google conversational model answers in it; the fake's own does. */
    OK(gemini_live_config_set_model(c, "fake-text-live"));
    OK(gemini_live_config_set_stall_timeout_ms(c, 3000));
    OK(gemini_live_config_set_reconnect_delays_ms(c, 20, 500));
    OK(gemini_live_config_set_close_timeout_ms(c, 2000));
    return c;
}

/* Collects one turn's text (restarted by a resumption) into buf; 0 on success. */
static int collect_turn(gemini_live_session *s, char *buf, size_t cap) {
    size_t used = 0;
    buf[0] = '\0';
    for (;;) {
        gemini_live_event *ev = NULL;
        gemini_live_result r = gemini_live_session_next_event(s, 20000, &ev);
        if (r != GEMINI_LIVE_OK) {
            fail("next_event during a turn", __LINE__, r);
            return -1;
        }
        uint32_t type = gemini_live_event_type(ev);
        if (type == GEMINI_LIVE_EVENT_TEXT) {
            const char *text = NULL;
            size_t n = 0;
            OK(gemini_live_event_text(ev, &text, &n));
            if (text && used + n < cap) {
                memcpy(buf + used, text, n);
                used += n;
                buf[used] = '\0';
            }
        } else if (type == GEMINI_LIVE_EVENT_RESUMED || type == GEMINI_LIVE_EVENT_NEW_SESSION) {
            used = 0;
            buf[0] = '\0';
        } else if (type == GEMINI_LIVE_EVENT_CLOSED) {
            fail("closed during a turn", __LINE__, GEMINI_LIVE_CLOSED);
            gemini_live_event_free(ev);
            return -1;
        }
        gemini_live_event_free(ev);
        if (type == GEMINI_LIVE_EVENT_TURN_COMPLETE) {
            return 0;
        }
    }
}

static void tone(int16_t *out, size_t n, int freq) {
    size_t i;
    for (i = 0; i < n; i++) {
        /* a triangle wave: no libm needed */
        int phase = (int)((i * (size_t)freq * 4) % 16000);
        int v = phase < 8000 ? phase - 4000 : 12000 - phase;
        out[i] = (int16_t)(v * 2);
    }
}

static unsigned long long fnv1a64(const unsigned char *p, size_t n) {
    unsigned long long h = 0xcbf29ce484222325ULL;
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* The bytes of samples as PCM16LE (the checksum the fake reports is over these). */
static void le_bytes(const int16_t *s, size_t n, unsigned char *out) {
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = (unsigned char)((uint16_t)s[i] & 0xff);
        out[2 * i + 1] = (unsigned char)((uint16_t)s[i] >> 8);
    }
}

/* ---- 1. cycles through faults ---------------------------------------------------------- */

static void cycles(int n) {
    static const char *kinds[] = {"drop", "close=1011", "cut=1", "cut=2/1011", "goaway=1s+1s"};
    size_t cap = (size_t)n * 3 * 32 + 64, used = 0;
    char *plan = (char *)calloc(cap, 1);
    char endpoint[64], text[512], want[512];
    gemini_live_fake_server *fake = NULL;
    int conn, i;
    int16_t samples[3200];
    unsigned char pcm[6400];
    if (!plan) {
        fail("calloc", __LINE__, GEMINI_LIVE_OK);
        return;
    }
    /* A fault on every fourth connection, on its second message (the first text turn). */
    for (conn = 2; conn <= n * 3; conn += 4) {
        used += (size_t)snprintf(plan + used, cap - used, "%s%d@2:%s", used ? "," : "", conn,
                                 kinds[(conn / 4) % 5]);
    }
    OK(gemini_live_fake_server_start_with_faults(0, plan, &fake));
    free(plan);
    if (!fake) {
        return;
    }
    OK(gemini_live_fake_server_endpoint(fake, endpoint, sizeof endpoint, NULL));
    tone(samples, 3200, 300);
    le_bytes(samples, 3200, pcm);

    for (i = 0; i < n; i++) {
        gemini_live_config *c = new_config(endpoint);
        gemini_live_session *s = NULL;
        char msg[64];
        OK(gemini_live_session_connect(c, &s));
        gemini_live_config_free(c); /* the session copied it */
        if (!s) {
            continue;
        }
        snprintf(msg, sizeof msg, "cycle %d", i);
        OK(gemini_live_session_send_text(s, msg));
        if (collect_turn(s, text, sizeof text) == 0) {
            snprintf(want, sizeof want, "[turn 1] echo: %s", msg);
            if (strcmp(text, want) != 0) {
                fprintf(stderr, "cycle %d: got \"%s\", want \"%s\"\n", i, text, want);
                failures++;
            }
        }
        if (i % 5 == 0) {
            size_t k;
            for (k = 0; k < 3200; k += 320) {
                OK(gemini_live_session_send_audio(s, samples + k, 320));
            }
            OK(gemini_live_session_audio_stream_end(s));
            if (collect_turn(s, text, sizeof text) == 0) {
                snprintf(want, sizeof want,
                         "[turn 2] heard 6400 bytes of audio, checksum %016llx",
                         fnv1a64(pcm, sizeof pcm));
                if (strcmp(text, want) != 0) {
                    fprintf(stderr, "cycle %d: got \"%s\", want \"%s\"\n", i, text, want);
                    failures++;
                }
            }
        }
        if (i % 2 == 0) {
            OK(gemini_live_session_close(s));
        }
        gemini_live_session_free(s); /* closes first if needed */
    }
    gemini_live_fake_server_free(fake);
}

/* ---- 2. one session, many threads -------------------------------------------------------- */

enum { SENDERS = 4, TURNS_EACH = 10, READERS = 3, AUDIO_SAMPLES = 4800 };

struct shared {
    gemini_live_session *s;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int turns;        /* TURN_COMPLETE events seen */
    size_t text_len;  /* bytes of TEXT seen */
    int closed;       /* CLOSED events seen */
    int readers_done; /* readers that got GEMINI_LIVE_CLOSED */
    int sender_id;
};

static void *sender(void *arg) {
    struct shared *sh = (struct shared *)arg;
    int id, t;
    pthread_mutex_lock(&sh->lock);
    id = sh->sender_id++;
    pthread_mutex_unlock(&sh->lock);
    for (t = 0; t < TURNS_EACH; t++) {
        char msg[32];
        snprintf(msg, sizeof msg, "t%d-%d", id, t);
        OK(gemini_live_session_send_text(sh->s, msg));
    }
    return NULL;
}

static void *audio_sender(void *arg) {
    struct shared *sh = (struct shared *)arg;
    static int16_t samples[AUDIO_SAMPLES];
    size_t k;
    tone(samples, AUDIO_SAMPLES, 500);
    for (k = 0; k < AUDIO_SAMPLES; k += 480) {
        if (k % 960 == 0) {
            OK(gemini_live_session_send_audio(sh->s, samples + k, 480));
        } else {
            gemini_live_result r;
            while ((r = gemini_live_session_try_send_audio(sh->s, samples + k, 480, 16000)) ==
                   GEMINI_LIVE_WOULD_BLOCK) {
            }
            if (r != GEMINI_LIVE_OK) {
                fail("try_send_audio", __LINE__, r);
            }
        }
    }
    OK(gemini_live_session_audio_stream_end(sh->s));
    return NULL;
}

static void *reader(void *arg) {
    struct shared *sh = (struct shared *)arg;
    for (;;) {
        gemini_live_event *ev = NULL;
        gemini_live_result r = gemini_live_session_next_event(sh->s, 100, &ev);
        if (r == GEMINI_LIVE_TIMEOUT) {
            continue;
        }
        if (r == GEMINI_LIVE_CLOSED) {
            pthread_mutex_lock(&sh->lock);
            sh->readers_done++;
            pthread_mutex_unlock(&sh->lock);
            return NULL;
        }
        if (r != GEMINI_LIVE_OK) {
            fail("next_event from a reader thread", __LINE__, r);
            return NULL;
        }
        pthread_mutex_lock(&sh->lock);
        switch (gemini_live_event_type(ev)) {
        case GEMINI_LIVE_EVENT_TEXT: {
            const char *text = NULL;
            size_t n = 0;
            OK(gemini_live_event_text(ev, &text, &n));
            sh->text_len += n;
            break;
        }
        case GEMINI_LIVE_EVENT_TURN_COMPLETE:
            sh->turns++;
            break;
        case GEMINI_LIVE_EVENT_CLOSED:
            sh->closed++;
            break;
        case GEMINI_LIVE_EVENT_ERROR:
        case GEMINI_LIVE_EVENT_RECONNECTING:
            fail("an error or reconnection without faults", __LINE__, GEMINI_LIVE_OK);
            break;
        default:
            break;
        }
        pthread_cond_broadcast(&sh->changed);
        pthread_mutex_unlock(&sh->lock);
        gemini_live_event_free(ev);
    }
}

static size_t digits(int n) {
    size_t d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

static void threads(void) {
    gemini_live_fake_server *fake = NULL;
    gemini_live_config *c = NULL;
    struct shared sh;
    pthread_t send_threads[SENDERS], audio_thread, read_threads[READERS];
    char endpoint[64];
    size_t expected_len = 0;
    int i, turns = SENDERS * TURNS_EACH + 1;
    memset(&sh, 0, sizeof sh);
    pthread_mutex_init(&sh.lock, NULL);
    pthread_cond_init(&sh.changed, NULL);
    OK(gemini_live_fake_server_start(0, &fake));
    if (!fake) {
        return;
    }
    OK(gemini_live_fake_server_endpoint(fake, endpoint, sizeof endpoint, NULL));
    c = new_config(endpoint);
    OK(gemini_live_session_connect(c, &sh.s));
    gemini_live_config_free(c);
    if (!sh.s) {
        gemini_live_fake_server_free(fake);
        return;
    }
    /* Every turn number 1..turns appears once, whatever the order. */
    for (i = 1; i <= turns; i++) {
        expected_len += strlen("[turn ] ") + digits(i);
    }
    /* text turns: "echo: tS-T" */
    expected_len += (size_t)(SENDERS * TURNS_EACH) * strlen("echo: t0-");
    for (i = 0; i < TURNS_EACH; i++) {
        expected_len += (size_t)SENDERS * digits(i);
    }
    /* the audio turn: "heard 9600 bytes of audio, checksum <16 hex>" */
    expected_len += strlen("heard 9600 bytes of audio, checksum ") + 16;

    for (i = 0; i < READERS; i++) {
        pthread_create(&read_threads[i], NULL, reader, &sh);
    }
    for (i = 0; i < SENDERS; i++) {
        pthread_create(&send_threads[i], NULL, sender, &sh);
    }
    pthread_create(&audio_thread, NULL, audio_sender, &sh);
    for (i = 0; i < SENDERS; i++) {
        pthread_join(send_threads[i], NULL);
    }
    pthread_join(audio_thread, NULL);

    /* Wait for every turn, then close while the readers wait in next_event. */
    pthread_mutex_lock(&sh.lock);
    while (sh.turns < turns && !failures) {
        pthread_cond_wait(&sh.changed, &sh.lock);
    }
    pthread_mutex_unlock(&sh.lock);
    OK(gemini_live_session_close(sh.s));
    for (i = 0; i < READERS; i++) {
        pthread_join(read_threads[i], NULL);
    }
    CHECK(sh.turns == turns);
    CHECK(sh.text_len == expected_len);
    CHECK(sh.closed == 1);
    CHECK(sh.readers_done == READERS);
    if (sh.text_len != expected_len) {
        fprintf(stderr, "text: %zu bytes, expected %zu\n", sh.text_len, expected_len);
    }
    gemini_live_session_free(sh.s);
    gemini_live_fake_server_free(fake);
    pthread_cond_destroy(&sh.changed);
    pthread_mutex_destroy(&sh.lock);
}

/* ---- 3. events outlive their session --------------------------------------------------- */

static void events_after_free(void) {
    gemini_live_fake_server *fake = NULL;
    gemini_live_config *c = NULL;
    gemini_live_session *s = NULL;
    gemini_live_event *kept[64];
    char endpoint[64], text[256];
    size_t n_kept = 0, used = 0, k;
    OK(gemini_live_fake_server_start(0, &fake));
    if (!fake) {
        return;
    }
    OK(gemini_live_fake_server_endpoint(fake, endpoint, sizeof endpoint, NULL));
    c = new_config(endpoint);
    OK(gemini_live_session_connect(c, &s));
    gemini_live_config_free(c);
    if (!s) {
        gemini_live_fake_server_free(fake);
        return;
    }
    OK(gemini_live_session_send_text(s, "keep these"));
    for (;;) {
        gemini_live_event *ev = NULL;
        if (gemini_live_session_next_event(s, 10000, &ev) != GEMINI_LIVE_OK) {
            fail("next_event", __LINE__, GEMINI_LIVE_OK);
            break;
        }
        kept[n_kept++] = ev;
        if (gemini_live_event_type(ev) == GEMINI_LIVE_EVENT_TURN_COMPLETE || n_kept == 64) {
            break;
        }
    }
    gemini_live_session_free(s); /* without close: free closes it */
    gemini_live_fake_server_free(fake);
    text[0] = '\0';
    for (k = 0; k < n_kept; k++) {
        const char *json = NULL, *t = NULL;
        size_t len = 0;
        OK(gemini_live_event_json(kept[k], &json, &len));
        CHECK(json != NULL && strlen(json) == len);
        if (gemini_live_event_type(kept[k]) == GEMINI_LIVE_EVENT_TEXT) {
            OK(gemini_live_event_text(kept[k], &t, &len));
            if (t && used + len < sizeof text) {
                memcpy(text + used, t, len);
                used += len;
                text[used] = '\0';
            }
        }
    }
    CHECK(strcmp(text, "[turn 1] echo: keep these") == 0);
    for (k = 0; k < n_kept; k++) {
        gemini_live_event_free(kept[k]);
    }
}

/* ---- 4. panics on several threads ------------------------------------------------------ */

static void *panicker(void *arg) {
    char detail[128];
    int t;
    (void)arg;
    for (t = 0; t < 5; t++) {
        CHECK(gemini_live_test_panic() == GEMINI_LIVE_PANIC);
        OK(gemini_live_last_error_message(detail, sizeof detail, NULL));
        CHECK(strncmp(detail, "PANIC: ", 7) == 0);
        /* a later failure on this thread replaces it; other threads' panics do not */
        CHECK(gemini_live_config_validate(NULL) == GEMINI_LIVE_NULL_ARGUMENT);
        OK(gemini_live_last_error_message(detail, sizeof detail, NULL));
        CHECK(strncmp(detail, "PANIC: ", 7) != 0);
    }
    return NULL;
}

static void panics(void) {
    pthread_t t[4];
    int i;
    for (i = 0; i < 4; i++) {
        pthread_create(&t[i], NULL, panicker, NULL);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
    }
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 100;
    if (n < 1) {
        n = 1;
    }
    OK(gemini_live_set_log_level(GEMINI_LIVE_LOG_ERROR));
    panics();
    events_after_free();
    threads();
    cycles(n);
    if (failures) {
        fprintf(stderr, "stress: %d checks FAILED\n", failures);
        return 1;
    }
    printf("stress: ALL OK (%d cycles, %d sending and %d reading threads)\n", n, SENDERS + 1,
           READERS);
    return 0;
}
