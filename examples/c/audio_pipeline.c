/*
 * audio_pipeline.c - stream a WAV file to Gemini Live from one thread while the main thread
 * drains events and writes the spoken reply to another WAV file.
 *
 * Build (after `cargo build --release`), from the repository root:
 *
 *   cc examples/c/audio_pipeline.c -Iinclude -Ltarget/release -lgemini_live -lpthread -ldl -lm -o audio_pipeline
 *
 * (With the shared library, -lpthread -ldl are not strictly needed on current glibc. To link
 * the static library instead, replace -Ltarget/release -lgemini_live by
 * target/release/libgemini_live.a and add -lssl -lcrypto.)
 *
 * Run:
 *
 *   LD_LIBRARY_PATH=target/release ./audio_pipeline [input.wav [reply.wav]]
 *
 * input.wav: 16-bit PCM, any rate, mono or stereo (stereo is mixed down). Without it, a
 * 1.5 s 440 Hz tone is generated and saved as tone.wav first. The reply (24 kHz mono) goes
 * to reply.wav unless named. Audio is sent in 20 ms chunks at real-time pace, as a
 * microphone would deliver it, then the stream is ended so the model answers.
 *
 * It honours GEMINI_API_KEY, GEMINI_LIVE_ENDPOINT and GEMINI_LIVE_MODEL. With neither a key
 * nor an endpoint it starts the embedded fake server and says so on stderr.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gemini_live.h"

static const double PI = 3.14159265358979323846;

typedef struct {
    int16_t *samples;
    size_t n;
    size_t cap;
    uint32_t rate;
} pcm_buffer;

typedef struct {
    gemini_live_session *session;
    const pcm_buffer *input;
    gemini_live_result result; /* what the sender thread ended with */
} sender_args;

static void report(const char *what, gemini_live_result r) {
    char detail[512];
    if (gemini_live_last_error_message(detail, sizeof detail, NULL) != GEMINI_LIVE_OK) {
        detail[0] = '\0';
    }
    fprintf(stderr, "%s failed: %s (%u)\n  %s\n", what, gemini_live_result_str(r), (unsigned)r,
            detail);
}

static int append(pcm_buffer *b, const int16_t *s, size_t n) {
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        int16_t *p;
        while (cap < b->n + n) {
            cap *= 2;
        }
        p = (int16_t *)realloc(b->samples, cap * sizeof *p);
        if (!p) {
            return 1;
        }
        b->samples = p;
        b->cap = cap;
    }
    memcpy(b->samples + b->n, s, n * sizeof *s);
    b->n += n;
    return 0;
}

/* ---- WAV files: little-endian RIFF, PCM 16-bit ---------------------------------------- */

static void put_u32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
    p[2] = (unsigned char)((v >> 16) & 0xff);
    p[3] = (unsigned char)(v >> 24);
}

static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint16_t get_u16(const unsigned char *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static int write_wav(const char *path, const pcm_buffer *b) {
    unsigned char h[44];
    uint32_t data_bytes = (uint32_t)(b->n * 2);
    size_t i;
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return 1;
    }
    memcpy(h, "RIFF", 4);
    put_u32(h + 4, 36 + data_bytes);
    memcpy(h + 8, "WAVEfmt ", 8);
    put_u32(h + 16, 16);                  /* fmt chunk size */
    h[20] = 1, h[21] = 0;                 /* PCM */
    h[22] = 1, h[23] = 0;                 /* mono */
    put_u32(h + 24, b->rate);             /* sample rate */
    put_u32(h + 28, b->rate * 2);         /* byte rate */
    h[32] = 2, h[33] = 0, h[34] = 16, h[35] = 0; /* block align, bits per sample */
    memcpy(h + 36, "data", 4);
    put_u32(h + 40, data_bytes);
    fwrite(h, 1, sizeof h, f);
    for (i = 0; i < b->n; i++) {
        unsigned char le[2];
        le[0] = (unsigned char)((uint16_t)b->samples[i] & 0xff);
        le[1] = (unsigned char)((uint16_t)b->samples[i] >> 8);
        fwrite(le, 1, 2, f);
    }
    return fclose(f) == 0 ? 0 : 1;
}

/* Reads a 16-bit PCM WAV file, mixing channels down to mono. */
static int read_wav(const char *path, pcm_buffer *out) {
    unsigned char h[12], ch[8], fmt[16];
    uint16_t channels = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    if (fread(h, 1, 12, f) != 12 || memcmp(h, "RIFF", 4) || memcmp(h + 8, "WAVE", 4)) {
        fprintf(stderr, "%s: not a WAV file\n", path);
        fclose(f);
        return 1;
    }
    while (fread(ch, 1, 8, f) == 8) {
        uint32_t size = get_u32(ch + 4);
        if (!memcmp(ch, "fmt ", 4) && size >= 16 && fread(fmt, 1, 16, f) == 16) {
            channels = get_u16(fmt + 2);
            out->rate = get_u32(fmt + 4);
            if (get_u16(fmt) != 1 || get_u16(fmt + 14) != 16 || channels == 0) {
                fprintf(stderr, "%s: only 16-bit PCM is supported\n", path);
                break;
            }
            fseek(f, (long)(size - 16 + (size & 1)), SEEK_CUR);
        } else if (!memcmp(ch, "data", 4) && channels) {
            unsigned char *frame = (unsigned char *)malloc(2u * channels);
            uint32_t frames = size / (2u * channels), i;
            for (i = 0; frame && i < frames && fread(frame, 1, 2u * channels, f) == 2u * channels;
                 i++) {
                long sum = 0;
                int16_t s;
                uint16_t c;
                for (c = 0; c < channels; c++) {
                    sum += (int16_t)get_u16(frame + 2 * c);
                }
                s = (int16_t)(sum / channels);
                if (append(out, &s, 1)) {
                    break;
                }
            }
            free(frame);
            fclose(f);
            return out->n ? 0 : 1;
        } else {
            fseek(f, (long)(size + (size & 1)), SEEK_CUR);
        }
    }
    fprintf(stderr, "%s: no 16-bit PCM data found\n", path);
    fclose(f);
    return 1;
}

static int make_tone(const char *path, pcm_buffer *out) {
    size_t i, n = 24000; /* 1.5 s at 16 kHz */
    out->rate = 16000;
    for (i = 0; i < n; i++) {
        int16_t s = (int16_t)(8000.0 * sin(2.0 * PI * 440.0 * (double)i / 16000.0));
        if (append(out, &s, 1)) {
            return 1;
        }
    }
    fprintf(stderr, "no input WAV given: generated a 1.5 s 440 Hz tone in %s\n", path);
    return write_wav(path, out);
}

/* ---- the sender thread ---------------------------------------------------------------- */

static void *send_audio(void *p) {
    sender_args *a = (sender_args *)p;
    size_t chunk = a->input->rate / 50, at = 0; /* 20 ms */
    struct timespec pace = {0, 20 * 1000 * 1000};
    a->result = GEMINI_LIVE_OK;
    while (at < a->input->n) {
        size_t n = a->input->n - at < chunk ? a->input->n - at : chunk;
        a->result = gemini_live_session_send_audio_rate(a->session, a->input->samples + at, n,
                                                        a->input->rate);
        if (a->result != GEMINI_LIVE_OK) {
            return NULL;
        }
        at += n;
        nanosleep(&pace, NULL); /* a microphone delivers 20 ms every 20 ms */
    }
    a->result = gemini_live_session_audio_stream_end(a->session);
    return NULL;
}

/* ---- main: connect, start the sender, drain events --------------------------------------- */

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

/* Drains events until the reply turn completes, collecting its audio; prints the reply text
 * once complete. A reply cut off by a lost connection (GEMINI_LIVE_EVENT_REPLY_DISCARDED)
 * comes again from the start: what was collected of it is dropped. 0 on success. */
static int drain(gemini_live_session *session, pcm_buffer *reply) {
    char *said = NULL; /* the reply text, in pieces */
    size_t said_len = 0;
    int failed = 0;
    for (;;) {
        gemini_live_event *ev = NULL;
        gemini_live_result r = gemini_live_session_next_event(session, 30000, &ev);
        uint32_t type;
        const char *text;
        size_t len;
        if (r != GEMINI_LIVE_OK) {
            report("next_event", r);
            failed = 1;
            break;
        }
        type = gemini_live_event_type(ev);
        if (type == GEMINI_LIVE_EVENT_AUDIO) {
            const int16_t *s;
            size_t n;
            if (gemini_live_event_audio(ev, &s, &n, &reply->rate) == GEMINI_LIVE_OK &&
                append(reply, s, n)) {
                fprintf(stderr, "out of memory\n");
            }
        } else if (type == GEMINI_LIVE_EVENT_TEXT &&
                   gemini_live_event_text(ev, &text, &len) == GEMINI_LIVE_OK) {
            char *grown = (char *)realloc(said, said_len + len + 1);
            if (grown) {
                said = grown;
                memcpy(said + said_len, text, len);
                said_len += len;
            }
        } else if (type == GEMINI_LIVE_EVENT_REPLY_DISCARDED) {
            said_len = 0;
            reply->n = 0;
        } else if (type == GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION &&
                   gemini_live_event_text(ev, &text, &len) == GEMINI_LIVE_OK) {
            printf("you (transcribed): %.*s\n", (int)len, text);
        } else if (type == GEMINI_LIVE_EVENT_CLOSED) {
            fprintf(stderr, "the session closed before the reply was complete\n");
            failed = 1;
        }
        gemini_live_event_free(ev);
        if (failed || type == GEMINI_LIVE_EVENT_TURN_COMPLETE) {
            break;
        }
    }
    if (!failed && said_len > 0) {
        printf("model: %.*s\n", (int)said_len, said);
    }
    free(said);
    return failed;
}

int main(int argc, char **argv) {
    const char *out_path = argc > 2 ? argv[2] : "reply.wav";
    pcm_buffer input = {NULL, 0, 0, 0}, reply = {NULL, 0, 0, 24000};
    gemini_live_config *config = NULL;
    gemini_live_session *session = NULL;
    gemini_live_fake_server *fake = NULL;
    sender_args args;
    pthread_t sender;
    gemini_live_result r;
    int failed = 1;

    if (argc > 1 ? read_wav(argv[1], &input) : make_tone("tone.wav", &input)) {
        return 1;
    }
    r = gemini_live_config_new(&config);
    if (r != GEMINI_LIVE_OK) {
        report("config_new", r);
        free(input.samples);
        return 1;
    }
    gemini_live_config_set_response_modality(config, GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO);
    if (maybe_start_fake(config, &fake) == 0) {
        r = gemini_live_session_connect(config, &session);
        if (r != GEMINI_LIVE_OK) {
            report("connect", r);
        }
    }
    gemini_live_config_free(config);

    if (session) {
        args.session = session;
        args.input = &input;
        args.result = GEMINI_LIVE_OK;
        if (pthread_create(&sender, NULL, send_audio, &args) == 0) {
            int drained = drain(session, &reply);
            /* Closing makes a sender still running fail fast with GEMINI_LIVE_CLOSED. */
            if (drained) {
                gemini_live_session_close(session);
            }
            pthread_join(sender, NULL);
            if (args.result != GEMINI_LIVE_OK) {
                report("sending audio", args.result);
            } else if (drained == 0 && write_wav(out_path, &reply) == 0) {
                printf("sent %lu samples at %u Hz; wrote %lu reply samples at %u Hz to %s\n",
                       (unsigned long)input.n, (unsigned)input.rate, (unsigned long)reply.n,
                       (unsigned)reply.rate, out_path);
                failed = 0;
            }
        }
        gemini_live_session_close(session);
        gemini_live_session_free(session);
    }
    gemini_live_fake_server_free(fake);
    free(input.samples);
    free(reply.samples);
    return failed;
}
