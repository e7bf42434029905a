"""``Config``: the session configuration, one keyword parameter per C setter.

A test checks that every ``gemini_live_config_set_*`` / ``gemini_live_config_add_*`` of
``include/gemini_live.h`` has a parameter here and that every parameter has its setter.
"""

from __future__ import annotations

import ctypes
import json
import os
from typing import Any, Callable, Dict, Mapping, Optional, Sequence, Tuple, TypedDict, Union

from . import _lib
from ._config_shapes import (
    MODALITIES,
    PHASES,
    FunctionDeclaration,
    ModalityLike,
    PemLike,
    Proactivity,
    ShapedOptions,
    TranscriptionOptions,
    _convert,
)
from .enums import Phase
from .errors import check, cstr
from .types import (
    ActivityHandling,
    ApiVersion,
    EndSensitivity,
    FunctionBehavior,
    MediaResolution,
    PhaseName,
    RecordAudio,
    StartSensitivity,
    TurnCoverage,
    VertexApiVersion,
)

L = _lib.lib

__all__ = [
    "ALIASES",
    "MODALITIES",
    "PHASES",
    "Config",
    "ConfigOptions",
    "FunctionDeclaration",
    "ModalityLike",
    "PemLike",
    "Proactivity",
    "TranscriptionOptions",
]

#: Other names accepted for a parameter: the CLI's (``--modality``) and the C setter's.
ALIASES: Dict[str, str] = {
    "modality": "response_modality",
    "phase_timeout_ms": "phase_timeouts_ms",
}


class Config(ShapedOptions):
    """A session configuration.

    It starts from the library defaults overridden by the environment (``GEMINI_API_KEY``,
    ``GEMINI_LIVE_MODEL``, ``GEMINI_LIVE_ENDPOINT``, ``GEMINI_LIVE_API_VERSION``,
    ``GEMINI_LIVE_CA_FILE``). Each parameter calls the C setter of the same name
    (``gemini_live_config_set_<name>``, documented with its default in
    ``include/gemini_live.h``); ``None`` (the default of every parameter) keeps the
    library's value. For example::

        Config(model="gemini-2.5-flash-native-audio-preview-12-2025",
               response_modality="audio", system_instruction="Be brief.",
               temperature=0.2, connect_timeout_ms=3000)

    Parameters with a special shape: ``response_modality`` (alias ``modality``, as the
    CLI's ``--modality``: ``"text"``, ``"audio"``, ``"text+audio"`` or a ``Modality``),
    ``functions`` (``FunctionDeclaration`` dicts), ``google_search``/``code_execution``/
    ``url_context`` (``True`` adds the tool), ``context_window_compression`` (``True`` or
    ``(trigger_tokens, target_tokens)``), ``reconnect_delays_ms`` (``(initial, max)``),
    ``first_connect_budget`` (``(attempts, total_ms)``),
    ``phase_timeouts_ms`` (``{"tcp_connect": ms, ...}`` or ``{Phase.SETUP: ms}``),
    ``extra_root_ca_pem`` (bytes or str), ``proactivity`` (``{"audio": bool, "video":
    bool}``), ``safety_settings`` (``(category, threshold)`` pairs), ``translation`` (a
    target language such as ``"es"``, or ``(language, echo_target_language)``),
    ``input_transcription_options`` / ``output_transcription_options``
    (``TranscriptionOptions``), ``extra_setup`` (a dict merged into ``setup`` unvalidated;
    ``extra_setup_json`` takes the JSON text). Vertex AI: ``vertex`` (``(project,
    location)``), ``access_token_provider`` (a callable returning a token, asked before
    every connect), ``vertex_api_version``, ``vertex_user_project``,
    ``vertex_transparent_resumption``; see ``gemini_live.vertex``.

    ``proxy``: the proxy for every connect and reconnect, overriding the environment:
    ``"http://[user:password@]host:port"`` (HTTP ``CONNECT``; ``"https://..."`` over TLS to
    the proxy), ``"socks5h://[user:password@]host:port"`` (SOCKS5, the proxy resolves the
    host; ``"socks5://..."`` resolves it here), ``"none"`` (connect directly) or ``"env"``.
    Defaults to the environment, as Python's ``websockets`` reads it: ``wss_proxy``,
    ``https_proxy``, ``all_proxy`` (either case) and ``no_proxy``. Credentials never appear
    in logs, errors or recordings. A refusal raises ``ProxyError`` (407: credentials wrong
    or missing; 403: not allowed; not retried); a proxy that does not answer,
    ``ConnectTimeoutError`` (``phase_timeouts_ms={"proxy": ms}``).

    ``record``: a file to record every frame of the session to, both ways, as JSON Lines
    (``(path, "summary")`` keeps only the length and checksum of audio); replay it with
    ``gemini-live fake-server --replay FILE``. Defaults to no recording.

    Errors: an unknown name raises ``TypeError``; a value of the wrong type ``TypeError``;
    a value the library refuses, an integer out of its C range or a string with a NUL
    character ``InvalidArgumentError`` (a ``ValueError``).
    """

    def __init__(
        self,
        *,
        api_key: Optional[str] = None,
        ephemeral_token: Optional[str] = None,
        model: Optional[str] = None,
        endpoint: Optional[str] = None,
        api_version: Optional[ApiVersion] = None,
        response_modality: Optional[ModalityLike] = None,
        modality: Optional[ModalityLike] = None,
        system_instruction: Optional[str] = None,
        voice: Optional[str] = None,
        language_code: Optional[str] = None,
        input_transcription: Optional[bool] = None,
        output_transcription: Optional[bool] = None,
        session_resumption: Optional[bool] = None,
        resumption_handle: Optional[str] = None,
        functions: Optional[Sequence[FunctionDeclaration]] = None,
        google_search: Optional[bool] = None,
        code_execution: Optional[bool] = None,
        url_context: Optional[bool] = None,
        temperature: Optional[float] = None,
        top_p: Optional[float] = None,
        top_k: Optional[int] = None,
        max_output_tokens: Optional[int] = None,
        seed: Optional[int] = None,
        presence_penalty: Optional[float] = None,
        frequency_penalty: Optional[float] = None,
        media_resolution: Optional[MediaResolution] = None,
        thinking_budget: Optional[int] = None,
        thinking_level: Optional[str] = None,
        include_thoughts: Optional[bool] = None,
        affective_dialog: Optional[bool] = None,
        automatic_activity_detection: Optional[bool] = None,
        vad_start_sensitivity: Optional[StartSensitivity] = None,
        vad_end_sensitivity: Optional[EndSensitivity] = None,
        vad_prefix_padding_ms: Optional[int] = None,
        vad_silence_duration_ms: Optional[int] = None,
        activity_handling: Optional[ActivityHandling] = None,
        turn_coverage: Optional[TurnCoverage] = None,
        context_window_compression: Union[bool, Tuple[int, int], None] = None,
        connect_timeout_ms: Optional[int] = None,
        phase_timeouts_ms: Optional[Mapping[Union[PhaseName, Phase], int]] = None,
        send_timeout_ms: Optional[int] = None,
        close_timeout_ms: Optional[int] = None,
        send_queue_capacity: Optional[int] = None,
        event_queue_capacity: Optional[int] = None,
        max_message_size: Optional[int] = None,
        extra_root_ca_pem: Optional[PemLike] = None,
        proxy: Optional[str] = None,
        reconnect: Optional[bool] = None,
        reconnect_max_attempts: Optional[int] = None,
        reconnect_delays_ms: Optional[Tuple[int, int]] = None,
        reconnect_max_total_ms: Optional[int] = None,
        goaway_margin_ms: Optional[int] = None,
        resume_wait_ms: Optional[int] = None,
        quota_delay_ms: Optional[int] = None,
        first_connect_budget: Optional[Tuple[int, int]] = None,
        replay_max_bytes: Optional[int] = None,
        replay_max_audio_ms: Optional[int] = None,
        stall_timeout_ms: Optional[int] = None,
        keepalive_interval_ms: Optional[int] = None,
        pong_timeout_ms: Optional[int] = None,
        proactivity: Optional[Proactivity] = None,
        initial_history_in_client_content: Optional[bool] = None,
        safety_settings: Optional[Sequence[Tuple[str, str]]] = None,
        translation: Union[str, Tuple[str, bool], None] = None,
        input_transcription_options: Optional[TranscriptionOptions] = None,
        output_transcription_options: Optional[TranscriptionOptions] = None,
        extra_setup: Optional[Mapping[str, Any]] = None,
        extra_setup_json: Optional[str] = None,
        skip_model_check: Optional[bool] = None,
        vertex: Optional[Tuple[str, str]] = None,
        vertex_api_version: Optional[VertexApiVersion] = None,
        vertex_user_project: Optional[str] = None,
        vertex_transparent_resumption: Optional[bool] = None,
        access_token_provider: Optional[Callable[[], str]] = None,
        record: Union[str, "os.PathLike[str]", Tuple[Any, RecordAudio], None] = None,
        restore_context: Optional[bool] = None,
        context_budget_chars: Optional[int] = None,
        context_budget_turns: Optional[int] = None,
    ) -> None:
        options = {k: v for k, v in locals().items() if k not in ("self", "__class__")}
        if response_modality is not None and modality is not None:
            raise TypeError("pass response_modality or its alias modality, not both")
        if extra_setup is not None and extra_setup_json is not None:
            raise TypeError("pass extra_setup or extra_setup_json, not both")
        handle = _lib.CONFIG_P()
        check(L.gemini_live_config_new(ctypes.byref(handle)))
        super().__init__(handle, L.gemini_live_config_free, "config")
        if vertex is not None:  # the Vertex target first: other options are checked against it
            options = {"vertex": options.pop("vertex"), **options}
        try:
            for name, value in options.items():
                if value is not None:
                    self.set(name, value)
        except BaseException:
            self.close()
            raise

    def set(self, name: str, value: Any) -> "Config":
        """Sets one option by its parameter name (or an alias, e.g. ``modality``); returns
        ``self``. Raises as the constructor does."""
        name = ALIASES.get(name, name)
        # Remembered for instrumentation (gemini_live._hooks.settings reads the safe ones).
        self.__dict__.setdefault("_settings", {})[name] = value
        special = getattr(self, "_set_" + name, None)
        if special is not None:
            special(value)
            return self
        setter = "gemini_live_config_set_" + name
        spec = _lib.FUNCTIONS.get(setter)
        if spec is None or len(spec[1]) != 2:
            raise TypeError(f"unknown config option {name!r}")
        fn = getattr(L, setter)
        check(self._call(fn, _convert(value, spec[1][1], name)))
        return self

    def add_function(
        self,
        name: str,
        description: str = "",
        parameters: Optional[Mapping[str, Any]] = None,
        behavior: Optional[FunctionBehavior] = None,
    ) -> "Config":
        """Declares a function the model may call; ``parameters`` is a JSON-schema dict,
        ``behavior`` ``"BLOCKING"`` or ``"NON_BLOCKING"`` (``None``: the model's default)."""
        params = "" if parameters is None else json.dumps(parameters)
        raw_name = cstr(name, "function name")
        check(
            self._call(
                L.gemini_live_config_add_function,
                raw_name,
                cstr(description, "function description"),
                cstr(params, "function parameters"),
            )
        )
        if behavior:
            fn = L.gemini_live_config_set_function_behavior
            check(self._call(fn, raw_name, cstr(behavior, "function behavior")))
        return self

    def clear_tools(self) -> "Config":
        """Removes every tool added so far (functions, search, code execution, URL context)."""
        check(self._call(L.gemini_live_config_clear_tools))
        return self

    def validate(self) -> None:
        """Raises ``InvalidConfigError`` if a connect would refuse this configuration."""
        check(self._call(L.gemini_live_config_validate))

    # ---- options with a special shape --------------------------------------------------------

    def _set_functions(self, functions: Sequence[Mapping[str, Any]]) -> None:
        for f in functions:
            self.add_function(
                f["name"], f.get("description", ""), f.get("parameters"), f.get("behavior")
            )


class ConfigOptions(TypedDict, total=False):
    """The keyword options of ``Session.connect`` / ``aio.connect``: exactly the parameters
    of ``Config`` (a test checks both lists are the same); ``None`` keeps the default."""

    api_key: Optional[str]
    ephemeral_token: Optional[str]
    model: Optional[str]
    endpoint: Optional[str]
    api_version: Optional[ApiVersion]
    response_modality: Optional[ModalityLike]
    modality: Optional[ModalityLike]
    system_instruction: Optional[str]
    voice: Optional[str]
    language_code: Optional[str]
    input_transcription: Optional[bool]
    output_transcription: Optional[bool]
    session_resumption: Optional[bool]
    resumption_handle: Optional[str]
    functions: Optional[Sequence[FunctionDeclaration]]
    google_search: Optional[bool]
    code_execution: Optional[bool]
    url_context: Optional[bool]
    temperature: Optional[float]
    top_p: Optional[float]
    top_k: Optional[int]
    max_output_tokens: Optional[int]
    seed: Optional[int]
    presence_penalty: Optional[float]
    frequency_penalty: Optional[float]
    media_resolution: Optional[MediaResolution]
    thinking_budget: Optional[int]
    thinking_level: Optional[str]
    include_thoughts: Optional[bool]
    affective_dialog: Optional[bool]
    automatic_activity_detection: Optional[bool]
    vad_start_sensitivity: Optional[StartSensitivity]
    vad_end_sensitivity: Optional[EndSensitivity]
    vad_prefix_padding_ms: Optional[int]
    vad_silence_duration_ms: Optional[int]
    activity_handling: Optional[ActivityHandling]
    turn_coverage: Optional[TurnCoverage]
    context_window_compression: Optional[Union[bool, Tuple[int, int]]]
    connect_timeout_ms: Optional[int]
    phase_timeouts_ms: Optional[Mapping[Union[PhaseName, Phase], int]]
    send_timeout_ms: Optional[int]
    close_timeout_ms: Optional[int]
    send_queue_capacity: Optional[int]
    event_queue_capacity: Optional[int]
    max_message_size: Optional[int]
    extra_root_ca_pem: Optional[PemLike]
    proxy: Optional[str]
    reconnect: Optional[bool]
    reconnect_max_attempts: Optional[int]
    reconnect_delays_ms: Optional[Tuple[int, int]]
    reconnect_max_total_ms: Optional[int]
    goaway_margin_ms: Optional[int]
    resume_wait_ms: Optional[int]
    quota_delay_ms: Optional[int]
    first_connect_budget: Optional[Tuple[int, int]]
    replay_max_bytes: Optional[int]
    replay_max_audio_ms: Optional[int]
    stall_timeout_ms: Optional[int]
    keepalive_interval_ms: Optional[int]
    pong_timeout_ms: Optional[int]
    proactivity: Optional[Proactivity]
    initial_history_in_client_content: Optional[bool]
    safety_settings: Optional[Sequence[Tuple[str, str]]]
    translation: Optional[Union[str, Tuple[str, bool]]]
    input_transcription_options: Optional[TranscriptionOptions]
    output_transcription_options: Optional[TranscriptionOptions]
    extra_setup: Optional[Mapping[str, Any]]
    extra_setup_json: Optional[str]
    skip_model_check: Optional[bool]
    vertex: Optional[Tuple[str, str]]
    vertex_api_version: Optional[VertexApiVersion]
    vertex_user_project: Optional[str]
    vertex_transparent_resumption: Optional[bool]
    access_token_provider: Optional[Callable[[], str]]
    record: Union[str, "os.PathLike[str]", Tuple[Any, RecordAudio], None]
    restore_context: Optional[bool]
    context_budget_chars: Optional[int]
    context_budget_turns: Optional[int]
