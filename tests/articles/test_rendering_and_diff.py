import re
from types import SimpleNamespace

import pytest

from articles.diff import compare_versions, number_changes, word_diff_html
from articles.rendering import render_markdown


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "<img src=x onerror=alert(1)>",
        '<a href="#" onclick="steal()">x</a>',
        "![x](javascript:alert(1))",
    ],
)
def test_hostile_markdown_never_becomes_markup(hostile):
    html, _ = render_markdown(hostile)
    tags = re.findall(r"<[^>]*>", html)
    assert {re.match(r"</?(\w+)", tag).group(1) for tag in tags} <= {"p"}
    assert not any("on" in tag or "javascript" in tag for tag in tags)


def test_headings_get_ids_and_h1_is_demoted():
    html, headings = render_markdown("# Top\n\n## Dosage\n\n## Dosage\n\nText")
    assert "<h1" not in html
    assert '<h2 id="dosage">' in html and '<h2 id="dosage-2">' in html
    assert [title for _, title, _ in headings] == ["Top", "Dosage", "Dosage"]


def test_tables_and_lists_render():
    html, _ = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n- one\n- two")
    assert "<table>" in html and "<li>one</li>" in html


def test_a_changed_dose_is_listed_apart_with_its_unit():
    changes = number_changes("Body", "Take 5 mg once daily.", "Take 50 mg once daily.")
    assert [(c.old, c.new) for c in changes] == [("5 mg", "50 mg")]
    assert "50 mg" in changes[0].context


def test_percentages_and_intervals_count_as_numbers_but_prose_does_not():
    assert [(c.old, c.new) for c in number_changes("B", "in 3% of people", "in 30% of people")] == [("3%", "30%")]
    assert [(c.old, c.new) for c in number_changes("B", "every 8 hours", "every 12 hours")] == [("8 hours", "12 hours")]
    assert number_changes("B", "Take it with food", "Take it with water") == []


def test_word_diff_marks_changes_and_escapes_html():
    html = word_diff_html("Use <b>care</b> now", "Use <i>care</i> later")
    assert "<del>now</del>" in html and "<ins>later</ins>" in html
    assert {re.match(r"</?(\w+)", tag).group(1) for tag in re.findall(r"<[^>]*>", html)} == {"del", "ins"}
    assert "&lt;i&gt;" not in html and "&lt;" in html


def test_compare_versions_covers_every_field():
    old = SimpleNamespace(title="T", summary="S", body="5 mg", key_points="", faq=[], aliases=["A"], figures=[])
    new = SimpleNamespace(
        title="T",
        summary="S2",
        body="50 mg",
        key_points="",
        faq=[{"question": "Q", "answer": "A"}],
        aliases=["A"],
        figures=[],
    )
    result = compare_versions(old, new)
    changed = {label for label, is_changed, _ in result["fields"] if is_changed}
    assert changed == {"Summary", "Body", "FAQ"}
    assert [(c.field, c.old, c.new) for c in result["numbers"]] == [("Body", "5 mg", "50 mg")]
    assert result["figures"] == []


def test_a_citation_marker_links_each_number_and_shows_three_in_a_row_as_a_range():
    references = [{"key": f"k{n}"} for n in range(1, 6)]
    html, _ = render_markdown("Claim [@k1; @k2; @k3; @k5] and [@k4; @k5].", references)
    links = re.sub(r' rel="[^"]*"', "", html)
    assert '<a href="#ref-1">1</a>-<a href="#ref-3">3</a>, <a href="#ref-5">5</a>' in links
    assert '<a href="#ref-4">4</a>, <a href="#ref-5">5</a>' in links
