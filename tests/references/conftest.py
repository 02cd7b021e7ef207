from pathlib import Path

import pytest

from references import services
from references.normalize import normalize_title

SAMPLES = Path(__file__).with_name("samples")


def reference_fields(title="A sample trial", family="Smith", year=2020, **extra):
    fields = {"kind": "research", "title": title, "authors": [{"family": family, "given": "Jo"}],
              "source": "J Sample Med", "year": year, "volume": "1", "pages": "1-9", **extra}
    fields["title_key"] = normalize_title(fields["title"])
    return fields


@pytest.fixture
def add_reference(editor):
    def add(key="", **overrides):
        return services.reference_create(actor=editor, fields=reference_fields(**overrides), key=key)

    return add


@pytest.fixture
def smith(add_reference):
    return add_reference(key="smith2020", doi="10.5555/smith")


@pytest.fixture
def jones(add_reference):
    return add_reference(key="jones2021", title="Another sample study", family="Jones", year=2021, pmid="123")
