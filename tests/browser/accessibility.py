"""axe-core, run in the page: the serious and critical accessibility violations it finds."""

import json
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page, impacts=("serious", "critical")):
    """(rule, help, elements) for each serious or critical violation on the page as it is
    (`impacts` widens or narrows the impacts reported)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does)")
    page.add_script_tag(path=str(AXE))
    result = json.loads(page.evaluate("async () => JSON.stringify(await axe.run(document))"))
    return [
        (violation["id"], violation["help"], [node["target"] for node in violation["nodes"]])
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


def invisible_focus(page, presses=15):
    """The elements that Tab reaches from the start of the main content (`presses` times)
    without a visible focus indicator: no outline and no box shadow while focused."""
    page.focus("#main")
    unseen = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        described = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el || el === document.body) return null;
                const style = getComputedStyle(el);
                const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
                const shadowed = style.boxShadow && style.boxShadow !== "none";
                return outlined || shadowed ? "" : el.outerHTML.slice(0, 120);
            }"""
        )
        if described:
            unseen.append(described)
    return unseen
