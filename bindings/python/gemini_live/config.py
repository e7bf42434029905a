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
from ._managed import Managed
from .enums import Modality, Phase, Transcription
from .errors import InvalidArgumentError, check, cstr
from .types import (
    ActivityHandling,
    ApiVersion,
    EndSensitivity,
    FunctionBehavior,
    MediaResolution,
    ModalityName,
    PhaseName,
    RecordAudio,
    StartSensitivity,
    TranscriptionMode,
    TurnCoverage,
    VertexApiVersion,
)

L = _lib.lib

#: Names accepted for ``response_modality`` (the CLI's ``--modality`` values included).
MODALITIES: Dict[str, Modality] = {
    "text": Modality.TEXT,
    "audio": Modality.AUDIO,
    "text+audio": Modality.TEXT_AND_AUDIO,
    "text_and_audio": Modality.TEXT_AND_AUDIO,
}

PHASES: Dict[str, Phase] = {p.name.lower(): p for p in Phase}

#: Other names accepted for a parameter: the CLI's (``--modality``) and the C setter's.
ALIASES: Dict[str, str] = {
    "modality": "response_modality",
    "phase_timeout_ms": "phase_timeouts_ms",
}

_INT_RANGES = {
    ctypes.c_uint32: (0, 2**32 - 1),
    ctypes.c_int32: (-(2**31), 2**31 - 1),
    ctypes.c_uint64: (0, 2**64 - 1),
    ctypes.c_int64: (-(2**63), 2**63 - 1),
    ctypes.c_size_t: (0, 2 ** (8 * ctypes.sizeof(ctypes.c_size_t)) - 1),
}

ModalityLike = Union[ModalityName, Modality]
PemLike = Union[str, bytes]


class FunctionDeclaration(TypedDict, total=False):
    """A function the model may call: ``name`` (required), ``description``, ``parameters``
    (a JSON-schema object, e.g. ``{"type": "OBJECT", "properties": ...}``) and
    ``behavior`` (``"BLOCKING"`` or ``"NON_BLOCKING"``; absent: the model's default)."""

    name: str
    description: str
    parameters: Dict[str, Any]
    behavior: FunctionBehavior


class TranscriptionOptions(TypedDict, total=False):
    """Options of one transcription: ``language_codes`` (e.g. ``["en-US"]``) and ``mode``
    (``"VERBATIM"`` or ``"SMART"``). Model support is uncertain."""

    language_codes: Sequence[str]
    mode: TranscriptionMode


class Proactivity(TypedDict, total=False):
    """``proactivity`` (v1alpha, native-audio models): ``audio`` / ``video`` True, False or
    absent (not sent)."""

    audio: Optional[bool]
    video: Optional[bool]


def _integer(value: object, ctype: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    low, high = _INT_RANGES[ctype]
    if not low <= value <= high:
        raise InvalidArgumentError(
            _lib.INVALID_ARGUMENT, f"{what} = {value} is outside {low}..{high}"
        )
    return value


def _convert(value: object, ctype: Any, what: str) -> Any:
    """``value`` checked and converted for a C argument of type ``ctype``."""
    if ctype is ctypes.c_char_p:
        if not isinstance(value, (str, bytes)):
            raise TypeError(f"{what} must be a str, not {type(value).__name__}")
        return cstr(value, what)
    if ctype is ctypes.c_bool:
        if not isinstance(value, int):
            raise TypeError(f"{what} must be a bool, not {type(value).__name__}")
        return bool(value)
    if ctype is ctypes.c_float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{what} must be a number, not {type(value).__name__}")
        return float(value)
    return _integer(value, ctype, what)


class Config(Managed):
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

    def _set_response_modality(self, value: ModalityLike) -> None:
        if isinstance(value, str):
            if value.lower() not in MODALITIES:
                raise InvalidArgumentError(
                    _lib.INVALID_ARGUMENT,
                    f"unknown modality {value!r}; use one of {', '.join(MODALITIES)}",
                )
            value = MODALITIES[value.lower()]
        code = _integer(int(value), ctypes.c_uint32, "response_modality")
        check(self._call(L.gemini_live_config_set_response_modality, code))

    def _set_functions(self, functions: Sequence[Mapping[str, Any]]) -> None:
        for f in functions:
            self.add_function(
                f["name"], f.get("description", ""), f.get("parameters"), f.get("behavior")
            )

    def _set_google_search(self, on: bool) -> None:
        if on:
            check(self._call(L.gemini_live_config_add_google_search))

    def _set_code_execution(self, on: bool) -> None:
        if on:
            check(self._call(L.gemini_live_config_add_code_execution))

    def _set_url_context(self, on: bool) -> None:
        if on:
            check(self._call(L.gemini_live_config_add_url_context))

    def _set_context_window_compression(self, value: Union[bool, Tuple[int, int]]) -> None:
        if isinstance(value, bool):
            trigger, target, on = 0, 0, value
        else:
            (trigger, target), on = value, True
        u64 = ctypes.c_uint64
        check(
            self._call(
                L.gemini_live_config_set_context_window_compression,
                on,
                _integer(trigger, u64, "trigger_tokens"),
                _integer(target, u64, "target_tokens"),
            )
        )

    def _set_reconnect_delays_ms(self, value: Tuple[int, int]) -> None:
        initial, maximum = value
        u32 = ctypes.c_uint32
        check(
            self._call(
                L.gemini_live_config_set_reconnect_delays_ms,
                _integer(initial, u32, "initial delay"),
                _integer(maximum, u32, "max delay"),
            )
        )

    def _set_first_connect_budget(self, value: Tuple[int, int]) -> None:
        attempts, total_ms = value
        u32 = ctypes.c_uint32
        check(
            self._call(
                L.gemini_live_config_set_first_connect_budget,
                _integer(attempts, u32, "attempts"),
                _integer(total_ms, u32, "total_ms"),
            )
        )

    def _set_phase_timeouts_ms(self, value: Mapping[Union[str, Phase], int]) -> None:
        for phase, ms in value.items():
            if isinstance(phase, str):
                if phase not in PHASES:
                    raise InvalidArgumentError(
                        _lib.INVALID_ARGUMENT,
                        f"unknown phase {phase!r}; use one of {', '.join(PHASES)}",
                    )
                phase = PHASES[phase]
            check(
                self._call(
                    L.gemini_live_config_set_phase_timeout_ms,
                    int(phase),
                    _integer(ms, ctypes.c_uint32, f"phase_timeouts_ms[{phase.name.lower()}]"),
                )
            )

    def _set_proactivity(self, value: Mapping[str, Optional[bool]]) -> None:
        def tri(v: Optional[bool]) -> int:
            return -1 if v is None else int(bool(v))

        unknown = set(value) - {"audio", "video"}
        if unknown:
            raise TypeError(f"proactivity takes 'audio' and 'video', not {sorted(unknown)}")
        fn = L.gemini_live_config_set_proactivity
        check(self._call(fn, tri(value.get("audio")), tri(value.get("video"))))

    def _set_safety_settings(self, settings: Sequence[Tuple[str, str]]) -> None:
        for category, threshold in settings:
            check(
                self._call(
                    L.gemini_live_config_add_safety_setting,
                    cstr(category, "safety category"),
                    cstr(threshold, "safety threshold"),
                )
            )

    def _set_translation(self, value: Union[str, Tuple[str, bool]]) -> None:
        lang, echo = (value, False) if isinstance(value, str) else value
        fn = L.gemini_live_config_set_translation
        check(self._call(fn, cstr(lang, "translation"), bool(echo)))

    def _transcription_options(self, which: int, value: Mapping[str, Any]) -> None:
        codes = value.get("language_codes", [])
        if isinstance(codes, str):
            codes = [codes]
        fn = L.gemini_live_config_set_transcription_options
        joined = cstr(",".join(codes), "language_codes")
        check(self._call(fn, which, joined, cstr(value.get("mode") or "", "mode")))

    def _set_input_transcription_options(self, value: TranscriptionOptions) -> None:
        self._transcription_options(Transcription.INPUT, value)

    def _set_output_transcription_options(self, value: TranscriptionOptions) -> None:
        self._transcription_options(Transcription.OUTPUT, value)

    def _set_extra_setup(self, value: Mapping[str, Any]) -> None:
        fn = L.gemini_live_config_set_extra_setup_json
        check(self._call(fn, cstr(json.dumps(dict(value)), "extra_setup")))

    def _set_vertex(self, value: Optional[Tuple[str, str]]) -> None:
        from . import vertex  # late: vertex imports fake, which needs nothing from here

        vertex.set_target(self, value)

    def _set_access_token_provider(self, provider: Optional[Callable[[], str]]) -> None:
        from . import vertex

        # Kept by the config too, for as long as it lives.
        self._token_callback = vertex.set_token_provider(self, provider)

    def _set_record(self, value: Union[str, "os.PathLike[str]", Tuple[Any, str]]) -> None:
        # A path (audio kept) or (path, "summary"): the wire recorder.
        path, audio = value if isinstance(value, tuple) else (value, "keep")
        modes = {"keep": _lib.RECORD_AUDIO_KEEP, "summary": _lib.RECORD_AUDIO_SUMMARY}
        if audio not in modes:
            raise InvalidArgumentError(
                _lib.INVALID_ARGUMENT, f"record audio {audio!r}: expected 'keep' or 'summary'"
            )
        raw = cstr(os.fspath(path), "record")
        check(self._call(L.gemini_live_config_set_record, raw, modes[audio]))

    def _set_extra_root_ca_pem(self, pem: PemLike) -> None:
        raw = pem.encode("utf-8") if isinstance(pem, str) else bytes(pem)
        check(self._call(L.gemini_live_config_set_extra_root_ca_pem, raw, len(raw)))


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
