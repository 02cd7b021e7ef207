"""axe-core, run in the page: the serious and critical accessibility violations it finds."""

import json
from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page):
    """(rule, help, elements) for each serious or critical violation on the page as it is."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does)")
    page.add_script_tag(path=str(AXE))
    result = json.loads(page.evaluate("async () => JSON.stringify(await axe.run(document))"))
    return [
        (violation["id"], violation["help"], [node["target"] for node in violation["nodes"]])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
