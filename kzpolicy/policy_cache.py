"""Validated policies kept between processes, so that a one-firm command does not re-read them.

Reading and validating a policy folder (27 YAML files, every key checked) costs a process
about 0.3 s; a clerk's ``kzpolicy assess`` needs 0.05 s for everything else it does. So
:func:`kzpolicy.policy.get_policy` keeps the validated policy in the user's cache folder
(``$KZPOLICY_CACHE_DIR``, else ``$XDG_CACHE_HOME/kzpolicy``, else ``~/.cache/kzpolicy``).

A cached policy is used only when nothing it was made from has changed: the file name
holds a hash of the bytes of every file of the policy folders (the one loaded and
``kzpolicy/policies``, which a compared policy is checked against), of kzpolicy's own
source files (the models and checks that validated it), of the folder's path and of
the Python and pydantic versions. Anything else is a miss, and the folder is read and
validated as always (errors are raised from the YAML, never from the cache). A cache
file that cannot be read is ignored and replaced; a cache folder that cannot be written
is not used. ``KZPOLICY_CACHE=off`` turns the cache off.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Callable, Optional

FORMAT = 1
PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Optional[Path]:
    """The cache folder, or None when the cache is off."""
    if os.environ.get("KZPOLICY_CACHE", "").strip().lower() in ("0", "off", "no", "false"):
        return None
    base = os.environ.get("KZPOLICY_CACHE_DIR")
    if not base:
        base = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "kzpolicy")
    return Path(base)


def _files(root: Path):
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def fingerprint(folder: Path) -> str:
    """Hash of everything a validated policy of ``folder`` depends on (see the module docstring)."""
    import pydantic

    h = hashlib.blake2b(digest_size=16)
    h.update(f"{FORMAT}|{sys.version}|{pydantic.VERSION}|{folder}".encode())
    code = [p for p in _files(PACKAGE) if p.suffix == ".py"]
    data = _files(PACKAGE / "policies")
    if PACKAGE / "policies" not in folder.parents:
        data += _files(folder)
    for p in code + data:
        h.update(str(p).encode() + b"\0")
        h.update(p.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def cached(folder: Path, load: Callable[[], object], kind: type):
    """``load()``'s result for ``folder``, from the cache when nothing it depends on has changed."""
    d = cache_dir()
    if d is None:
        return load()
    try:
        key = fingerprint(folder)
    except OSError:
        return load()
    stem = f"{folder.name}-{hashlib.blake2b(str(folder).encode(), digest_size=4).hexdigest()}"
    path = d / f"{stem}-{key}.pickle"
    try:
        with open(path, "rb") as fh:
            obj = pickle.load(fh)
        if isinstance(obj, kind):
            return obj
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a damaged or outdated cache file is rebuilt from the YAML
        pass
    obj = load()
    tmp = None
    try:
        d.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-", suffix=".pickle")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: a reader sees the old file or the new one, never half of one
        tmp = None
        for old in d.glob(f"{stem}-*.pickle"):  # earlier versions of the same folder are not needed
            if old != path:
                old.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - not writing the cache only costs the next process the validation
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return obj
