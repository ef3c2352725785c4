"""environment.yml agrees with pyproject.toml and the Makefile's setup (conda cannot reach its channels here)."""
import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _env():
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def _all_requirements():
    proj = _pyproject()["project"]
    reqs = list(proj["dependencies"])
    for extra in proj.get("optional-dependencies", {}).values():
        reqs += extra
    return {Requirement(r).name.lower().replace("_", "-"): Requirement(r) for r in reqs}


def _makefile_extras():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    m = re.search(r"pip install -e '?\.\[([a-z0-9_,\- ]+)\]'?", text)
    assert m, "the Makefile's setup should install the project with `pip install -e '.[extras]'`"
    return sorted(x.strip() for x in m.group(1).split(","))


def test_environment_python_matches_requires_python():
    env_py = [d for d in _env()["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert len(env_py) == 1, "environment.yml should pin python exactly once"
    env_spec = SpecifierSet(env_py[0].removeprefix("python").strip())
    proj_spec = SpecifierSet(_pyproject()["project"]["requires-python"])
    assert env_spec == proj_spec, f"environment.yml says python{env_spec}, pyproject says {proj_spec}"


def test_environment_installs_the_project_with_the_makefile_extras():
    pip = [d["pip"] for d in _env()["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip) == 1, "environment.yml needs one pip: section"
    installs = [p for p in pip[0] if re.match(r"^-e\s+\.", p)]
    assert len(installs) == 1, f"environment.yml should install the project editable (-e .[...]), has {pip[0]}"
    m = re.search(r"\[([^\]]*)\]", installs[0])
    env_extras = sorted(x.strip() for x in m.group(1).split(",")) if m else []
    assert env_extras == _makefile_extras()
    declared = set(_pyproject()["project"]["optional-dependencies"])
    assert set(env_extras) <= declared, f"extras {set(env_extras) - declared} are not declared in pyproject"


def test_environment_needs_nothing_from_conda_but_python_and_pip():
    deps = [d for d in _env()["dependencies"] if isinstance(d, str)]
    names = sorted(re.split(r"[<>=! ]", d)[0] for d in deps)
    assert names == ["pip", "python"], f"conda cannot reach its channels here; keep conda deps to python and pip, got {names}"


def test_pyproject_lists_the_toolchain():
    reqs = _all_requirements()
    for name in ("jupyterlab", "nbval", "pandas", "matplotlib", "jupyter-book", "pytest", "hypothesis",
                 "pandera", "chinese-calendar", "openpyxl", "mplfonts", "ipywidgets"):
        assert name in reqs, f"pyproject.toml does not list {name}"
    jb = reqs["jupyter-book"].specifier
    assert "1.0.4" in jb and "2.0" not in jb and "2.1.0" not in jb, \
        f"jupyter-book must stay below 2 (2.x downloads its theme at build time); spec is {jb}"


def test_installed_versions_satisfy_pyproject():
    from importlib.metadata import PackageNotFoundError, version
    missing, wrong = [], []
    for name, req in _all_requirements().items():
        try:
            v = version(name)
        except PackageNotFoundError:
            missing.append(name)
            continue
        if req.specifier and not req.specifier.contains(v, prereleases=True):
            wrong.append(f"{name} {v} (wants {req.specifier})")
    assert not missing and not wrong, f"missing: {missing}; wrong versions: {wrong}"
