"""What a user installs: the wheel `make dist` builds carries every file of the package, and installed
alone in a fresh virtualenv (no pyspark) its `reconcile demo` runs from a folder outside the repository.
And the development lock pins everything pyproject.toml asks for, but the Spark extra."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from importlib.util import find_spec
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import REPO

PACKAGE = REPO / "reconcile"
LOCK = REPO / "requirements-dev.lock"
WINDOWS = os.name == "nt"


def clean_env() -> dict[str, str]:
    """This environment without what would make a child see the repository's code or this virtualenv
    (the suite runs with PYTHONPATH set to the work tree), and without the suite's key."""
    drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "RECONCILE_KEY", "PYTHONSTARTUP"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def package_files() -> set[str]:
    return {
        p.relative_to(REPO).as_posix()
        for p in PACKAGE.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built as `make dist` builds it: the source archive first, the wheel from that."""
    # from a copy of what the build reads: an egg-info left in the work tree by an earlier install would
    # otherwise add the files its SOURCES.txt lists, whatever pyproject.toml now says
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    shutil.copytree(PACKAGE, src / "reconcile", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
    out = tmp_path_factory.mktemp("dist")
    if find_spec("build"):  # the test extra has it
        command = [sys.executable, "-m", "build", "--outdir", str(out), str(src)]
    else:  # an environment made before it was: pip builds the same wheel, straight from the tree
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(out), str(src)]
    done = subprocess.run(command, capture_output=True, text=True, env=clean_env())
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (built,) = out.glob("reconcile-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_carries_every_file_of_the_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    ours = package_files()
    assert {Path(n).suffix for n in ours} >= {".py", ".sql", ".csv", ".toml", ".properties"}
    missing = sorted(ours - names)
    assert not missing, f"not in the wheel (add a glob to [tool.setuptools.package-data]): {missing}"


@pytest.mark.slow
def test_the_wheel_installs_alone_and_its_demo_runs_outside_the_repository(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir)
    bindir = env_dir / ("Scripts" if WINDOWS else "bin")
    python = bindir / ("python.exe" if WINDOWS else "python")
    env = clean_env()
    # pip installs into the new environment (--python: run by its interpreter) from this one, not a copy
    # of pip put there first; and compiles no bytecode, which the demo's imports write of what they use
    # (the two took 16 s of CPU, 40 s of the test on two busy cores)
    pip = [sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check"]
    done = subprocess.run(
        [*pip, "install", "--quiet", "--no-compile", str(wheel)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = elsewhere / "demo out"  # a space in the path, as in "C:\\Users\\Cán bộ\\Documents"
    command = bindir / ("reconcile.exe" if WINDOWS else "reconcile")
    demo = subprocess.run(
        [str(command), "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=elsewhere,
    )
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert (out / "report.xlsx").is_file() and (out / "demo.duckdb").is_file()

    # the installed package ran, not the repository's; `python -m reconcile` works too; no pyspark came with it
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib.util, reconcile; print(reconcile.__file__); "
            "print(importlib.util.find_spec('pyspark') is None)",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=elsewhere,
    )
    where, no_spark = probe.stdout.split()
    assert Path(where).resolve().is_relative_to(env_dir.resolve()), where
    assert no_spark == "True", "pyspark is installed with the wheel alone"
    version = subprocess.run(
        [str(python), "-m", "reconcile", "--version"], capture_output=True, text=True, env=env, cwd=elsewhere
    )
    assert version.returncode == 0 and "reconcile" in version.stdout, version.stdout + version.stderr


def locked() -> dict[str, set[str]]:
    """requirements-dev.lock: each package's pinned versions (one per line; a package may have two, by marker)."""
    pins: dict[str, set[str]] = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            pins.setdefault(canonicalize_name(req.name), set()).update(s.version for s in req.specifier)
    return pins


def test_the_lock_pins_every_dependency_of_the_tool_and_of_the_test_dev_and_docs_extras():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    wanted = [Requirement(r) for r in project["dependencies"] + extras["test"] + extras["dev"] + extras["docs"]]
    pins = locked()
    stale = [
        str(r)
        for r in wanted
        if not any(r.specifier.contains(v, prereleases=True) for v in pins.get(canonicalize_name(r.name), ()))
    ]
    assert not stale, f"not pinned in {LOCK.name} at a version pyproject.toml allows: {stale}; run `make lock`"
    # make install brings no Spark: its extra is not in the lock
    assert not [r for r in extras["spark"] if canonicalize_name(Requirement(r).name) in pins]
