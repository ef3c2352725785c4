"""The package's one YAML loader (kzpolicy.yamlio): safe, bounded, numbers as written, one typed error.

Every test feeds the hostile text a user could write and checks the answer a user sees:
a YamlError (a ValueError) naming the file and line, quickly, or the value as written.
"""
import datetime as dt
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzpolicy import yamlio
from kzpolicy.yamlio import YamlError, load, loads


def _err(text, source="f.yaml") -> YamlError:
    with pytest.raises(YamlError) as e:
        loads(text, source=source)
    assert isinstance(e.value, ValueError)
    assert str(e.value).startswith(source), str(e.value)
    return e.value


# --------------------------------------------------------------------------- numbers as written
def test_yaml_1_1_surprises_are_switched_off():
    d = loads("a: 03000000\nb: yes\nc: no\nd: on\ne: off\nf: 0x1A\ng: 1_000\nh: 1:30\ni: 0o17\nj: y\n")
    assert d == {"a": "03000000", "b": "yes", "c": "no", "d": "on", "e": "off", "f": "0x1A", "g": "1_000",
                 "h": "1:30", "i": "0o17", "j": "y"}


def test_plain_numbers_dates_and_booleans_still_read():
    d = loads("a: 3000000\nb: -5\nc: 0.05\nd: 1.0e+19\ne: 2e3\nf: true\ng: False\nh: 2023-05-30\ni: ~\nj: 0\n"
              "k: {2023-05-30: 200000}\n")
    assert d == {"a": 3000000, "b": -5, "c": 0.05, "d": 1.0e19, "e": 2000.0, "f": True, "g": False,
                 "h": dt.date(2023, 5, 30), "i": None, "j": 0, "k": {dt.date(2023, 5, 30): 200000}}
    assert type(d["a"]) is int and type(d["f"]) is bool


@pytest.mark.parametrize("text", ["a: .nan", "a: .NaN", "a: -.inf", "a: .Inf", "a: !!float nan", "a: !!float inf"])
def test_nan_and_infinity_are_refused(text):
    assert "NaN and infinity are not accepted" in str(_err(text))


@pytest.mark.parametrize("text, must", [("a: !!int 0x1A", "decimal"), ("a: !!int 017", None), ("a: !!bool yes", "true or false")])
def test_explicit_tags_do_not_bring_back_octal_or_yes(text, must):
    if must is None:
        assert loads(text) == {"a": 17}  # decimal, never octal 15
    else:
        assert must in str(_err(text))


@pytest.mark.parametrize("text, line", [("x: 1\nvalues: {2023-02-30: 1}", 2), ("d: 2023-13-01", 1)])
def test_impossible_date_is_refused_with_its_line(text, line):
    e = _err(text)
    assert e.line == line and "not a real date" in str(e) and f"line {line}" in str(e)


# --------------------------------------------------------------------------- duplicates
def test_duplicate_key_is_refused_naming_key_path_and_both_lines():
    e = _err("firm:\n  id: A\n  industry: manufacturing\n  id: B\n")
    msg = str(e)
    assert "firm.id" in msg and "appears twice" in msg and "lines 2 and 4" in msg and e.line == 4


def test_duplicate_key_in_a_list_item_names_the_index():
    assert "events[1].code" in str(_err("events:\n- {code: a}\n- {code: a, code: b}\n"))


def test_keys_equal_after_reading_are_duplicates_too():
    assert "appears twice" in str(_err("a: {1: x, +1: y}"))


def test_merge_key_is_not_a_duplicate():
    assert loads("b: &b {x: 1, y: 2}\nd:\n  <<: *b\n  x: 3\n")["d"] == {"x": 3, "y": 2}


# --------------------------------------------------------------------------- bounds, aliases, recursion
def _laughs(levels=9, width=10):
    lines = ["l0: &l0 [" + ",".join(["lol"] * width) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_fast_with_a_short_message():
    t = time.perf_counter()
    e = _err(_laughs())
    assert time.perf_counter() - t < 1.0
    assert len(str(e)) < 300


def test_too_many_aliases_is_refused():
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * (yamlio.MAX_ALIASES + 1)) + "]\n"
    assert "aliases" in str(_err(text))


def test_a_few_aliases_are_fine():
    assert loads("a: &a {x: 1}\nb: *a\nc: *a\n") == {"a": {"x": 1}, "b": {"x": 1}, "c": {"x": 1}}


@pytest.mark.parametrize("text", ["a: &a [*a]", "a: &a {b: *a}", "a: &a [1, [2, *a]]"])
def test_recursive_alias_is_refused(text):
    assert "recursive alias" in str(_err(text))


@pytest.mark.parametrize("text", ["[" * 10000 + "]" * 10000, "a: " + "{b: " * 5000 + "1" + "}" * 5000,
                                  "".join(" " * i + "- \n" for i in range(0, 3000, 2))])
def test_deep_nesting_is_refused_without_recursion_error(text):
    t = time.perf_counter()
    assert "nest" in str(_err(text))  # ours, or libyaml's own "exceeded maximum nesting depth"
    assert time.perf_counter() - t < 1.0


def test_oversized_file_is_refused_before_reading(tmp_path):
    f = tmp_path / "big.yaml"
    f.write_bytes(b"a: " + b"x" * (yamlio.MAX_BYTES + 1))
    with pytest.raises(YamlError, match="at most"):
        load(f)


# --------------------------------------------------------------------------- tags, syntax, messages
@pytest.mark.parametrize("text", ["!!python/object/apply:os.system ['echo hi']", "a: !!python/name:os.system ''",
                                  "a: !!python/tuple [1, 2]"])
def test_python_tags_are_refused_with_a_clear_message(text):
    msg = str(_err(text))
    assert "Python" in msg and "never allowed" in msg


@pytest.mark.parametrize("text", ["a: !foo 1", "a: !!binary aGVsbG8=", "a: !!set {x}", "a: !!omap [{a: 1}]"])
def test_other_tags_are_refused(text):
    assert "is not allowed here" in str(_err(text))


def test_syntax_errors_name_the_line_and_stay_short():
    e = _err("a: 1\nb: [1, 2\nc: " + "x" * 5000)
    assert e.line is not None and len(str(e)) < 400


def test_excerpt_cuts_and_escapes():
    s = yamlio.excerpt("=" + "x" * 500 + "\x07")
    assert len(s) <= yamlio.EXCERPT + 2 and "\x07" not in s


def test_file_errors_are_yaml_errors(tmp_path):
    with pytest.raises(YamlError, match="file not found"):
        load(tmp_path / "missing.yaml")
    with pytest.raises(YamlError, match="folder"):
        load(tmp_path)
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01\x02\xff\xfe")
    with pytest.raises(YamlError):
        load(tmp_path / "bin.yaml")


def test_gbk_and_utf16_files_are_read(tmp_path):
    (tmp_path / "g.yaml").write_bytes("名称: 开州\n".encode("gbk"))
    (tmp_path / "u.yaml").write_bytes("名称: 开州\n".encode("utf-16"))
    (tmp_path / "b.yaml").write_bytes("名称: 开州\n".encode("utf-8-sig"))
    for f in ("g", "u", "b"):
        assert load(tmp_path / f"{f}.yaml") == {"名称": "开州"}
    assert yamlio.read_text(tmp_path / "g.yaml")[1] == "GB18030"


def test_every_package_yaml_loads_with_the_one_loader():
    """The switch to the strict loader changed no value in the package's own files (no yes/no, no octal)."""
    from pathlib import Path

    import yaml
    root = Path(yamlio.__file__).parent
    files = sorted(root.rglob("*.yaml")) + sorted((root.parent / "scenarios").glob("*.yaml")) + \
        sorted((root.parent / "tests" / "cases").glob("*.yaml"))
    assert len(files) > 50
    for f in files:
        assert load(f) == yaml.safe_load(f.read_text(encoding="utf-8")), f


# --------------------------------------------------------------------------- fuzz
_TOKENS = list("ab01:-[]{},&*!?'\"#|>%@`\n .~<\t") + ["yes", "2023-02-30", "!!python/", "&a ", "*a", "<<: ", ".nan",
                                                       "03000000", "\n  ", "\n- "]
_yamlish = st.lists(st.sampled_from(_TOKENS), max_size=80).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(_yamlish, st.text(max_size=200)))
def test_fuzz_any_text_parses_or_gives_one_clean_error(text):
    try:
        loads(text, source="fuzz.yaml")
    except YamlError as e:
        msg = str(e)
        assert msg.startswith("fuzz.yaml") and len(msg) < 600


# --------------------------------------------------------------------------- fuzz: the scenario loader
_scalar = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=12), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)))
_param_keys = st.sampled_from(["art05.equipment_subsidy.rate", "art05.equipment_subsidy.cap", "art01.above_scale_enter.amount",
                               "art05.equipment_subsidy.rat", "nope", "art99.x.y", "art11.rd_subsidy.stock_rate"])
_values = st.one_of(_scalar, st.dictionaries(st.one_of(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
                                                       st.text(max_size=12)), _scalar, max_size=3))
_scenarios = st.fixed_dictionaries(
    {"name": st.one_of(st.text(min_size=1, max_size=10), _scalar)},
    optional={"parameters": st.one_of(st.dictionaries(_param_keys, _values, max_size=3), _scalar),
              "readings": st.one_of(st.dictionaries(st.sampled_from(["publication-date", "no-such", "art11-rates"]),
                                                    st.one_of(st.sampled_from(["from_year_start", "x"]), _scalar), max_size=2),
                                    _scalar),
              "description": _scalar})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(_scenarios)
def test_fuzz_scenario_file_loads_or_gives_one_clean_error(tmp_path, data):
    """Any scenario file: a Scenario whose policy builds, or a ValueError naming the file. Never another exception."""
    import yaml as pyyaml

    from kzpolicy.simulate import Scenario
    f = tmp_path / "fuzz_scenario.yaml"
    f.write_text(pyyaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    try:
        sc = Scenario.load(f)
        sc.policy()
    except ValueError as e:  # YamlError, ScenarioError, PolicyError
        assert "fuzz_scenario.yaml" in str(e), str(e)


# --------------------------------------------------------------------------- fuzz: the policy folder loader
_MUTATIONS = st.sampled_from(["delete", "duplicate", "replace", "indent", "truncate"])
_TOKENS_P = st.sampled_from(["yes", "03000000", ".nan", "-1", "1.0e+19", "2023-02-30", "!!python/name:os.system ''",
                             "&a [*a]", "{", "null", "''", "[]", "{}", "20万", "0.05", "true", "\t", "x: y"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.integers(0, 3), _MUTATIONS, st.integers(0, 10**6), _TOKENS_P)
def test_fuzz_policy_folder_loads_or_names_the_file(tmp_path_factory, which, how, where, token):
    """Mutate one file of a copy of a small peer policy: it loads, or PolicyError names the mutated file."""
    import shutil

    from kzpolicy.policy import POLICIES_DIR, PolicyError, load_policy
    folder = tmp_path_factory.mktemp("pol") / "changfeng"
    shutil.copytree(POLICIES_DIR / "changfeng", folder)
    files = [folder / "policy.yaml"] + sorted((folder / "articles").glob("*.yaml"))
    f = files[which % len(files)]
    lines = f.read_text(encoding="utf-8").split("\n")
    i = where % len(lines)
    if how == "delete":
        del lines[i]
    elif how == "duplicate":
        lines.insert(i, lines[i])
    elif how == "replace":
        head, sep, _ = lines[i].partition(": ")
        lines[i] = f"{head}{sep or ': '}{token}"
    elif how == "indent":
        lines[i] = "  " + lines[i]
    else:
        lines = lines[:i]
    f.write_text("\n".join(lines), encoding="utf-8")
    try:
        load_policy(folder)
    except PolicyError as e:
        for line in str(e).split("\n"):  # every problem names the mutated file (or the folder, for cross-file checks)
            assert f.name in line or str(folder) in line, line


def test_find_line_points_at_a_key_path(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("article: 5\nitems:\n  x:\n    kind: k\n    list:\n      - a\n      - {b: 1}\n    values: {2023-05-30: 1}\n",
                 encoding="utf-8")
    assert yamlio.find_line(f, ["items", "x", "kind"]) == 4
    assert yamlio.find_line(f, ["items", "x", "list", 1, "b"]) == 7
    assert yamlio.find_line(f, ["items", "x", "values", "2023-05-30"]) == 8
    assert yamlio.find_line(f, ["items", "x", "cite"]) == 3  # missing: the deepest part that exists
    assert yamlio.find_line(tmp_path / "missing.yaml", ["a"]) is None


def test_policy_validation_errors_name_the_line(tmp_path):
    import shutil

    from kzpolicy.policy import POLICIES_DIR, PolicyError, load_policy
    folder = tmp_path / "changfeng"
    shutil.copytree(POLICIES_DIR / "changfeng", folder)
    f = sorted((folder / "articles").glob("*.yaml"))[0]
    lines = f.read_text(encoding="utf-8").split("\n")
    i = next(n for n, x in enumerate(lines) if x.strip().startswith("kind:"))
    lines[i] = lines[i].replace("kind:", "kinnd:")
    f.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(PolicyError, match=rf"{f.name}, line {i + 1}: .*unknown key 'kinnd'"):
        load_policy(folder)


def test_policy_compared_with_an_unknown_policy_names_the_file(tmp_path):
    """Found by the fuzz test: compared_with: yes named no file."""
    import shutil

    from kzpolicy.policy import POLICIES_DIR, PolicyError, load_policy
    folder = tmp_path / "changfeng"
    shutil.copytree(POLICIES_DIR / "changfeng", folder)
    f = folder / "policy.yaml"
    f.write_text(re.sub(r"compared_with: .*", "compared_with: yes", f.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(PolicyError, match=r"policy\.yaml: compared_with 'yes': no policy folder"):
        load_policy(folder)


@pytest.mark.parametrize("text, refused", [
    ("1999999.9999999999", True),  # a float reads it as 2000000.0: article 5's floor would be met
    ("0.79999999999999999999", True),  # a float reads it as 0.8: the 80 % progress threshold would be met
    ("3000000.0000000000000", False),  # exact, however long
    ("0.30000000000000004", False),  # a float's own digits
    ("0.85", False),
])
def test_a_float_with_more_digits_than_a_float_holds_is_refused_naming_its_line(text, refused):
    """hostile (session 17): numbers are read as written or refused, never read as the neighbouring float."""
    src = f"firm:\n  id: F1\nvalue: {text}\n"
    if refused:
        with pytest.raises(yamlio.YamlError, match=r"line 3: .*more digits than a number here can hold exactly"):
            yamlio.loads(src)
    else:
        assert yamlio.loads(src)["value"] == float(text)
