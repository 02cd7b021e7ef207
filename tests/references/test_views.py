import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from references.models import Reference
from tests.references.conftest import SAMPLES
from tests.references.import_pages import confirm, upload


@pytest.fixture
def signed_in_editor(client, editor):
    client.force_login(editor)
    return client


def test_library_search_finds_by_title_author_key_doi_and_pmid(signed_in_editor, smith, jones):
    for query, found, absent in [
        ("sample trial", "@smith2020", "@jones2021"),
        ("Jones", "@jones2021", "@smith2020"),
        ("smith20", "@smith2020", "@jones2021"),
        ("https://doi.org/10.5555/SMITH", "@smith2020", "@jones2021"),
        ("123", "@jones2021", "@smith2020"),
    ]:
        page = signed_in_editor.get("/desk/references/", {"q": query}).content.decode()
        assert found in page and absent not in page, query


@pytest.mark.parametrize("query", ['"quoted', "a' OR 1=1 --", "x" * 5000, "%_%", "\\", "a\x00b"])
def test_odd_search_input_answers_normally(signed_in_editor, smith, query):
    assert signed_in_editor.get("/desk/references/", {"q": query}).status_code == 200


def test_library_pages_and_keeps_a_constant_query_count(signed_in_editor, add_reference, django_assert_max_num_queries):
    counts = []
    for size in (5, 60):
        for n in range(Reference.objects.count(), size):
            add_reference(title=f"Study number {n}", year=2000 + n % 20, family=f"Author{n}")
        with django_assert_max_num_queries(8) as captured:
            assert signed_in_editor.get("/desk/references/").status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    assert "Page 1 of 2" in signed_in_editor.get("/desk/references/").content.decode()


def test_a_duplicate_entered_by_hand_is_shown_and_the_typed_fields_are_kept(signed_in_editor, smith):
    response = signed_in_editor.post(
        "/desk/references/new/",
        {
            "kind": "research",
            "title": "Something new",
            "authors": "Roe, Jane",
            "doi": "doi:10.5555/SMITH",
            "year": "2020",
        },
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "already in the library as @smith2020" in page and "Something new" in page and "Roe, Jane" in page


def test_bad_reference_input_gets_field_messages(signed_in_editor):
    response = signed_in_editor.post(
        "/desk/references/new/",
        {"kind": "research", "title": "T", "authors": "NoComma", "doi": "nonsense", "year": "20x"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Author line 1" in page and "is not a DOI" in page and "Enter a whole number" in page


def test_hostile_reference_fields_never_become_markup(signed_in_editor):
    signed_in_editor.post(
        "/desk/references/new/",
        {
            "kind": "research",
            "title": "<script>alert(1)</script>",
            "authors": "<img src=x onerror=alert(1)>, X",
            "year": "2020",
        },
    )
    reference = Reference.objects.get()
    page = signed_in_editor.get(reference.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_reference_page_lists_the_articles_citing_it(signed_in_editor, draft, editor, smith):
    from articles import services
    from articles.services import Content

    services.article_save_version(
        article_id=draft.pk,
        actor=editor,
        base_version_id=draft.working_version_id,
        note="cite",
        content=Content(title="Citing article", body="X [@smith2020]"),
    )
    page = signed_in_editor.get(smith.get_absolute_url()).content.decode()
    assert "Citing article" in page


def test_upload_previews_then_confirm_stores(signed_in_editor):
    preview = upload(signed_in_editor, (SAMPLES / "references.ris").read_bytes())
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "3 to add, 0 already in the library, 0 rejected" in page and not Reference.objects.exists()
    done = confirm(signed_in_editor, page)
    assert done.status_code == 200 and Reference.objects.count() == 3
    assert "3 added" in done.content.decode()


def test_an_unusable_upload_gets_a_400_with_the_reason_and_stores_nothing(signed_in_editor):
    upload = SimpleUploadedFile("refs.bib", b"\xff\xfe\x00binary")
    response = signed_in_editor.post("/desk/references/import/", {"file": upload})
    assert response.status_code == 400
    assert "binary" in response.content.decode() and not Reference.objects.exists()
    damaged = signed_in_editor.post("/desk/references/import/jobs/not-a-token/confirm/")
    assert damaged.status_code == 404


def test_exports_round_trip_through_the_importers(signed_in_editor, editor, smith, jones):
    from references.parsing import parse

    ris = signed_in_editor.get("/desk/references/export.ris")
    assert ris.status_code == 200
    _, records = parse(ris.content, fmt="ris")
    assert {r.fields["title"] for r in records} == {smith.title, jones.title}
    items = json.loads(signed_in_editor.get("/desk/references/export.json").content)
    assert {item["id"] for item in items} == {"smith2020", "jones2021"}


def test_reviewers_may_read_the_library_but_not_change_it(client, reviewer, smith):
    client.force_login(reviewer)
    assert client.get("/desk/references/").status_code == 200
    assert client.get("/desk/references/new/").status_code == 403
    assert client.get(f"/desk/references/{smith.pk}/edit/").status_code == 403


def test_the_import_command_reports_and_refuses_a_bad_file(editor, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    call_command("import_references", str(SAMPLES / "references.bib"), "--user", editor.username)
    assert "3 added" in capsys.readouterr().out and Reference.objects.count() == 3
    bad = tmp_path / "bad.json"
    bad.write_text('[{"title": ')
    with pytest.raises(CommandError, match="not valid JSON.*Nothing was stored"):
        call_command("import_references", str(bad), "--user", editor.username)


def test_an_article_with_150_citations_to_100_references_renders_in_constant_queries(
    client, draft, editor, publisher, add_reference, django_assert_max_num_queries
):
    from articles import services
    from articles.services import Content

    counts = []
    for references, citations in ((5, 8), (100, 150)):
        for n in range(Reference.objects.count(), references):
            add_reference(key=f"ref{n}", title=f"Study {n}", year=1990 + n % 30, family=f"Author{n}")
        body = "\n\n".join(
            f"Claim {i} [@ref{(2 * i) % references}; @ref{(2 * i + 1) % references}]." for i in range(citations // 2)
        )
        draft.refresh_from_db()
        version = services.article_save_version(
            article_id=draft.pk,
            actor=editor,
            base_version_id=draft.working_version_id,
            note=f"{citations} citations",
            content=Content(title="Cited", body=body),
        )
        assert len(version.references) == references
        client.force_login(publisher)
        with django_assert_max_num_queries(30) as captured:
            page = client.get(f"/desk/{draft.pk}/")
        assert page.status_code == 200 and f'id="ref-{references}"' in page.content.decode()
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_an_article_s_references_download_in_citation_order_from_the_article_page(
    signed_in_editor, draft, editor, smith, jones
):
    from articles import services
    from articles.services import Content

    services.article_save_version(
        article_id=draft.pk,
        actor=editor,
        base_version_id=draft.working_version_id,
        note="cite",
        content=Content(title="Citing article", body="First [@jones2021]. Then [@smith2020]."),
    )
    article_page = signed_in_editor.get(f"/desk/{draft.pk}/").content.decode()
    assert f"/desk/references/article/{draft.pk}.ris" in article_page
    ris = signed_in_editor.get(f"/desk/references/article/{draft.pk}.ris")
    assert ris.status_code == 200 and ris["Content-Type"] == "application/x-research-info-systems"
    assert f'filename="references-{draft.slug}.ris"' in ris["Content-Disposition"]
    text = ris.content.decode()
    assert text.index("Jones") < text.index("Smith")
    csl = json.loads(signed_in_editor.get(f"/desk/references/article/{draft.pk}.json").content)
    assert [item["title"] for item in csl] == [jones.title, smith.title]
    assert signed_in_editor.get("/desk/references/article/999999.ris").status_code == 404


def test_without_a_connected_audit_trail_a_library_change_is_refused_not_left_unrecorded(add_reference, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from references import links

    monkeypatch.setattr(links, "_links", {})
    with pytest.raises(ImproperlyConfigured):
        add_reference(key="unrecorded", title="Unrecorded")
    assert not Reference.objects.filter(title="Unrecorded").exists()
