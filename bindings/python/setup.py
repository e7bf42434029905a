"""The build step of ``pip install ./bindings/python``: puts the gemini_live shared library
into the package and tags the wheel for this platform (``py3-none-<platform>``: the
package is pure Python over ctypes, so any Python 3 ABI works, but the library is native).

Where the library comes from, in order:

1. ``GEMINI_LIVE_BUNDLE=/path/to/libgemini_live.so``: that file is bundled as is;
2. the repository's ``target/release`` library (``CARGO_TARGET_DIR`` honoured) when it is
   newer than every input of the build (``src/``, ``build.rs``, ``Cargo.toml``,
   ``Cargo.lock``): bundled without running cargo, so a second install rebuilds nothing;
3. else ``cargo build --release --lib`` at the repository root (the directory two levels
   up, holding ``Cargo.toml``), honouring ``CARGO`` and ``CARGO_TARGET_DIR``; extra cargo
   arguments may be given in ``GEMINI_LIVE_CARGO_ARGS`` (e.g. ``--features fake``; they
   always build). ``GEMINI_LIVE_REBUILD=1`` builds even when 2. applies.

pip hides a build step's output unless ``-v``: cargo's output also goes to the terminal
(``/dev/tty``) when there is one, so a build of minutes is not a silent wait
(``GEMINI_LIVE_BUILD_QUIET=1`` turns that off). Nothing is written into the source tree:
setuptools' ``build/`` and ``*.egg-info`` go to a temporary directory, removed at exit, and
cargo's output to the repository's ``target/``.

Everything else (metadata, the package list) is in ``pyproject.toml``.
"""

from __future__ import annotations

import atexit
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, Any, List, Optional, Tuple

from setuptools import setup
from setuptools.command.build_py import build_py

try:  # setuptools >= 70.1 has its own bdist_wheel
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # pragma: no cover - older setuptools use the wheel package's
    from wheel.bdist_wheel import bdist_wheel

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def library_name() -> str:
    if sys.platform == "win32":
        return "gemini_live.dll"
    if sys.platform == "darwin":
        return "libgemini_live.dylib"
    return "libgemini_live.so"


def target_dir() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target if target.is_absolute() else REPO / target


def newest_input() -> float:
    """The latest modification time of anything the library is built from."""
    newest = 0.0
    files = [REPO / n for n in ("build.rs", "Cargo.toml", "Cargo.lock", "cbindgen.toml")]
    files += list((REPO / "src").rglob("*"))
    for f in files:
        try:
            if f.is_file():
                newest = max(newest, f.stat().st_mtime)
        except OSError:
            continue
    return newest


def prebuilt() -> Optional[Path]:
    """``target/release``'s library if it is newer than every input, else None."""
    if os.environ.get("GEMINI_LIVE_REBUILD") or os.environ.get("GEMINI_LIVE_CARGO_ARGS"):
        return None
    path = target_dir() / "release" / library_name()
    try:
        built = path.stat().st_mtime
    except OSError:
        return None
    return path if built >= newest_input() else None


def terminal() -> Optional[IO[str]]:
    """The user's terminal when pip captures our output (pip shows it only with -v)."""
    if os.environ.get("GEMINI_LIVE_BUILD_QUIET") or sys.stderr.isatty():
        return None
    try:
        return open("/dev/tty", "w")
    except OSError:
        return None


def run_cargo(cmd: List[str]) -> None:
    """Runs cargo with its output on stderr (pip's log, shown with -v or on failure) and on
    the terminal if there is one."""
    tty = terminal()
    try:
        with subprocess.Popen(
            cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            errors="replace",
        ) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                sys.stderr.write(line)
                if tty is not None:
                    tty.write(line)
                    tty.flush()
            code = proc.wait()
    finally:
        if tty is not None:
            tty.close()
    if code != 0:
        raise subprocess.CalledProcessError(code, cmd)


def say(text: str) -> None:
    """A line on stderr and, when pip captures it, on the terminal."""
    print(text, file=sys.stderr)
    tty = terminal()
    if tty is not None:
        with tty:
            print("\n" + text, file=tty)  # below pip's "Building wheel ..." line


def build_library() -> Path:
    """The shared library to bundle: the one named by GEMINI_LIVE_BUNDLE, an up-to-date
    release build, or a fresh one."""
    bundle = os.environ.get("GEMINI_LIVE_BUNDLE")
    if bundle:
        path = Path(bundle)
        if not path.is_file():
            raise SystemExit(f"GEMINI_LIVE_BUNDLE={bundle}: no such file")
        return path
    if not (REPO / "Cargo.toml").is_file():
        raise SystemExit(
            f"cannot build the gemini_live library: no Cargo.toml in {REPO} (install from the"
            " repository's bindings/python, or set GEMINI_LIVE_BUNDLE to a built library)"
        )
    ready = prebuilt()
    if ready is not None:
        print(f"gemini_live: {ready} is newer than every source file: bundled, no cargo build",
              file=sys.stderr)
        return ready
    cargo = os.environ.get("CARGO", "cargo")
    cmd = [cargo, "build", "--release", "--lib"]
    cmd += shlex.split(os.environ.get("GEMINI_LIVE_CARGO_ARGS", ""))
    say("gemini_live: building the Rust library: " + " ".join(cmd)
        + " (minutes the first time)")
    try:
        run_cargo(cmd)
    except FileNotFoundError:
        raise SystemExit(
            f"cannot build the gemini_live library: {cargo!r} not found (install Rust from"
            " https://rustup.rs, or set GEMINI_LIVE_BUNDLE to a built library)"
        ) from None
    except subprocess.CalledProcessError as e:
        raise SystemExit(f"cannot build the gemini_live library: {' '.join(cmd)} failed ({e})")
    path = target_dir() / "release" / library_name()
    if not path.is_file():
        raise SystemExit(f"cargo succeeded but {path} does not exist")
    return path


class BuildPyWithLibrary(build_py):
    """``build_py`` that also copies the shared library into the built package."""

    def run(self) -> None:
        # pip builds in the source tree: start from an empty package dir so that a module
        # removed from the source, or an old library, cannot linger in the wheel.
        shutil.rmtree(Path(self.build_lib) / "gemini_live", ignore_errors=True)
        super().run()
        library = build_library()
        dest = Path(self.build_lib) / "gemini_live" / library_name()
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(library, dest)
        print(f"gemini_live: bundled {library} as {dest}", file=sys.stderr)

    def get_outputs(self, include_bytecode: bool = True) -> List[str]:
        outputs: List[str] = super().get_outputs(include_bytecode)
        outputs.append(str(Path(self.build_lib) / "gemini_live" / library_name()))
        return outputs


class PlatformWheel(bdist_wheel):
    """A wheel for this platform but any Python 3 (ctypes needs no CPython ABI)."""

    def finalize_options(self) -> None:
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self) -> Tuple[str, str, str]:
        _, _, platform = super().get_tag()
        return "py3", "none", platform


# setuptools' scratch (build/, *.egg-info) outside the source tree, removed at exit.
SCRATCH = tempfile.mkdtemp(prefix="gemini_live_setup_")
atexit.register(shutil.rmtree, SCRATCH, True)

cmdclass: Any = {"build_py": BuildPyWithLibrary, "bdist_wheel": PlatformWheel}
setup(
    cmdclass=cmdclass,
    options={
        "build": {"build_base": os.path.join(SCRATCH, "build")},
        "egg_info": {"egg_base": SCRATCH},
    },
)
