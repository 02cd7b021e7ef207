from types import SimpleNamespace

import pytest

from references.citations import check, find_markers, keys_in_order, label

LIBRARY = {
    "smith2020": SimpleNamespace(title="Smith", retracted=False),
    "nccn-lung": SimpleNamespace(title="NCCN", retracted=False),
    "old2001": SimpleNamespace(title="Withdrawn trial", retracted=True),
}


def test_markers_are_found_with_their_lines_and_code_is_ignored():
    body = "Intro [@smith2020].\n\n```\n[@inside-code]\n```\nBoth [@smith2020; @nccn-lung] and `[@literal]`"
    assert [(m.keys, m.line) for m in find_markers(body)] == [(("smith2020",), 1), (("smith2020", "nccn-lung"), 6)]
    assert keys_in_order(body) == ["smith2020", "nccn-lung"]


@pytest.mark.parametrize(
    "numbers, text",
    [
        ([1], "1"),
        ([1, 2], "1, 2"),
        ([1, 2, 3], "1-3"),
        ([4, 1], "1, 4"),
        ([1, 2, 3, 5, 6, 7, 9], "1-3, 5-7, 9"),
        ([2, 2, 1], "1, 2"),
    ],
)
def test_numbers_collapse_into_runs_and_lists(numbers, text):
    assert label(numbers) == text


def test_unknown_keys_are_named_with_their_line():
    result = check("First [@smith2020].\nThen [@nope2019; @nccn-lung].", LIBRARY)
    assert result.problems == ("line 2: unknown reference key @nope2019",)


def test_duplicate_keys_in_one_marker_and_retracted_references_are_problems():
    result = check("A [@smith2020; @smith2020].\nB [@old2001]", LIBRARY)
    assert "line 1: @smith2020 is cited twice in the same marker" in result.problems
    assert any("@old2001" in p and "retracted" in p for p in result.problems)


def test_listed_but_uncited_references_are_only_a_warning():
    result = check("A [@smith2020]", LIBRARY, listed_keys=["smith2020", "nccn-lung"])
    assert result.problems == ()
    assert result.warnings == ("@nccn-lung is in the reference list but nothing cites it",)
