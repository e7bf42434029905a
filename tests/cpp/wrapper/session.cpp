/*
 * wrapper/session.cpp - sessions through the wrapper: ownership and moves, errors as exceptions
 * with their codes, text, audio and span-style input, a tool-call round trip, the end of a
 * session and the log callback.
 * Part of the C++ wrapper test (see main.cpp).
 */
#include "wrapper.hpp"

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
namespace {

struct log_counts {
    std::atomic<int> records{0};
    std::atomic<int> connected{0};
};
} // namespace

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
