"""The CSV loader: good files read correctly, every bad file gets its own message, and nothing
but CsvError ever escapes (hypothesis feeds it random bytes and random malformed tables)."""

import codecs
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lstm_core.tasks import TaskError
from lstm_core.tasks.csv_loader import CsvError, SeriesTable, check_window, load_csv
from lstm_core.tasks.windows import min_length, split_index


def rejects(data, *fragments, **kwargs) -> str:
    """Load ``data``, expect a CsvError, and check its message holds every fragment."""
    with pytest.raises(CsvError) as info:
        load_csv(data, **kwargs)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


# --------------------------------------------------------------------------- good files
def test_semicolon_and_decimal_comma_with_thousands():
    table = load_csv(b"a;b\n1,5;1.234,5\n-2,25;7\n3;0,5\n", inputs=["b"])
    np.testing.assert_array_equal(table.values, [[1.5, 1234.5], [-2.25, 7.0], [3.0, 0.5]])
    assert table.report["delimiter"] == "semicolon" and table.report["decimal"] == ","
    assert (table.target, table.inputs, table.columns) == ("a", ["b"], ["a", "b"])


@pytest.mark.parametrize("sep,name", [("\t", "tab"), ("|", "pipe"), (",", "comma")])
def test_other_delimiters(sep, name):
    text = sep.join(["x", "y"]) + "\n" + "\n".join(f"{i}{sep}{i * 0.5}" for i in range(5))
    table = load_csv(text.encode(), target="y")
    assert table.report["delimiter"] == name
    np.testing.assert_array_equal(table.values[:, 0], np.arange(5) * 0.5)


def test_utf8_bom_is_not_part_of_the_first_name():
    table = load_csv(codecs.BOM_UTF8 + b"level,flow\n1,2\n3,4\n")
    assert table.report["encoding"] == "utf-8-sig"
    assert table.report["columns"] == ["level", "flow"] and table.target == "level"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec):
    text = "température;débit\n1,5;2\n2,5;3\n"
    raw = text.encode("utf-16") if codec == "utf-16" else _bom(codec) + text.encode(codec)
    table = load_csv(raw, target="débit", inputs=["température"])
    assert table.report["encoding"] == "utf-16"
    np.testing.assert_array_equal(table.values, [[2.0, 1.5], [3.0, 2.5]])


def _bom(codec: str) -> bytes:
    return codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE


def test_latin1_header():
    table = load_csv("Café,Größe\n1,2\n3,4\n".encode("latin-1"))
    assert table.report["columns"] == ["Café", "Größe"]
    assert table.report["encoding"] in ("cp1252", "latin-1")


def test_no_header_names_columns_by_number():
    table = load_csv(b"1,2\n3,4\n5,6\n", target="column 2")
    assert table.report["header"] is False
    assert table.report["columns"] == ["column 1", "column 2"]
    np.testing.assert_array_equal(table.values[:, 0], [2, 4, 6])


def test_header_can_be_forced_either_way():
    assert load_csv(b"1,2\n3,4\n", header=True).report["columns"] == ["1", "2"]
    # forced to read the names as data, the loader points at the word on line 1
    rejects(b"a,b\n3,4\n5,6\n", 'column "column 2", line 1: "b"', header=False, target="column 2")


def test_date_column_orders_shuffled_rows():
    rng = np.random.default_rng(3)
    days = np.arange("2020-01-01", "2020-03-01", dtype="datetime64[D]")
    flow = rng.normal(size=len(days))
    order = rng.permutation(len(days))
    lines = ["when,flow"] + [f"{days[k]},{float(flow[k])!r}" for k in order]
    table = load_csv("\n".join(lines).encode())
    assert table.time_column == "when" and table.report["sorted_by_time"]
    np.testing.assert_array_equal(table.values[:, 0], flow)  # back in time order
    np.testing.assert_array_equal(table.time.astype("datetime64[D]"), days)


def test_day_first_dates_and_year_column():
    table = load_csv(b"day,v\n13/02/2018,2\n12/02/2018,1\n14/02/2018,3\n")
    np.testing.assert_array_equal(table.values[:, 0], [1, 2, 3])
    years = load_csv(b"year,v\n1701,2\n1700,1\n")
    assert years.time_column == "year"
    year_numbers = years.time.astype("datetime64[Y]").astype(int) + 1970
    np.testing.assert_array_equal(year_numbers, [1700, 1701])


def test_rows_without_time_are_dropped_and_counted():
    lines = ["date,v"] + [f"2020-01-{d:02d},{d}" for d in range(12, 0, -1)]
    lines.insert(5, "soon,99")  # line 6 of the file; 12 of 13 cells are dates: a date column
    table = load_csv("\n".join(lines).encode())
    assert table.report["rows_without_time"] == 1
    assert any("first at line 6" in note for note in table.report["notes"])
    np.testing.assert_array_equal(table.values[:, 0], np.arange(1, 13))


def test_interpolate_versus_drop_counts():
    text = b"t,a,b\n0,1,10\n1,,20\n2,,\n3,7,40\n4,9,\n"
    filled = load_csv(text, target="a", inputs=["b"], missing="interpolate")
    rows = np.arange(5.0)
    a = np.interp(rows, [0, 3, 4], [1, 7, 9])  # the direct computation
    b = np.interp(rows, [0, 1, 3], [10, 20, 40])  # edge: the last value repeats
    np.testing.assert_allclose(filled.values, np.stack([a, b], axis=1))
    assert filled.report["missing"] == {"a": 2, "b": 2}
    assert filled.report["interpolated"] == {"a": 2, "b": 2}
    dropped = load_csv(text, target="a", inputs=["b"], missing="drop")
    np.testing.assert_array_equal(dropped.values, [[1, 10], [7, 40]])
    assert dropped.report["rows_dropped"] == 3 and dropped.report["missing"] == {"a": 2, "b": 2}


def test_non_numeric_columns_are_reported_by_name():
    table = load_csv(b"city,temp,note\nParis,12,ok\nRome,17,hot\n")
    assert table.target == "temp"
    assert table.report["non_numeric_columns"] == ["city", "note"]


def test_constant_series_is_kept_and_reported():
    table = load_csv(b"v\n5\n5\n5\n")
    np.testing.assert_array_equal(table.values[:, 0], [5, 5, 5])
    assert table.report["constant_columns"] == ["v"]


def test_duplicate_and_empty_names_and_trailing_delimiter():
    table = load_csv(b"a,a,,\n1,2,3,\n4,5,6,\n", target="a (2)", inputs=["column 3"])
    assert table.report["columns"] == ["a", "a (2)", "column 3", "column 4"]
    np.testing.assert_array_equal(table.values, [[2, 3], [5, 6]])


def test_reads_a_path(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(b"v\n1\n2\n")
    assert load_csv(path).values.shape == (2, 1)
    assert load_csv(str(path)).values.shape == (2, 1)


def test_error_type_is_the_task_error():
    assert issubclass(CsvError, TaskError) and issubclass(CsvError, ValueError)


# --------------------------------------------------------------------------- bad files
def test_empty_file():
    rejects(b"", "the file is empty")
    rejects(b"  \n\r\n", "the file is empty")


def test_only_a_header():
    rejects(b"date,value\n", "header row but no data rows")


def test_only_delimiters():
    rejects(b",,\n , ,\n", "holds no values")


def test_binary_garbage():
    rejects(bytes(range(256)) * 4, "looks binary")


def test_bad_utf16():
    rejects(codecs.BOM_UTF16_LE + b"\x00\xd8", "byte-order mark but is not valid")


def test_ragged_row_names_its_line():
    rejects(b"a,b\n1,2\n3\n4,5\n", "line 3 has 1 field,", "the header has 2")
    rejects(b"1,2\n3,4\n5,6,7\n8,9\n", "line 3 has 3 fields", "the first rows have 2")


def test_inf_names_line_and_column():
    rejects(b"a,b\n1,2\n3,-inf\n", 'column "b", line 3', '"-inf" is infinite', target="b")
    rejects(b"a\n1\n1e999\n", 'column "a", line 3', "infinite")


def test_text_in_a_numeric_column_names_line_and_cell():
    rejects(b"a\n1\n2\nabc\n4\n", 'column "a", line 4: "abc" is not a number')


def test_non_numeric_target_is_an_error_naming_it():
    rejects(
        b"city,temp\nParis,12\n",
        'target column "city" is not numeric',
        '"Paris" at line 2',
        target="city",
    )


def test_non_numeric_input_is_an_error_naming_it():
    rejects(b"city,temp\nParis,12\n", 'input column "city" is not numeric', inputs=["city"])


def test_empty_target_column():
    rejects(b"a,b\n1,\n2,\n", 'target column "b" is empty', target="b")


def test_unknown_column():
    rejects(b"a,b\n1,2\n", 'there is no column "z"', '"a", "b"', target="z")


def test_time_column_cannot_be_the_target():
    rejects(b"date,v\n2020-01-01,1\n", 'column "date" holds the time', target="date")


def test_no_numeric_column():
    rejects(b"name,city\nAda,Paris\nBo,Rome\n", "no numeric column", '"name", "city"')


def test_drop_leaves_no_rows():
    rejects(b"a,b\n1,\n,2\n", "no rows are left", target="a", inputs=["b"], missing="drop")


def test_bad_missing_policy():
    rejects(b"a\n1\n", "missing must be", missing="guess")


def test_size_limit_in_bytes(tmp_path):
    rejects(b"a\n" + b"1\n" * 100, "the file is 202 bytes; the limit is 100 bytes", max_bytes=100)
    path = tmp_path / "big.csv"
    path.write_bytes(b"a\n" + b"1\n" * 600_000)
    rejects(path, "the file is 1.2 MB; the limit is 1.0 MB", max_bytes=1_000_000)


def test_row_limit():
    rejects(b"a\n" + b"1\n" * 6, "more than 5 data rows; the limit is 5", max_rows=5)
    assert load_csv(b"a\n" + b"1\n" * 5, max_rows=5).values.shape == (5, 1)


def test_a_very_wide_file_is_refused_at_its_first_line_in_well_under_5_s():
    wide = ",".join(f"c{k}" for k in range(100_000)) + "\n"
    wide += "\n".join(",".join(["1"] * 100_000) for _ in range(5))
    start = time.perf_counter()
    rejects(wide.encode(), "line 1 has 100,000 fields", "the limit is 200 columns")
    assert time.perf_counter() - start < 5


def test_cells_are_counted_while_reading():
    row = ",".join(["1"] * 150) + "\n"
    rejects((row * 14_000).encode(), "more than 2,000,000 cells", "by line 13334")


def test_a_comma_file_whose_text_holds_a_pipe_stays_comma():
    table = load_csv(b"note,value\na|b,1\nc|d,2\ne|f,3\n", target="value")
    assert table.report["delimiter"] == "comma"
    np.testing.assert_array_equal(table.values[:, 0], [1, 2, 3])


def test_excel_sep_line_names_the_delimiter_and_keeps_line_numbers():
    table = load_csv(b"sep=;\r\na;b\r\n1;2\r\n3;4\r\n", target="b")
    assert table.report["delimiter"] == "semicolon"
    np.testing.assert_array_equal(table.values[:, 0], [2, 4])
    rejects(b"sep=,\na,b\n1,2\n3,x\n5,6\n", 'line 4: "x" is not a number', target="b")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_text(codec):
    table = load_csv("t,温度\n1,20.5\n2,21\n3,19.5\n".encode(codec), target="温度")
    assert table.report["encoding"] == codec
    np.testing.assert_array_equal(table.values[:, 0], [20.5, 21, 19.5])


def test_values_too_large_to_scale_are_refused_naming_the_line():
    rejects(b"a\n1\n2e305\n3\n", 'column "a", line 3: "2e305" is too large')


def test_missing_path():
    rejects("/no/such/file.csv", "cannot open", "/no/such/file.csv")


def test_unclosed_quote_with_huge_field_names_the_line():
    rejects(b'a\n1\n"' + b"x" * 140_000 + b"\n", "line 3")


def test_window_too_long_names_the_minimum_length():
    check_window(103, 20, 0.2)  # 82 rows to train, 21 to validate: one window (21 values) each
    assert (split_index(103, 0.2), split_index(102, 0.2)) == (82, 82)  # 102 keeps only 20
    with pytest.raises(CsvError, match="at least 103 rows"):
        check_window(102, 20, 0.2)
    with pytest.raises(CsvError, match="at least 11 rows"):
        check_window(10, 10)


@pytest.mark.parametrize("window,fraction", [(1, 0.0), (5, 0.1), (20, 0.2), (64, 0.5), (7, 0.33)])
def test_min_length_is_the_shortest_that_fits(window, fraction):
    def fits(n):  # the direct definition: each part holds window + 1 values
        n_train = n - int(round(n * fraction))
        return n_train >= window + 1 and (fraction == 0 or n - n_train >= window + 1)

    need = min_length(window, fraction)
    assert fits(need) and not any(fits(n) for n in range(need))


# --------------------------------------------------------------------------- properties
def _is_valid(table: SeriesTable) -> bool:
    n, c = table.values.shape
    return (
        table.values.dtype == np.float64
        and np.isfinite(table.values).all()
        and c == 1 + len(table.inputs)
        and table.columns == [table.target, *table.inputs]
        and (table.time is None or len(table.time) == n)
    )


PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(st.binary(max_size=3000))
def test_random_bytes_give_a_table_or_a_csv_error(raw):
    try:
        assert _is_valid(load_csv(raw))
    except CsvError as exc:
        assert str(exc)


CELLS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(
        [
            "",
            "NaN",
            "nan",
            "inf",
            "-inf",
            "NA",
            "-",
            "1,5",
            "1.234,5",
            '"',
            '""',
            "2020-01-01",
            "13/02/2018",
            "x",
            " ",
            "1e999",
            "\t",
            ";",
            "é",
            "\ufeff",
        ]
    ),
    st.text(max_size=8),
)
ROWS = st.lists(st.lists(CELLS, min_size=1, max_size=5), min_size=0, max_size=12)


@pytest.mark.slow
@PROPERTY
@given(
    rows=ROWS,
    sep=st.sampled_from([",", ";", "\t", "|", " "]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]),
    target=st.one_of(st.none(), st.sampled_from(["column 1", "column 2", "a", "x"])),
    missing=st.sampled_from(["interpolate", "drop"]),
    header=st.sampled_from([None, True, False]),
)
def test_random_malformed_tables_give_a_table_or_a_csv_error(
    rows, sep, newline, encoding, target, missing, header
):
    raw = newline.join(sep.join(r) for r in rows).encode(encoding, errors="replace")
    try:
        table = load_csv(raw, target=target, missing=missing, header=header)
    except CsvError as exc:
        assert str(exc)
    else:
        assert _is_valid(table)


@PROPERTY
@given(
    data=st.lists(
        st.lists(st.floats(-1e12, 1e12, allow_nan=False), min_size=3, max_size=3),
        min_size=1,
        max_size=20,
    ),
    style=st.sampled_from([(",", "."), (";", "."), (";", ","), ("\t", ","), ("|", ".")]),
    with_header=st.booleans(),
)
def test_numbers_round_trip_exactly(data, style, with_header):
    sep, decimal = style
    lines = [sep.join(repr(v).replace(".", decimal) for v in row) for row in data]
    if with_header:
        lines.insert(0, sep.join(["p", "q", "r"]))
    table = load_csv("\n".join(lines).encode(), inputs=None)
    names = table.report["columns"]
    full = load_csv("\n".join(lines).encode(), target=names[0], inputs=names[1:])
    np.testing.assert_array_equal(full.values, np.array(data))
    assert full.report["header"] is with_header
