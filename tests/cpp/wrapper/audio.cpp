/*
 * wrapper/audio.cpp - the audio helpers (resampler, player, transcript budget, first-connect
 * budget) and telephony (codecs, phone bridge, client VAD) through the wrapper.
 * Part of the C++ wrapper test (see main.cpp).
 */
#include "wrapper.hpp"

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
