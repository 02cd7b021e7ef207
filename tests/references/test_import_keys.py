"""RIS imports keep the file's own citation keys; a key that cannot be kept is shown on
the preview, with a field to change it, and the done page links what was added."""

import pytest

from references import importing
from references.models import Reference
from tests.references.import_pages import confirm, confirm_fields, upload

RIS = b"""TY  - JOUR
ID  - okafor2021delirium
TI  - Early mobilisation and delirium
AU  - Okafor, Adaeze N.
AU  - Lindqvist, Per
AU  - Tanaka, Hiroshi
AU  - Moreau, Claire
PY  - 2021
DO  - 10.5555/keys.1
AN  - 99000101
ER  - 

TY  - JOUR
ID  - smith2020
TI  - A different trial by another Smith
AU  - Smith, Al
PY  - 2020
ER  - 

TY  - JOUR
ID  - okafor2021delirium
TI  - A second paper the file gave the same key
AU  - Okafor, Adaeze N.
PY  - 2021
ER  - 

TY  - JOUR
TI  - A record the file gives no key
AU  - Haddad, Youssef
PY  - 2019
ER  - 
"""


@pytest.fixture
def signed_in_editor(client, editor):
    client.force_login(editor)
    return client


def preview(client, data=RIS, name="library.ris"):
    return upload(client, data, name)


def test_ris_records_keep_the_files_keys_and_clashes_get_another(editor, smith):
    report = importing.import_references(actor=editor, data=RIS, filename="library.ris")
    assert [(new.key, new.file_key) for new in report.created] == [
        ("okafor2021delirium", "okafor2021delirium"),
        ("smith2020a", "smith2020"),
        ("okafor2021", "okafor2021delirium"),
        ("haddad2019", ""),
    ]
    assert [new.clash for new in report.created] == [
        "",
        "The file's key @smith2020 is already used by a reference in the library.",
        "The file's key @okafor2021delirium is already used by record 1 (line 1) in this file.",
        "",
    ]
    assert report.created[1].clash_url == smith.get_absolute_url()


def test_the_preview_shows_key_authors_year_doi_and_pmid_and_fields_only_for_clashes(signed_in_editor, smith):
    response = preview(signed_in_editor)
    assert response.status_code == 200
    page = response.content.decode()
    row = page.split("record 1 (line 1)")[1].split("</tr>")[0]
    assert "@okafor2021delirium" in row and "Okafor, Lindqvist, Tanaka et al." in row
    assert "<td>2021</td>" in row and "10.5555/keys.1" in row and "99000101" in row
    assert set(confirm_fields(page)) == {"key-1", "key-2"}
    assert confirm_fields(page)["key-1"] == "smith2020a"
    assert f'<a href="{smith.get_absolute_url()}">The file' in page


def test_a_key_typed_on_the_preview_is_the_one_stored_and_the_done_page_links_each(signed_in_editor, smith):
    page = preview(signed_in_editor).content.decode()
    fields = confirm_fields(page)
    fields["key-1"] = "smith2020other"
    done = confirm(signed_in_editor, page, fields)
    assert done.status_code == 200
    keys = set(Reference.objects.exclude(pk=smith.pk).values_list("key", flat=True))
    assert keys == {"okafor2021delirium", "smith2020other", "okafor2021", "haddad2019"}
    page = done.content.decode()
    for reference in Reference.objects.exclude(pk=smith.pk):
        assert f'<a href="{reference.get_absolute_url()}">@{reference.key}</a>' in page
    assert "Import done: 4 added, 0 already in the library, 0 rejected" in page and "to add" not in page


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("smith2020", "is already used by a reference in the library"),
        ("okafor2021delirium", "is already used by record 1 (line 1) in this file"),
        ("has space", "is not a citation key"),
        ("http://zotero.org/users/1/items/AB", "is not a citation key"),
    ],
)
def test_a_typed_key_that_cannot_be_used_is_refused_keeping_what_was_typed(signed_in_editor, smith, typed, reason):
    page = preview(signed_in_editor).content.decode()
    fields = confirm_fields(page)
    fields["key-1"] = typed
    response = confirm(signed_in_editor, page, fields)
    assert response.status_code == 409
    page = response.content.decode()
    assert f"record 2 (line 13): @{typed} {reason}" in page and "Nothing was stored" in page
    assert "1 typed key cannot be used" in page and ". Change it and confirm again." in page and ".." not in page
    assert confirm_fields(page)["key-1"] == typed and 'aria-invalid="true"' in page
    assert Reference.objects.count() == 1


def test_a_zotero_item_uri_is_not_a_key_and_one_is_made_without_fuss(editor):
    ris = b"TY  - JOUR\nID  - http://zotero.org/users/1/items/ABCD1234\nTI  - T\nAU  - Doe, J\nPY  - 2020\nER  - \n"
    [new] = importing.import_references(actor=editor, data=ris, filename="z.ris").created
    assert (new.key, new.file_key, new.clash) == ("doe2020", "", "")


def test_a_preview_asks_the_library_in_as_many_queries_for_5_records_as_for_200(
    editor, add_reference, django_assert_max_num_queries
):
    add_reference(key="doe2020", title="Stored study", family="Doe", year=2020, doi="10.5555/stored")

    def ris(count):
        """Records with and without keys, a stored DOI and made keys that meet the library's."""
        records = []
        for n in range(count):
            key = f"ID  - key{n}\n" if n % 2 else ""
            doi = "DO  - 10.5555/stored\n" if n == 3 else ""
            records.append(f"TY  - JOUR\n{key}TI  - Study {n}\nAU  - Doe, J\nPY  - 2020\n{doi}ER  - \n\n")
        return "".join(records).encode()

    counts = []
    for size in (5, 200):
        with django_assert_max_num_queries(10) as captured:
            report = importing.import_references(actor=editor, data=ris(size), filename="k.ris")
        counts.append(len(captured))
        assert len(report.duplicates) == 1 and len(report.created) == size - 1
        made = [new.key for new in report.created if not new.file_key]
        assert made[:2] == ["doe2020a", "doe2020b"] and len(set(made)) == len(made)
    assert counts[0] == counts[1]
