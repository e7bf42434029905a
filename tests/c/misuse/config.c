/*
 * misuse/config.c - the config setters under misuse: NULL for every pointer, values the library
 * refuses, and the newer setup fields, lifecycle accessors and model choice (issue 11).
 * Part of the misuse program (see main.c).
 */
#include "misuse.h"

void null_config_setters(gemini_live_config *c) {
    /* NULL config */
    EXPECT(gemini_live_config_validate(NULL), NUL);
    EXPECT(gemini_live_config_set_api_key(NULL, "k"), NUL);
    EXPECT(gemini_live_config_set_ephemeral_token(NULL, "t"), NUL);
    EXPECT(gemini_live_config_set_model(NULL, "m"), NUL);
    EXPECT(gemini_live_config_set_endpoint(NULL, "ws://x"), NUL);
    EXPECT(gemini_live_config_set_api_version(NULL, "v1alpha"), NUL);
    EXPECT(gemini_live_config_set_proxy(NULL, "none"), NUL);
    EXPECT(gemini_live_config_set_response_modality(NULL, GEMINI_LIVE_MODALITY_TEXT), NUL);
    EXPECT(gemini_live_config_set_system_instruction(NULL, "s"), NUL);
    EXPECT(gemini_live_config_set_voice(NULL, "Puck"), NUL);
    EXPECT(gemini_live_config_set_language_code(NULL, "en-US"), NUL);
    EXPECT(gemini_live_config_set_input_transcription(NULL, true), NUL);
    EXPECT(gemini_live_config_set_output_transcription(NULL, true), NUL);
    EXPECT(gemini_live_config_set_session_resumption(NULL, true), NUL);
    EXPECT(gemini_live_config_set_resumption_handle(NULL, "h"), NUL);
    EXPECT(gemini_live_config_add_function(NULL, "f", "", ""), NUL);
    EXPECT(gemini_live_config_add_google_search(NULL), NUL);
    EXPECT(gemini_live_config_add_code_execution(NULL), NUL);
    EXPECT(gemini_live_config_add_url_context(NULL), NUL);
    EXPECT(gemini_live_config_clear_tools(NULL), NUL);
    EXPECT(gemini_live_config_set_temperature(NULL, 0.5f), NUL);
    EXPECT(gemini_live_config_set_top_p(NULL, 0.5f), NUL);
    EXPECT(gemini_live_config_set_top_k(NULL, 5), NUL);
    EXPECT(gemini_live_config_set_max_output_tokens(NULL, 5), NUL);
    EXPECT(gemini_live_config_set_seed(NULL, 5), NUL);
    EXPECT(gemini_live_config_set_presence_penalty(NULL, 0.1f), NUL);
    EXPECT(gemini_live_config_set_frequency_penalty(NULL, 0.1f), NUL);
    EXPECT(gemini_live_config_set_media_resolution(NULL, "MEDIA_RESOLUTION_LOW"), NUL);
    EXPECT(gemini_live_config_set_thinking_budget(NULL, 0), NUL);
    EXPECT(gemini_live_config_set_thinking_level(NULL, "low"), NUL);
    EXPECT(gemini_live_config_set_include_thoughts(NULL, true), NUL);
    EXPECT(gemini_live_config_set_affective_dialog(NULL, true), NUL);
    EXPECT(gemini_live_config_set_automatic_activity_detection(NULL, true), NUL);
    EXPECT(gemini_live_config_set_vad_start_sensitivity(NULL, "START_SENSITIVITY_LOW"), NUL);
    EXPECT(gemini_live_config_set_vad_end_sensitivity(NULL, "END_SENSITIVITY_LOW"), NUL);
    EXPECT(gemini_live_config_set_vad_prefix_padding_ms(NULL, 10), NUL);
    EXPECT(gemini_live_config_set_vad_silence_duration_ms(NULL, 10), NUL);
    EXPECT(gemini_live_config_set_activity_handling(NULL, "NO_INTERRUPTION"), NUL);
    EXPECT(gemini_live_config_set_turn_coverage(NULL, "TURN_INCLUDES_ALL_INPUT"), NUL);
    EXPECT(gemini_live_config_set_context_window_compression(NULL, true, 0, 0), NUL);
    EXPECT(gemini_live_config_set_connect_timeout_ms(NULL, 100), NUL);
    EXPECT(gemini_live_config_set_phase_timeout_ms(NULL, GEMINI_LIVE_PHASE_SETUP, 100), NUL);
    EXPECT(gemini_live_config_set_send_timeout_ms(NULL, 100), NUL);
    EXPECT(gemini_live_config_set_close_timeout_ms(NULL, 100), NUL);
    EXPECT(gemini_live_config_set_send_queue_capacity(NULL, 8), NUL);
    EXPECT(gemini_live_config_set_event_queue_capacity(NULL, 8), NUL);
    EXPECT(gemini_live_config_set_max_message_size(NULL, 4096), NUL);
    EXPECT(gemini_live_config_set_extra_root_ca_pem(NULL, (const uint8_t *)"x", 1), NUL);
    EXPECT(gemini_live_config_set_reconnect(NULL, false), NUL);
    EXPECT(gemini_live_config_set_reconnect_max_attempts(NULL, 3), NUL);
    EXPECT(gemini_live_config_set_reconnect_delays_ms(NULL, 10, 100), NUL);
    EXPECT(gemini_live_config_set_reconnect_max_total_ms(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_goaway_margin_ms(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_resume_wait_ms(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_quota_delay_ms(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_first_connect_budget(NULL, 3, 1000), NUL);
    EXPECT(gemini_live_config_set_replay_max_bytes(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_replay_max_audio_ms(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_stall_timeout_ms(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_restore_context(NULL, true), NUL);
    EXPECT(gemini_live_config_set_context_budget_chars(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_context_budget_turns(NULL, 10), NUL);
    EXPECT(gemini_live_config_set_keepalive_interval_ms(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_pong_timeout_ms(NULL, 1000), NUL);
    EXPECT(gemini_live_config_set_vertex(NULL, "p", "us-central1"), NUL);
    EXPECT(gemini_live_config_set_vertex(c, NULL, "us-central1"), NUL);
    EXPECT(gemini_live_config_set_vertex(c, "p", NULL), NUL);
    EXPECT(gemini_live_config_set_vertex_api_version(NULL, "v1"), NUL);
    EXPECT(gemini_live_config_set_vertex_api_version(c, NULL), NUL);
    EXPECT(gemini_live_config_set_vertex_user_project(NULL, "u"), NUL);
    EXPECT(gemini_live_config_set_vertex_user_project(c, NULL), NUL);
    EXPECT(gemini_live_config_set_vertex_transparent_resumption(NULL, true), NUL);
    EXPECT(gemini_live_config_set_access_token_callback(NULL, NULL, NULL, NULL), NUL);
    EXPECT(gemini_live_event_last_consumed_index(NULL, NULL), NUL);

    /* valid config, NULL value */
    EXPECT(gemini_live_config_set_api_key(c, NULL), NUL);
    EXPECT(gemini_live_config_set_ephemeral_token(c, NULL), NUL);
    EXPECT(gemini_live_config_set_model(c, NULL), NUL);
    EXPECT(gemini_live_config_set_endpoint(c, NULL), NUL);
    EXPECT(gemini_live_config_set_api_version(c, NULL), NUL);
    EXPECT(gemini_live_config_set_system_instruction(c, NULL), NUL);
    EXPECT(gemini_live_config_set_voice(c, NULL), NUL);
    EXPECT(gemini_live_config_set_language_code(c, NULL), NUL);
    EXPECT(gemini_live_config_set_resumption_handle(c, NULL), NUL);
    EXPECT(gemini_live_config_add_function(c, NULL, "", ""), NUL);
    EXPECT(gemini_live_config_add_function(c, "f", NULL, ""), NUL);
    EXPECT(gemini_live_config_add_function(c, "f", "", NULL), NUL);
    EXPECT(gemini_live_config_set_media_resolution(c, NULL), NUL);
    EXPECT(gemini_live_config_set_thinking_level(c, NULL), NUL);
    EXPECT(gemini_live_config_set_vad_start_sensitivity(c, NULL), NUL);
    EXPECT(gemini_live_config_set_vad_end_sensitivity(c, NULL), NUL);
    EXPECT(gemini_live_config_set_activity_handling(c, NULL), NUL);
    EXPECT(gemini_live_config_set_turn_coverage(c, NULL), NUL);
    EXPECT(gemini_live_config_set_extra_root_ca_pem(c, NULL, 0), NUL);
}

void bad_config_values(gemini_live_config *c) {
    EXPECT(gemini_live_config_set_response_modality(c, 42), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_model(c, "bad\xff"), GEMINI_LIVE_INVALID_UTF8);
    EXPECT(gemini_live_config_add_function(c, "f", "", "{not json"), GEMINI_LIVE_INVALID_JSON);
    EXPECT(gemini_live_config_add_function(c, "f", "", "[1]"), GEMINI_LIVE_INVALID_JSON);
    EXPECT(gemini_live_config_add_function(c, "", "", ""), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_send_queue_capacity(c, 0), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_connect_timeout_ms(c, 0), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_phase_timeout_ms(c, 99, 10), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_max_message_size(c, 10), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_pong_timeout_ms(c, 10), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_reconnect_delays_ms(c, 100, 10), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_reconnect_max_attempts(c, 0), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_endpoint(c, "http://nope"), GEMINI_LIVE_OK);
    /* A proxy URL is checked when set; NULL means "from the environment". */
    EXPECT(gemini_live_config_set_proxy(c, "gopher://u:p@h"), GEMINI_LIVE_INVALID_CONFIG);
    EXPECT(gemini_live_config_set_proxy(c, "http://h:99999"), GEMINI_LIVE_INVALID_CONFIG);
    EXPECT(gemini_live_config_set_proxy(c, NULL), GEMINI_LIVE_OK);
    EXPECT(gemini_live_config_set_proxy(c, "none"), GEMINI_LIVE_OK);
    EXPECT(gemini_live_config_validate(c), GEMINI_LIVE_INVALID_CONFIG);
}

/* The newer setup fields, lifecycle accessors and model choice (issue 11). */
void model_calls(gemini_live_config *c, gemini_live_session *s) {
    gemini_live_fake_server *fake = NULL;
    uint32_t status = 0;
    EXPECT(gemini_live_config_set_proactivity(NULL, 1, -1), NUL);
    EXPECT(gemini_live_config_set_initial_history_in_client_content(NULL, true), NUL);
    EXPECT(gemini_live_config_add_safety_setting(NULL, "HARM_CATEGORY_HARASSMENT", "OFF"), NUL);
    EXPECT(gemini_live_config_add_safety_setting(c, NULL, "OFF"), NUL);
    EXPECT(gemini_live_config_set_translation(NULL, "es", false), NUL);
    EXPECT(gemini_live_config_set_translation(c, NULL, false), NUL);
    EXPECT(gemini_live_config_set_transcription_options(NULL, GEMINI_LIVE_TRANSCRIPTION_INPUT,
                                                        "", ""),
           NUL);
    EXPECT(gemini_live_config_set_transcription_options(c, GEMINI_LIVE_TRANSCRIPTION_INPUT,
                                                        NULL, ""),
           NUL);
    EXPECT(gemini_live_config_set_function_behavior(NULL, "f", "BLOCKING"), NUL);
    EXPECT(gemini_live_config_set_function_behavior(c, "f", NULL), NUL);
    EXPECT(gemini_live_config_set_extra_setup_json(NULL, "{}"), NUL);
    EXPECT(gemini_live_config_set_extra_setup_json(c, NULL), NUL);
    EXPECT(gemini_live_config_set_skip_model_check(NULL, true), NUL);
    EXPECT(gemini_live_session_send_tool_response_scheduled(NULL, "id", "f", "{}", "SILENT",
                                                            false),
           NUL);
    EXPECT(gemini_live_session_send_tool_response_scheduled(s, "id", "f", "{}", NULL, false),
           NUL);
    EXPECT(gemini_live_session_send_context_update(NULL, "x", NULL), NUL);
    EXPECT(gemini_live_event_interaction_status(NULL, &status), NUL);
    EXPECT(gemini_live_fake_server_start_with_models(0, "", NULL, &fake), NUL);
    EXPECT(gemini_live_fake_server_start_paced(0, 400, 0.7, true, NULL), NUL);
    EXPECT(gemini_live_fake_server_start_paced(0, 400, -0.5, true, &fake),
           GEMINI_LIVE_INVALID_ARGUMENT);
    CHECK(fake == NULL);
    /* Bad values: nothing changes, and the code says why. */
    EXPECT(gemini_live_config_set_proactivity(c, 2, -1), GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_vad_start_sensitivity(c, "medium"),
           GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_activity_handling(c, "sometimes"),
           GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_function_behavior(c, "no_such_function", "BLOCKING"),
           GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_transcription_options(c, 9, "", ""),
           GEMINI_LIVE_INVALID_ARGUMENT);
    EXPECT(gemini_live_config_set_extra_setup_json(c, "[1]"), GEMINI_LIVE_INVALID_JSON);
    EXPECT(gemini_live_session_send_tool_response_scheduled(s, "id", "f", "{}", "LATER", false),
           GEMINI_LIVE_INVALID_ARGUMENT);
    CHECK(fake == NULL);
}
