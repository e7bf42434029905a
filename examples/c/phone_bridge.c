/*
 * phone_bridge.c - a phone bot's audio path in C, shaped like a Twilio media stream:
 *
 *   - the caller's audio arrives as Twilio "media" messages: JSON with 20 ms of 8 kHz
 *     mu-law (160 bytes) in base64. Each frame is decoded and resampled to the 16 kHz PCM16
 *     the Live API takes (gemini_live_phone_in) and sent at once; when the caller hangs up,
 *     gemini_live_phone_in_finish gives the rest (a partial frame and the filter's tail);
 *   - the model's 24 kHz reply is band-limited, resampled to 8 kHz and mu-law encoded
 *     (gemini_live_phone_out), and leaves in 20 ms "media" messages, one every 20 ms;
 *   - when the user barges in (the model's turn is interrupted), what is still queued is
 *     dropped (gemini_live_phone_out_push_event reports GEMINI_LIVE_PHONE_OUT_CLEARED) and a
 *     Twilio "clear" message tells the phone side to drop what it holds.
 *
 * The WebSocket to Twilio is not part of the example: the inbound messages are made here
 * from a mu-law file (or a generated tone) and the outbound ones are written, one JSON
 * object a line, to a file. Every phone-side call (gemini_live_phone_in_process,
 * gemini_live_phone_out_pop_frame, ...) is real-time safe: no allocation, lock or blocking.
 *
 * Build (after `cargo build --release`), from the repository root:
 *
 *   cc examples/c/phone_bridge.c -Iinclude -Ltarget/release -lgemini_live -lm -o phone_bridge
 *
 * Run:
 *
 *   LD_LIBRARY_PATH=target/release ./phone_bridge [caller.ulaw [outbound.jsonl]]
 *
 * caller.ulaw: raw 8 kHz mu-law (e.g. `sox in.wav -r 8000 -c 1 -e mu-law -t raw caller.ulaw`);
 * without it, 1 s of a 440 Hz tone is used. It honours GEMINI_API_KEY, GEMINI_LIVE_ENDPOINT
 * and GEMINI_LIVE_MODEL; with neither a key nor an endpoint it starts the embedded fake server.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gemini_live.h"

#define FRAME GEMINI_LIVE_PHONE_FRAME /* 160 codes: 20 ms at 8 kHz */
static const char *STREAM_SID = "MZ00000000000000000000000000000000";

static void report(const char *what, gemini_live_result r) {
    char detail[512];
    if (gemini_live_last_error_message(detail, sizeof detail, NULL) != GEMINI_LIVE_OK) {
        detail[0] = '\0';
    }
    fprintf(stderr, "%s failed: %s (%u)\n  %s\n", what, gemini_live_result_str(r), (unsigned)r,
            detail);
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* ---- base64, as Twilio's payloads are ------------------------------------------------------ */

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64_encode(const uint8_t *in, size_t n, char *out) {
    size_t i, o = 0;
    for (i = 0; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = B64[v >> 18 & 63];
        out[o++] = B64[v >> 12 & 63];
        out[o++] = B64[v >> 6 & 63];
        out[o++] = B64[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0);
        out[o++] = B64[v >> 18 & 63];
        out[o++] = B64[v >> 12 & 63];
        out[o++] = i + 1 < n ? B64[v >> 6 & 63] : '=';
        out[o++] = '=';
    }
    out[o] = '\0';
}

/* Decodes base64 text (up to a '"' or the end) into `out` (room for `cap`); the bytes. */
static size_t base64_decode(const char *in, uint8_t *out, size_t cap) {
    uint32_t v = 0;
    int bits = 0;
    size_t n = 0;
    for (; *in && *in != '"' && *in != '='; in++) {
        const char *p = strchr(B64, *in);
        if (!p) {
            continue;
        }
        v = v << 6 | (uint32_t)(p - B64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n < cap) {
                out[n++] = (uint8_t)(v >> bits & 0xFF);
            }
        }
    }
    return n;
}

/* ---- the phone side ------------------------------------------------------------------------ */

/* An inbound Twilio message for one frame of the caller's audio. */
static void twilio_media_message(const uint8_t *frame, unsigned seq, char *out, size_t cap) {
    char payload[4 * FRAME / 3 + 8];
    base64_encode(frame, FRAME, payload);
    snprintf(out, cap,
             "{\"event\":\"media\",\"sequenceNumber\":\"%u\",\"streamSid\":\"%s\","
             "\"media\":{\"track\":\"inbound\",\"chunk\":\"%u\",\"timestamp\":\"%u\","
             "\"payload\":\"%s\"}}",
             seq, STREAM_SID, seq, seq * 20, payload);
}

/* The payload of a Twilio "media" message, decoded into `frame`; the bytes (0 if none). */
static size_t twilio_payload(const char *message, uint8_t *frame, size_t cap) {
    const char *p = strstr(message, "\"payload\":\"");
    return p ? base64_decode(p + strlen("\"payload\":\""), frame, cap) : 0;
}

typedef struct {
    FILE *out;               /* outbound messages, one a line */
    gemini_live_phone_out *po;
    unsigned frames;         /* media messages sent */
    unsigned clears;         /* clear messages sent */
    double next_due;         /* when the next frame may leave (20 ms pacing) */
} outbound;

/* Sends the next frame if it is due (or `all`: every whole frame queued). */
static void send_frames(outbound *o, int all) {
    uint8_t frame[FRAME];
    char payload[4 * FRAME / 3 + 8];
    size_t got = 0;
    while (all || now_ms() >= o->next_due) {
        if (gemini_live_phone_out_pop_frame(o->po, frame, sizeof frame, &got) != GEMINI_LIVE_OK ||
            got == 0) {
            return;
        }
        base64_encode(frame, got, payload);
        fprintf(o->out, "{\"event\":\"media\",\"streamSid\":\"%s\",\"media\":{\"payload\":\"%s\"}}\n",
                STREAM_SID, payload);
        o->frames++;
        o->next_due = (o->next_due > 0 ? o->next_due : now_ms()) + 20.0;
    }
}

/* Runs one model turn: events in, frames out at 20 ms pace; a barge-in clears. Prints the
 * transcript. 0 on success. */
static int run_turn(gemini_live_session *session, outbound *o, int turn) {
    char text[2048];
    size_t used = 0;
    unsigned first_frame = o->frames;
    text[0] = '\0';
    o->next_due = 0;
    for (;;) {
        gemini_live_event *ev = NULL;
        uint32_t action = GEMINI_LIVE_PHONE_OUT_IGNORED, type;
        size_t count = 0;
        gemini_live_result r = gemini_live_session_next_event(session, 20, &ev);
        if (r == GEMINI_LIVE_TIMEOUT) {
            send_frames(o, 0);
            continue;
        }
        if (r != GEMINI_LIVE_OK) {
            report("next_event", r);
            return 1;
        }
        type = gemini_live_event_type(ev);
        if (type == GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION || type == GEMINI_LIVE_EVENT_TEXT) {
            const char *t;
            size_t len;
            if (gemini_live_event_text(ev, &t, &len) == GEMINI_LIVE_OK && used + len < sizeof text) {
                memcpy(text + used, t, len);
                used += len;
                text[used] = '\0';
            }
        }
        r = gemini_live_phone_out_push_event(o->po, ev, &action, &count);
        gemini_live_event_free(ev);
        if (r != GEMINI_LIVE_OK) {
            report("phone_out_push_event", r);
            return 1;
        }
        if (action == GEMINI_LIVE_PHONE_OUT_CLEARED) {
            /* Barge-in: nothing more of this reply may reach the caller. */
            fprintf(o->out, "{\"event\":\"clear\",\"streamSid\":\"%s\"}\n", STREAM_SID);
            o->clears++;
            printf("barge-in: cleared %lu queued codes (%lu ms) after %u frames; sent clear\n",
                   (unsigned long)count, (unsigned long)(count / 8), o->frames - first_frame);
        }
        if (type == GEMINI_LIVE_EVENT_TURN_COMPLETE) {
            send_frames(o, 1); /* the rest: Twilio buffers and plays it at its own pace */
            break;
        }
        send_frames(o, 0);
    }
    printf("[model] %s\n", text);
    printf("turn %d: sent %u frames (%u ms) to the caller\n", turn, o->frames - first_frame,
           (o->frames - first_frame) * 20);
    return 0;
}

/* The caller's audio: a raw mu-law file, or 1 s of a 440 Hz tone encoded here. */
static uint8_t *caller_audio(const char *path, size_t *n) {
    uint8_t *codes;
    if (path) {
        FILE *f = fopen(path, "rb");
        long len;
        if (!f || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
            fprintf(stderr, "cannot read %s\n", path);
            if (f) {
                fclose(f);
            }
            return NULL;
        }
        codes = (uint8_t *)malloc((size_t)len + 1);
        *n = codes ? fread(codes, 1, (size_t)len, f) : 0;
        fclose(f);
        return codes;
    } else {
        int16_t pcm[8000];
        size_t i;
        for (i = 0; i < 8000; i++) {
            pcm[i] = (int16_t)(8000.0 * sin(2.0 * 3.14159265358979323846 * 440.0 * (double)i / 8000.0));
        }
        codes = (uint8_t *)malloc(8000);
        if (codes && gemini_live_g711_encode(GEMINI_LIVE_G711_ULAW, pcm, 8000, codes) != GEMINI_LIVE_OK) {
            free(codes);
            return NULL;
        }
        *n = 8000;
        return codes;
    }
}

/* Streams the caller's audio as Twilio messages through phone_in to the session. */
static int stream_caller(gemini_live_session *session, const uint8_t *codes, size_t n,
                         size_t *sent) {
    gemini_live_phone_in *pi = NULL;
    int16_t pcm16[2 * FRAME + 64];
    size_t off;
    unsigned seq = 1;
    gemini_live_result r = gemini_live_phone_in_new(GEMINI_LIVE_G711_ULAW, &pi);
    if (r != GEMINI_LIVE_OK) {
        report("phone_in_new", r);
        return 1;
    }
    *sent = 0;
    for (off = 0; off + FRAME <= n && r == GEMINI_LIVE_OK; off += FRAME) {
        char message[512];
        uint8_t frame[FRAME];
        size_t got, out_len = 0;
        /* What the phone side sends ... */
        twilio_media_message(codes + off, seq++, message, sizeof message);
        /* ... and what the bot does with it. */
        got = twilio_payload(message, frame, sizeof frame);
        r = gemini_live_phone_in_process(pi, frame, got, pcm16, sizeof pcm16 / sizeof pcm16[0],
                                         &out_len);
        if (r == GEMINI_LIVE_OK && out_len > 0) {
            r = gemini_live_session_send_audio(session, pcm16, out_len);
            *sent += out_len;
        }
    }
    if (r == GEMINI_LIVE_OK) {
        /* The caller hung up (Twilio's "stop"): the input short of a frame and the filter's
         * tail still belong to the call. */
        int16_t tail[512];
        size_t out_len = 0;
        r = gemini_live_phone_in_finish(pi, tail, sizeof tail / sizeof tail[0], &out_len);
        if (r == GEMINI_LIVE_OK && out_len > 0) {
            r = gemini_live_session_send_audio(session, tail, out_len);
            *sent += out_len;
        }
    }
    gemini_live_phone_in_free(pi);
    if (r == GEMINI_LIVE_OK) {
        r = gemini_live_session_audio_stream_end(session);
    }
    if (r != GEMINI_LIVE_OK) {
        report("streaming the caller's audio", r);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    const char *out_path = argc > 2 ? argv[2] : "outbound.jsonl";
    gemini_live_config *config = NULL;
    gemini_live_session *session = NULL;
    gemini_live_fake_server *fake = NULL;
    outbound o = {NULL, NULL, 0, 0, 0};
    size_t n = 0, sent = 0;
    uint8_t *codes = caller_audio(argc > 1 ? argv[1] : NULL, &n);
    int failed = 1;
    gemini_live_result r;

    if (!codes) {
        return 1;
    }
    o.out = fopen(out_path, "w");
    r = gemini_live_config_new(&config);
    if (!o.out || r != GEMINI_LIVE_OK) {
        fprintf(stderr, "cannot start (%s)\n", o.out ? "config" : out_path);
        free(codes);
        gemini_live_config_free(config);
        if (o.out) {
            fclose(o.out);
        }
        return 1;
    }
    gemini_live_config_set_response_modality(config, GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO);
    if (!getenv("GEMINI_API_KEY") && !getenv("GEMINI_LIVE_ENDPOINT")) {
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
    if (r == GEMINI_LIVE_OK) {
        r = gemini_live_phone_out_new(GEMINI_LIVE_G711_ULAW, 0, 0, &o.po);
    }
    if (r != GEMINI_LIVE_OK) {
        report("connect", r);
    } else if (stream_caller(session, codes, n, &sent) == 0) {
        printf("caller: %lu frames of mu-law -> %lu samples at 16 kHz sent\n",
               (unsigned long)(n / FRAME), (unsigned long)sent);
        /* Turn 1 answers the caller's audio; turn 2 is interrupted on purpose (the fake
         * server interrupts a turn that asks for it), as when the caller talks over it. */
        if (run_turn(session, &o, 1) == 0 &&
            gemini_live_session_send_text(session, "interrupt me") == GEMINI_LIVE_OK &&
            run_turn(session, &o, 2) == 0) {
            gemini_live_phone_out_stats st;
            st.size = sizeof st;
            if (gemini_live_phone_out_get_stats(o.po, &st) == GEMINI_LIVE_OK) {
                printf("outbound: %lu frames, %lu codes cleared, %lu dropped; %u clear "
                       "message(s); written to %s\n",
                       (unsigned long)st.frames, (unsigned long)st.cleared,
                       (unsigned long)st.overflowed, o.clears, out_path);
            }
            failed = 0;
        }
    }
    if (session) {
        gemini_live_session_close(session);
    }
    gemini_live_session_free(session);
    gemini_live_phone_out_free(o.po);
    gemini_live_fake_server_free(fake);
    fclose(o.out);
    free(codes);
    return failed;
}
