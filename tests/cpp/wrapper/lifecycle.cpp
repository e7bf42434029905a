/*
 * wrapper/lifecycle.cpp - a session's life through the wrapper: reconnection through a fault plan,
 * context put back or lost, the typed event fields, newer surfaces and Vertex AI with a
 * token callback.
 * Part of the C++ wrapper test (see main.cpp).
 */
#include "wrapper.hpp"

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
namespace {

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

} // namespace

void context_restored_or_lost() {
    gl::restored_context on = context_put_back(true);
    CHECK(on.turns == 1 && on.chars == 3 + 18 && on.dropped == 0);
    gl::restored_context off = context_put_back(false);
    CHECK(off.turns == 0);
}
// The typed event fields: values, agreement with the JSON, and wrong kinds throwing.
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
