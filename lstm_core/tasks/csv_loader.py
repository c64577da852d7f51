"""Read a user's CSV file into a numeric table, or say exactly why not.

What is accepted (docs/data.md has the full list, with every message):
  encoding   UTF-8, UTF-8 with BOM, UTF-16 / UTF-32 with BOM, else Windows-1252, else Latin-1
  delimiter  tab, semicolon, pipe or comma, whichever splits the first rows into a steady number
             of fields (tried in that order, so "1,5;2,3" is read as two decimal-comma numbers)
  decimal    "." or "," (with "." as a thousands separator, "1.234,5"), from the sample's numbers
  header     detected (a first row with words and no numbers), or none: "column 1", "column 2", ...
  time       a column of dates (or a numeric column named year/time/...) orders the rows
  missing    empty, NA, N/A, nan, null, none, -, ?: dropped or linearly interpolated, and counted

Every rejection is a CsvError whose message names the line of the file or the column; the loader
lets nothing else escape (``load_csv`` turns any other failure into a CsvError in plain words).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lstm_core.tasks.base import TaskError
from lstm_core.tasks.windows import min_length

DELIMITERS = ("\t", ";", "|", ",")  # tried in this order: a comma may also be a decimal mark
DELIMITER_NAMES = {"\t": "tab", ";": "semicolon", "|": "pipe", ",": "comma"}
NA_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "?", "#n/a", "missing"})
TIME_NAMES = frozenset({"date", "time", "datetime", "timestamp", "year", "month", "week", "day"})
SAMPLE_ROWS = 50  # rows looked at to guess the delimiter, the decimal mark and the header
SAMPLE_CHARS = 65_536
MAX_BYTES = 20_000_000  # the largest file read
MAX_ROWS = 200_000  # data rows
MAX_COLUMNS = 200  # fields per row, checked on each row as it is read
MAX_CELLS = 2_000_000  # rows x columns: what the parsed table may hold
MAX_ABS_VALUE = 1e15  # larger numbers overflow once squared for scaling
TABLE_CACHE = 4  # parsed uploads kept (load_csv_once); each at most MAX_CELLS float64 values
_TABLES: OrderedDict[tuple, SeriesTable] = OrderedDict()
_TABLES_LOCK = threading.Lock()
COMMA_DECIMAL = re.compile(r"[+-]?\d+,\d+([eE][+-]?\d+)?")
DOT_DECIMAL = re.compile(r"[+-]?\d*\.\d+([eE][+-]?\d+)?")
THOUSANDS_DOT = r"[+-]?\d{1,3}(\.\d{3})+(,\d*)?"  # "1.234,5" in a decimal-comma file


class CsvError(TaskError):
    """A file the loader cannot turn into a numeric table; the message says why, in plain words."""


@dataclass
class SeriesTable:
    """A numeric table read from a CSV file, in time order."""

    values: np.ndarray  # (N, C) float64, no NaN or inf: the target first, then the inputs
    columns: list[str]  # C names: [target, *inputs]
    target: str  # the column to predict
    inputs: list[str]  # extra input columns (may be empty)
    time: np.ndarray | None = None  # (N,) datetime64, or float64 for a numeric time column
    time_column: str | None = None  # the column that ordered the rows
    report: dict = field(default_factory=dict)  # what the loader did (see load_csv)


def load_csv(
    data: bytes | str | os.PathLike,
    *,
    target: str | None = None,
    inputs: list[str] | tuple[str, ...] | None = None,
    missing: str = "interpolate",
    header: bool | None = None,
    max_bytes: int = MAX_BYTES,
    max_rows: int = MAX_ROWS,
) -> SeriesTable:
    """Read CSV bytes (or a file path) into a SeriesTable; raise CsvError on anything unusable.

    target: the column to predict (default: the first numeric column that is not the time).
    inputs: extra numeric columns fed to the model. missing: "interpolate" or "drop".
    header: True / False, or None to detect it.
    The report dict holds: encoding, delimiter, decimal, header, rows_read, columns,
    numeric_columns, non_numeric_columns, time_column, sorted_by_time, rows_without_time,
    missing_policy, missing (per used column), rows_dropped, interpolated (per used column),
    constant_columns and notes (plain sentences for the user).
    """
    if missing not in ("interpolate", "drop"):
        raise CsvError(f'missing must be "interpolate" or "drop", not {missing!r}')
    try:
        raw = _read_bytes(data, max_bytes)
        text, encoding = decode_text(raw)
        return _parse(text, encoding, target, list(inputs or []), missing, header, max_rows)
    except CsvError:
        raise
    except Exception as exc:  # the promise: nothing but CsvError leaves the loader
        raise CsvError(f"could not read the file as a table ({type(exc).__name__}: {exc})") from exc


def load_csv_once(
    raw: bytes, target: str | None, inputs: list[str] | None, missing: str
) -> SeriesTable:
    """``load_csv`` of uploaded bytes, parsed once per file and choice of columns.

    An upload is read again on every rerun of a page (each widget move): the parsed table is
    kept under the SHA-256 of the bytes, with the column choice, for the last TABLE_CACHE
    files. The same bytes always give the same table, so it may be shared between sessions;
    its values are read-only. A refused file raises every time (refusals are quick).
    """
    key = (hashlib.sha256(raw).hexdigest(), target, tuple(inputs or ()), missing)
    with _TABLES_LOCK:
        if key in _TABLES:
            _TABLES.move_to_end(key)
            return _TABLES[key]
    table = load_csv(raw, target=target, inputs=inputs, missing=missing)
    table.values.flags.writeable = False
    with _TABLES_LOCK:
        _TABLES[key] = table
        while len(_TABLES) > TABLE_CACHE:
            _TABLES.popitem(last=False)
    return table


def check_window(n_rows: int, window: int, val_fraction: float = 0.0) -> None:
    """Raise CsvError naming the minimum length when a series is too short for the window."""
    need = min_length(window, val_fraction)
    if n_rows < need:
        held = f" with {val_fraction:.0%} held out for validation" if val_fraction else ""
        raise CsvError(
            f"the series has {n_rows} rows, too short for a window of {window}{held}: "
            f"it needs at least {need} rows (or choose a shorter window)"
        )


# --- bytes to text ---------------------------------------------------------------------------


def _read_bytes(data: bytes | str | os.PathLike, max_bytes: int) -> bytes:
    """The file's bytes, refusing anything over the size limit before reading it."""
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
    else:
        path = os.fspath(data)
        try:
            size = os.path.getsize(path)
            if size > max_bytes:
                raise CsvError(_too_big(size, max_bytes))
            with open(path, "rb") as f:
                raw = f.read(max_bytes + 1)
        except OSError as exc:
            raise CsvError(f"cannot open {path!r}: {exc.strerror or exc}") from exc
    if len(raw) > max_bytes:
        raise CsvError(_too_big(len(raw), max_bytes))
    if not raw.strip():
        raise CsvError("the file is empty")
    return raw


def _too_big(size: int, max_bytes: int) -> str:
    return f"the file is {_size(size)}; the limit is {_size(max_bytes)}"


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < 1_000_000 else f"{n / 1e6:.1f} MB"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def decode_text(raw: bytes) -> tuple[str, str]:
    """Text and the encoding used: a byte-order mark decides, else UTF-8, cp1252, Latin-1."""
    boms = [
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ]
    candidates = [enc for bom, enc in boms if raw.startswith(bom)][:1]
    candidates = candidates or [*_utf16_without_bom(raw), "utf-8", "cp1252", "latin-1"]
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise CsvError(f"the file starts with a {candidates[0]} byte-order mark but is not valid")
    bad = sum(text.count(chr(c)) for c in range(32) if chr(c) not in "\t\n\r")
    if "\x00" in text or bad > 0.01 * len(text):
        raise CsvError("the file looks binary (it holds control bytes), not a text file")
    return text, encoding


def _utf16_without_bom(raw: bytes) -> list[str]:
    """["utf-16-le"] or ["utf-16-be"] when the zero bytes fall on every other byte, as in
    UTF-16 text of mostly Latin letters and digits that lacks a byte-order mark; else []."""
    head = raw[:4096]
    odd, even = head[1::2], head[0::2]
    if len(head) < 4 or len(head) % 2:
        return []
    if odd.count(0) > 0.7 * len(odd) and even.count(0) < 0.1 * len(even):
        return ["utf-16-le"]
    if even.count(0) > 0.7 * len(even) and odd.count(0) < 0.1 * len(odd):
        return ["utf-16-be"]
    return []


# --- text to records -------------------------------------------------------------------------


def _records(
    text: str, delimiter: str, limit: int | None, max_columns: int | None = None
) -> list[tuple[int, list[str]]]:
    """(line number, fields) of each non-blank record; at most ``limit`` + 1 records.

    With ``max_columns``, a record wider than that is refused as soon as it is read, and so is
    a file whose cells (records x fields) exceed MAX_CELLS: nothing is kept beyond the limits.
    """
    out = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line, cells = 1, 0
    try:
        for fields in reader:
            if "".join(fields).strip():  # skip blank lines
                if max_columns is not None:
                    cells += len(fields)
                    _check_size(line, len(fields), cells, delimiter, max_columns)
                out.append((line, fields))
                if limit is not None and len(out) > limit:
                    break
            line = reader.line_num + 1
    except csv.Error as exc:
        raise CsvError(f"line {line}: {exc} (an unclosed quote, or not a CSV file?)") from exc
    return out


def _check_size(line: int, width: int, cells: int, delimiter: str, max_columns: int) -> None:
    """Refuse a record with too many fields, or a file with too many cells so far."""
    if width > max_columns:
        raise CsvError(
            f"line {line} has {width:,} fields (delimiter: {DELIMITER_NAMES[delimiter]}); "
            f"the limit is {max_columns:,} columns: keep only the columns you need"
        )
    if cells > MAX_CELLS:
        raise CsvError(
            f"the file has more than {MAX_CELLS:,} cells (rows x columns) by line {line}; "
            "keep fewer rows or columns"
        )


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the sample rows into a steady number (>= 2) of fields.

    Tab and semicolon win when steady (a comma may then be a decimal mark). Between pipe and
    comma, the one giving more fields wins (a comma file whose text holds a "|" stays comma).
    """
    sample = text[:SAMPLE_CHARS]
    best, best_score = ",", (0.0, 1)
    steady_modes = {}
    for d in DELIMITERS:
        widths = [len(f) for _, f in _records(sample, d, SAMPLE_ROWS)]
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        steady = widths.count(mode) / len(widths)
        if mode >= 2 and steady >= 0.9:
            if d in "\t;":
                return d
            steady_modes[d] = mode
        elif mode >= 2 and (steady, mode) > best_score:
            best, best_score = d, (steady, mode)
    if steady_modes:
        return max(steady_modes, key=lambda d: (steady_modes[d], d == ","))
    return best


def _excel_separator(text: str) -> tuple[str | None, str]:
    """A first line ``sep=;`` (written by Excel) names the delimiter: it and the text without
    that line (left blank, so that line numbers still match the file)."""
    m = re.match(r"sep=(.)[ \t]*(\r\n|\n|\r)", text[:16], flags=re.IGNORECASE)
    if m is None or m.group(1) not in DELIMITER_NAMES:
        return None, text
    return m.group(1), "\n" + text[m.end() :]


def _detect_decimal(rows: list[list[str]]) -> str:
    """ "," when more sample cells look like "1,5" than like "1.5"."""
    cells = [c.strip() for row in rows for c in row]
    commas = sum(1 for c in cells if COMMA_DECIMAL.fullmatch(c) or re.fullmatch(THOUSANDS_DOT, c))
    dots = sum(1 for c in cells if DOT_DECIMAL.fullmatch(c))
    return "," if commas > dots else "."


def _parse_numbers(cells: pd.Series, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    """Floats from strings (NaN where missing or not a number) and the missing-cell mask."""
    s = cells.astype("str").str.strip()
    missing = s.str.lower().isin(NA_TOKENS).to_numpy()
    if decimal == ",":
        s = s.where(~s.str.fullmatch(THOUSANDS_DOT), s.str.replace(".", "", regex=False))
        s = s.str.replace(",", ".", regex=False)
    values = np.array(pd.to_numeric(s, errors="coerce").to_numpy(np.float64, na_value=np.nan))
    values[missing] = np.nan
    return values, missing


def _parse_times(cells: pd.Series) -> np.ndarray:
    """datetime64 values (NaT where a cell is not a date), month-first or day-first."""
    best = None
    for dayfirst in (False, True):  # day-first only when month-first leaves gaps
        if best is not None and not np.isnat(best).any():
            break
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                t = pd.to_datetime(cells, errors="coerce", utc=True, dayfirst=dayfirst)
            except (ValueError, TypeError, OverflowError):
                continue
        t = t.dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
        if best is None or np.isnat(t).sum() < np.isnat(best).sum():
            best = t
    return best if best is not None else np.full(len(cells), np.datetime64("NaT"), "datetime64[us]")


def _is_header(row: list[str], decimal: str) -> bool:
    """A first row with no numbers and at least one word that is not a date is a header."""
    cells = pd.Series([c.strip() for c in row], dtype="str")
    values, missing = _parse_numbers(cells, decimal)
    if np.isfinite(values).any() or np.isinf(values).any():
        return False
    words = cells[~missing & np.isnan(values)]
    return bool(len(words)) and bool(np.isnat(_parse_times(words)).any())


def _column_names(row: list[str] | None, width: int) -> tuple[list[str], list[str]]:
    """Names from the header row ("column k" when empty or absent), made unique; notes."""
    notes, names, seen = [], [], set()
    for k in range(width):
        name = row[k].strip() if row is not None and k < len(row) else ""
        if not name:
            name = f"column {k + 1}"
        base, j = name, 2
        while name in seen:
            name, j = f"{base} ({j})", j + 1
        if name != base:
            notes.append(f'two columns are named "{base}"; the later one is called "{name}"')
        seen.add(name)
        names.append(name)
    return names, notes


# --- records to a table ----------------------------------------------------------------------


def _parse(text, encoding, target, inputs, missing, header, max_rows) -> SeriesTable:
    """The whole pipeline after decoding: split, name, type, order, fill and select columns."""
    delimiter, text = _excel_separator(text)
    delimiter = delimiter or _sniff_delimiter(text)
    records = _records(text, delimiter, max_rows + 1, MAX_COLUMNS)
    if not records:
        raise CsvError("the file holds no values (only delimiters or blank lines)")
    decimal = _detect_decimal([f for _, f in records[1 : SAMPLE_ROWS + 1]] or [records[0][1]])
    has_header = _is_header(records[0][1], decimal) if header is None else bool(header)
    body = records[1:] if has_header else records
    if not body:
        raise CsvError("the file has a header row but no data rows")
    if len(body) > max_rows:
        raise CsvError(f"the file has more than {max_rows:,} data rows; the limit is {max_rows:,}")
    width = len(records[0][1]) if has_header else _common_width(body)
    body = _check_widths(body, width, has_header, delimiter)
    names, notes = _column_names(records[0][1] if has_header else None, width)
    report = {
        "encoding": encoding,
        "delimiter": DELIMITER_NAMES[delimiter],
        "decimal": decimal,
        "header": has_header,
        "rows_read": len(body),
        "columns": names,
        "missing_policy": missing,
        "notes": notes,
    }
    lines = np.array([line for line, _ in body])
    cells = {n: pd.Series([f[k] for _, f in body], dtype="str") for k, n in enumerate(names)}
    parsed = {n: _parse_numbers(c, decimal) for n, c in cells.items()}
    numeric = [n for n, (v, m) in parsed.items() if _mostly_numbers(v, m)]
    empty = [n for n, (_, m) in parsed.items() if m.all()]
    time_column, time = _find_time(names, cells, parsed, numeric)
    report["time_column"] = time_column
    report["numeric_columns"] = [n for n in numeric if n != time_column]
    report["non_numeric_columns"] = [
        n for n in names if n not in numeric and n != time_column and n not in empty
    ]
    for n in empty:
        notes.append(f'column "{n}" is empty; it is ignored')
    target, inputs = _choose_columns(target, inputs, names, report, cells, parsed, lines, notes)
    used = [target, *inputs]
    values = np.stack([parsed[n][0] for n in used], axis=1)  # (N, C)
    gaps = np.stack([parsed[n][1] for n in used], axis=1)  # (N, C) missing cells
    for c, n in enumerate(used):
        _check_cells(n, cells[n], values[:, c], gaps[:, c], lines)
    values, gaps, time, lines = _order_by_time(values, gaps, time, lines, report)
    values, time = _fill_missing(values, gaps, time, used, missing, report)
    constant = [n for c, n in enumerate(used) if np.ptp(values[:, c]) == 0]
    report["constant_columns"] = constant
    for n in constant:
        notes.append(f'column "{n}" is constant: after scaling it is all zeros')
    return SeriesTable(values, used, target, inputs, time, time_column, report)


def _common_width(body: list[tuple[int, list[str]]]) -> int:
    widths = [len(f) for _, f in body[: SAMPLE_ROWS * 20]]
    return max(set(widths), key=widths.count)


def _check_widths(body, width: int, has_header: bool, delimiter: str):
    """Every row must have ``width`` fields (empty trailing fields beyond it are dropped)."""
    if all(len(fields) == width for _, fields in body):
        return body
    out = []
    for line, fields in body:
        if len(fields) > width and not "".join(fields[width:]).strip():
            fields = fields[:width]
        if len(fields) != width:
            what = "the header has" if has_header else "the first rows have"
            raise CsvError(
                f"line {line} has {_plural(len(fields), 'field')}, but {what} {width} "
                f"(delimiter: {DELIMITER_NAMES[delimiter]}); fix or remove that row"
            )
        out.append((line, fields))
    return out


def _mostly_numbers(values: np.ndarray, missing: np.ndarray) -> bool:
    """A column is numeric when most of its non-missing cells are numbers."""
    present = int((~missing).sum())
    return present > 0 and int((~np.isnan(values)).sum()) * 2 > present


def _find_time(names, cells, parsed, numeric) -> tuple[str | None, np.ndarray | None]:
    """The first column of dates (>= 90% parse) or numeric column named like a time, if any."""
    for n in names:
        values, missing = parsed[n]
        if missing.all():
            continue
        if n not in numeric:
            if np.isnat(_parse_times(cells[n][~missing][:SAMPLE_ROWS])).mean() > 0.1:
                continue  # a quick look at the first cells: not dates
            t = _parse_times(cells[n])
            if (~np.isnat(t[~missing])).mean() >= 0.9:
                return n, t
        elif n.strip().lower() in TIME_NAMES:
            ok = values[~missing]
            if np.isfinite(ok).all() and np.all(ok == np.round(ok)):
                if n.strip().lower() == "year" and ok.min() >= 1 and ok.max() <= 9999:
                    years = np.where(missing, 0, values).astype(np.int64) - 1970
                    t = years.astype("datetime64[Y]").astype("datetime64[us]")
                    t[missing | np.isnan(values)] = np.datetime64("NaT")
                    return n, t
                return n, values.copy()
    return None, None


def _choose_columns(target, inputs, names, report, cells, parsed, lines, notes):
    """Validate the target and input column names against what the file holds."""
    usable = report["numeric_columns"]
    if target is None:
        if not usable:
            bad = ", ".join(f'"{n}"' for n in report["non_numeric_columns"]) or "none"
            raise CsvError(f"no numeric column to predict; columns that are not numeric: {bad}")
        target = usable[0]
        notes.append(f'predicting "{target}", the first numeric column')
    for role, n in [("target", target)] + [("input", n) for n in inputs]:
        if n not in names:
            listed = ", ".join(f'"{c}"' for c in names)
            raise CsvError(f'there is no column "{n}"; the columns are {listed}')
        if n == report["time_column"]:
            raise CsvError(f'column "{n}" holds the time; choose another {role} column')
        values, missing = parsed[n]
        if missing.all():
            raise CsvError(f'the {role} column "{n}" is empty')
        if n not in usable:
            rows = np.flatnonzero(~missing & np.isnan(values))
            example = f' (e.g. "{cells[n][rows[0]]}" at line {lines[rows[0]]})' if len(rows) else ""
            raise CsvError(f'the {role} column "{n}" is not numeric{example}')
    kept = []
    for n in inputs:
        if n == target:
            notes.append(f'"{n}" is the target; the model sees its past values anyway')
        elif n not in kept:
            kept.append(n)
    return target, kept


def _check_cells(name: str, cells: pd.Series, values, missing, lines) -> None:
    """Reject a used column's cells that are text or infinite, naming the line."""
    bad = np.flatnonzero(~missing & np.isnan(values))
    if len(bad):
        k = bad[0]
        raise CsvError(f'column "{name}", line {lines[k]}: "{cells[k]}" is not a number')
    inf = np.flatnonzero(np.isinf(values))
    if len(inf):
        k = inf[0]
        raise CsvError(
            f'column "{name}", line {lines[k]}: "{cells[k].strip()}" is infinite; '
            "replace it with a number or remove the row"
        )
    huge = np.flatnonzero(np.abs(np.nan_to_num(values)) > MAX_ABS_VALUE)
    if len(huge):
        k = huge[0]
        raise CsvError(
            f'column "{name}", line {lines[k]}: "{cells[k].strip()}" is too large (the limit '
            f"is {MAX_ABS_VALUE:.0e} either way); divide the column by a power of ten"
        )


def _order_by_time(values, gaps, time, lines, report):
    """Drop rows without a time stamp and sort the rest by time (stable)."""
    report["rows_without_time"] = 0
    report["sorted_by_time"] = False
    if time is None:
        return values, gaps, time, lines
    no_time = np.isnat(time) if time.dtype.kind == "M" else np.isnan(time)
    if no_time.any():
        report["rows_without_time"] = int(no_time.sum())
        report["notes"].append(
            f"{_plural(int(no_time.sum()), 'row')} without a readable time in "
            f'"{report["time_column"]}" '
            f"(first at line {lines[no_time][0]}); they are dropped"
        )
        keep = ~no_time
        values, gaps, time, lines = values[keep], gaps[keep], time[keep], lines[keep]
    order = np.argsort(time, kind="stable")
    if np.any(order != np.arange(len(order))):
        report["sorted_by_time"] = True
        report["notes"].append(f'rows are sorted by "{report["time_column"]}"')
    ordered = time[order]
    duplicates = int((ordered[1:] == ordered[:-1]).sum())
    if duplicates:
        report["notes"].append(f"{_plural(duplicates, 'row')} repeat the time of the row before")
    return values[order], gaps[order], time[order], lines[order]


def _fill_missing(values, gaps, time, used, missing, report):
    """Drop rows with a gap, or interpolate linearly along the rows; count what was done."""
    report["missing"] = {n: int(gaps[:, c].sum()) for c, n in enumerate(used)}
    report["rows_dropped"] = 0
    report["interpolated"] = {n: 0 for n in used}
    if len(values) == 0:
        raise CsvError("no rows are left: none has a readable time stamp")
    for c, n in enumerate(used):
        if gaps[:, c].all():
            raise CsvError(f'column "{n}" has no values')
    if not gaps.any():
        return values, time
    if missing == "drop":
        keep = ~gaps.any(axis=1)
        report["rows_dropped"] = int((~keep).sum())
        dropped = _plural(report["rows_dropped"], "row")
        report["notes"].append(f"{dropped} with missing values dropped")
        if not keep.any():
            raise CsvError("no rows are left after dropping the rows with missing values")
        return values[keep], None if time is None else time[keep]
    values = values.copy()
    rows = np.arange(len(values))
    for c, n in enumerate(used):
        m = gaps[:, c]
        if m.any():  # linear between neighbours; the edges repeat the nearest value
            values[m, c] = np.interp(rows[m], rows[~m], values[~m, c])
            report["interpolated"][n] = int(m.sum())
            filled = _plural(int(m.sum()), "missing value")
            report["notes"].append(f'{filled} in "{n}" interpolated')
    return values, time
