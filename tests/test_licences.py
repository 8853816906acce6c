"""Reuse: the code is MIT, the course material CC BY 4.0, the digits data keep their own licence,
and the README and the package metadata say so."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_code_is_mit():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License")
    assert "Permission is hereby granted, free of charge" in text
    meta = (ROOT / "pyproject.toml").read_text()  # (tomllib is 3.11+; the course runs on 3.10)
    assert 'license = "MIT"' in meta  # an SPDX expression (PEP 639)
    assert 'license-files = ["LICENSE", "LICENSE-COURSE.md"]' in meta


def test_course_material_is_cc_by_4():
    text = (ROOT / "LICENSE-COURSE.md").read_text()
    assert "Creative Commons Attribution 4.0 International" in text
    assert "https://creativecommons.org/licenses/by/4.0/legalcode" in text
    for covered in ("notebooks/", "instructor/"):
        assert covered in text


def test_digits_keep_their_own_licence():
    text = (ROOT / "lrviz" / "data" / "DIGITS_README.md").read_text()
    assert "CC BY 4.0" in text
    assert "lrviz/data/DIGITS_README.md" in (ROOT / "LICENSE-COURSE.md").read_text()


def test_readme_has_a_reuse_section_naming_both_licences():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Reuse", 1)[1].split("\n## ", 1)[0]
    assert "[LICENSE](LICENSE)" in section and "MIT" in section
    assert "[LICENSE-COURSE.md](LICENSE-COURSE.md)" in section and "CC BY 4.0" in section
