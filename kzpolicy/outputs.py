"""Safe output files: every writer of the package goes through here.

* **No live formulas from user text.** Text a spreadsheet would run (``= + - @``,
  tab or CR first) is stored as text: in .xlsx as a string cell with the quote
  prefix (the value itself is unchanged), in CSV with a leading apostrophe
  (``'=1+1``), the OWASP "CSV injection" defence.
* **No control characters.** Characters Excel cannot store (and openpyxl
  refuses with ``IllegalCharacterError``), and lone surrogates, are written
  escaped as ``\\x07`` / ``\\ud800``: visible, never a crash, never dropped.
* **Atomic.** A file is written to a temporary file in the same folder and
  renamed into place: a killed save leaves the previous result intact.
* **Checked first.** :func:`check_output` refuses, before any computation, an
  extension that does not match the format, an output that is one of the
  inputs (or inside an input folder), a missing or read-only folder, and
  (without ``force``) an existing file.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Union

__all__ = ["OutputError", "FORMULA_START", "clean_text", "csv_text", "is_formula_like", "atomic_path",
           "check_output", "write_csv", "write_xlsx_frames", "safe_frame_for_csv"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: what Excel cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE), DEL, and lone surrogates
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
#: the longest text an Excel cell holds
EXCEL_CELL_MAX = 32767
EXCEL_ROWS_MAX = 1_048_576

PathLike = Union[str, Path]


class OutputError(ValueError):
    """An output file cannot or must not be written; the message names it and says what to do."""


def _escape(m: "re.Match") -> str:
    c = m.group(0)
    return f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"


def clean_text(s: str) -> str:
    """``s`` with control characters (and lone surrogates) written as visible escapes, e.g. ``\\x07``."""
    return _CONTROL.sub(_escape, s) if _CONTROL.search(s) else s


def is_formula_like(value) -> bool:
    """True for text a spreadsheet could run as a formula (``= + - @``, tab, CR first)."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_text(value):
    """A CSV cell: text cleaned of control characters and, if formula-like, prefixed with an apostrophe."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def unprotect_csv_text(col):
    """The inverse of :func:`csv_text` for a column of CSV text: ``'=1+1`` reads as ``=1+1`` (only before = + - @ tab CR)."""
    import pandas as pd
    if not pd.api.types.is_string_dtype(col.dtype):
        return col
    return col.str.replace(r"^'(?=[=+\-@\t\r])", "", regex=True)


def safe_frame_for_csv(df):
    """A copy of ``df`` whose text cells are :func:`csv_text` (numbers, dates and empties unchanged)."""
    import pandas as pd
    out = df.copy()
    for c in out.columns:
        col = out[c]
        if col.dtype == object or isinstance(col.dtype, pd.StringDtype) or isinstance(col.dtype, pd.CategoricalDtype):
            out[c] = col.astype(object).map(csv_text)
    return out


# --------------------------------------------------------------------------- atomic files
@contextlib.contextmanager
def atomic_path(path: PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it onto ``path``, on failure remove it."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}", dir=path.parent or ".")
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        if path.exists():
            with contextlib.suppress(OSError):
                os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            with contextlib.suppress(OSError):
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


# --------------------------------------------------------------------------- checks before computing
def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _inside(p: Path, folder: Path) -> bool:
    try:
        p.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def check_output(path: PathLike, *, suffixes: Sequence[str] = (".xlsx",), inputs: Iterable[Optional[PathLike]] = (),
                 force: bool = True, what: str = "--out", also: Iterable[PathLike] = ()) -> Path:
    """Refuse an output that must not or cannot be written, before any work is done.

    ``suffixes``: the extensions this writer produces (the first is the default named in messages);
    ``inputs``: files or folders read by the same command; ``force=False``: an existing file is
    refused (say ``--force``); ``also``: further files the writer will create next to ``path``.
    """
    p = Path(path)
    if not str(path).strip():
        raise OutputError(f"{what}: the output file name is empty")
    targets = [p] + [Path(a) for a in also]
    inputs = [i for i in inputs if i is not None]
    for t in targets:  # first: never destroy an input, whatever the name
        for i in inputs:
            if i is None:
                continue
            i = Path(i)
            if _same(t, i) or t.resolve() == i.resolve():
                raise OutputError(f"{what} {t}: this is an input of the same command; writing it would destroy the "
                                  f"input. Choose another file name / 输出文件不能是输入文件")
            if i.is_dir() and _inside(t, i):
                raise OutputError(f"{what} {t}: this is inside the input folder {i}, where it would be read as input "
                                  f"next time. Write it elsewhere / 输出文件不能放在输入文件夹中")
    if p.is_dir():  # a folder given where a file belongs: say so, not "no extension"
        raise OutputError(f"{what} {p}: is a folder, not a file name; give a file name in it, e.g. "
                          f"{p / ('result' + suffixes[0])} / 请给出文件名而不是文件夹")
    suf = p.suffix.lower()
    if suf not in suffixes:
        allowed = " or ".join(suffixes)
        got = f"'{p.suffix}'" if p.suffix else "no extension"
        raise OutputError(f"{what} {p}: this writes {allowed} files, but the name has {got}; "
                          f"name it e.g. result{suffixes[0]} / 输出文件扩展名须为 {allowed}")
    for t in targets:
        if t.exists() and t.is_dir():
            raise OutputError(f"{what} {t}: is a folder; give a file name ending in {suffixes[0]}")
        if t.exists() and not force:
            raise OutputError(f"{what} {t}: the file already exists and is not overwritten (it may hold filled-in "
                              f"data); choose another name or add --force / 文件已存在，如需覆盖请加 --force")
        parent = t.parent if str(t.parent) else Path(".")
        if not parent.exists():
            raise OutputError(f"{what} {t}: the folder {parent} does not exist; create it first / 输出文件夹不存在")
        if not parent.is_dir():
            raise OutputError(f"{what} {t}: {parent} is not a folder")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise OutputError(f"{what} {t}: the folder {parent} is not writable / 输出文件夹不可写")
        if t.exists() and not os.access(t, os.W_OK):
            raise OutputError(f"{what} {t}: the file exists and is read-only / 文件只读")
    return p


# --------------------------------------------------------------------------- writers
def write_csv(df, path: PathLike, encoding: str = "utf-8-sig") -> Path:
    """Write ``df`` as CSV (text neutralised, see :func:`csv_text`), atomically.

    Lines end in CRLF (RFC 4180, what Excel writes): the csv writer then quotes every cell holding a CR or an LF, so a
    bare CR inside a cell (``'\\r@``) cannot end the line for a reader and start the next one with ``@``."""
    path = Path(path)
    out = safe_frame_for_csv(df)
    with atomic_path(path) as tmp:
        out.to_csv(tmp, index=False, encoding=encoding, lineterminator="\r\n")
    return path


def _xlsx_value(v):
    import numpy as np
    import pandas as pd
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, pd.Timestamp):
        if v.tzinfo is not None:
            v = v.tz_localize(None)
        return v.date() if v == v.normalize() else v.to_pydatetime()
    if isinstance(v, dt.datetime) and v.tzinfo is not None:
        return v.replace(tzinfo=None)
    if isinstance(v, (str, int, float, bool, dt.date, dt.datetime, dt.time)):
        return v
    return str(v)  # lists, dicts, Decimals…: as their text


def xlsx_text(s: str) -> str:
    s = clean_text(s)
    return s if len(s) <= EXCEL_CELL_MAX else s[: EXCEL_CELL_MAX - 12] + "…（已截断 cut）"


def write_xlsx_frames(path: PathLike, frames: Dict[str, "object"], header_font_bold: bool = True) -> Path:
    """Write DataFrames to an .xlsx workbook, one sheet each (name → frame), safely and atomically.

    Text is always a string cell (never a formula; formula-like text gets the quote prefix),
    control characters are escaped, dates are real dates. Uses openpyxl's write-only mode (fast,
    low memory). A frame too long for one sheet is refused with a message naming the sheet.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, Protection  # noqa: F401  (quote prefix is a style attribute)

    path = Path(path)
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, df in frames.items():
        if len(df) + 1 > EXCEL_ROWS_MAX:
            raise OutputError(f"{path}: sheet {name!r} would have {len(df) + 1:,} rows, more than Excel's "
                              f"{EXCEL_ROWS_MAX:,}; write CSV instead (--out RESULT.csv)")
        ws = wb.create_sheet(title=_sheet_name(name))

        def cell(v, header=False, ws=ws):
            v = _xlsx_value(v)
            if isinstance(v, str):
                c = WriteOnlyCell(ws, value=None)
                c.value = xlsx_text(v)
                c.data_type = "s"  # text, never a formula
                if c.value.startswith(FORMULA_START):
                    c.quotePrefix = True
            else:
                c = WriteOnlyCell(ws, value=v)
                if isinstance(v, dt.datetime):
                    c.number_format = "yyyy-mm-dd hh:mm:ss"
                elif isinstance(v, dt.date):
                    c.number_format = "yyyy-mm-dd"
            if header:
                c.font = bold
            return c

        ws.append([cell(str(h), header=True) for h in df.columns])
        cols = [df[c].tolist() for c in df.columns]
        for row in zip(*cols):
            ws.append([cell(v) for v in row])
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str) -> str:
    s = _SHEET_BAD.sub("_", clean_text(str(name))).strip("'") or "sheet"
    return s[:31]


def save_workbook(wb, path: PathLike, after=None) -> Path:
    """Save an openpyxl workbook atomically; ``after(tmp_path)`` may post-process the file before the rename.

    openpyxl's ``IllegalCharacterError`` cannot happen for text written through
    :func:`kzpolicy.excel.set_cell`; any other failure leaves the previous file untouched.
    """
    path = Path(path)
    with atomic_path(path) as tmp:
        wb.save(tmp)
        if after is not None:
            after(tmp)
    return path


def output_files(path: PathLike, tables: Sequence[str], first: str) -> List[Path]:
    """The CSV files a multi-table CSV writer creates: ``path`` for ``first``, ``path_<table>.csv`` for the others."""
    p = Path(path)
    return [p if t == first else p.with_name(f"{p.stem}_{t}.csv") for t in tables]
