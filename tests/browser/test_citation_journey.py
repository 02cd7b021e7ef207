"""An editor imports references, cites them, previews the numbered list, is refused
for an unknown key, fixes it and submits."""

from pathlib import Path

from references.models import Reference

RIS = Path(__file__).resolve().parents[1] / "references" / "samples" / "references.ris"


def test_editor_imports_cites_previews_and_submits(page, sign_in, editor):
    sign_in(editor)
    page.goto("/desk/references/import/")
    page.set_input_files("#id_file", str(RIS))
    page.get_by_role("button", name="Preview import").click()
    assert "3 to add, 0 already in the library, 0 rejected" in page.content()
    page.get_by_role("button", name="Add 3 references").click()
    assert page.get_by_role("heading", name="Import done: 3 added, 0 already in the library, 0 rejected").is_visible()
    keys = {r.title.split()[0]: r.key for r in Reference.objects.all()}
    okafor, guideline, statins = keys["Early"], keys["Guideline"], keys["Statins"]

    page.goto("/desk/new/")
    page.fill("#id_title", "Delirium in hospital: what helps?")
    page.fill("#id_slug", "delirium-in-hospital")
    body = (
        f"## Moving early\n\nGetting up early helps [@{okafor}].\n\n"
        f"## Infections\n\nTreat pneumonia promptly [@{guideline}; @{okafor}] "
        f"and consider statins [@{statins}; @nobody2024]."
    )
    page.fill("#id_body", body)
    page.fill("#id_note", "First draft with sources")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator(".rendered").first
    assert preview.locator("sup.citation").first.inner_text() == "1"
    assert preview.locator("sup.citation").nth(1).inner_text() == "1, 2"
    entries = preview.locator("ol.references li")
    assert entries.count() == 3
    assert entries.first.inner_text().startswith("RESEARCH Okafor AN, Lindqvist P, Tanaka H. Early mobilisation")
    assert "J Sample Geriatr Med. 2021;14(2):101-109." in entries.first.inner_text()
    assert "line 7: unknown reference key @nobody2024" in page.locator(".citation-problems").inner_text()

    page.get_by_role("button", name="Save version").click()
    page.get_by_role("button", name="Submit for review").click()
    assert page.locator(".message.error").inner_text() == "1 problem blocks submission."
    assert "line 7: unknown reference key @nobody2024" in page.locator("#citation-problems").inner_text()
    assert page.get_by_test_id("state").inner_text() == "Draft"

    page.get_by_role("link", name="Edit").click()
    page.fill("#id_body", body.replace("; @nobody2024", ""))
    page.fill("#id_note", "Removed an unknown source")
    page.get_by_role("button", name="Save version").click()
    page.get_by_role("button", name="Submit for review").click()
    assert page.get_by_test_id("state").inner_text() == "Submitted"
    page.locator("sup.citation a").first.click()
    assert page.url.endswith("#ref-1")
