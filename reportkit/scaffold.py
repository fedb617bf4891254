"""Write a new, commented case file from the bundled skeleton."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from string import Template

from reportkit.errors import ReportkitError
from reportkit.load.library import available_countries, load_library
from reportkit.load.templates import available_template_sets, load_template_set
from reportkit.models import TemplateSet

SKELETON = Path(__file__).parent / "data" / "new-case.yaml"
# The JSON Schema of a case file, generated from models.Case and shipped with the package so
# that editors can use it offline; tests keep it equal to `reportkit schema case`.
CASE_SCHEMA = Path(__file__).parent / "data" / "case.schema.json"


def case_schema_text() -> str:
    """The JSON Schema of a case file, as `reportkit schema case` prints it."""
    import json

    from reportkit.models import Case

    schema = {"title": "reportkit case file",
              "description": "A case file for `reportkit build`; see `reportkit new`.",
              **{key: value for key, value in Case.model_json_schema().items()
                 if key not in ("title", "description")}}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def case_schema_location() -> str:
    """Where the case files that `new` writes find their schema: the installed copy, as a file
    URL (a case file can live in any folder, so a relative path would not last)."""
    return CASE_SCHEMA.resolve().as_uri()


def new_case_text(case: Path, country: str, profiles: list[str], jurisdiction: str,
                  library_root: Path, template_dirs: list[Path]) -> str:
    if case.exists():
        raise ReportkitError("the case file already exists; nothing was written", path=case)
    countries = available_countries(library_root)
    if country not in countries:
        raise ReportkitError(f"unknown country '{country}'", hint=f"available: {', '.join(countries)}")
    library = load_library(library_root, country)
    for profile in profiles:
        if profile not in library.info.profiles:
            raise ReportkitError(f"unknown profile '{profile}' for {library.info.name}",
                                 hint=f"available: {', '.join(library.info.profiles)}")
    template_sets = sorted(available_template_sets(template_dirs))
    if jurisdiction not in template_sets:
        raise ReportkitError(f"unknown jurisdiction '{jurisdiction}'",
                             hint=f"available: {', '.join(template_sets)}")
    template_set = load_template_set(jurisdiction, template_dirs).config
    person = template_set.terms.get("person", "applicant")
    return Template(SKELETON.read_text(encoding="utf-8")).substitute(
        options=options_block(template_set), person=person, Person=person.capitalize(),
        reference=template_set.terms.get("reference_example", "PA/00000/0000"),
        schema_location=case_schema_location(), case_name=case.name, jurisdiction=jurisdiction,
        jurisdictions=" | ".join(template_sets), country=country,
        countries=" | ".join(countries), today=dt.date.today().isoformat(),
        profiles=", ".join(profiles), available_profiles=", ".join(library.info.profiles))


def options_block(template_set: TemplateSet) -> str:
    """The `options:` of a new case file: each field the template set declares, with its
    default (a field with none is left commented out) and what it is for."""
    import json

    if not template_set.options:
        return f"options: {{}}                          # the {template_set.name} template set has none"
    lines = [f"options:                             # fields of the {template_set.name} template set"]
    for name, option in template_set.options.items():
        if option.default is None:
            example = {"date": "YYYY-MM-DD", "bool": "false", "number": "0"}.get(option.type, '""')
            entry = f"  # {name}: {example}"
        else:
            entry = f"  {name}: {json.dumps(option.default, ensure_ascii=False)}"
        lines.append(f"{entry:<36} # {option.description}" if option.description else entry)
    return "\n".join(lines)
