"""tools/nbval_plugin.py: a notebook kernel that dies at start is started again; nothing else is retried."""
import sys

import pytest

pytest.importorskip("nbval")


@pytest.fixture
def plugin(monkeypatch):
    """The plugin, imported without leaving its module patches on this process."""
    import nbval.plugin

    monkeypatch.setattr(nbval.plugin, "RunningKernel", nbval.plugin.RunningKernel)
    monkeypatch.setitem(sys.modules, "rfc3987_syntax", sys.modules.get("rfc3987_syntax"))
    monkeypatch.delitem(sys.modules, "tools.nbval_plugin", raising=False)
    import tools.nbval_plugin as module
    return module


def starts(plugin, monkeypatch, failures):
    """Replace the kernel start with one that fails with each of `failures` in turn, then succeeds."""
    calls = []

    def start_new_kernel(**kwargs):
        calls.append(kwargs)
        if len(calls) <= len(failures):
            kwargs["stderr"].write("zmq.error.ZMQError: Address already in use\n")
            raise RuntimeError(failures[len(calls) - 1])
        return "km", "kc"

    monkeypatch.setattr(plugin, "start_new_kernel", start_new_kernel)
    monkeypatch.setattr(plugin.RetriedStartKernel, "_ensure_iopub_up", lambda self: None)
    return calls


def test_installed_in_place_of_nbvals_kernel(plugin):
    import nbval.kernel
    import nbval.plugin
    assert nbval.plugin.RunningKernel is plugin.RetriedStartKernel
    # nbval's own start, which knows the kernel --nbval-current-env names (jupyter_client's does not)
    assert plugin.start_new_kernel is nbval.kernel.start_new_kernel


def test_a_kernel_that_dies_at_start_is_started_again_with_a_warning(plugin, monkeypatch):
    calls = starts(plugin, monkeypatch, ["Kernel died before replying to kernel_info"])
    with pytest.warns(UserWarning, match="died at start .*Address already in use"):
        kernel = plugin.RetriedStartKernel("python3", cwd="notebooks")
    assert (kernel.km, kernel.kc) == ("km", "kc")
    assert len(calls) == 2 and calls[1]["cwd"] == "notebooks"


def test_a_kernel_that_keeps_dying_fails_after_the_last_attempt(plugin, monkeypatch):
    calls = starts(plugin, monkeypatch, ["Kernel died before replying to kernel_info"] * plugin.ATTEMPTS)
    with pytest.warns(UserWarning), pytest.raises(RuntimeError, match="died before replying"):
        plugin.RetriedStartKernel("python3", cwd="notebooks")
    assert len(calls) == plugin.ATTEMPTS


def test_other_start_failures_are_not_retried(plugin, monkeypatch):
    calls = starts(plugin, monkeypatch, ["Kernel didn't respond in 60 seconds"])
    with pytest.raises(RuntimeError, match="didn't respond"):
        plugin.RetriedStartKernel("python3", cwd="notebooks")
    assert len(calls) == 1
