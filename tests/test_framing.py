"""Line framing: linear, lossless, bounded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccsdk.protocol import DEFAULT_MAX_LINE_BYTES, LineBuffer, LineTooLongError


def feed_in_pieces(
    data: bytes, cuts: list[int], bound: int = DEFAULT_MAX_LINE_BYTES
) -> list[bytes]:
    buffer = LineBuffer(bound)
    lines: list[bytes] = []
    start = 0
    for cut in [*sorted(set(cuts)), len(data)]:
        lines.extend(buffer.feed(data[start:cut]))
        start = cut
    tail = buffer.take_tail()
    return lines + ([tail] if tail else [])


@given(
    st.lists(st.binary().map(lambda b: b.replace(b"\n", b"")), max_size=20),
    st.lists(st.integers(min_value=0, max_value=2000)),
    st.booleans(),
)
def test_any_chunking_gives_the_same_lines(
    lines: list[bytes], cuts: list[int], final_newline: bool
) -> None:
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    cuts = [c for c in cuts if c <= len(data)]
    if final_newline or not lines:
        expected = lines
    else:  # the unfinished last line comes back at the end of the stream, if any
        expected = lines[:-1] + ([lines[-1]] if lines[-1] else [])
    assert feed_in_pieces(data, cuts) == expected


def test_whitespace_at_chunk_seams_is_kept() -> None:
    # The official SDK stripped each 64 KiB chunk and corrupted content here.
    line = b'{"text": "' + b" " * 70000 + b'x  "}'
    assert feed_in_pieces(line + b"\n", [65536, 65537, 70005]) == [line]


def test_a_line_over_the_bound_names_bound_and_size() -> None:
    buffer = LineBuffer(1024)
    buffer.feed(b"x" * 1000)
    with pytest.raises(LineTooLongError) as info:
        buffer.feed(b"y" * 100)
    assert info.value.bound == 1024
    assert info.value.size == 1100
    assert "1024" in str(info.value) and "1100" in str(info.value)
    assert "max_line_bytes" in str(info.value)


def test_a_whole_line_over_the_bound_in_one_chunk() -> None:
    # The line before it comes out; the error is raised by the next call.
    buffer = LineBuffer(1024)
    assert buffer.feed(b"a\n" + b"z" * 2000 + b"\nb\n") == [b"a"]
    with pytest.raises(LineTooLongError) as info:
        buffer.feed(b"c\n")
    assert info.value.size == 2000


def test_a_whole_line_over_the_bound_first_in_its_chunk_raises_at_once() -> None:
    buffer = LineBuffer(1024)
    with pytest.raises(LineTooLongError) as info:
        buffer.feed(b"z" * 2000 + b"\nb\n")
    assert info.value.size == 2000


def test_the_default_admits_a_50_mb_line() -> None:
    line = b"x" * (50 * 1000 * 1000)
    buffer = LineBuffer()
    out: list[bytes] = []
    for start in range(0, len(line), 65536):
        out.extend(buffer.feed(line[start : start + 65536]))
    out.extend(buffer.feed(b"\n"))
    assert len(out) == 1 and out[0] == line


def test_a_bound_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        LineBuffer(0)
