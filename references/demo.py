"""Twenty fictional references for the demo library (DOIs use the 10.5555 example prefix)."""

from references.models import Reference
from references.normalize import normalize_title
from references.services import reference_create

PEOPLE = [
    ("Okafor", "Adaeze"),
    ("Lindqvist", "Per"),
    ("Tanaka", "Hiroshi"),
    ("Moreau", "Claire"),
    ("Haddad", "Youssef"),
    ("Rossi", "Giulia"),
    ("Osei", "Kwame"),
    ("Silva", "Ana"),
    ("Petrov", "Ivan"),
    ("Cohen", "Dana"),
]

DEMO_REFERENCES = [
    (
        "velmora-guideline",
        "guideline",
        "Management of Velmora fever in adults: practice guideline",
        None,
        "Sample Society of Infectious Disease",
        2024,
    ),
    (
        "okafor2022",
        "research",
        "Clinical course of Velmora fever in a regional cohort",
        (0, 1),
        "J Sample Infect Dis",
        2022,
    ),
    (
        "lindqvist2021",
        "research",
        "Paracetamol dosing for fever in adults: a randomised trial",
        (1, 2),
        "Sample Clin Trials",
        2021,
    ),
    (
        "tanaka2020",
        "systematic_review",
        "Antipyretics for viral fevers: a systematic review",
        (2, 3),
        "Sample Rev Med",
        2020,
    ),
    (
        "moreau2023",
        "research",
        "Joint pain after Velmora fever: six-month follow-up",
        (3, 4),
        "J Sample Rheumatol",
        2023,
    ),
    (
        "graylock-guideline",
        "guideline",
        "Diagnosis and treatment of Graylock anaemia",
        None,
        "Sample Haematology Association",
        2023,
    ),
    (
        "haddad2019",
        "research",
        "Oral Q12 supplementation at two doses: a dose-finding study",
        (4, 5),
        "Sample Blood J",
        2019,
    ),
    (
        "rossi2024",
        "systematic_review",
        "Q12 absorption disorders: a systematic review and meta-analysis",
        (5, 6),
        "Sample Rev Haematol",
        2024,
    ),
    ("osei2018", "textbook", "Sample Textbook of Haematology", (6,), "Example Medical Press", 2018),
    (
        "silva2022",
        "research",
        "Exercise programmes in Tessaly arthritis: a controlled trial",
        (7, 8),
        "J Sample Joint Health",
        2022,
    ),
    (
        "tessaly-guideline",
        "guideline",
        "Living well with Tessaly arthritis: guidance for clinicians",
        None,
        "Sample Rheumatology College",
        2024,
    ),
    ("petrov2021", "research", "Ibuprofen for Corvane headache: a crossover trial", (8, 9), "Sample Neurol", 2021),
    ("cohen2020", "research", "Headache diaries and trigger avoidance", (9, 0), "Sample Headache Res", 2020),
    ("corvane-guideline", "guideline", "Acute treatment of Corvane headache", None, "Sample Neurology Society", 2023),
    ("brindle-site", "website", "Brindle fern: identification and skin care", None, "Sample Dermatology Network", 2025),
    ("okafor2019", "research", "Contact dermatitis from ornamental ferns", (0, 7), "Sample Derm Rep", 2019),
    (
        "osterby-guideline",
        "guideline",
        "Assessment of early-waking sleep disorders",
        None,
        "Sample Sleep Foundation",
        2022,
    ),
    (
        "lindqvist2023",
        "research",
        "Sleep hygiene education for early waking: a randomised trial",
        (1, 6),
        "J Sample Sleep",
        2023,
    ),
    ("mv-cough-update", "website", "Marrow Valley cough: situation update", None, "Sample Public Health Agency", 2026),
    ("withdrawn2017", "research", "A withdrawn trial of fern extract for rashes", (2,), "Sample Derm Rep", 2017),
]


def seed_references(editor):
    """Create the demo references that are not there yet; returns how many were created."""
    created = 0
    for index, (key, kind, title, people, source, year) in enumerate(DEMO_REFERENCES):
        if Reference.objects.filter(key=key).exists():
            continue
        fields = {
            "kind": kind,
            "title": title,
            "source": source,
            "year": year,
            "title_key": normalize_title(title),
            "retracted": key == "withdrawn2017",
        }
        if people:
            fields["authors"] = [{"family": PEOPLE[p][0], "given": PEOPLE[p][1]} for p in people]
            fields.update(
                volume=str(10 + index),
                issue=str(1 + index % 4),
                pages=f"{100 + index * 10}-{108 + index * 10}",
                doi=f"10.5555/demo.{year}.{index:03d}",
            )
        else:
            fields["organisation"] = source
            fields["url"] = f"https://guidance.example.org/{key}"
        reference_create(actor=editor, fields=fields, key=key)
        created += 1
    return created
