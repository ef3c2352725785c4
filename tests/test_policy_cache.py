"""The on-disk cache of validated policies is used only when nothing it was made from changed."""
import os
import shutil
import subprocess
import sys

import pytest

from kzpolicy import policy as P
from kzpolicy import policy_cache
from kzpolicy.policy import POLICIES_DIR, PolicyError

KAIZHOU = "kaizhou_2023_27"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("KZPOLICY_CACHE_DIR", str(d))
    monkeypatch.delenv("KZPOLICY_CACHE", raising=False)
    monkeypatch.setattr(P, "_CACHE", {})
    return d


def _amount(pol):
    return pol.param("art01.above_scale_enter.amount").at("2023-12-31")


def test_a_cached_policy_equals_the_validated_one(cache):
    fresh = P.load_policy(KAIZHOU)
    first = P.get_policy()
    assert len(list(cache.glob("*.pickle"))) == 1
    P._CACHE.clear()
    again = P.get_policy()  # from the cache file
    for pol in (first, again):
        assert [it.id for it in pol.items()] == [it.id for it in fresh.items()]
        assert {it.id: it.model_dump() for it in pol.items()} == {it.id: it.model_dump() for it in fresh.items()}
        assert pol.readings() == fresh.readings() and pol.meta == fresh.meta
    # the cached policy still validates changes like the YAML
    with pytest.raises(PolicyError):
        again.with_parameters({"art01.above_scale_enter.amount": -1})


def test_an_edited_policy_file_is_read_again(cache, tmp_path):
    folder = tmp_path / "pol"
    shutil.copytree(POLICIES_DIR / KAIZHOU, folder)
    assert _amount(P.get_policy(str(folder))) == 200000
    f = next((folder / "articles").glob("art01_*.yaml"))
    f.write_text(f.read_text(encoding="utf-8").replace("2023-05-30: 200000", "2023-05-30: 300000"), encoding="utf-8")
    P._CACHE.clear()
    assert _amount(P.get_policy(str(folder))) == 300000
    assert len(list(cache.glob("pol-*.pickle"))) == 1, "the outdated cache file is removed"
    # a broken edit is an error from the YAML, never a stale answer from the cache
    f.write_text(f.read_text(encoding="utf-8").replace("2023-05-30: 300000", "2023-05-30: -5"), encoding="utf-8")
    P._CACHE.clear()
    with pytest.raises(PolicyError):
        P.get_policy(str(folder))


def test_a_damaged_cache_file_is_rebuilt(cache):
    P.get_policy()
    (path,) = cache.glob("*.pickle")
    path.write_bytes(b"not a pickle")
    P._CACHE.clear()
    assert _amount(P.get_policy()) == 200000
    assert path.read_bytes() != b"not a pickle"


def test_the_cache_can_be_turned_off(cache, monkeypatch):
    monkeypatch.setenv("KZPOLICY_CACHE", "off")
    assert _amount(P.get_policy()) == 200000
    assert not cache.exists()


def test_an_unwritable_cache_folder_is_not_used(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("KZPOLICY_CACHE_DIR", str(blocker / "cache"))  # a folder inside a file: cannot be made
    monkeypatch.setattr(P, "_CACHE", {})
    assert _amount(P.get_policy()) == 200000


def test_the_key_covers_the_code_and_the_data(tmp_path):
    folder = tmp_path / "pol"
    shutil.copytree(POLICIES_DIR / KAIZHOU, folder)
    k = policy_cache.fingerprint(folder)
    assert policy_cache.fingerprint(folder) == k
    (folder / "interpretations.yaml").write_text((folder / "interpretations.yaml").read_text(encoding="utf-8") + "\n",
                                                   encoding="utf-8")
    assert policy_cache.fingerprint(folder) != k
    src = policy_cache.PACKAGE / "policy.py"
    assert src in [p for p in policy_cache._files(policy_cache.PACKAGE)]


def test_a_fresh_process_reads_the_cache(cache):
    env = dict(os.environ, KZPOLICY_CACHE_DIR=str(cache))
    code = "from kzpolicy import get_policy; print(get_policy())"
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert "kaizhou_2023_27" in out.stdout
    assert len(list(cache.glob("*.pickle"))) == 1
