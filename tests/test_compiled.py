"""The compiled build (``CLEAN_COMPILE=1 pip install .``: setup.py) cleans as the sources do.

The package is built once, the way a user builds it (pip, isolated: it fetches setup.py's pinned
mypy), into a temporary folder. ``clean`` then runs over the same inputs on the sources and on
the build, each in a process of its own, and their records must be equal byte for byte. The
inputs: the seeds; ``tests/data/compiled`` (a Greek article whose dropped tail lists lower-cased
words that end in a capital sigma, which a build by mypy 2.4 lowers wrongly; Turkish capitals,
mojibake, Latin-1 without a declaration, Chinese, an HTML page, random bytes, an empty file); and,
where the benchmark's data is present, its ScrapingHub text dumps and HTML pages.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from bench.corpora import resolve_bench_dir

from .conftest import PROJECT, SEEDS, read_jsonl

CASES = PROJECT / "tests" / "data" / "compiled"
#: What pip's build of the package reads: everything else of the checkout stays out of the copy.
BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "cleaners", "flows", "bench", "stubs")


def _compiled_modules() -> list[str]:
    """The module names setup.py compiles: its ``COMPILED`` list (``cleaners/<name>.py`` for each
    name of a tuple), read without running setup.py."""
    for node in ast.parse((PROJECT / "setup.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["COMPILED"]:
            assert isinstance(node.value, ast.ListComp)
            return list(ast.literal_eval(node.value.generators[0].iter))
    raise AssertionError("setup.py declares no COMPILED")


def _has_c_toolchain() -> bool:
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    return shutil.which(compiler) is not None and headers.exists()


def _copy_build_inputs(source: Path) -> None:
    for name in BUILD_INPUTS:
        path = PROJECT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.so"))
        else:
            source.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, source / name)


def _install(tmp: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``pip install --target tmp/site`` of a copy of the package's build inputs."""
    source = tmp / "source"
    _copy_build_inputs(source)
    return subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-v", "--target",
         str(tmp / "site"), str(source)],
        env={**os.environ, **env}, capture_output=True, text=True, timeout=900)


def _module_files(pythonpath: Path, modules: list[str], cwd: Path) -> list[str]:
    """Where a process with ``pythonpath`` first on its path imports ``cleaners.<module>`` from."""
    code = ("import importlib, sys\n"
            "for name in sys.argv[1:]: print(importlib.import_module('cleaners.' + name).__file__)")
    done = subprocess.run([sys.executable, "-c", code, *modules], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(pythonpath)}, check=True)
    return done.stdout.split()


def _clean(pythonpath: Path, inputs: list[Path], out: Path) -> dict[str, bytes]:
    """``clean inputs --out out`` in a process whose ``cleaners`` comes from ``pythonpath`` (run
    outside the project: ``python -c`` puts its working folder ahead of ``PYTHONPATH``)."""
    code = "import sys; from flows.cli import main; sys.exit(main(sys.argv[1:]))"
    subprocess.run([sys.executable, "-c", code, *map(str, inputs), "--out", str(out), "--quiet"],
                   cwd=out.parent, env={**os.environ, "PYTHONPATH": str(pythonpath)}, check=True, timeout=900)
    return {name: (out / name).read_bytes() for name in ("articles.jsonl", "rejected.jsonl")}


@pytest.fixture(scope="module")
def compiled_site(tmp_path_factory) -> Path:
    """The package built with ``CLEAN_COMPILE=1``, installed into a folder of its own."""
    if not _has_c_toolchain():
        pytest.skip("no C compiler or Python headers: a compiled build installs the pure package")
    tmp = tmp_path_factory.mktemp("compiled")
    done = _install(tmp, {"CLEAN_COMPILE": "1"})
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return tmp / "site"


def test_the_compiled_build_holds_an_extension_for_each_module_setup_names(compiled_site):
    modules = _compiled_modules()
    assert modules
    files = _module_files(compiled_site, modules, compiled_site.parent)
    assert all(Path(file).parent == compiled_site / "cleaners" for file in files), files
    assert all(file.endswith(sysconfig.get_config_var("EXT_SUFFIX")) for file in files), files


def test_the_compiled_records_stay_plain_python_classes(compiled_site):
    """types.py is compiled, its classes are not: a Block made by a compiled step is a frozen
    dataclass that pickles, an enum member is an Enum's, and an Article pickles whole (what
    Dask and the worker processes send)."""
    code = """if True:
        import dataclasses, enum, pickle, sys
        import cleaners.types as t
        from cleaners.pipeline import clean_document
        assert t.__file__.endswith(sys.argv[1]), t.__file__
        article = clean_document(b"Home\\nThe council met on Monday and approved the budget for the schools.", "a.txt")
        block = article.blocks[0]
        assert type(block) is t.Block and dataclasses.is_dataclass(block) and not hasattr(block, "__dict__")
        try:
            block.text = "x"
        except dataclasses.FrozenInstanceError:
            pass
        else:
            raise AssertionError("a Block is frozen")
        assert isinstance(t.Reason.BOILERPLATE, enum.Enum) and t.Reason("boilerplate") is t.Reason.BOILERPLATE
        assert pickle.loads(pickle.dumps(article)) == article
        print("plain")
    """
    done = subprocess.run([sys.executable, "-c", code, sysconfig.get_config_var("EXT_SUFFIX")],
                          cwd=compiled_site.parent, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(compiled_site)})
    assert done.returncode == 0 and done.stdout.split() == ["plain"], done.stdout + done.stderr


def test_the_benchmark_reports_the_compiled_build_it_runs(compiled_site):
    code = "import json; from bench.speed import cleaners_build; print(json.dumps(cleaners_build()))"
    done = subprocess.run([sys.executable, "-c", code], cwd=compiled_site.parent, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(compiled_site)}, check=True)
    build = json.loads(done.stdout)
    assert build["kind"] == "compiled" and build["compiled"] == sorted(_compiled_modules()), build


def test_the_compiled_build_writes_the_records_the_sources_write(compiled_site):
    inputs = [SEEDS, CASES]
    bench = resolve_bench_dir() / "scrapinghub_aeb"
    if bench.is_dir():
        inputs += [bench / "text", bench / "html"]
    work = compiled_site.parent
    (work / "pure").mkdir()
    (work / "built").mkdir()
    pure = _clean(PROJECT, inputs, work / "pure" / "out")
    built = _clean(compiled_site, inputs, work / "built" / "out")
    assert pure == built
    articles = read_jsonl(work / "pure" / "out" / "articles.jsonl")
    # the case that tells builds apart: off-topic evidence holding a word lowered from a final capital sigma
    greek = next(a for a in articles if a["source"]["path"].endswith("el_earthquake.txt"))
    unshared = [word for fragment in greek["removed"] if fragment["reason"] == "off_topic"
                for word in fragment["evidence"]["unshared_terms"]]
    assert "ολυμπιακος" in unshared, unshared
    assert sorted(p["source"]["path"].rsplit("/", 1)[-1] for p in read_jsonl(work / "pure" / "out" / "rejected.jsonl")
                  if p["source"]["path"].startswith(str(CASES))) == ["empty.txt", "garbage.txt"]


def test_a_build_that_cannot_compile_installs_the_pure_package_with_a_warning(tmp_path):
    done = _install(tmp_path, {"CLEAN_COMPILE": "1", "CC": "false-c-compiler"})
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "cleaners/ not compiled" in done.stdout + done.stderr
    site = tmp_path / "site"
    assert not list(site.rglob("*.so"))
    files = _module_files(site, _compiled_modules(), tmp_path)
    assert all(file.endswith(".py") and Path(file).parent == site / "cleaners" for file in files), files


def test_an_editable_install_stays_pure_when_a_compiled_build_is_asked(tmp_path):
    source = tmp_path / "source"
    _copy_build_inputs(source)
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True)
    done = subprocess.run([str(tmp_path / "venv" / "bin" / "python"), "-m", "pip", "install", "--no-deps", "-e",
                           str(source)], env={**os.environ, "CLEAN_COMPILE": "1"}, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert not list(source.rglob("*.so")) and not list((tmp_path / "venv").rglob("*__mypyc*"))
