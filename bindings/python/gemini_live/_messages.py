"""Messages in Python's terms: the library's texts (error details, event errors, log
lines) name the Rust API (``use ResponseMode::TextAndAudio``, ``Config::model``,
``Auth::AccessToken``, ``Some(..)``) or the C API (``gemini_live_config_set_model``,
``GEMINI_LIVE_MODALITY_TEXT``); ``pythonize`` says the same in the names a Python user
types (``modality="text+audio"``, ``model=``, ``access_token_provider=``,
``Session.send_audio()``, ``InvalidConfigError``). Every text the package shows from the
library goes through it (``GeminiLiveError.detail``, log records).
"""

from __future__ import annotations

import re
from typing import Callable, Dict, List, Match, Pattern, Tuple

__all__ = ["pythonize", "RUST_OR_C"]

_MODALITY = {"TextAndAudio": "text+audio", "Text": "text", "Audio": "audio"}
_C_MODALITY = {"TEXT_AND_AUDIO": "text+audio", "TEXT": "text", "AUDIO": "audio"}

#: Rust ``Config`` fields (and builder methods without ``with_``) whose Python keyword differs.
_RUST_FIELDS: Dict[str, str] = {
    "response_mode": "modality",
    "auth": "api_key",
    "api_key": "api_key",
    "tools": "functions",
    "first_connect": "first_connect_budget",
    "replay_max_audio": "replay_max_audio_ms",
    "stall_timeout": "stall_timeout_ms",
    "keepalive_interval": "keepalive_interval_ms",
    "pong_timeout": "pong_timeout_ms",
    "recorder": "record",
    "with_extra_setup": "extra_setup",
    "transparent_resumption": "vertex_transparent_resumption",
    "realtime_input": "automatic_activity_detection",
    "input_transcription_config": "input_transcription_options",
    "output_transcription_config": "output_transcription_options",
    "timeouts": "connect_timeout_ms",
    "generation": "temperature",
}

#: C setters and adders whose Python keyword is not the part after ``set_``.
_C_SETTERS: Dict[str, str] = {
    "set_response_modality": 'modality=',
    "set_phase_timeout_ms": "phase_timeouts_ms=",
    "set_access_token_callback": "access_token_provider=",
    "set_transcription_options": "input_transcription_options= / output_transcription_options=",
    "set_function_behavior": "functions=[{'behavior': ...}]",
    "set_skip_model_check": "skip_model_check=True",
    "add_function": "functions=",
    "add_google_search": "google_search=True",
    "add_code_execution": "code_execution=True",
    "add_url_context": "url_context=True",
    "add_safety_setting": "safety_settings=",
    "clear_tools": "Config.clear_tools()",
    "validate": "Config.validate()",
    "new": "Config()",
    "free": "Config.close()",
}

#: C functions of other objects whose Python method has another name.
_C_METHODS: Dict[str, str] = {
    "session_connect": "connect()",
    "session_free": "Session.close()",
    "session_send_audio_rate": "Session.send_audio()",
    "session_send_audio_bytes": "Session.send_audio()",
    "session_send_audio_bytes_rate": "Session.send_audio()",
    "session_send_tool_response_scheduled": "Session.send_tool_response()",
    "session_send_client_content_json": "Session.send_client_content()",
    "session_get_metrics": "Session.metrics()",
    "resampler_new": "Resampler()",
    "resampler_free": "Resampler.close()",
    "resampler_process_f32": "Resampler.process()",
    "player_new": "Player()",
    "player_new_with": "Player()",
    "player_free": "Player.close()",
    "player_read": "Player.read_into()",
    "player_read_f32": "Player.read_into()",
    "player_get_stats": "Player.stats()",
    "event_free": "(events are freed by Python)",
}

#: Rust error variants and C result-code names -> the Python exception.
_ERRORS: Dict[str, str] = {
    "Closed": "ClosedError",
    "WouldBlock": "QueueFullError",
    "SendTimeout": "QueueFullError",
    "InvalidInput": "InvalidArgumentError",
    "InvalidArgument": "InvalidArgumentError",
    "InvalidConfig": "InvalidConfigError",
    "MessageTooLarge": "MessageTooLargeError",
    "ConnectTimeout": "ConnectTimeoutError",
    "Tls": "TLSError",
    "Http": "HTTPError",
    "ServerClosed": "ServerClosedError",
    "ModelNotFound": "ModelNotFoundError",
    "Proxy": "ProxyError",
    "Internal": "InternalError",
    "Panic": "PanicError",
}
_C_RESULTS: Dict[str, str] = {
    "CLOSED": "ClosedError",
    "WOULD_BLOCK": "QueueFullError",
    "SEND_TIMEOUT": "QueueFullError",
    "NULL_ARGUMENT": "InvalidArgumentError",
    "INVALID_ARGUMENT": "InvalidArgumentError",
    "INVALID_UTF8": "InvalidArgumentError",
    "INVALID_CONFIG": "InvalidConfigError",
    "BUFFER_TOO_SMALL": "InvalidArgumentError",
    "MESSAGE_TOO_LARGE": "MessageTooLargeError",
    "INVALID_JSON": "InvalidArgumentError",
    "CONNECT_TIMEOUT": "ConnectTimeoutError",
    "TLS": "TLSError",
    "HTTP": "HTTPError",
    "SERVER_CLOSED_FATAL": "ServerClosedError",
    "SERVER_CLOSED_RETRYABLE": "ServerClosedError",
    "MODEL_NOT_FOUND": "ModelNotFoundError",
    "PROXY": "ProxyError",
    "PANIC": "PanicError",
    "INTERNAL": "InternalError",
}


_TIMEOUTS = {"connect_total": "connect_timeout_ms=", "close": "close_timeout_ms=",
             "send": "send_timeout_ms="}


def _camel(upper: str) -> str:
    return "".join(w.capitalize() for w in upper.lower().split("_"))


def _rust_field(name: str) -> str:
    if name in ("default", "from_env", "new"):
        return "Config()"
    if name == "validate":
        return "Config.validate()"
    if name.startswith("with_"):
        name = name[5:]
    return _RUST_FIELDS.get(name, name) + "="


def _c_value(value: str) -> str:
    """A C argument as Python writes it."""
    v = value.strip()
    if v in ("true", "false"):
        return "True" if v == "true" else "False"
    if v == "NULL":
        return "None"
    mode = re.fullmatch(r"GEMINI_LIVE_MODALITY_(TEXT_AND_AUDIO|TEXT|AUDIO)", v)
    if mode:
        return f'"{_C_MODALITY[mode.group(1)]}"'
    return v


def _c_call(m: Match[str]) -> str:
    """``gemini_live_config_set_X(config, V)`` -> ``X=V`` in Python's spelling."""
    name = _c_config_name(m.group(1))
    args = [a for a in m.group(2).split(",") if a.strip() and a.strip() != "config"]
    value = ", ".join(_c_value(a) for a in args)
    if len(args) > 1:
        value = f"({value})"
    return name + value if name.endswith("=") else name


def _c_config_name(rest: str) -> str:
    if rest in _C_SETTERS:
        return _C_SETTERS[rest]
    if rest.startswith("set_"):
        return rest[4:] + "="
    return "Config." + rest + "()"


def _c_config(m: Match[str]) -> str:
    return _c_config_name(m.group(1))


def _c_function(m: Match[str]) -> str:
    rest = m.group(1)
    if rest in _C_METHODS:
        return _C_METHODS[rest]
    head, _, tail = rest.partition("_")
    owners = {"session": "Session", "resampler": "Resampler", "player": "Player",
              "event": "Event", "fake": "FakeServer"}
    if head == "fake":
        return "FakeServer()"
    if head in owners and tail:
        return f"{owners[head]}.{tail}()"
    return rest + "()"


def _strip_some(text: str) -> str:
    """``Some(x)`` -> ``x`` (balanced parentheses)."""
    out: List[str] = []
    i = 0
    while True:
        j = text.find("Some(", i)
        if j < 0 or (j > 0 and (text[j - 1].isalnum() or text[j - 1] == "_")):
            if j < 0:
                out.append(text[i:])
                return "".join(out)
            out.append(text[i:j + 5])
            i = j + 5
            continue
        out.append(text[i:j])
        depth, k = 1, j + 5
        while k < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[k], 0)
            k += 1
        inner = text[j + 5:k - 1] if depth == 0 else text[j + 5:k]
        out.append(_strip_some(inner))
        i = k


def _rust_path(m: Match[str]) -> str:
    owner, item = m.group(1), m.group(2)
    if owner[:1].isupper() and item[:1].islower():
        return f"{owner}.{item}"
    return item


_STRUCT = re.compile(r"\b([A-Z]\w*) \{ ([^{}]*?) \}")
_Rule = Tuple[Pattern[str], Callable[[Match[str]], str]]
_RULES: List[_Rule] = [
    # Rust: the response mode, auth, Config fields and builders, error variants, generics.
    (re.compile(r"\bResponseMode::(TextAndAudio|Text|Audio)\b"),
     lambda m: f'modality="{_MODALITY[m.group(1)]}"'),
    (re.compile(r"\bresponse mode (TextAndAudio|Text|Audio)\b"),
     lambda m: f'modality="{_MODALITY[m.group(1)]}"'),
    (re.compile(r"\bAuth::AccessToken\b"), lambda m: "access_token_provider="),
    (re.compile(r"\bAuth::ApiKey\b"), lambda m: "api_key="),
    (re.compile(r"\bAuth::EphemeralToken\b"), lambda m: "ephemeral_token="),
    (re.compile(r"\bAuth::None\b"), lambda m: "no credentials"),
    (re.compile(r"`?\bTimeouts::(\w+)`?"), lambda m: _TIMEOUTS.get(m.group(1), "phase_timeouts_ms=")),
    (re.compile(r"`?\bVertexTarget::(\w+)`?"), lambda m: _rust_field(
        m.group(1) if m.group(1).startswith("transparent") else "vertex")),
    (re.compile(r"`?(?:\b[\w:]+(?:\(\))?)?\.(with_\w+)\(([^()]*)\)`?"),
     lambda m: _rust_field(m.group(1)) + m.group(2)),
    (re.compile(r"`?\b(?:crate::)?Config::(\w+)(?:\(\))?`?"), lambda m: _rust_field(m.group(1))),
    (re.compile(r"\b(?:crate::)?(?:error::)?Error::(\w+)\b"),
     lambda m: _ERRORS.get(m.group(1), m.group(1) + "Error")),
    (re.compile(r"\bOption<([^<>]*)>"), lambda m: f"{m.group(1)} or None"),
    (re.compile(r"\bVec<([^<>]*)>"), lambda m: f"list of {m.group(1)}"),
    (re.compile(r"&'static str|&str\b"), lambda m: "str"),
    # C: functions, constants, NULL.
    (re.compile(r"`?\bgemini_live_config_(\w+?)\(([^()]*)\)`?"), _c_call),
    (re.compile(r"`?\bgemini_live_config_(\w+?)(?:\(\))?`?(?=\W|$)"), _c_config),
    (re.compile(r"`?\bgemini_live_((?:session|event|resampler|player|fake_server)_\w+?)(?:\(\))?`?"
                r"(?=\W|$)"), _c_function),
    (re.compile(r"\bGEMINI_LIVE_MODALITY_(TEXT_AND_AUDIO|TEXT|AUDIO)\b"),
     lambda m: f'"{_C_MODALITY[m.group(1)]}"'),
    (re.compile(r"\bGEMINI_LIVE_EVENT_(\w+)\b"), lambda m: _camel(m.group(1)) + "Event"),
    (re.compile(r"\bGEMINI_LIVE_STATE_(\w+)\b"), lambda m: "State." + m.group(1)),
    (re.compile(r"\bGEMINI_LIVE_(" + "|".join(sorted(_C_RESULTS, key=len, reverse=True)) + r")\b"),
     lambda m: _C_RESULTS[m.group(1)]),
    (re.compile(r"\bNULL\b"), lambda m: "None"),
    # Wire names in the model rules' fixes: the keyword that sends them.
    (re.compile(r"\bremove enableAffectiveDialog\b"), lambda m: "remove affective_dialog=True"),
    (re.compile(r"\bremove thinkingConfig\b"),
     lambda m: "remove thinking_budget= / thinking_level= / include_thoughts="),
    (re.compile(r"`json` is"), lambda m: "the JSON is"),
    # Debug text of byte strings: `Utf8Bytes(b"bye")` -> `"bye"`.
    (re.compile(r'\b(?:Utf8Bytes|Bytes|String)\(b?("(?:[^"\\]|\\.)*")\)'), lambda m: m.group(1)),
    # Rust Debug structs: `Closed { code: 1011, reason: "x" }` -> `Closed(code=1011, reason="x")`.
    (_STRUCT,
     lambda m: m.group(1) + "(" + re.sub(r"\b(\w+): ", r"\1=", m.group(2)) + ")"),
    # Anything left that is a Rust path: `Type.method`, else its last segment.
    (re.compile(r"\b(?:[A-Za-z_]\w*::)*([A-Za-z_]\w*)::([A-Za-z_]\w*)"), _rust_path),
]

#: What no Python-visible message may contain (a test checks it).
RUST_OR_C = re.compile(
    r"::|\bSome\(|\bOption<|\bVec<|\bResponseMode\b|\bgemini_live_(?:config|session|event|"
    r"resampler|player|fake)_\w+|\bGEMINI_LIVE_(?:MODALITY|EVENT|STATE)_\w+"
)


def pythonize(text: str) -> str:
    """``text`` with Rust and C names said in Python's terms (see the module doc)."""
    if not text:
        return text
    if "Some(" in text:
        text = _strip_some(text)
    for pattern, replace in _RULES:
        for _ in range(8):  # nested Debug structs are rewritten from the inside out
            text, n = pattern.subn(replace, text)
            if not n or pattern is not _STRUCT:
                break
    return text
