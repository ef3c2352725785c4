"""The one YAML loader of the package (profiles, scenarios, policies, representative firms, cases).

Safe by construction:

* ``yaml.SafeLoader`` rules (the C parser when available): no Python objects; a
  ``!!python/...`` or any unknown tag is refused with a plain message.
* A repeated key is refused, naming the key path and both lines.
* Bounded: at most :data:`MAX_BYTES` of text, :data:`MAX_ALIASES` aliases,
  :data:`MAX_DEPTH` levels of nesting and :data:`MAX_NODES` values once aliases
  are expanded (a "billion laughs" file is refused in milliseconds); a recursive
  alias is refused. Nothing here can raise ``RecursionError``.
* Numbers read as written. YAML 1.1 surprises are switched off: only
  ``true``/``false`` are booleans (``yes``, ``no``, ``on``, ``off`` stay text, so
  the field that expects a number or a 是/否 decides); an integer is decimal
  digits without a leading zero (``03000000`` stays the text ``"03000000"``, never
  octal 786432; ``0x1A``, ``1_000`` and ``1:30`` stay text); ``.nan`` and
  ``.inf`` are refused; an impossible date such as ``2023-02-30`` is refused
  naming its line.
* Every failure is one :class:`YamlError` (a ``ValueError``) naming the file and
  line; values quoted in messages are cut to a short excerpt.
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
import re
from pathlib import Path
from typing import Any, Optional, Tuple, Union

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import BaseResolver

__all__ = ["YamlError", "load", "loads", "read_text", "excerpt", "inexact",
           "MAX_BYTES", "MAX_ALIASES", "MAX_DEPTH", "MAX_NODES"]

MAX_BYTES = 5 * 1024 * 1024   # 5 MB: far above any profile, policy or scenario
MAX_ALIASES = 100
MAX_DEPTH = 64
MAX_NODES = 1_000_000         # values after expanding aliases
EXCERPT = 60


def inexact(written, x: float) -> bool:
    """Whether the float ``x`` read from ``written`` (a number's text, or a ``Decimal``) is another number than the
    one written, compared as decimals: ``"1999999.9999999999"`` is not 2000000.0. The package's one such check (YAML
    here; CSV, Excel and object columns in kzpolicy/facts.py)."""
    try:
        return Decimal(written) != Decimal(repr(float(x)))
    except ArithmeticError:  # not a decimal Decimal reads (float accepted it): nothing to compare
        return False


class YamlError(ValueError):
    """A YAML file cannot be read. ``str()`` names the file and line; ``.reason`` is the bare reason."""

    def __init__(self, reason: str, source: Optional[str] = None, line: Optional[int] = None):
        self.reason = reason
        self.source = source
        self.line = line  # 1-based, or None
        where = source or "YAML text"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {reason}")


def excerpt(value: Any, limit: int = EXCERPT) -> str:
    """``value`` as a short quoted text for a message: at most ``limit`` characters, control characters escaped."""
    s = value if isinstance(value, str) else repr(value)
    s = s.encode("unicode_escape").decode("ascii") if any(ord(c) < 32 or ord(c) == 127 for c in s) else s
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return f"'{s}'"


# --------------------------------------------------------------------------- resolver: numbers as written
class _Resolver(BaseResolver):
    """YAML 1.1 implicit types, minus the surprises (see module docstring)."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[-+]?[0-9]+[eE][-+]?[0-9]+"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))
_Resolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    re.compile(r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
                    |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?
                     (?:[Tt]|[ \t]+)[0-9][0-9]?
                     :[0-9][0-9] :[0-9][0-9] (?:\.[0-9]*)?
                     (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""", re.X),
    list("0123456789"))


# --------------------------------------------------------------------------- constructor: strict
def _line(node) -> Optional[int]:
    m = getattr(node, "start_mark", None)
    return None if m is None else m.line + 1


class _Constructor(SafeConstructor):
    source: Optional[str] = None

    def _fail(self, node, reason):
        raise YamlError(reason, self.source, _line(node))

    def construct_yaml_int(self, node):
        text = str(self.construct_scalar(node)).strip()
        if not re.fullmatch(r"[-+]?[0-9]+", text):
            self._fail(node, f"{excerpt(text)} is not a whole number written in decimal digits")
        return int(text, 10)

    def construct_yaml_float(self, node):
        text = str(self.construct_scalar(node)).strip()
        if text.lower().lstrip("+-") in (".nan", ".inf", "nan", "inf", "infinity"):
            self._fail(node, f"{excerpt(text)} is not a finite number (NaN and infinity are not accepted); "
                             "write a number, or leave the value empty")
        try:
            x = float(text)
        except ValueError:
            self._fail(node, f"{excerpt(text)} is not a number")
        if not math.isfinite(x):
            self._fail(node, f"{excerpt(text)} is too large to be a number here")
        if len(text) > 15 and inexact(text, x):  # more digits than a float holds: never read as another number
            self._fail(node, f"{excerpt(text)} has more digits than a number here can hold exactly (it would be read as "
                             f"{x!r}); write it with at most 15 significant digits")
        return x

    def construct_yaml_bool(self, node):
        text = str(self.construct_scalar(node)).strip()
        if text.lower() not in ("true", "false"):
            self._fail(node, f"{excerpt(text)} is not true or false")
        return text.lower() == "true"

    def construct_yaml_timestamp(self, node):
        try:
            return SafeConstructor.construct_yaml_timestamp(self, node)
        except (ValueError, OverflowError) as e:
            self._fail(node, f"{excerpt(node.value)} is not a real date ({e}); write it as YYYY-MM-DD")

    def construct_mapping(self, node, deep=False):
        # a repeated key the event scan could not see (e.g. 1 and 1.0): refuse, never let the last win
        if isinstance(node, yaml.MappingNode):
            seen = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.setdefault(key, key_node)
                except TypeError:
                    self._fail(key_node, "a key must be a plain value (text, number or date), not a list or mapping")
                if first is not key_node:
                    self._fail(key_node, f"key {excerpt(key)} appears twice (lines {_line(first)} and "
                                         f"{_line(key_node)}); remove one")
        return SafeConstructor.construct_mapping(self, node, deep=deep)

    def construct_refused(self, node):
        tag = (node.tag or "?").replace("tag:yaml.org,2002:", "!!")
        if "python" in tag:
            self._fail(node, f"the tag {excerpt(tag)} asks YAML to run Python code, which is never allowed: "
                             "these files hold data only; remove the tag")
        self._fail(node, f"the tag {excerpt(tag)} is not allowed here; write plain text, numbers, dates, "
                         "lists and mappings")


for _tag in ("binary", "set", "omap", "pairs"):
    _Constructor.add_constructor(f"tag:yaml.org,2002:{_tag}", _Constructor.construct_refused)
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_yaml_int)
_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_yaml_float)
_Constructor.add_constructor("tag:yaml.org,2002:bool", _Constructor.construct_yaml_bool)
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)
_Constructor.add_constructor(None, _Constructor.construct_refused)
_Constructor.add_multi_constructor("", lambda loader, suffix, node: loader.construct_refused(node))

try:  # the C parser: fast, and its composer is not Python-recursive
    from yaml.cyaml import CParser as _Parser

    class _Loader(_Parser, _Constructor, _Resolver):
        def __init__(self, stream):
            _Parser.__init__(self, stream)
            _Constructor.__init__(self)
            _Resolver.__init__(self)

    _events = lambda text: yaml.parse(text, Loader=yaml.CSafeLoader)  # noqa: E731
except ImportError:  # pragma: no cover - pure-Python PyYAML
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Loader(Reader, Scanner, Parser, Composer, _Constructor, _Resolver):
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            _Constructor.__init__(self)
            _Resolver.__init__(self)

    _events = lambda text: yaml.parse(text, Loader=yaml.SafeLoader)  # noqa: E731


# --------------------------------------------------------------------------- the scan before composing
def _path_text(path) -> str:
    out = ""
    for p in path:
        p = p if isinstance(p, int) else excerpt(str(p))[1:-1]  # a long key is cut like any quoted value
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out if len(out) <= 4 * EXCERPT else "…" + out[-4 * EXCERPT:]


class _Frame:
    __slots__ = ("kind", "anchor", "size", "keys", "want_key", "key", "index", "line")

    def __init__(self, kind, anchor, line):
        self.kind, self.anchor, self.line = kind, anchor, line
        self.size, self.keys, self.want_key, self.key, self.index = 1, {}, True, None, 0


def _scan(text: str, source: Optional[str]) -> None:
    """One pass over the parser's events (iterative, no recursion): bounds, recursive aliases, repeated keys."""
    stack: list = []
    sizes: dict = {}
    aliases = 0
    total = 0

    def path():
        out = []
        for f in stack:
            if f.kind == "map":
                if not f.want_key and f.key is not None:
                    out.append(f.key)
            else:
                out.append(f.index)
        return out

    def placed(size, line, key_text=None):
        nonlocal total
        if not stack:
            total += size
            return
        f = stack[-1]
        f.size += size
        if f.size > MAX_NODES:
            raise YamlError(f"more than {MAX_NODES:,} values once aliases are expanded; "
                            "refused (a file this size is not a profile, policy or scenario)", source, line)
        if f.kind == "seq":
            f.index += 1
        elif f.want_key:
            if key_text is not None:
                if key_text in f.keys:
                    where = _path_text(path() + [key_text])
                    raise YamlError(f"{where}: key {excerpt(key_text)} appears twice (lines "
                                    f"{f.keys[key_text]} and {line}); remove one", source, line)
                if key_text != "<<":
                    f.keys[key_text] = line
            f.key = key_text
            f.want_key = False
        else:
            f.want_key = True

    try:
        for ev in _events(text):
            line = ev.start_mark.line + 1 if ev.start_mark is not None else None
            if isinstance(ev, yaml.ScalarEvent):
                if ev.anchor is not None:
                    sizes[ev.anchor] = 1
                key = ev.value if (stack and stack[-1].kind == "map" and stack[-1].want_key) else None
                placed(1, line, key)
            elif isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise YamlError(f"nested more than {MAX_DEPTH} levels deep; refused", source, line)
                if stack and stack[-1].kind == "map" and stack[-1].want_key:
                    # a list or mapping used as a key: the constructor refuses it with a message
                    pass
                kind = "map" if isinstance(ev, yaml.MappingStartEvent) else "seq"
                stack.append(_Frame(kind, ev.anchor, line))
                if ev.anchor is not None:
                    sizes.pop(ev.anchor, None)  # re-defined anchor: the old size no longer applies
            elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                f = stack.pop()
                if f.anchor is not None:
                    sizes[f.anchor] = f.size
                placed(f.size, f.line, None)
            elif isinstance(ev, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise YamlError(f"more than {MAX_ALIASES} aliases (*name); refused", source, line)
                if any(f.anchor == ev.anchor for f in stack):
                    raise YamlError(f"the alias *{excerpt(ev.anchor)[1:-1]} refers to a value that contains "
                                    "itself (a recursive alias); refused", source, line)
                size = sizes.get(ev.anchor, 1)  # an undefined alias is reported by the composer
                key = f"*{ev.anchor}" if (stack and stack[-1].kind == "map" and stack[-1].want_key) else None
                placed(size, line, key)
                if total > MAX_NODES:
                    raise YamlError(f"more than {MAX_NODES:,} values once aliases are expanded; refused",
                                    source, line)
    except yaml.YAMLError as e:
        raise _from_yaml_error(e, source) from None


def _from_yaml_error(e: yaml.YAMLError, source: Optional[str]) -> YamlError:
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    parts = [getattr(e, "context", None), getattr(e, "problem", None)]
    reason = "; ".join(str(p) for p in parts if p) or str(e).splitlines()[0]
    if len(reason) > 200:
        reason = reason[:199] + "…"
    return YamlError(f"not valid YAML: {reason}", source, line)


# --------------------------------------------------------------------------- public API
def loads(text: str, source: Optional[str] = None) -> Any:
    """Parse YAML text (one document). Raises :class:`YamlError` and nothing else for any text."""
    if not isinstance(text, str):
        raise TypeError("loads() takes text; use load() for a file")
    if len(text) > MAX_BYTES:
        raise YamlError(f"{len(text):,} characters; at most {MAX_BYTES:,} are read", source)
    if "\x00" in text:
        raise YamlError("contains a NUL character: this is not a text file", source)
    _scan(text, source)
    loader = _Loader(text)
    loader.source = source
    try:
        return loader.get_single_data()
    except YamlError:
        raise
    except yaml.YAMLError as e:
        raise _from_yaml_error(e, source) from None
    except RecursionError:  # pragma: no cover - the scan bounds depth; belt and braces
        raise YamlError(f"nested too deeply (more than {MAX_DEPTH} levels); refused", source) from None
    finally:
        loader.dispose()


def read_text(path: Union[str, Path]) -> Tuple[str, str]:
    """The text of a file and the encoding it was read with: UTF-8 (BOM or not), UTF-16 with a BOM, else GB18030.

    Raises :class:`YamlError` for a missing, unreadable, too large or binary file.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if p.is_dir():
            raise YamlError("is a folder, not a file", str(p))
        if size > MAX_BYTES:
            raise YamlError(f"{size:,} bytes; at most {MAX_BYTES:,} are read", str(p))
        raw = p.read_bytes()
    except FileNotFoundError:
        raise YamlError("file not found", str(p)) from None
    except PermissionError:
        raise YamlError("cannot be read (permission denied)", str(p)) from None
    except OSError as e:
        raise YamlError(f"cannot be read ({e.strerror or e})", str(p)) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "UTF-16"
        try:
            return raw.decode("utf-16"), enc
        except UnicodeDecodeError:
            raise YamlError("starts like a UTF-16 file but is not valid UTF-16", str(p)) from None
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in raw:
        raise YamlError("is not a text file (it contains NUL bytes); give a YAML text file saved as UTF-8", str(p))
    try:
        return raw.decode("gb18030"), "GB18030"
    except UnicodeDecodeError:
        raise YamlError("is neither UTF-8 nor GBK/GB18030 text; save it as UTF-8", str(p)) from None


def load(path: Union[str, Path]) -> Any:
    """Read and parse a YAML file. Raises :class:`YamlError` (naming the file and line) and nothing else."""
    text, enc = read_text(path)
    try:
        return loads(text, source=str(path))
    except YamlError as e:
        if enc == "UTF-8":
            raise
        raise YamlError(f"{e.reason} (the file was read as {enc})", e.source, e.line) from None


def find_line(path: Union[str, Path], keys) -> Optional[int]:
    """The line (1-based) of the value at ``keys`` (e.g. ``["items", "x", "parameters"]``; list indices as ints)
    in a YAML file, or of its deepest part that exists; None if the file cannot be read.

    For error messages only (it re-reads the file): a validation error can then say where to look.
    """
    want = [str(k) if not isinstance(k, int) else k for k in keys]
    try:
        text, _ = read_text(path)
        events = list(_events(text))
    except (YamlError, yaml.YAMLError):
        return None
    best = None
    stack: list = []  # [kind, key or index, want_key]

    def here():
        return [f[1] for f in stack if f[1] is not None]

    def matched(p):
        n = 0
        for a, b in zip(p, want):
            if (str(a) if not isinstance(a, int) else a) != b:
                break
            n += 1
        return n

    depth = 0

    def reached(line) -> bool:
        """Note ``line`` if the path here is a deeper match than any so far; True once it is all of ``keys``."""
        nonlocal depth, best
        p = here()
        n = matched(p)
        if n == len(p) and n > depth:
            depth, best = n, line
            return n == len(want)
        return False

    for ev in events:
        line = ev.start_mark.line + 1 if ev.start_mark is not None else None
        top = stack[-1] if stack else None
        is_key = top is not None and top[0] == "map" and top[2]
        if isinstance(ev, (yaml.ScalarEvent, yaml.AliasEvent)) and is_key:
            top[1] = ev.value if isinstance(ev, yaml.ScalarEvent) else f"*{ev.anchor}"
            top[2] = False
            if reached(line):
                return best
            continue
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if top is not None and top[0] == "seq":
                top[1] = 0 if top[1] is None else top[1] + 1
                if reached(line):
                    return best
            stack.append(["map" if isinstance(ev, yaml.MappingStartEvent) else "seq", None, True])
            continue
        if isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            ev_done = True
        else:
            ev_done = isinstance(ev, (yaml.ScalarEvent, yaml.AliasEvent))
            if ev_done and top is not None and top[0] == "seq":
                top[1] = 0 if top[1] is None else top[1] + 1
                if reached(line):
                    return best
        if ev_done and stack and stack[-1][0] == "map" and not stack[-1][2]:
            stack[-1][2] = True  # the value is done: the next scalar is a key
    return best


def is_date(x) -> bool:
    """True for a date YAML produced (a ``date``, or a ``datetime``)."""
    return isinstance(x, (dt.date, dt.datetime))
