"""The build step of ``pip install ./bindings/python``: puts the gemini_live shared library
into the package and tags the wheel for this platform (``py3-none-<platform>``: the
package is pure Python over ctypes, so any Python 3 ABI works, but the library is native).

Where the library comes from, in order:

1. ``GEMINI_LIVE_BUNDLE=/path/to/libgemini_live.so``: that file is bundled as is;
2. else ``cargo build --release --lib`` at the repository root (the directory two levels
   up, holding ``Cargo.toml``), honouring ``CARGO`` and ``CARGO_TARGET_DIR``; extra cargo
   arguments may be given in ``GEMINI_LIVE_CARGO_ARGS`` (e.g. ``--features fake``).

Everything else (metadata, the package list) is in ``pyproject.toml``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, List, Tuple

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


def build_library() -> Path:
    """The shared library to bundle: the one named by GEMINI_LIVE_BUNDLE, or a fresh
    release build."""
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
    cargo = os.environ.get("CARGO", "cargo")
    cmd = [cargo, "build", "--release", "--lib"]
    cmd += shlex.split(os.environ.get("GEMINI_LIVE_CARGO_ARGS", ""))
    print("gemini_live: " + " ".join(cmd), file=sys.stderr)
    try:
        subprocess.run(cmd, cwd=REPO, check=True)
    except FileNotFoundError:
        raise SystemExit(
            f"cannot build the gemini_live library: {cargo!r} not found (install Rust from"
            " https://rustup.rs, or set GEMINI_LIVE_BUNDLE to a built library)"
        ) from None
    except subprocess.CalledProcessError as e:
        raise SystemExit(f"cannot build the gemini_live library: {' '.join(cmd)} failed ({e})")
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    if not target.is_absolute():
        target = REPO / target
    path = target / "release" / library_name()
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


cmdclass: Any = {"build_py": BuildPyWithLibrary, "bdist_wheel": PlatformWheel}
setup(cmdclass=cmdclass)
