"""The Python mirrors of the header stay in step with it: constants and enums (both ways),
the metrics struct's fields and C types, Config's parameters versus the C setters, the
declarations grouped and ordered like the header's sections, and the package's module graph
has no import cycle."""

import ast
import ctypes
import inspect
import re
import unittest

from _support import HEADER, HERE, gl

from gemini_live import _lib, config, enums, errors
from gemini_live.audio import Player

PACKAGE = HERE.parent / "gemini_live"


def header_defines():
    return {
        name: int(value)
        for name, value in re.findall(r"#define GEMINI_LIVE_(\w+) (\d+)\n", HEADER.read_text())
        if not name.startswith("VERSION_")
    }


def header_functions():
    return sorted(set(re.findall(r"\b(gemini_live_\w+)\s*\(", HEADER.read_text())))


class ConstantsTest(unittest.TestCase):
    def test_every_define_is_mirrored_with_its_value(self):
        defines = header_defines()
        self.assertGreater(len(defines), 60)
        for name, value in defines.items():
            self.assertEqual(getattr(_lib, name, None), value, name)

    def test_every_python_constant_is_in_the_header(self):
        defines = header_defines()
        mirrored = {
            n: v
            for n, v in vars(_lib).items()
            if re.fullmatch(r"[A-Z][A-Z0-9_]*", n) and isinstance(v, int)
        }
        extra = sorted(set(mirrored) - set(defines))
        self.assertEqual(extra, [], "constants in _c_core.py or _c_helpers.py the header lacks")

    def test_enums_cover_their_header_groups_exactly(self):
        defines = header_defines()
        groups = {
            "STATE_": enums.State,
            "EVENT_": enums.EventType,
            "MODALITY_": enums.Modality,
            "PHASE_": enums.Phase,
            "LOG_": enums.LogLevel,
            "INTERACTION_": enums.Interaction,
            "TRANSCRIPTION_": enums.Transcription,
            "TOKEN_": enums.TokenResult,
        }
        not_members = {"TOKEN_BUFFER_SIZE"}  # a size, not a value of the enum
        for prefix, enum_cls in groups.items():
            expected = {
                n[len(prefix):]: v
                for n, v in defines.items()
                if n.startswith(prefix) and n not in not_members
            }
            actual = {m.name: int(m) for m in enum_cls}
            self.assertEqual(actual, expected, enum_cls.__name__)

    def test_result_codes_are_the_rest_of_the_header(self):
        defines = header_defines()
        groups = ("STATE_", "EVENT_", "MODALITY_", "PHASE_", "LOG_", "INTERACTION_",
                  "TRANSCRIPTION_", "TOKEN_", "RECORD_AUDIO_", "USAGE_", "VOICE_ACTIVITY_",
                  "VAD_SIGNAL_", "G711_", "PHONE_", "CLIENT_VAD_",
                  "NOISE_SUPPRESSION_", "TRANSCRIPT_")
        expected = {n: v for n, v in defines.items() if not n.startswith(groups)}
        self.assertEqual(errors.RESULT_CODES, expected)
        for name, code in expected.items():
            self.assertEqual(gl.errors.error_for(code, "x").name, name)


C_TYPES = {
    "uint32_t": ctypes.c_uint32,
    "int32_t": ctypes.c_int32,
    "uint64_t": ctypes.c_uint64,
    "int64_t": ctypes.c_int64,
    "size_t": ctypes.c_size_t,
    "bool": ctypes.c_bool,
    "uint16_t": ctypes.c_uint16,
    "double": ctypes.c_double,
    "float": ctypes.c_float,
}


def c_struct_fields(name):
    text = HEADER.read_text()
    body = text[text.index(f"typedef struct {name} {{"):]
    body = body[: body.index(f"}} {name};")]
    fields = re.findall(r"^\s+(\w+) (\w+);$", body, re.M)
    return [(field, C_TYPES[ctype]) for ctype, field in fields]


class MetricsStructTest(unittest.TestCase):
    def test_fields_names_and_types_match_the_header(self):
        expected = c_struct_fields("gemini_live_metrics")
        self.assertGreater(len(expected), 20)
        self.assertEqual(list(_lib.Metrics._fields_), expected)

    def test_metrics_typeddict_keys_are_the_c_field_names(self):
        from typing import get_type_hints

        c_fields = [f for f, _ in c_struct_fields("gemini_live_metrics")]
        expected = [f for f in c_fields if f not in ("size", "version")] + ["last_close_reason"]
        self.assertEqual(list(gl.Metrics.__annotations__), expected)
        self.assertEqual(list(get_type_hints(gl.types.Metrics)), expected)
        self.assertEqual(gl.Metrics.__required_keys__, frozenset(expected))

    def test_usage_struct_matches_the_header(self):
        expected = c_struct_fields("gemini_live_usage")
        self.assertEqual(len(expected), 8)  # size, reserved and six counts
        self.assertEqual(list(_lib.Usage._fields_), expected)


GROWABLE = {
    "gemini_live_metrics": _lib.Metrics,
    "gemini_live_usage": _lib.Usage,
    "gemini_live_player_stats": _lib.PlayerStats,
    "gemini_live_turn_playback": _lib.TurnPlayback,
    "gemini_live_phone_out_stats": _lib.PhoneOutStats,
    "gemini_live_client_vad_stats": _lib.ClientVadStats,
    "gemini_live_echo_stats": _lib.EchoStats,
}


class GrowableStructsTest(unittest.TestCase):
    """The out-structs with ABI growth: each mirrors the header, starts with ``size`` and
    sets it on construction; the library fills no more than ``size`` bytes of it."""

    def test_each_is_the_headers_and_states_its_size(self):
        text = HEADER.read_text()
        documented = set(re.findall(r"ABI growth: set `size = sizeof\((\w+)\)`", text))
        self.assertEqual(documented, set(GROWABLE))
        for name, struct in GROWABLE.items():
            self.assertEqual(list(struct._fields_), c_struct_fields(name), name)
            self.assertEqual(struct._fields_[0], ("size", ctypes.c_uint32), name)
            self.assertEqual(struct().size, ctypes.sizeof(struct), name)

    def test_a_shorter_struct_is_filled_up_to_its_size_and_not_past_it(self):
        player = Player(24000, 1, start_threshold_ms=0)
        player.push(b"\x10\x00" * 480)
        full = ctypes.sizeof(_lib.PlayerStats)
        keep = _lib.PlayerStats.buffered.offset + _lib.PlayerStats.buffered.size
        room = ctypes.create_string_buffer(b"\xa5" * (full + 32), full + 32)
        ctypes.c_uint32.from_buffer(room).value = keep
        out = ctypes.cast(room, ctypes.POINTER(_lib.PlayerStats))
        errors.check(player._call(_lib.lib.gemini_live_player_get_stats, out))
        self.assertEqual(out.contents.size, keep)
        self.assertEqual((out.contents.device_rate, out.contents.buffered), (24000, 480))
        self.assertEqual(room.raw[keep:], b"\xa5" * (full + 32 - keep))
        # A size below the size field itself: refused, nothing written, said in C terms.
        ctypes.memset(room, 0xA5, len(room))
        ctypes.c_uint32.from_buffer(room).value = 2
        code = player._call(_lib.lib.gemini_live_player_get_stats, out)
        self.assertEqual(code, _lib.INVALID_ARGUMENT)
        self.assertEqual(room.raw[4:], b"\xa5" * (full + 28))
        self.assertIn("sizeof(gemini_live_player_stats)", errors.last_error_message())
        # The binding sets sizes itself: its own stats objects have no size to fill.
        self.assertEqual(player.stats().buffered, 480)
        self.assertFalse(hasattr(player.stats(), "size"))
        player.close()


def setter_parameters(fn):
    """The Config parameters a C config function maps to (empty: a method or a field of
    another parameter, not a parameter of its own)."""
    special = {
        "gemini_live_config_set_phase_timeout_ms": {"phase_timeouts_ms"},
        "gemini_live_config_add_function": {"functions"},
        "gemini_live_config_add_safety_setting": {"safety_settings"},
        "gemini_live_config_set_transcription_options": {
            "input_transcription_options",
            "output_transcription_options",
        },
        "gemini_live_config_set_extra_setup_json": {"extra_setup_json", "extra_setup"},
        "gemini_live_config_set_access_token_callback": {"access_token_provider"},
        "gemini_live_config_set_function_behavior": set(),  # functions=[{"behavior": ...}]
        "gemini_live_config_clear_tools": set(),  # Config.clear_tools()
    }
    if fn in special:
        return special[fn]
    m = re.fullmatch(r"gemini_live_config_(?:set|add)_(\w+)", fn)
    return {m.group(1)} if m else set()


class ConfigSignatureTest(unittest.TestCase):
    def config_functions(self):
        return [
            f
            for f in header_functions()
            if re.match(r"gemini_live_config_(set|add|clear)_", f)
        ]

    def parameters(self):
        sig = inspect.signature(gl.Config.__init__)
        params = [p for p in sig.parameters.values() if p.name != "self"]
        for p in params:
            self.assertEqual(p.kind, p.KEYWORD_ONLY, p.name)
            self.assertIsNone(p.default, p.name)
        return {p.name for p in params}

    def test_every_c_setter_has_a_parameter_and_every_parameter_a_setter(self):
        functions = self.config_functions()
        self.assertGreater(len(functions), 50)
        wanted = set().union(*(setter_parameters(f) for f in functions))
        params = self.parameters() - set(config.ALIASES)
        self.assertEqual(sorted(wanted - params), [], "C setters without a Config parameter")
        self.assertEqual(sorted(params - wanted), [], "Config parameters without a C setter")
        for name in params:
            # Each parameter is applied: by a special handler or the setter of its name.
            fn = "gemini_live_config_set_" + name
            self.assertTrue(
                hasattr(gl.Config, "_set_" + name) or fn in _lib.FUNCTIONS, name
            )

    def test_connect_options_are_the_config_parameters(self):
        self.assertEqual(set(config.ConfigOptions.__annotations__), self.parameters())

    def test_aliases_point_at_parameters(self):
        params = self.parameters()
        for alias, target in config.ALIASES.items():
            self.assertIn(target, params, alias)
        self.assertIn("modality", params, "the CLI's --modality is accepted")


SECTION_RULE = " * " + "=" * 91
DECLARATION_MODULES = ("_c_core", "_c_helpers")  # in the order _lib imports them


def header_sections(text):
    """(title, functions in order) of each section of the header, as build.rs heads them:
    ``/*``, a rule, `` * Title``, a rule."""
    lines = text.split("\n")
    end = max(i for i, line in enumerate(lines) if line == "#ifdef __cplusplus")
    starts = [
        i
        for i in range(1, len(lines) - 2)
        if lines[i - 1] == "/*" and lines[i] == SECTION_RULE and lines[i + 2] == SECTION_RULE
    ]
    out = []
    for n, i in enumerate(starts):
        stop = starts[n + 1] - 1 if n + 1 < len(starts) else end
        body = "\n".join(lines[i:stop])
        names = re.findall(r"^[^ */#\n][^\n(]*?\b(gemini_live_\w+)\(", body, re.M)
        out.append((lines[i + 1][3:], list(dict.fromkeys(names))))
    return out


def python_sections(texts):
    """(title, declared functions in order) of each ``# ---- Title ----`` section of the
    declaration modules' texts, in order; the common types are left out."""
    out = []
    for text in texts:
        parts = re.split(r"^# ---- (.+?) -*$", text, flags=re.M)
        for title, body in zip(parts[1::2], parts[2::2]):
            if title != "common types":
                out.append((title, re.findall(r'^ +"(gemini_live_\w+)": ', body, re.M)))
    return out


class GroupingTest(unittest.TestCase):
    def test_each_section_declares_its_header_sections_functions_in_order(self):
        header = header_sections(HEADER.read_text())
        self.assertGreaterEqual(len(header), 10)
        texts = [(PACKAGE / f"{m}.py").read_text() for m in DECLARATION_MODULES]
        self.assertEqual(python_sections(texts), header)
        self.assertEqual(list(_lib.FUNCTIONS), [f for _, names in header for f in names])

    def test_the_grouping_check_sees_a_misplaced_declaration(self):
        rule = SECTION_RULE
        header = (
            f"/*\n{rule}\n * A\n{rule}\n */\nint gemini_live_a_new(void);\n"
            f"/*\n{rule}\n * B\n{rule}\n */\nint gemini_live_b_new(void);\n#ifdef __cplusplus\n"
        )
        self.assertEqual(
            header_sections(header), [("A", ["gemini_live_a_new"]), ("B", ["gemini_live_b_new"])]
        )
        python = (
            '# ---- A ----\nF = {\n    "gemini_live_b_new": (1, []),\n}\n'
            '# ---- B ----\nF = {\n    "gemini_live_a_new": (1, []),\n}\n'
        )
        self.assertNotEqual(python_sections([python]), header_sections(header))


class ImportGraphTest(unittest.TestCase):
    def test_the_package_modules_import_each_other_without_a_cycle(self):
        graph = {}
        for path in PACKAGE.glob("*.py"):
            mod = path.stem
            deps = set()
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.level == 1:
                    if node.module:
                        deps.add(node.module.split(".")[0])
                    else:
                        deps.update(a.name for a in node.names)
            graph[mod] = deps & {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
        self.assertIn("session", graph["aio"])
        self.assertNotIn("session", graph["events"])
        state = {}

        def visit(mod, stack):
            if state.get(mod) == "done":
                return
            self.assertNotEqual(state.get(mod), "active", " -> ".join(stack + [mod]))
            state[mod] = "active"
            for dep in sorted(graph.get(mod, ())):
                visit(dep, stack + [mod])
            state[mod] = "done"

        for mod in sorted(graph):
            if mod != "__init__":
                visit(mod, [])


if __name__ == "__main__":
    unittest.main()
