/*
 * wrapper.cpp - the C++ wrapper (include/gemini_live.hpp) against the embedded fake server:
 * ownership and moves, errors as exceptions with their codes, string_view and span-style
 * input, typed event accessors, a tool-call round trip, reconnection through a fault plan,
 * the log callback, and the end of a session. Built as C++17 with -Wall -Wextra -Werror and
 * run (also under valgrind) by tests/cpp_api.rs. Prints "cpp wrapper: ALL OK (N checks)".
 */
#include "gemini_live.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>
#if __cplusplus >= 202002L && __has_include(<span>)
#include <span>
#endif

namespace gl = gemini_live;
using gl::event_type;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

int checks = 0;
int failures = 0;

void check(bool ok, const char *what, int line) {
    checks++;
    if (!ok) {
        std::fprintf(stderr, "line %d: %s is false\n", line, what);
        failures++;
    }
}

#define CHECK(cond) check((cond), #cond, __LINE__)

// Runs `f`, which must throw gemini_live::error with `code`; returns its message.
template <class F> std::string expect_error(gemini_live_result code, F f, int line) {
    try {
        f();
    } catch (const gl::error &e) {
        check(e.code() == code, "the error code is the expected one", line);
        if (e.code() != code) {
            std::fprintf(stderr, "  got %u: %s\n", static_cast<unsigned>(e.code()), e.what());
        }
        check(std::strlen(e.what()) > 0, "the error has a message", line);
        check(e.description() == std::string(gemini_live_result_str(code)),
              "description() is the code's", line);
        return e.what();
    }
    check(false, "an exception was thrown", line);
    return std::string();
}
#define EXPECT_ERROR(code, body) expect_error((code), [&] { body; }, __LINE__)

static_assert(!std::is_copy_constructible<gl::session>::value, "sessions are move-only");
static_assert(!std::is_copy_assignable<gl::config>::value, "configs are move-only");
static_assert(!std::is_copy_constructible<gl::event>::value, "events are move-only");
static_assert(!std::is_copy_constructible<gl::fake_server>::value, "servers are move-only");
static_assert(std::is_nothrow_move_constructible<gl::session>::value, "moves do not throw");
static_assert(std::is_nothrow_move_assignable<gl::event>::value, "moves do not throw");

gl::config text_config(const std::string &endpoint) {
    gl::config c;
    c.set_endpoint(endpoint)
        .set_response_modality(GEMINI_LIVE_MODALITY_TEXT)
        .set_model("fake-text-live") // TEXT: no current Google conversational model answers in it
        .add_function("get_weather", "Weather by city",
                      R"({"type":"OBJECT","properties":{"city":{"type":"STRING"}}})")
        .set_send_timeout_ms(seconds(5))
        .set_quota_delay_ms(seconds(10)); // the default, through the wrapper
    return c; // moved out
}

// Events until one of `type`; the text of TEXT events on the way is appended to `text`.
gl::event wait_for(gl::session &s, event_type type, std::string *text = nullptr) {
    for (;;) {
        std::optional<gl::event> ev = s.next_event(seconds(10));
        if (!ev) {
            throw std::runtime_error("no event within 10 s");
        }
        if (text != nullptr && ev->is(event_type::text)) {
            *text += ev->text();
        }
        if (ev->type() == type) {
            return std::move(*ev);
        }
        if (ev->is(event_type::closed)) {
            throw std::runtime_error("closed while waiting: " + std::string(ev->json()));
        }
    }
}

void ownership_and_moves(const std::string &endpoint) {
    gl::config a = text_config(endpoint);
    CHECK(a.get() != nullptr);
    gl::config b(std::move(a));
    CHECK(a.get() == nullptr && b.get() != nullptr);
    // A moved-from object holds nothing: the C API reports the NULL.
    EXPECT_ERROR(GEMINI_LIVE_NULL_ARGUMENT, a.set_model("x"));
    gl::config c;
    c = std::move(b);
    CHECK(b.get() == nullptr && c.get() != nullptr);
    c.validate();

    gl::session s1(c);
    gl::session s2(std::move(s1));
    CHECK(s1.get() == nullptr && s2.get() != nullptr);
    EXPECT_ERROR(GEMINI_LIVE_NULL_ARGUMENT, s1.send_text("to nobody"));
    gl::event setup = wait_for(s2, event_type::setup_complete);
    gl::event moved(std::move(setup));
    CHECK(setup.type() == event_type::none && moved.type() == event_type::setup_complete);
    gl::session s3(c);
    s3 = std::move(s2); // closes and frees s3's own session first
    CHECK(s2.get() == nullptr && s3.get() != nullptr);
    s3.send_text("after the move");
    std::string text;
    wait_for(s3, event_type::turn_complete, &text);
    CHECK(text.find("echo: after the move") != std::string::npos);
}

void errors_carry_codes_and_messages(const std::string &endpoint) {
    gl::config c;
    EXPECT_ERROR(GEMINI_LIVE_INVALID_ARGUMENT, c.set_response_modality(99));
    std::string nul = EXPECT_ERROR(GEMINI_LIVE_INVALID_ARGUMENT,
                                   c.set_system_instruction(std::string_view("a\0b", 3)));
    CHECK(nul.find("NUL") != std::string::npos);
    EXPECT_ERROR(GEMINI_LIVE_INVALID_JSON, c.add_function("f", "", "[1,2]"));

    // Nothing listens on port 1: refused at once, reported as an I/O error with detail.
    gl::config refused;
    refused.set_endpoint("ws://127.0.0.1:1").set_reconnect(false);
    std::string what = EXPECT_ERROR(GEMINI_LIVE_IO, gl::session s(refused));
    CHECK(what.find("gemini_live_session_connect") != std::string::npos);
    CHECK(what.find("refused") != std::string::npos);
    // Through a proxy nobody listens on: the message names it, never its password.
    gl::config proxied;
    EXPECT_ERROR(GEMINI_LIVE_INVALID_CONFIG, proxied.set_proxy("gopher://u:p@h"));
    proxied.set_endpoint(endpoint).set_reconnect(false).set_proxy("http://u:CPPCANARY@127.0.0.1:1");
    std::string via = EXPECT_ERROR(GEMINI_LIVE_IO, gl::session s(proxied));
    CHECK(via.find("proxy http://127.0.0.1:1") != std::string::npos);
    CHECK(via.find("CPPCANARY") == std::string::npos);

    gl::session s(text_config(endpoint));
    gl::event setup = wait_for(s, event_type::setup_complete);
    std::string wrong = EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)setup.text());
    CHECK(wrong.find("gemini_live_event_text") != std::string::npos);
    EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)setup.audio());
    EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)setup.tool_calls());
    CHECK(setup.json().find("\"type\":\"setup_complete\"") != std::string_view::npos);
    const int16_t one[1] = {0};
    EXPECT_ERROR(GEMINI_LIVE_INVALID_ARGUMENT, s.send_audio(one, 0)); // rate 0
    EXPECT_ERROR(GEMINI_LIVE_NULL_ARGUMENT, s.send_audio(gl::samples_view(nullptr, 4)));
    // Odd PCM byte counts are refused locally.
    const uint8_t odd[3] = {1, 2, 3};
    EXPECT_ERROR(GEMINI_LIVE_INVALID_ARGUMENT, s.send_audio_bytes(odd));
}

void text_audio_and_views(const std::string &endpoint) {
    gl::config c = text_config(endpoint);
    c.set_response_modality(GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO);
    gl::session s(c);
    std::string_view hello = "Hello from a string_view, not NUL-terminated: XYZ";
    s.send_text(hello.substr(0, 25));
    std::string text;
    wait_for(s, event_type::turn_complete, &text);
    CHECK(text.find("echo: Hello from a string_view") != std::string::npos);
    CHECK(text.find("XYZ") == std::string::npos);

    // The same audio through every input form: a vector, a std::array, pointer + size, bytes.
    std::vector<int16_t> tone(1600);
    for (size_t i = 0; i < tone.size(); i++) {
        tone[i] = static_cast<int16_t>((i % 40) * 200 - 4000);
    }
    std::array<int16_t, 320> silence{};
    s.send_audio(tone);                                   // 16 kHz
    s.send_audio(silence, 16000);                         // explicit rate
    s.send_audio(gl::samples_view(tone.data(), 320));     // pointer and count
    std::vector<uint8_t> le(640);
    for (size_t i = 0; i < 320; i++) {
        le[2 * i] = static_cast<uint8_t>(static_cast<uint16_t>(tone[i]) & 0xff);
        le[2 * i + 1] = static_cast<uint8_t>(static_cast<uint16_t>(tone[i]) >> 8);
    }
    s.send_audio_bytes(le);
#if __cplusplus >= 202002L && __has_include(<span>)
    static_assert(std::is_convertible<std::span<const int16_t>, gl::samples_view>::value,
                  "a std::span converts to samples_view");
#endif
    CHECK(s.try_send_audio(gl::samples_view(tone.data(), 320), 16000));
    s.audio_stream_end();
    size_t audio = 0;
    uint32_t rate = 0;
    text.clear();
    for (;;) {
        std::optional<gl::event> ev = s.next_event(seconds(10));
        if (!ev) {
            CHECK(false);
            break;
        }
        if (ev->is(event_type::audio)) {
            gl::audio_chunk chunk = ev->audio();
            audio += chunk.samples.size();
            rate = chunk.sample_rate;
            CHECK(chunk.samples.data() != nullptr);
        } else if (ev->is(event_type::text)) {
            text += ev->text();
        } else if (ev->is(event_type::turn_complete)) {
            break;
        }
    }
    // 1600 + 4 * 320 samples, in the order sent: the fake's checksum of what it heard.
    uint64_t h = 0xcbf29ce484222325ULL;
    auto add = [&h](const int16_t *p, size_t n) {
        for (size_t i = 0; i < n; i++) {
            const uint16_t u = static_cast<uint16_t>(p[i]);
            for (unsigned b : {u & 0xffu, static_cast<unsigned>(u >> 8)}) {
                h ^= b;
                h *= 0x100000001b3ULL;
            }
        }
    };
    add(tone.data(), tone.size());
    add(silence.data(), silence.size());
    add(tone.data(), 320);
    add(tone.data(), 320);
    add(tone.data(), 320);
    char expected[96];
    std::snprintf(expected, sizeof expected, "heard 5760 bytes of audio, checksum %016llx",
                  static_cast<unsigned long long>(h));
    CHECK(text.find(expected) != std::string::npos);
    if (text.find(expected) == std::string::npos) {
        std::fprintf(stderr, "  audio turn text: %s\n  expected: %s\n", text.c_str(), expected);
    }
    CHECK(audio > 0 && rate == 24000);
    gemini_live_metrics m = s.metrics();
    CHECK(m.bytes_sent > 5760 && m.bytes_received > 0 && m.messages_sent >= 7);
    CHECK(m.size == sizeof m); // the wrapper states the size: all of it filled
    // The same snapshot as OpenMetrics text (the buffer sized by the wrapper).
    std::string om = s.metrics_openmetrics();
    CHECK(om.find("# TYPE gemini_live_messages_sent counter") != std::string::npos);
    CHECK(om.size() > 6 && om.compare(om.size() - 6, 6, "# EOF\n") == 0);
    CHECK(s.state() == GEMINI_LIVE_STATE_CONNECTED);
    CHECK(!s.resumption_handle().empty());
}

void tool_round_trip(const std::string &endpoint) {
    gl::session s(text_config(endpoint));
    s.send_text(R"(call tool get_weather with {"city": "Paris"})");
    std::string id;
    {
        gl::event ev = wait_for(s, event_type::tool_call);
        std::vector<gl::function_call> calls = ev.tool_calls();
        CHECK(calls.size() == 1);
        if (calls.size() == 1) {
            CHECK(calls[0].name == "get_weather");
            CHECK(calls[0].args_json.find("\"city\":\"Paris\"") != std::string_view::npos);
            id = std::string(calls[0].id); // the views end with the event
        }
    }
    s.send_tool_response(id, "get_weather", R"({"result":"sunny, 21C"})");
    std::string text;
    wait_for(s, event_type::turn_complete, &text);
    CHECK(text.find("tool get_weather returned") != std::string::npos);
    CHECK(text.find("sunny, 21C") != std::string::npos);
}

void reconnects_through_a_fault_plan() {
    // Connection 1 drops after the server received setup and the first turn.
    gl::fake_server faulty(0, "1@2:drop");
    gl::session s(text_config(faulty.endpoint()));
    s.send_text("first");
    std::string text;
    bool reconnecting = false;
    bool resumed = false;
    for (int turns = 0; turns < 1;) {
        std::optional<gl::event> ev = s.next_event(seconds(10));
        if (!ev) {
            CHECK(false);
            break;
        }
        switch (ev->type()) {
        case event_type::reconnecting:
            reconnecting = true;
            CHECK(ev->error_detail().code != GEMINI_LIVE_OK);
            break;
        case event_type::resumed:
        case event_type::new_session:
            resumed = true;
            text.clear(); // a reply cut by the outage starts again
            break;
        case event_type::text:
            text += ev->text();
            break;
        case event_type::turn_complete:
            turns++;
            break;
        default:
            break;
        }
    }
    CHECK(reconnecting && resumed);
    CHECK(text.find("echo: first") != std::string::npos);
    CHECK(s.metrics().reconnects == 1);
    EXPECT_ERROR(GEMINI_LIVE_INVALID_ARGUMENT, gl::fake_server bad(0, "not a plan"));
}

// The typed event fields: values, agreement with the JSON, and wrong kinds throwing.
/* Connection 1 drops when the server receives the second question, after the first was
 * answered; without resumption the new session gets the first exchange back. */
gl::restored_context context_put_back(bool restore) {
    gl::fake_server faulty(0, "1@3:drop");
    gl::config c = text_config(faulty.endpoint());
    c.set_session_resumption(false).set_restore_context(restore).set_context_budget_chars(32000)
        .set_context_budget_turns(100);
    gl::session s(c);
    s.send_text("one");
    wait_for(s, event_type::turn_complete);
    s.send_text("two");
    gl::restored_context got;
    std::string text;
    for (;;) {
        std::optional<gl::event> ev = s.next_event(seconds(10));
        if (!ev) {
            CHECK(false);
            break;
        }
        if (ev->type() == event_type::context_restored) {
            got = ev->context_restored();
            CHECK(ev->count() == got.turns);
            EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)ev->input_dropped());
        } else if (ev->type() == event_type::context_lost) {
            CHECK(!restore && ev->count() == 1);
            EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)ev->context_restored());
        } else if (ev->type() == event_type::text) {
            text += ev->text();
        } else if (ev->type() == event_type::turn_complete) {
            break;
        }
    }
    CHECK(text == (restore ? "[turn 2] echo: two" : "[turn 1] echo: two"));
    return got;
}

void context_restored_or_lost() {
    gl::restored_context on = context_put_back(true);
    CHECK(on.turns == 1 && on.chars == 3 + 18 && on.dropped == 0);
    gl::restored_context off = context_put_back(false);
    CHECK(off.turns == 0);
}

void typed_fields() {
    gl::fake_server goaway(0, "1@2:goaway=3s");
    gl::session s(text_config(goaway.endpoint()));
    {
        gl::event setup = wait_for(s, event_type::setup_complete);
        CHECK(!setup.session_id().has_value());
        CHECK(setup.json().find("\"session_id\":null") != std::string_view::npos);
        EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)setup.usage());
        EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)setup.count());
        EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)setup.ids());
        EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)setup.language_code());
        EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)setup.voice_activity());
        EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)setup.vad_signal());
        EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)setup.reconnecting());
        EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)setup.input_dropped());
        EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)setup.time_left());
        EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)setup.resumption());
        EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)setup.reason());
    }
    gl::event update = wait_for(s, event_type::resumption_update);
    gl::resumption_info r = update.resumption();
    CHECK(r.resumable && r.handle.has_value() && !r.handle->empty());
    if (r.handle) {
        CHECK(update.json().find("\"handle\":\"" + std::string(*r.handle) + "\"") !=
              std::string_view::npos);
    }
    s.send_text("one");
    gl::event done = wait_for(s, event_type::turn_complete);
    std::optional<gemini_live_usage> u = done.usage();
    CHECK(u.has_value() && !done.reason().has_value());
    if (u) {
        CHECK(u->total_token_count == u->prompt_token_count + u->response_token_count);
        CHECK(u->thoughts_token_count == -1);
        CHECK(u->size == sizeof(gemini_live_usage));
        std::vector<gl::usage_detail> d = done.usage_details(GEMINI_LIVE_USAGE_RESPONSE_DETAILS);
        CHECK(d.size() == 1 && !d.empty() && d[0].modality == "TEXT" &&
              d[0].token_count == u->response_token_count);
        CHECK(done.json().find("\"total_token_count\":" + std::to_string(u->total_token_count)) !=
              std::string_view::npos);
    }
    EXPECT_ERROR(GEMINI_LIVE_INVALID_ARGUMENT, (void)done.usage_details(7));
    gl::event away = wait_for(s, event_type::go_away);
    CHECK(away.time_left() == std::chrono::milliseconds(3000));
    gl::event again = wait_for(s, event_type::reconnecting);
    gl::reconnect_info ri = again.reconnecting();
    CHECK(ri.attempt == 1 && ri.delay.count() >= 0);
    CHECK(again.json().find("\"attempt\":1") != std::string_view::npos);
    gl::event resumed = wait_for(s, event_type::resumed);
    CHECK(resumed.count() == 0); // the turn was answered: nothing to replay
    s.send_text("usage only");
    gl::event usage = wait_for(s, event_type::usage);
    CHECK(usage.usage().has_value());
    s.send_text(R"(call tool get_weather with {"city": "Rome"})");
    gl::event call = wait_for(s, event_type::tool_call); // its views live as long as it does
    std::vector<gl::function_call> calls = call.tool_calls();
    s.send_text("never mind");
    gl::event cancelled = wait_for(s, event_type::tool_call_cancellation);
    std::vector<std::string_view> ids = cancelled.ids();
    CHECK(ids.size() == 1 && calls.size() == 1 && !ids.empty() && !calls.empty() &&
          ids[0] == calls[0].id);
    wait_for(s, event_type::turn_complete);
    s.send_tool_response("no-such-call", "get_weather", "{}");
    gl::event dropped = wait_for(s, event_type::tool_responses_dropped);
    CHECK(dropped.ids() == std::vector<std::string_view>{"no-such-call"});

    const char *model = "gemini-3.5-transcribe-live-preview";
    gl::fake_server transcribe(0, "", model);
    gl::config c;
    c.set_endpoint(transcribe.endpoint()).set_model(model).set_response_modality(GEMINI_LIVE_MODALITY_TEXT);
    gl::session t(c);
    std::vector<int16_t> silence(3200, 0);
    t.send_audio(gl::samples_view(silence.data(), silence.size()));
    t.audio_stream_end();
    gl::event heard = wait_for(t, event_type::input_transcription);
    CHECK(heard.language_code() == std::optional<std::string_view>("en-US"));
    gl::event end = wait_for(t, event_type::turn_complete);
    CHECK(!end.usage().has_value());
}

void newer_surfaces(const std::string &endpoint) {
    // A fake that serves one model refuses others as the service does (1008 "not found").
    gl::fake_server one(0, "", "gemini-2.5-flash-native-audio-preview-12-2025");
    gl::config other = text_config(one.endpoint());
    other.set_model("gemini-3.0-imaginary-live").set_skip_model_check(true).set_reconnect(false);
    std::string what = EXPECT_ERROR(GEMINI_LIVE_MODEL_NOT_FOUND, gl::session s(other));
    CHECK(what.find("gemini-3.0-imaginary-live") != std::string::npos);

    gl::config c = text_config(endpoint);
    c.set_function_behavior("get_weather", "NON_BLOCKING");
    EXPECT_ERROR(GEMINI_LIVE_INVALID_ARGUMENT, c.set_function_behavior("no_such_function", "BLOCKING"));
    EXPECT_ERROR(GEMINI_LIVE_INVALID_JSON, c.set_extra_setup_json("[]"));
    EXPECT_ERROR(GEMINI_LIVE_INVALID_ARGUMENT, c.set_proactivity(2, -1));
    gl::session s(c);
    s.send_text("status please");
    gl::event done = wait_for(s, event_type::turn_complete);
    uint32_t status = done.interaction_status();
    CHECK(status == GEMINI_LIVE_INTERACTION_NONE || status == GEMINI_LIVE_INTERACTION_IDLE ||
          status == GEMINI_LIVE_INTERACTION_IN_PROGRESS);
    s.send_text(R"(call tool get_weather with {"city": "Oslo"})");
    std::string id;
    {
        gl::event ev = wait_for(s, event_type::tool_call);
        EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)ev.interaction_status());
        std::vector<gl::function_call> calls = ev.tool_calls();
        CHECK(calls.size() == 1);
        if (!calls.empty()) {
            id = std::string(calls[0].id);
        }
    }
    s.send_tool_response(id, "get_weather", R"({"result":"snow"})", "WHEN_IDLE", false);
    std::string text;
    wait_for(s, event_type::turn_complete, &text);
    CHECK(text.find("snow") != std::string::npos);
}

void vertex_with_a_token_callback() {
    gl::fake_server vertex = gl::fake_server::vertex(0, "my-project", "us-central1");
    std::atomic<int> calls{0};
    gl::config c = text_config(vertex.endpoint());
    c.set_vertex("my-project", "us-central1").set_access_token_callback([&calls] {
        return "token-" + std::to_string(++calls); // a fresh token for every connect
    });
    {
        gl::session s(c);
        s.send_text("hello vertex");
        std::string text;
        wait_for(s, event_type::turn_complete, &text);
        CHECK(text.find("echo: hello vertex") != std::string::npos);
    }
    CHECK(calls.load() == 1);

    gl::config failing = text_config(vertex.endpoint());
    failing.set_vertex("my-project", "us-central1").set_reconnect(false).set_access_token_callback(
        []() -> std::string { throw std::runtime_error("no credentials on this machine"); });
    try {
        gl::session s(failing);
        CHECK(false);
    } catch (const gl::error &e) {
        CHECK(std::string(e.what()).find("no credentials on this machine") != std::string::npos);
        if (std::string(e.what()).find("no credentials") == std::string::npos) {
            std::fprintf(stderr, "  token failure: %s\n", e.what());
        }
    }
    gl::session s(c);
    gl::event setup = wait_for(s, event_type::setup_complete);
    EXPECT_ERROR(GEMINI_LIVE_WRONG_EVENT_TYPE, (void)setup.last_consumed_index());
}

void audio_helpers_and_budget() {
    // 1 s of 48 kHz stereo, in 10 ms chunks, to 16 kHz mono.
    gl::resampler r(48000, 2, 16000);
    CHECK(r.latency().count() > 0);
    std::vector<int16_t> chunk(2 * 480);
    size_t out = 0;
    for (int i = 0; i < 100; i++) {
        for (size_t k = 0; k < chunk.size(); k++) {
            chunk[k] = static_cast<int16_t>(((i * 480 + static_cast<int>(k / 2)) % 48) * 100);
        }
        out += r.process(chunk).size();
    }
    out += r.flush().size();
    CHECK(out >= 15900 && out <= 16100);
    EXPECT_ERROR(GEMINI_LIVE_INVALID_ARGUMENT, gl::resampler bad(0, 1, 16000));

    // 100 ms of the model's 24 kHz audio played on a 48 kHz mono device.
    gl::player p(48000, 1);
    std::vector<int16_t> reply(2400, 1000);
    p.push(reply);
    p.end_turn();
    std::vector<int16_t> device(4800);
    size_t played = 0;
    for (int i = 0; i < 20 && played < 4000; i++) {
        played += p.read(device.data(), 480);
    }
    CHECK(played >= 4000);
    CHECK(p.stats().played >= 4000);
    gemini_live_turn_playback heard = p.last();
    CHECK(heard.received == 2400 && heard.size == sizeof heard);
    CHECK(p.stats().size == sizeof(gemini_live_player_stats));
    std::string_view transcript = "the quick brown fox";
    std::string_view part = gl::transcript_heard(transcript, 0.5);
    CHECK(part.size() < transcript.size() && transcript.substr(0, part.size()) == part);

    // Echo cancellation: a 16 kHz player whose microphone hears it at half level; after a
    // second the echo is at least 20 dB down.
    gl::player sp(16000, 1);
    gl::echo_canceller ec(sp, 16000, std::chrono::milliseconds(10));
    EXPECT_ERROR(GEMINI_LIVE_INVALID_ARGUMENT, gl::echo_canceller bad_rate(sp, 22050));
    std::vector<int16_t> noise(24000);
    uint32_t seed = 7;
    for (auto &v : noise) {
        seed = seed * 1664525u + 1013904223u;
        v = static_cast<int16_t>(static_cast<int32_t>(seed >> 16) % 8000 - 4000);
    }
    sp.push(noise);
    sp.end_turn();
    double mic_energy = 0, out_energy = 0;
    std::vector<int16_t> dev(160);
    for (int k = 0; k < 100; k++) {
        sp.read(dev.data(), 160);
        std::vector<int16_t> mic(160);
        for (size_t i = 0; i < 160; i++) {
            mic[i] = static_cast<int16_t>(dev[i] / 2);
        }
        std::vector<int16_t> clean = ec.process(mic);
        CHECK(clean.size() == 160);
        for (size_t i = 0; k >= 70 && i < 160; i++) {
            mic_energy += double(mic[i]) * mic[i];
            out_energy += double(clean[i]) * clean[i];
        }
    }
    CHECK(mic_energy > 0 && out_energy * 100 < mic_energy);
    CHECK(ec.stats().capture_frames == 100 && ec.stats().device_delay_ms == 10);
    ec.set_enabled(false);
    CHECK(ec.stats().enabled == 0);
    CHECK(ec.stats().size == sizeof(gemini_live_echo_stats));

    // The same through push() (the capture callback) and pull() (the sending thread).
    gl::player sp2(16000, 1);
    gl::echo_canceller ec2(sp2);
    CHECK(ec2.pull().empty());
    sp2.push(noise);
    sp2.end_turn();
    mic_energy = out_energy = 0;
    for (int k = 0; k < 100; k++) {
        sp2.read(dev.data(), 160);
        std::vector<int16_t> mic(160);
        for (size_t i = 0; i < 160; i++) {
            mic[i] = static_cast<int16_t>(dev[i] / 2);
        }
        CHECK(ec2.push(mic.data(), mic.size()) == 160);
        std::vector<int16_t> clean = ec2.pull();
        CHECK(clean.size() == 160);
        for (size_t i = 0; k >= 70 && i < 160; i++) {
            mic_energy += double(mic[i]) * mic[i];
            out_energy += double(clean[i]) * clean[i];
        }
    }
    CHECK(mic_energy > 0 && out_energy * 100 < mic_energy);
    CHECK(ec2.stats().capture_frames == 100 && ec2.stats().mic_dropped == 0);

    // The first-connect budget: two attempts, and the error says so.
    gl::config c;
    c.set_endpoint("ws://127.0.0.1:1").set_first_connect_budget(2, seconds(5));
    std::string what = EXPECT_ERROR(GEMINI_LIVE_IO, gl::session s(c));
    CHECK(what.find("gave up after 2 attempts") != std::string::npos);
    if (what.find("gave up after 2 attempts") == std::string::npos) {
        std::fprintf(stderr, "  budget error: %s\n", what.c_str());
    }
}

void end_of_session(const std::string &endpoint) {
    gl::session s(text_config(endpoint));
    wait_for(s, event_type::setup_complete);
    // Once the events after setup are taken, a wait times out: an empty optional, no error.
    bool timed_out = false;
    for (int i = 0; i < 100 && !timed_out; i++) {
        timed_out = !s.next_event(milliseconds(50)).has_value();
    }
    CHECK(timed_out);
    s.close();
    gl::event closed = wait_for(s, event_type::closed);
    gl::close_info info = closed.close();
    CHECK(info.code == 1000);
    CHECK(closed.error_detail().code == GEMINI_LIVE_OK);
    EXPECT_ERROR(GEMINI_LIVE_CLOSED, (void)s.next_event(milliseconds(10)));
    EXPECT_ERROR(GEMINI_LIVE_CLOSED, s.send_text("too late"));
    CHECK(s.state() == GEMINI_LIVE_STATE_CLOSED);
}

struct log_counts {
    std::atomic<int> records{0};
    std::atomic<int> connected{0};
};

void log_callback(const std::string &endpoint) {
    static log_counts counts;
    gl::set_log_level(GEMINI_LIVE_LOG_INFO);
    gl::set_log_callback([](int level, std::string_view target, std::string_view message) {
        counts.records++;
        if (level == GEMINI_LIVE_LOG_INFO && target.substr(0, 11) == "gemini_live" &&
            message.find("connected to") != std::string_view::npos) {
            counts.connected++;
        }
        throw std::runtime_error("swallowed by the wrapper, never reaches the library");
    });
    {
        gl::session s(text_config(endpoint));
        wait_for(s, event_type::setup_complete);
    }
    gl::set_log_callback(nullptr);
    int seen = counts.records.load();
    CHECK(seen > 0 && counts.connected.load() == 1);
    {
        gl::session s(text_config(endpoint));
        wait_for(s, event_type::setup_complete);
    }
    CHECK(counts.records.load() == seen); // removed: nothing more arrives
}

} // namespace

void telephony_helpers(const std::string &endpoint) {
    // Every code of both laws survives decode -> encode.
    std::vector<uint8_t> codes(256);
    for (size_t i = 0; i < codes.size(); i++) {
        codes[i] = static_cast<uint8_t>(i);
    }
    CHECK(gl::g711_encode(gl::g711::ulaw, gl::g711_decode(gl::g711::ulaw, codes)) == codes);
    CHECK(gl::g711_encode(gl::g711::alaw, gl::g711_decode(gl::g711::alaw, codes)) == codes);

    // A second of phone audio becomes about a second at 16 kHz.
    gl::phone_in in(gl::g711::ulaw);
    std::vector<uint8_t> frame(GEMINI_LIVE_PHONE_FRAME, 0xFF);
    size_t got = 0;
    for (int i = 0; i < 50; i++) {
        got += in.process(frame).size();
    }
    CHECK(got >= 15800 && got <= 16000);
    std::vector<int16_t> room(in.max_output(frame.size()));
    CHECK(in.process_into(frame, room.data(), room.size()) == 320);
    EXPECT_ERROR(GEMINI_LIVE_BUFFER_TOO_SMALL, (void)in.process_into(frame, room.data(), 3));

    // The fake's interrupted reply: queued, then cleared on the interruption.
    gl::phone_out out(gl::g711::ulaw);
    gl::config c;
    c.set_endpoint(endpoint);
    c.set_response_modality(GEMINI_LIVE_MODALITY_AUDIO);
    gl::session s(c);
    s.send_text("interrupt me");
    std::vector<uint32_t> actions;
    for (;;) {
        std::optional<gl::event> ev = s.next_event(std::chrono::seconds(10));
        if (!ev) {
            CHECK(false);
            break;
        }
        uint32_t action = out.push_event(*ev);
        if (action != GEMINI_LIVE_PHONE_OUT_IGNORED) {
            actions.push_back(action);
        }
        if (ev->type() == gl::event_type::turn_complete) {
            break;
        }
    }
    CHECK(actions.size() == 4 && actions[2] == GEMINI_LIVE_PHONE_OUT_CLEARED &&
          actions[3] == GEMINI_LIVE_PHONE_OUT_FINISHED);
    uint8_t buf[GEMINI_LIVE_PHONE_FRAME];
    CHECK(!out.pop_frame(buf, sizeof buf));
    CHECK(out.stats().cleared > 1500);
    CHECK(out.stats().size == sizeof(gemini_live_phone_out_stats));
    out.push(std::vector<int16_t>(4800, 1000));
    out.finish();
    CHECK(out.pop_frame(buf, sizeof buf));
    CHECK(out.clear() > 0);

    // The player's adaptive start, off and on.
    gl::player fixed(24000, 1, std::chrono::milliseconds(80), std::chrono::milliseconds(1000), false);
    CHECK(fixed.stats().start_delay == 0 && fixed.stats().arrival_rate_milli == 0);
    CHECK(fixed.stats().pauses == 0 && fixed.stats().paused == 0);
    {
        // A paced fake's 600 ms reply at 3x: six chunks, the first gap silent.
        gl::fake_server paced = gl::fake_server::paced(0, std::chrono::milliseconds(600), 3.0);
        gl::config pc;
        pc.set_endpoint(paced.endpoint());
        pc.set_response_modality(GEMINI_LIVE_MODALITY_AUDIO);
        gl::session ps(pc);
        ps.send_text("say something");
        std::vector<int16_t> reply;
        for (;;) {
            auto ev = ps.next_event(std::chrono::seconds(10));
            CHECK(ev.has_value());
            if (!ev || ev->type() == gl::event_type::turn_complete) {
                break;
            }
            if (ev->type() == gl::event_type::audio) {
                auto a = ev->audio();
                reply.insert(reply.end(), a.samples.begin(), a.samples.end());
            }
        }
        CHECK(reply.size() == 600 * 24);
        CHECK(reply.size() > 365 * 24 && reply[300 * 24] == 0 && reply[360 * 24] == 0);
    }

    // The client VAD: silence is not speech; ACTIVITY mode turns server VAD off, so the
    // session accepts the activity signals finish() would send.
    gl::client_vad vad;
    std::vector<int16_t> quiet(16000, 0);
    CHECK(vad.process(quiet) == 0);
    CHECK(vad.stats().speaking == 0);
    CHECK(vad.stats().size == sizeof(gemini_live_client_vad_stats));
    gl::config vc;
    vc.set_endpoint(endpoint);
    vad.configure(vc);
    gl::session vs(vc);
    gl::client_vad sender;
    CHECK(sender.push(vs, quiet) == 0);
    sender.finish(vs);
    CHECK(sender.stats().withheld == quiet.size());
    EXPECT_ERROR(GEMINI_LIVE_INVALID_ARGUMENT, gl::client_vad bad(7));
}

int main() {
    try {
        CHECK(gl::version() == GEMINI_LIVE_VERSION_STRING);
        gl::fake_server server;
        const std::string endpoint = server.endpoint();
        CHECK(endpoint.rfind("ws://127.0.0.1:", 0) == 0);
        ownership_and_moves(endpoint);
        errors_carry_codes_and_messages(endpoint);
        text_audio_and_views(endpoint);
        tool_round_trip(endpoint);
        reconnects_through_a_fault_plan();
        context_restored_or_lost();
        typed_fields();
        newer_surfaces(endpoint);
        vertex_with_a_token_callback();
        audio_helpers_and_budget();
        telephony_helpers(endpoint);
        end_of_session(endpoint);
        log_callback(endpoint);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "unexpected exception: %s\n", e.what());
        failures++;
    }
    if (failures != 0) {
        std::printf("cpp wrapper: %d of %d checks FAILED\n", failures, checks);
        return 1;
    }
    std::printf("cpp wrapper: ALL OK (%d checks)\n", checks);
    return 0;
}
