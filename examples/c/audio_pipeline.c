/*
 * audio_pipeline.c - the audio path of a voice app in C, end to end:
 *
 *   - the "microphone" (a WAV file, any rate and channel count) is resampled to 16 kHz mono
 *     with gemini_live_resampler and streamed from a sender thread in 20 ms chunks;
 *   - the model's 24 kHz reply is played through gemini_live_player from a simulated sound
 *     card callback thread (48 kHz stereo, every 10 ms): gemini_live_player_read is
 *     real-time safe (no lock, no allocation, no blocking), as a CoreAudio / ALSA /
 *     PortAudio callback needs;
 *   - a second reply is interrupted on purpose (the user "barges in" once 200 ms of it have
 *     played): gemini_live_player_flush silences it at once and reports how much was heard,
 *     and the reply's transcript is cut there;
 *   - the whole session is recorded (gemini_live_config_set_record) to session.jsonl, which
 *     `gemini-live fake-server --replay session.jsonl` can serve back.
 *
 * Files (tone.wav, reply.wav, session.jsonl) go to the directory given with `--out DIR`,
 * else to a new temporary directory (under $TMPDIR, or /tmp), never the current directory:
 * running it from a source checkout leaves the tree as it was. It prints where they went.
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
 *   LD_LIBRARY_PATH=target/release ./audio_pipeline [--out DIR] [input.wav [reply.wav [session.jsonl]]]
 *
 * input.wav: 16-bit PCM, any rate, any channel count. Without it, a 1.5 s 440 Hz tone is
 * generated and saved as tone.wav first. The first reply (24 kHz mono) goes to reply.wav
 * unless named (a path named on the command line is used as given). It prints the player's underruns, its worst read time and the heard
 * position at the interruption.
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

#define DEVICE_RATE 48000
#define DEVICE_CHANNELS 2
#define PERIOD_FRAMES (DEVICE_RATE / 100) /* 10 ms */

typedef struct {
    int16_t *samples; /* interleaved */
    size_t n;         /* samples, all channels */
    size_t cap;
    uint32_t rate;
    uint16_t channels;
} pcm_buffer;

typedef struct {
    gemini_live_session *session;
    const pcm_buffer *input;
    gemini_live_result result; /* what the sender thread ended with */
    size_t sent;               /* 16 kHz samples sent */
} sender_args;

typedef struct {
    gemini_live_player *player;
    pthread_mutex_t lock; /* guards `stop` only; never taken around the read */
    int stop;
    unsigned long reads;
    long worst_ns;
} device_args;

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

static long elapsed_ns(const struct timespec *a, const struct timespec *b) {
    return (long)(b->tv_sec - a->tv_sec) * 1000000000L + (b->tv_nsec - a->tv_nsec);
}

static void sleep_ms(long ms) {
    struct timespec t;
    t.tv_sec = ms / 1000;
    t.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&t, NULL);
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

/* Writes a mono 16-bit WAV. */
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

/* Reads a 16-bit PCM WAV file as interleaved samples (any channel count). */
static int read_wav(const char *path, pcm_buffer *out) {
    unsigned char h[12], ch[8], fmt[16], le[2];
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
            out->channels = get_u16(fmt + 2);
            out->rate = get_u32(fmt + 4);
            if (get_u16(fmt) != 1 || get_u16(fmt + 14) != 16 || out->channels == 0) {
                fprintf(stderr, "%s: only 16-bit PCM is supported\n", path);
                break;
            }
            fseek(f, (long)(size - 16 + (size & 1)), SEEK_CUR);
        } else if (!memcmp(ch, "data", 4) && out->channels) {
            uint32_t i, n = size / 2;
            for (i = 0; i < n && fread(le, 1, 2, f) == 2; i++) {
                int16_t s = (int16_t)get_u16(le);
                if (append(out, &s, 1)) {
                    break;
                }
            }
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
    out->channels = 1;
    for (i = 0; i < n; i++) {
        int16_t s = (int16_t)(8000.0 * sin(2.0 * PI * 440.0 * (double)i / 16000.0));
        if (append(out, &s, 1)) {
            return 1;
        }
    }
    fprintf(stderr, "no input WAV given: generated a 1.5 s 440 Hz tone in %s\n", path);
    return write_wav(path, out);
}

/* ---- the sender thread: the "microphone", resampled to 16 kHz mono ------------------------ */

static void *send_audio(void *p) {
    sender_args *a = (sender_args *)p;
    gemini_live_resampler *rs = NULL;
    size_t chunk = (size_t)(a->input->rate / 50) * a->input->channels, at = 0; /* 20 ms */
    size_t cap, got = 0;
    int16_t *out;
    a->result = gemini_live_resampler_new(a->input->rate, a->input->channels, 16000, &rs);
    if (a->result != GEMINI_LIVE_OK) {
        return NULL;
    }
    cap = gemini_live_resampler_max_output(rs, chunk);
    out = (int16_t *)malloc(cap * sizeof *out);
    if (!out) {
        gemini_live_resampler_free(rs);
        a->result = GEMINI_LIVE_INTERNAL;
        return NULL;
    }
    while (a->result == GEMINI_LIVE_OK && at < a->input->n) {
        size_t n = a->input->n - at < chunk ? a->input->n - at : chunk;
        a->result = gemini_live_resampler_process(rs, a->input->samples + at, n, out, cap, &got);
        if (a->result == GEMINI_LIVE_OK && got > 0) {
            a->result = gemini_live_session_send_audio(a->session, out, got);
            a->sent += got;
        }
        at += n;
        sleep_ms(20); /* a microphone delivers 20 ms every 20 ms */
    }
    if (a->result == GEMINI_LIVE_OK) {
        a->result = gemini_live_resampler_flush(rs, out, cap, &got);
    }
    if (a->result == GEMINI_LIVE_OK && got > 0) {
        a->result = gemini_live_session_send_audio(a->session, out, got);
        a->sent += got;
    }
    if (a->result == GEMINI_LIVE_OK) {
        a->result = gemini_live_session_audio_stream_end(a->session);
    }
    free(out);
    gemini_live_resampler_free(rs);
    return NULL;
}

/* ---- the device thread: a sound card callback every 10 ms ------------------------------ */

static void *device(void *p) {
    device_args *d = (device_args *)p;
    static int16_t buf[PERIOD_FRAMES * DEVICE_CHANNELS];
    struct timespec next, t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (;;) {
        int stop;
        size_t played = 0;
        pthread_mutex_lock(&d->lock);
        stop = d->stop;
        pthread_mutex_unlock(&d->lock);
        if (stop) {
            return NULL;
        }
        /* This is what the real callback would do: one real-time-safe call. */
        clock_gettime(CLOCK_MONOTONIC, &t0);
        gemini_live_player_read(d->player, buf, PERIOD_FRAMES, &played);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (elapsed_ns(&t0, &t1) > d->worst_ns) {
            d->worst_ns = elapsed_ns(&t0, &t1);
        }
        d->reads++;
        next.tv_nsec += 10 * 1000000L;
        if (next.tv_nsec >= 1000000000L) {
            next.tv_nsec -= 1000000000L;
            next.tv_sec++;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    }
}

/* ---- main: connect, stream, play, interrupt ---------------------------------------------- */

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

/* Drains events until the turn completes, feeding the player, collecting the reply's audio
 * (if `reply`) and its text (transcript) into `text`. A reply cut off by a lost connection
 * (GEMINI_LIVE_EVENT_REPLY_DISCARDED) comes again from the start. 0 on success. */
static int drain(gemini_live_session *session, gemini_live_player *player, pcm_buffer *reply,
                 char *text, size_t text_cap) {
    size_t used = 0;
    text[0] = '\0';
    for (;;) {
        gemini_live_event *ev = NULL;
        gemini_live_result r = gemini_live_session_next_event(session, 30000, &ev);
        uint32_t type;
        const char *t;
        size_t len;
        if (r != GEMINI_LIVE_OK) {
            report("next_event", r);
            return 1;
        }
        type = gemini_live_event_type(ev);
        /* Audio is queued for the device; TURN_COMPLETE ends the turn (plays out the tail). */
        r = gemini_live_player_push_event(player, ev, NULL);
        if (r != GEMINI_LIVE_OK) {
            report("player_push_event", r);
        }
        if (type == GEMINI_LIVE_EVENT_AUDIO && reply) {
            const int16_t *s;
            size_t n;
            if (gemini_live_event_audio(ev, &s, &n, &reply->rate) == GEMINI_LIVE_OK &&
                append(reply, s, n)) {
                fprintf(stderr, "out of memory\n");
            }
        } else if (type == GEMINI_LIVE_EVENT_TEXT &&
                   gemini_live_event_text(ev, &t, &len) == GEMINI_LIVE_OK) {
            if (used + len + 1 < text_cap) {
                memcpy(text + used, t, len);
                used += len;
                text[used] = '\0';
            }
        } else if (type == GEMINI_LIVE_EVENT_REPLY_DISCARDED) {
            /* A lost connection cut the reply: it comes again from the start, so drop what
             * was collected (push_event above flushed what was queued for the device). */
            used = 0;
            text[0] = '\0';
            if (reply) {
                reply->n = 0;
            }
        } else if (type == GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION &&
                   gemini_live_event_text(ev, &t, &len) == GEMINI_LIVE_OK) {
            printf("you (transcribed): %.*s\n", (int)len, t);
        } else if (type == GEMINI_LIVE_EVENT_CLOSED) {
            fprintf(stderr, "the session closed before the reply was complete\n");
            gemini_live_event_free(ev);
            return 1;
        }
        gemini_live_event_free(ev);
        if (type == GEMINI_LIVE_EVENT_TURN_COMPLETE) {
            return 0;
        }
    }
}

/* Waits (at most `ms`) until the device has played everything queued. */
static void wait_played_out(gemini_live_player *player, long ms) {
    gemini_live_player_stats st;
    st.size = sizeof st;
    for (; ms > 0; ms -= 10) {
        if (gemini_live_player_get_stats(player, &st) != GEMINI_LIVE_OK || st.buffered == 0) {
            return;
        }
        sleep_ms(10);
    }
}

/* The second turn: the user barges in once 200 ms of the reply have played. */
static int interrupt_a_reply(gemini_live_session *session, gemini_live_player *player) {
    char text[4096];
    gemini_live_turn_playback now, cut;
    gemini_live_result r = gemini_live_session_send_text(session, "Tell me a long story.");
    long waited;
    size_t keep;
    now.size = sizeof now;
    cut.size = sizeof cut;
    if (r != GEMINI_LIVE_OK) {
        report("send_text", r);
        return 1;
    }
    if (drain(session, player, NULL, text, sizeof text)) {
        return 1;
    }
    for (waited = 0; waited < 5000; waited += 5) {
        if (gemini_live_player_current(player, &now) != GEMINI_LIVE_OK ||
            now.heard * 1000 >= 200u * now.source_rate || now.heard >= now.received) {
            break;
        }
        sleep_ms(5);
    }
    /* Barge-in: one lock-free call; the device's next read is silent. */
    r = gemini_live_player_flush(player, &cut);
    if (r != GEMINI_LIVE_OK) {
        report("player_flush", r);
        return 1;
    }
    keep = gemini_live_transcript_heard_len(text, cut.heard_fraction);
    printf("model (turn %lu): %s\n", (unsigned long)cut.turn, text);
    printf("barge-in: heard %lu ms of %lu ms of the reply (%.0f%%); the user heard: \"%.*s\"\n",
           (unsigned long)(cut.heard * 1000 / cut.source_rate),
           (unsigned long)(cut.received * 1000 / cut.source_rate), 100.0 * cut.heard_fraction,
           (int)keep, text);
    return 0;
}

/* The output directory: `--out DIR` (removed from argv), else a new temporary directory.
 * Returns 0, or 1 after printing why. */
static int output_dir(int *argc, char ***argv, char *dir, size_t len) {
    const char *tmp = getenv("TMPDIR");
    if (*argc > 2 && strcmp((*argv)[1], "--out") == 0) {
        if ((size_t)snprintf(dir, len, "%s", (*argv)[2]) >= len) {
            fprintf(stderr, "--out: the path is too long\n");
            return 1;
        }
        (*argv)[2] = (*argv)[0];
        *argv += 2;
        *argc -= 2;
        return 0;
    }
    if ((size_t)snprintf(dir, len, "%s/gemini_live_audio_pipeline_XXXXXX",
                         tmp && *tmp ? tmp : "/tmp") >= len ||
        mkdtemp(dir) == NULL) {
        perror("cannot make a temporary directory (set TMPDIR, or give --out DIR)");
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    char dir[1024], tone_file[1200], reply_file[1200], record_file[1200];
    const char *out_path, *record_path;
    if (output_dir(&argc, &argv, dir, sizeof dir)) {
        return 1;
    }
    snprintf(tone_file, sizeof tone_file, "%s/tone.wav", dir);
    snprintf(reply_file, sizeof reply_file, "%s/reply.wav", dir);
    snprintf(record_file, sizeof record_file, "%s/session.jsonl", dir);
    out_path = argc > 2 ? argv[2] : reply_file;
    record_path = argc > 3 ? argv[3] : record_file;
    pcm_buffer input = {NULL, 0, 0, 0, 1}, reply = {NULL, 0, 0, 24000, 1};
    gemini_live_config *config = NULL;
    gemini_live_session *session = NULL;
    gemini_live_fake_server *fake = NULL;
    gemini_live_player *player = NULL;
    gemini_live_player_stats st;
    sender_args args;
    device_args dev;
    pthread_t sender, device_thread;
    gemini_live_result r;
    char text[4096];
    int failed = 1;
    st.size = sizeof st;

    if (argc > 1 ? read_wav(argv[1], &input) : make_tone(tone_file, &input)) {
        return 1;
    }
    r = gemini_live_config_new(&config);
    if (r != GEMINI_LIVE_OK) {
        report("config_new", r);
        free(input.samples);
        return 1;
    }
    gemini_live_config_set_response_modality(config, GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO);
    r = gemini_live_config_set_record(config, record_path, GEMINI_LIVE_RECORD_AUDIO_KEEP);
    if (r != GEMINI_LIVE_OK) {
        report("config_set_record", r);
    }
    if (maybe_start_fake(config, &fake) == 0) {
        r = gemini_live_session_connect(config, &session);
        if (r != GEMINI_LIVE_OK) {
            report("connect", r);
        }
    }
    gemini_live_config_free(config);
    r = gemini_live_player_new(DEVICE_RATE, DEVICE_CHANNELS, &player);
    if (r != GEMINI_LIVE_OK) {
        report("player_new", r);
    }

    if (session && player) {
        dev.player = player;
        dev.stop = 0;
        dev.reads = 0;
        dev.worst_ns = 0;
        pthread_mutex_init(&dev.lock, NULL);
        args.session = session;
        args.input = &input;
        args.result = GEMINI_LIVE_OK;
        args.sent = 0;
        if (pthread_create(&device_thread, NULL, device, &dev) == 0) {
            if (pthread_create(&sender, NULL, send_audio, &args) == 0) {
                int drained = drain(session, player, &reply, text, sizeof text);
                /* Closing makes a sender still running fail fast with GEMINI_LIVE_CLOSED. */
                if (drained) {
                    gemini_live_session_close(session);
                }
                pthread_join(sender, NULL);
                if (drained == 0) {
                    printf("model: %s\n", text);
                }
                if (args.result != GEMINI_LIVE_OK) {
                    report("sending audio", args.result);
                } else if (drained == 0) {
                    wait_played_out(player, 5000);
                    if (interrupt_a_reply(session, player) == 0 &&
                        write_wav(out_path, &reply) == 0) {
                        printf("sent %lu samples at 16000 Hz (from %u Hz x%u); wrote %lu "
                               "reply samples at %u Hz to %s\n",
                               (unsigned long)args.sent, (unsigned)input.rate,
                               (unsigned)input.channels, (unsigned long)reply.n,
                               (unsigned)reply.rate, out_path);
                        failed = 0;
                    }
                }
            }
            sleep_ms(30); /* a few silent periods after the flush */
            pthread_mutex_lock(&dev.lock);
            dev.stop = 1;
            pthread_mutex_unlock(&dev.lock);
            pthread_join(device_thread, NULL);
            if (gemini_live_player_get_stats(player, &st) == GEMINI_LIVE_OK) {
                printf("player: %lu reads of %d frames (worst %.1f us), played %lu ms, "
                       "%lu underruns (%lu ms of silence), %lu ms dropped, %lu ms flushed\n",
                       dev.reads, PERIOD_FRAMES, dev.worst_ns / 1000.0,
                       (unsigned long)(st.played * 1000 / DEVICE_RATE),
                       (unsigned long)st.underruns,
                       (unsigned long)(st.underrun_samples * 1000 / DEVICE_RATE),
                       (unsigned long)((st.dropped + st.overflowed) * 1000 / DEVICE_RATE),
                       (unsigned long)(st.flushed * 1000 / DEVICE_RATE));
            }
        }
        pthread_mutex_destroy(&dev.lock);
        gemini_live_session_close(session);
        printf("recorded the session to %s\n", record_path);
    }
    gemini_live_session_free(session);
    gemini_live_player_free(player);
    gemini_live_fake_server_free(fake);
    free(input.samples);
    free(reply.samples);
    return failed;
}
