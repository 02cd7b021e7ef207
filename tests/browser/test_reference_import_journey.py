"""An editor imports a file whose keys partly clash, changes one key on the preview,
adds the records, then adds the record the file gave without a title by looking up
its DOI (at a local Crossref double); the pages pass axe-core."""

import json
from pathlib import Path

import pytest

from references.models import Reference
from tests.references.conftest import add_reference  # noqa: F401  (fixture)
from tests.references.test_lookup import services_double  # noqa: F401  (fixture)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def assert_accessible(page):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => JSON.stringify(await axe.run(document))")
    violations = [v for v in json.loads(result)["violations"] if v["impact"] in ("serious", "critical")]
    assert violations == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in violations]


def test_editor_imports_with_a_clashing_key_and_looks_up_an_untitled_doi(
    page,
    sign_in,
    editor,
    add_reference,
    services_double,
    tmp_path,  # noqa: F811
):
    add_reference(key="smith2020")
    ris = tmp_path / "manager.ris"
    ris.write_text(
        "TY  - JOUR\nID  - smith2020\nTI  - Another Smith paper\nAU  - Smith, Al\nPY  - 2020\nER  - \n\n"
        "TY  - JOUR\nID  - okafor2021\nTI  - Early mobilisation\nAU  - Okafor, A\nPY  - 2021\nER  - \n\n"
        "TY  - JOUR\nAU  - Okafor, A\nPY  - 2022\nDO  - 10.5555/found\nER  - \n"
    )
    sign_in(editor)
    page.goto("/desk/references/import/")
    page.set_input_files("#id_file", str(ris))
    page.get_by_role("button", name="Preview import").click()
    assert "2 to add, 0 already in the library, 1 rejected" in page.content()
    key_field = page.get_by_label("Key for record 1 (line 1)")
    assert key_field.input_value() == "smith2020a"
    assert "The file's key @smith2020 is already used" in page.locator("#clash-0").inner_text()
    assert_accessible(page)

    key_field.fill("smith2020al")
    page.get_by_role("button", name="Add 2 references").click()
    assert page.get_by_role("heading", name="Import done: 2 added, 0 already in the library, 1 rejected").is_visible()
    page.get_by_role("link", name="@smith2020al").click()
    assert page.get_by_role("heading", name="Another Smith paper").is_visible()
    assert set(Reference.objects.values_list("key", flat=True)) == {"smith2020", "smith2020al", "okafor2021"}

    page.go_back()
    page.get_by_role("link", name="Add it by looking up 10.5555/found").click()
    assert "Filled in from Crossref (DOI 10.5555/found)" in page.get_by_role("status").inner_text()
    assert page.input_value("#id_title") == "Early mobilisation after hip fracture"
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("heading", name="Early mobilisation after hip fracture").is_visible()
    assert Reference.objects.get(doi="10.5555/found").key == "okafor2022"

    page.goto("/desk/references/")
    page.get_by_label("Add a reference by DOI or PubMed ID").fill("https://doi.org/10.5555/found")
    page.get_by_role("button", name="Look up").click()
    assert "already in the library as @okafor2022 (same DOI)" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
