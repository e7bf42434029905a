/*
 * client_vad.c - turn-taking decided on the client, in C.
 *
 * The "microphone" (a raw file of 16 kHz mono PCM16, little-endian) is fed in 20 ms chunks
 * to a client VAD (gemini_live_client_vad) in GEMINI_LIVE_CLIENT_VAD_ACTIVITY mode: the
 * server's VAD is turned off in the setup (gemini_live_client_vad_configure), and at each
 * utterance the VAD sends activityStart, the utterance with 300 ms of pre-roll (so the first
 * syllable, heard before the detector was sure, is not cut), and activityEnd 500 ms after the
 * speech stops. Nothing is sent between utterances. The replies are printed as they come.
 *
 * The detector: earshot's model with a fast onset path in front of it (a rise of the
 * spectrum over its recent floor starts speech 8-24 ms after a plosive or fricative onset;
 * the model confirms within 250 ms or the start is retracted).
 *
 * Build (after `cargo build --release`), from the repository root:
 *
 *   cc examples/c/client_vad.c -Iinclude -Ltarget/release -lgemini_live -lm -o client_vad
 *
 * Run:
 *
 *   LD_LIBRARY_PATH=target/release ./client_vad [speech.raw [--fast]]
 *
 * speech.raw: e.g. `espeak-ng -w s.wav "Hello there." && sox s.wav -r 16000 -c 1 -b 16
 * -e signed -t raw speech.raw`; without it, three "words" of synthetic vowels (a pulse train
 * through three formant resonators) with pauses between them are made here and fed as fast
 * as they go. `--fast` feeds the file as fast as it goes instead of at real time. It honours
 * GEMINI_API_KEY, GEMINI_LIVE_ENDPOINT and GEMINI_LIVE_MODEL; with neither a key nor an
 * endpoint it starts the embedded fake server.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gemini_live.h"

#define CHUNK 320 /* 20 ms at 16 kHz */

static void report(const char *what, gemini_live_result r) {
    char detail[512];
    if (gemini_live_last_error_message(detail, sizeof detail, NULL) != GEMINI_LIVE_OK) {
        detail[0] = '\0';
    }
    fprintf(stderr, "%s failed: %s (%u)\n  %s\n", what, gemini_live_result_str(r), (unsigned)r,
            detail);
}

/* The whole file as 16-bit samples; NULL if it cannot be read. */
static int16_t *microphone(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    long len;
    unsigned char *bytes;
    int16_t *pcm;
    size_t i, got;
    if (!f || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "cannot read %s\n", path);
        if (f) {
            fclose(f);
        }
        return NULL;
    }
    bytes = (unsigned char *)malloc((size_t)len + 1);
    got = bytes ? fread(bytes, 1, (size_t)len, f) : 0;
    fclose(f);
    pcm = bytes ? (int16_t *)malloc(got / 2 * sizeof *pcm + 1) : NULL;
    if (!pcm) {
        free(bytes);
        return NULL;
    }
    for (i = 0; i < got / 2; i++) { /* little-endian, whatever this machine is */
        pcm[i] = (int16_t)(uint16_t)(bytes[2 * i] | bytes[2 * i + 1] << 8);
    }
    free(bytes);
    *n = got / 2;
    return pcm;
}

/* Passes `x` (n samples) through a two-pole resonator at `freq` Hz, `bw` Hz wide. */
static void resonate(double *x, size_t n, double freq, double bw) {
    double r = exp(-3.14159265358979323846 * bw / 16000.0);
    double a1 = 2.0 * r * cos(2.0 * 3.14159265358979323846 * freq / 16000.0), a2 = -r * r;
    double y1 = 0.0, y2 = 0.0;
    size_t i;
    for (i = 0; i < n; i++) {
        double y = x[i] + a1 * y1 + a2 * y2;
        y2 = y1;
        y1 = y;
        x[i] = y;
    }
}

/* 6.6 s of synthetic speech: 1 s of quiet, then three "words" of three vowels each (a
 * 130 Hz pulse train through formant resonators), 1.2 s apart, in faint noise. */
static int16_t *synthetic_speech(size_t *n) {
    static const double formants[3][2] = {{700, 1200}, {400, 2000}, {600, 1000}};
    const size_t vowel = 3520, gap = 960, pause = 19200, total = 16000 + 3 * (3 * (vowel + gap) + pause);
    double *x = (double *)calloc(total, sizeof *x), peak = 0.0, phase = 0.0;
    int16_t *pcm = (int16_t *)malloc(total * sizeof *pcm);
    uint32_t seed = 1;
    size_t at = 16000, i, w, v;
    if (!x || !pcm) {
        free(x);
        free(pcm);
        return NULL;
    }
    for (w = 0; w < 3; w++) {
        for (v = 0; v < 3; v++, at += vowel + gap) {
            for (i = 0; i < vowel; i++) {
                double t = (double)i / 16000.0, up = t / 0.03, down = (0.22 - t) / 0.05;
                phase += 130.0 / 16000.0;
                if (phase >= 1.0) { /* one glottal pulse, shaped by the envelope */
                    phase -= 1.0;
                    x[at + i] = up < down ? (up < 1.0 ? up : 1.0) : (down < 1.0 ? down : 1.0);
                }
            }
            resonate(x + at, vowel + gap, formants[v][0], 80.0);
            resonate(x + at, vowel + gap, formants[v][1], 100.0);
            resonate(x + at, vowel + gap, 2600.0, 150.0);
        }
        at += pause;
    }
    for (i = 0; i < total; i++) {
        peak = fabs(x[i]) > peak ? fabs(x[i]) : peak;
    }
    for (i = 0; i < total; i++) {
        seed = seed * 1664525u + 1013904223u;
        pcm[i] = (int16_t)(x[i] / peak * 8000.0 + ((double)(seed >> 16) / 65536.0 - 0.5) * 340.0);
    }
    free(x);
    *n = total;
    return pcm;
}

typedef struct {
    char text[4096];
    size_t used;
    unsigned turns;
} replies;

/* Takes the events there are (waiting up to `wait_ms` for the first); prints each reply
 * when its turn completes. GEMINI_LIVE_OK or the failure. */
static gemini_live_result drain(gemini_live_session *session, replies *rp, uint32_t wait_ms) {
    for (;;) {
        gemini_live_event *ev = NULL;
        uint32_t type;
        gemini_live_result r = gemini_live_session_next_event(session, wait_ms, &ev);
        if (r == GEMINI_LIVE_TIMEOUT) {
            return GEMINI_LIVE_OK;
        }
        if (r != GEMINI_LIVE_OK) {
            return r;
        }
        wait_ms = 0;
        type = gemini_live_event_type(ev);
        if (type == GEMINI_LIVE_EVENT_TEXT) {
            const char *t;
            size_t len;
            if (gemini_live_event_text(ev, &t, &len) == GEMINI_LIVE_OK &&
                rp->used + len < sizeof rp->text) {
                memcpy(rp->text + rp->used, t, len);
                rp->used += len;
                rp->text[rp->used] = '\0';
            }
        } else if (type == GEMINI_LIVE_EVENT_TURN_COMPLETE) {
            printf("model: %s\n", rp->text);
            rp->turns++;
            rp->used = 0;
            rp->text[0] = '\0';
        }
        gemini_live_event_free(ev);
    }
}

/* Feeds the microphone through the VAD into the session; prints speech starts and ends at
 * their position in the input. 0 on success. */
static int talk(gemini_live_session *session, gemini_live_client_vad *vad, const int16_t *pcm,
                size_t n, int fast, replies *rp) {
    struct timespec period = {0, 20 * 1000 * 1000};
    gemini_live_client_vad_stats stats;
    gemini_live_result r = GEMINI_LIVE_OK;
    size_t at;
    unsigned waited;
    stats.size = sizeof stats;
    for (at = 0; at < n && r == GEMINI_LIVE_OK; at += CHUNK) {
        size_t len = n - at < CHUNK ? n - at : CHUNK;
        uint32_t events = 0;
        r = gemini_live_client_vad_push(vad, session, pcm + at, len, &events);
        if (r != GEMINI_LIVE_OK) {
            report("client_vad_push", r);
            return 1;
        }
        if (events & GEMINI_LIVE_CLIENT_VAD_SPEECH_START) {
            printf("speech start at %lu ms\n", (unsigned long)((at + len) / 16));
        }
        if (events & GEMINI_LIVE_CLIENT_VAD_SPEECH_END) {
            printf("speech end at %lu ms\n", (unsigned long)((at + len) / 16));
        }
        r = drain(session, rp, 0);
        if (!fast) {
            nanosleep(&period, NULL);
        }
    }
    if (r == GEMINI_LIVE_OK) {
        r = gemini_live_client_vad_finish(vad, session); /* closes an utterance in progress */
    }
    if (r == GEMINI_LIVE_OK) {
        r = gemini_live_client_vad_get_stats(vad, &stats);
    }
    if (r != GEMINI_LIVE_OK) {
        report("ending the microphone stream", r);
        return 1;
    }
    /* Every utterance gets its reply (within 10 s). */
    for (waited = 0; rp->turns < stats.utterances && r == GEMINI_LIVE_OK; waited += 100) {
        if (waited >= 10000) {
            fprintf(stderr, "%u of %lu replies within 10 s\n", rp->turns,
                    (unsigned long)stats.utterances);
            return 1;
        }
        r = drain(session, rp, 100);
    }
    if (r != GEMINI_LIVE_OK) {
        report("next_event", r);
        return 1;
    }
    printf("%lu utterance(s); sent %lu samples (%lu ms) of %lu ms; %lu ms of silence held "
           "back\n",
           (unsigned long)stats.utterances, (unsigned long)stats.sent,
           (unsigned long)(stats.sent / 16), (unsigned long)(n / 16),
           (unsigned long)(stats.withheld / 16));
    return 0;
}

int main(int argc, char **argv) {
    gemini_live_config *config = NULL;
    gemini_live_session *session = NULL;
    gemini_live_fake_server *fake = NULL;
    gemini_live_client_vad *vad = NULL;
    replies rp;
    size_t n = 0;
    int16_t *pcm;
    int fast = argc < 2 || (argc > 2 && strcmp(argv[2], "--fast") == 0);
    int failed = 1;
    gemini_live_result r;
    pcm = argc > 1 ? microphone(argv[1], &n) : synthetic_speech(&n);
    if (!pcm) {
        return 1;
    }
    memset(&rp, 0, sizeof rp);
    /* Threshold 0.5, hangover 500 ms, pre-roll 300 ms: the defaults. */
    r = gemini_live_client_vad_new(GEMINI_LIVE_CLIENT_VAD_ACTIVITY, 0.5f, 500, 300, &vad);
    if (r == GEMINI_LIVE_OK) {
        r = gemini_live_config_new(&config);
    }
    if (r == GEMINI_LIVE_OK) {
        r = gemini_live_config_set_response_modality(config, GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO);
    }
    if (r == GEMINI_LIVE_OK) {
        r = gemini_live_client_vad_configure(vad, config); /* server VAD off */
    }
    if (r == GEMINI_LIVE_OK && !getenv("GEMINI_API_KEY") && !getenv("GEMINI_LIVE_ENDPOINT")) {
        char url[128];
        r = gemini_live_fake_server_start(0, &fake);
        if (r == GEMINI_LIVE_OK) {
            r = gemini_live_fake_server_endpoint(fake, url, sizeof url, NULL);
        }
        if (r == GEMINI_LIVE_OK) {
            r = gemini_live_config_set_endpoint(config, url);
            fprintf(stderr, "no GEMINI_API_KEY or GEMINI_LIVE_ENDPOINT: using the embedded fake "
                            "server at %s\n", url);
        }
    }
    if (r == GEMINI_LIVE_OK) {
        r = gemini_live_session_connect(config, &session);
    }
    gemini_live_config_free(config);
    if (r != GEMINI_LIVE_OK) {
        report("starting", r);
    } else {
        failed = talk(session, vad, pcm, n, fast, &rp);
        r = gemini_live_session_close(session);
        if (r != GEMINI_LIVE_OK && !failed) {
            report("close", r);
            failed = 1;
        }
    }
    gemini_live_session_free(session);
    gemini_live_client_vad_free(vad);
    gemini_live_fake_server_free(fake);
    free(pcm);
    return failed;
}
