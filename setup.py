"""The package's build: pure Python, or with ``CLEAN_COMPILE=1`` the modules of ``cleaners/``
compiled by mypyc (the same code as C extensions: ~12 % fewer seconds per plain-text document,
the same records; README: "A compiled build"). A compiled build that fails (no C compiler, no
Python headers, a mypyc error) installs the pure package instead, with a warning. An editable
install (``pip install -e .``) is always pure: extensions beside the sources would shadow every
later edit of them.

Everything else about the package is declared in ``pyproject.toml``.
"""

import os
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext

#: The modules compiled: every module of ``cleaners/`` but the package's ``__init__``. The classes
#: of ``types.py`` (the records and enums other tools and the tests build, patch and pickle) stay
#: plain Python classes there; its functions and methods are compiled.
COMPILED = [f"cleaners/{name}.py" for name in (
    "decode", "extract", "duplicates", "boilerplate", "teasers", "language", "topic", "pipeline", "record", "types")]

#: The mypy that compiles. Pinned: mypyc's code is part of the output's correctness. mypy 2.x
#: compiles ``str.lower`` to a primitive that lowers a word-final capital sigma to "σ" where
#: Python gives "ς" (python/mypy#20948), and 1.19.1 has no such primitive (tests/test_compiled.py
#: holds the case, so a newer pin is proven by the same test).
MYPYC = "mypy==1.19.1"


class OptionalBuildExt(build_ext):
    """``build_ext`` that leaves the pure package when the extensions cannot be built."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as error:  # a compiler's or a linker's failure, whatever its class
            print(f"warning: cleaners/ not compiled ({error}); installing pure Python", file=sys.stderr)
            for path in self.get_outputs():  # what was built before the failure
                if os.path.exists(path):
                    os.remove(path)
            self.extensions = []


def compiled_extensions() -> list:
    """mypyc's extensions of :data:`COMPILED` when compiling, else none (mypyc's own failure:
    the pure package, with a warning)."""
    if not COMPILING:
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:  # pip asking for the build's requirements: mypy is installed next
        return []
    try:
        return mypycify(COMPILED, opt_level="3")
    except (Exception, SystemExit) as error:
        print(f"warning: cleaners/ not compiled ({error!r}); installing pure Python", file=sys.stderr)
        return []


#: Compiled when asked, never in an editable install.
COMPILING = os.environ.get("CLEAN_COMPILE") == "1" and "editable_wheel" not in sys.argv
setup(
    ext_modules=compiled_extensions(),
    cmdclass={"build_ext": OptionalBuildExt},
    # asked for only when compiling (setuptools' PEP 517 backend reports it to pip)
    setup_requires=[MYPYC] if COMPILING else [],
)
