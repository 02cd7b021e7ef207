"""Golden tests: the exact reference-list text for both styles and every kind.
citeproc-py's flaws are pinned here (escaping, leading numbers, NLM dates and pages)."""

import datetime
from types import SimpleNamespace

import pytest

from references.formatting import format_reference, nlm_pages

BLANK = dict(
    authors=[],
    organisation="",
    source="",
    year=None,
    volume="",
    issue="",
    pages="",
    url="",
    language="",
    doi="",
    pmid="",
    accessed=None,
)
OKAFOR = [
    {"family": "Okafor", "given": "Adaeze N."},
    {"family": "Lindqvist", "given": "Per"},
    {"family": "Tanaka", "given": "Hiroshi"},
]
SEVEN = [
    {"family": f, "given": g}
    for f, g in [
        ("Nakamura", "Aiko"),
        ("Osei", "Kwame"),
        ("Petrov", "Ivan"),
        ("Silva", "Ana"),
        ("Brown", "Lee"),
        ("Cohen", "Dana"),
        ("Ahmed", "Sara"),
    ]
]
NOV_1 = datetime.date(2026, 11, 1)

CASES = {
    "research": dict(
        kind="research",
        title="Early mobilisation and delirium in older inpatients: a randomised trial",
        authors=OKAFOR,
        source="J Sample Geriatr Med",
        year=2021,
        volume="14",
        issue="2",
        pages="101-109",
        doi="10.5555/sample.2021.0101",
        pmid="99000001",
    ),
    "systematic_review": dict(
        kind="systematic_review",
        title="Statins for primary prevention: a systematic review and meta-analysis",
        authors=[{"family": "Moreau", "given": "Claire"}, {"family": "Haddad", "given": "Youssef"}],
        source="Sample Reviews in Cardiology",
        year=2019,
        volume="7",
        pages="55-70",
        doi="10.5555/sample.2019.0055",
    ),
    "seven_authors": dict(
        kind="research",
        title="Seven-author sample study of hypertension control",
        authors=SEVEN,
        source="Sample Hypertension Journal",
        year=2022,
        volume="30",
        pages="1-12",
    ),
    "guideline": dict(
        kind="guideline",
        title="Guideline on the management of community-acquired pneumonia in adults",
        organisation="Sample Society of Respiratory Medicine",
        source="Sample Society of Respiratory Medicine",
        year=2023,
        url="https://guidelines.example.org/cap-2023",
        accessed=NOV_1,
    ),
    "textbook": dict(
        kind="textbook",
        title="Sample Textbook of Internal Medicine",
        authors=[{"family": "Schmidt", "given": "Jürgen"}],
        source="Example Medical Press",
        year=2018,
    ),
    "website": dict(
        kind="website",
        title="Guidance on physical activity for adults with chronic conditions",
        organisation="Sample World Health Body",
        year=2020,
        url="https://guidance.example.org/activity",
        accessed=NOV_1,
    ),
    "other": dict(
        kind="other", title="Internal memo on sample storage", organisation="Sample Hospital Trust", year=2024
    ),
    "hostile": dict(
        kind="research",
        title="<script>alert(1)</script> & <b>bold</b>",
        authors=[{"family": "O'<i>Brien</i>", "given": "Sean"}],
        source="J <img src=x onerror=1>",
        year=2020,
    ),
}

GOLDEN = {
    (
        "ama",
        "research",
    ): "Okafor AN, Lindqvist P, Tanaka H. Early mobilisation and delirium in older inpatients: a randomised trial. J Sample Geriatr Med. 2021;14(2):101-109. doi:10.5555/sample.2021.0101",
    (
        "ama",
        "systematic_review",
    ): "Moreau C, Haddad Y. Statins for primary prevention: a systematic review and meta-analysis. Sample Reviews in Cardiology. 2019;7:55-70. doi:10.5555/sample.2019.0055",
    (
        "ama",
        "seven_authors",
    ): "Nakamura A, Osei K, Petrov I, et al. Seven-author sample study of hypertension control. Sample Hypertension Journal. 2022;30:1-12.",
    (
        "ama",
        "guideline",
    ): "Sample Society of Respiratory Medicine. Guideline on the Management of Community-acquired Pneumonia in Adults. Sample Society of Respiratory Medicine; 2023. Accessed November 1, 2026. https://guidelines.example.org/cap-2023",
    ("ama", "textbook"): "Schmidt J. Sample Textbook of Internal Medicine. Example Medical Press; 2018.",
    (
        "ama",
        "website",
    ): "Sample World Health Body. Guidance on physical activity for adults with chronic conditions. 2020. Accessed November 1, 2026. https://guidance.example.org/activity",
    ("ama", "other"): "Sample Hospital Trust. Internal memo on sample storage. Published online 2024.",
    (
        "ama",
        "hostile",
    ): "O'&lt;i&gt;Brien&lt;/i&gt; S. &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;. J &lt;img src=x onerror=1&gt;. Published online 2020.",
    (
        "vancouver",
        "research",
    ): "Okafor AN, Lindqvist P, Tanaka H. Early mobilisation and delirium in older inpatients: a randomised trial. J Sample Geriatr Med. 2021;14(2):101–9. doi:10.5555/sample.2021.0101 PubMed PMID: 99000001.",
    (
        "vancouver",
        "systematic_review",
    ): "Moreau C, Haddad Y. Statins for primary prevention: a systematic review and meta-analysis. Sample Reviews in Cardiology. 2019;7:55–70. doi:10.5555/sample.2019.0055",
    (
        "vancouver",
        "seven_authors",
    ): "Nakamura A, Osei K, Petrov I, Silva A, Brown L, Cohen D, et al. Seven-author sample study of hypertension control. Sample Hypertension Journal. 2022;30:1–12.",
    (
        "vancouver",
        "guideline",
    ): "Sample Society of Respiratory Medicine. Guideline on the management of community-acquired pneumonia in adults [Internet]. Sample Society of Respiratory Medicine; 2023 [cited 2026 Nov 1]. Available from: https://guidelines.example.org/cap-2023",
    ("vancouver", "textbook"): "Schmidt J. Sample Textbook of Internal Medicine. Example Medical Press; 2018.",
    (
        "vancouver",
        "website",
    ): "Sample World Health Body. Guidance on physical activity for adults with chronic conditions [Internet]. 2020 [cited 2026 Nov 1]. Available from: https://guidance.example.org/activity",
    ("vancouver", "other"): "Sample Hospital Trust. Internal memo on sample storage. 2024.",
    (
        "vancouver",
        "hostile",
    ): "O'&lt;i&gt;Brien&lt;/i&gt; S. &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;. J &lt;img src=x onerror=1&gt;. 2020.",
}


@pytest.mark.parametrize("style, case", sorted(GOLDEN))
def test_each_kind_formats_exactly_as_pinned(style, case):
    reference = SimpleNamespace(**{**BLANK, **CASES[case]})
    assert format_reference(reference, style) == GOLDEN[(style, case)]


@pytest.mark.parametrize(
    "pages, expected",
    [("101-109", "101-9"), ("1-12", "1-12"), ("55-70", "55-70"), ("233-241", "233-41"), ("e123", "e123"), ("12", "12")],
)
def test_nlm_page_ranges_are_minimal_but_never_wrong(pages, expected):
    assert nlm_pages(pages) == expected
