/*
 * quickstart.c - one text turn and one audio turn with the gemini_live C API.
 *
 * Build, after `cargo cinstall --release --prefix PREFIX --libdir lib` (with
 * PKG_CONFIG_PATH=PREFIX/lib/pkgconfig unless PREFIX is a system one):
 *
 *   cc examples/c/quickstart.c $(pkg-config --cflags --libs gemini_live) -o quickstart
 *   LD_LIBRARY_PATH=PREFIX/lib ./quickstart
 *
 * or after `cargo build --release`, from the repository root:
 *
 *   cc examples/c/quickstart.c -Iinclude -Ltarget/release -lgemini_live -o quickstart
 *   LD_LIBRARY_PATH=target/release ./quickstart
 *
 * (To link the static library instead, replace -Ltarget/release -lgemini_live by
 * target/release/libgemini_live.a and add -lssl -lcrypto -lpthread -ldl -lm.)
 *
 * It honours GEMINI_API_KEY, GEMINI_LIVE_ENDPOINT and GEMINI_LIVE_MODEL (read by
 * gemini_live_config_new). With neither a key nor an endpoint it starts the embedded fake
 * server through the C API and says so on stderr, so it runs offline.
 *
 * It sends "Hello from C!" as a text turn, prints the reply, then streams one second of a
 * 440 Hz tone (16 kHz, 20 ms chunks), ends the audio stream and prints the reply text and how
 * much audio came back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gemini_live.h"

#define INPUT_RATE 16000
#define CHUNK_SAMPLES (INPUT_RATE / 50) /* 20 ms */
#define TONE_SAMPLES INPUT_RATE         /* 1 s */

/* cos and sin of one sample's step of a 440 Hz tone at 16 kHz (2 pi 440 / 16000): the tone is
 * made by rotating a phasor, so the program needs no libm. */
static const double COS_STEP = 0.9851093261547739;
static const double SIN_STEP = 0.17192910027940955;

/* Prints what failed and the library's detail text. */
static void report(const char *what, gemini_live_result r) {
    char detail[512];
    if (gemini_live_last_error_message(detail, sizeof detail, NULL) != GEMINI_LIVE_OK) {
        detail[0] = '\0';
    }
    fprintf(stderr, "%s failed: %s (%u)\n  %s\n", what, gemini_live_result_str(r), (unsigned)r,
            detail);
}

/* FNV-1a 64 over bytes: the fake server reports the same checksum of the audio it heard. */
static uint64_t fnv1a64(uint64_t h, const unsigned char *p, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* Reads events until the turn completes; prints its text once complete, counts audio.
 * A reply cut off by a lost connection is announced with GEMINI_LIVE_EVENT_REPLY_DISCARDED
 * and comes again from the start: what was collected of it is dropped. 0 on success. */
static int run_turn(gemini_live_session *session, const char *label) {
    size_t audio_samples = 0;
    uint32_t audio_rate = 0;
    char *reply = NULL;
    size_t reply_len = 0;
    int failed = 0;
    for (;;) {
        gemini_live_event *event = NULL;
        gemini_live_result r = gemini_live_session_next_event(session, 30000, &event);
        uint32_t type;
        if (r != GEMINI_LIVE_OK) {
            report("next_event", r);
            failed = 1;
            break;
        }
        type = gemini_live_event_type(event);
        if (type == GEMINI_LIVE_EVENT_TEXT) {
            const char *text;
            size_t len;
            if (gemini_live_event_text(event, &text, &len) == GEMINI_LIVE_OK) {
                char *grown = (char *)realloc(reply, reply_len + len + 1);
                if (grown) {
                    reply = grown;
                    memcpy(reply + reply_len, text, len);
                    reply_len += len;
                    reply[reply_len] = '\0';
                }
            }
        } else if (type == GEMINI_LIVE_EVENT_AUDIO) {
            const int16_t *samples;
            size_t n;
            if (gemini_live_event_audio(event, &samples, &n, &audio_rate) == GEMINI_LIVE_OK) {
                audio_samples += n;
            }
        } else if (type == GEMINI_LIVE_EVENT_REPLY_DISCARDED) {
            reply_len = 0;
            audio_samples = 0;
        } else if (type == GEMINI_LIVE_EVENT_CLOSED) {
            gemini_live_result code;
            const char *message;
            gemini_live_event_error(event, &code, &message);
            fprintf(stderr, "session closed: %s\n", message);
            failed = 1;
        }
        if (type == GEMINI_LIVE_EVENT_TURN_COMPLETE) {
            /* Extended thinking: a segment marked IN_PROGRESS; the answer follows. */
            uint32_t status = GEMINI_LIVE_INTERACTION_NONE;
            gemini_live_event_interaction_status(event, &status);
            if (status == GEMINI_LIVE_INTERACTION_IN_PROGRESS) {
                type = GEMINI_LIVE_EVENT_NONE;
            }
        }
        gemini_live_event_free(event);
        if (failed || type == GEMINI_LIVE_EVENT_TURN_COMPLETE) {
            break;
        }
    }
    if (!failed) {
        printf("%s reply: %.*s\n", label, (int)reply_len, reply ? reply : "");
        printf("%s audio: %lu samples at %u Hz\n", label, (unsigned long)audio_samples,
               (unsigned)audio_rate);
    }
    free(reply);
    return failed;
}

/* Streams a 1 s 440 Hz tone in 20 ms chunks, then ends the audio stream. */
static int send_tone(gemini_live_session *session) {
    int16_t chunk[CHUNK_SAMPLES];
    uint64_t checksum = 0xcbf29ce484222325ULL;
    size_t sent = 0;
    double re = 1.0, im = 0.0; /* the phasor: im is sin(2 pi 440 t) */
    while (sent < TONE_SAMPLES) {
        size_t i;
        gemini_live_result r;
        for (i = 0; i < CHUNK_SAMPLES; i++) {
            int16_t s = (int16_t)(8000.0 * im);
            double next_re = re * COS_STEP - im * SIN_STEP;
            unsigned char le[2];
            im = re * SIN_STEP + im * COS_STEP;
            re = next_re;
            chunk[i] = s;
            le[0] = (unsigned char)((uint16_t)s & 0xff);
            le[1] = (unsigned char)((uint16_t)s >> 8);
            checksum = fnv1a64(checksum, le, 2);
        }
        r = gemini_live_session_send_audio(session, chunk, CHUNK_SAMPLES);
        if (r != GEMINI_LIVE_OK) {
            report("send_audio", r);
            return 1;
        }
        sent += CHUNK_SAMPLES;
    }
    printf("sent %lu bytes of audio, checksum %016llx\n", (unsigned long)(sent * 2),
           (unsigned long long)checksum);
    return gemini_live_session_audio_stream_end(session) == GEMINI_LIVE_OK ? 0 : 1;
}

/* With neither a key nor an endpoint in the environment, start the embedded fake. */
static int maybe_start_fake(gemini_live_config *config, gemini_live_fake_server **fake) {
    const char *key = getenv("GEMINI_API_KEY");
    const char *endpoint = getenv("GEMINI_LIVE_ENDPOINT");
    char url[128];
    gemini_live_result r;
    if ((key && *key) || (endpoint && *endpoint)) {
        return 0;
    }
    r = gemini_live_fake_server_start(0, fake);
    if (r == GEMINI_LIVE_OK) {
        r = gemini_live_fake_server_endpoint(*fake, url, sizeof url, NULL);
    }
    if (r == GEMINI_LIVE_OK) {
        r = gemini_live_config_set_endpoint(config, url);
    }
    if (r != GEMINI_LIVE_OK) {
        report("starting the fake server", r);
        return 1;
    }
    fprintf(stderr, "no GEMINI_API_KEY or GEMINI_LIVE_ENDPOINT: using the embedded fake "
                    "server at %s\n", url);
    return 0;
}

int main(void) {
    gemini_live_config *config = NULL;
    gemini_live_session *session = NULL;
    gemini_live_fake_server *fake = NULL;
    gemini_live_result r;
    int failed = 1;

    printf("gemini_live %s\n", gemini_live_version());
    r = gemini_live_config_new(&config);
    if (r != GEMINI_LIVE_OK) {
        report("config_new", r);
        return 1;
    }
    if (maybe_start_fake(config, &fake) == 0) {
        r = gemini_live_session_connect(config, &session);
        if (r != GEMINI_LIVE_OK) {
            report("connect", r);
        }
    }
    gemini_live_config_free(config); /* the session has its own copy */

    if (session) {
        r = gemini_live_session_send_text(session, "Hello from C!");
        if (r != GEMINI_LIVE_OK) {
            report("send_text", r);
        } else if (run_turn(session, "text turn") == 0 && send_tone(session) == 0 &&
                   run_turn(session, "audio turn") == 0) {
            failed = 0;
        }
        gemini_live_session_close(session);
        gemini_live_session_free(session);
    }
    gemini_live_fake_server_free(fake); /* after its sessions; NULL does nothing */
    return failed;
}
