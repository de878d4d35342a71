"""Raw sources: the manifest, checksums, and reading text (errors name the file and line)."""

from __future__ import annotations

from pathlib import Path

import pytest
from documents import ARTICLE, FACT_SHEET

from helpers.build.pipeline import READERS, build
from helpers.build.sources import read_manifest, read_source, sha256_of
from helpers.core import paths
from helpers.core.exceptions import ChecksumError, SourceError


def test_the_manifest_names_the_subject_the_five_sources_and_the_trade_workbooks():
    manifest = read_manifest(paths.RAW)
    assert (manifest.subject.name, manifest.subject.iso3, manifest.subject.capital) == (
        "Peru", "PER", "Lima")
    texts = [s for s in manifest.sources if s.kind != "trade"]
    assert [(s.file, s.kind) for s in texts] == [
        (ARTICLE, "article"), (FACT_SHEET, "fact-sheet"),
        ("us_recognition_relations_peru_rdcr.xml", "record"),
        ("database_of_embassies_2022-11-16.csv", "register"),
        ("us_chiefs_of_mission_peru_pocom.xml", "chiefs")]
    assert [s.partner_iso3 for s in texts] == ["", "USA", "USA", "", "USA"]
    trade = [s for s in manifest.sources if s.kind == "trade"]
    # the subject's own workbook names no partner; every other names its reporter
    assert [s.file for s in trade if not s.partner_iso3] == ["DOTS_156.xlsx"]
    assert all(s.publisher == "International Monetary Fund" for s in trade)


def test_the_raw_files_match_the_checksums_their_manifest_records():
    manifest = read_manifest(paths.RAW)
    for source in manifest.sources:
        assert sha256_of(paths.RAW / source.file) == source.sha256, source.file


def test_a_source_is_read_as_utf8_lines_numbered_as_in_the_file():
    manifest = read_manifest(paths.RAW)
    lines = read_source(manifest, manifest.sources[0])
    assert "consulates-general in Córdoba, La Plata and Mendoza.[3]" in lines[35 - 1]
    assert lines[0].startswith("PERU is an important first-tier state in South America")


def test_an_edited_raw_file_is_refused_with_a_checksum_error_naming_it(raw_copy, tmp_path):
    path = raw_copy.path(ARTICLE)
    raw_copy.write(ARTICLE, path.read_bytes().replace(b"Algiers", b"Oran"),
                   record_checksum=False)
    out = tmp_path / "out"
    with pytest.raises(ChecksumError) as info:
        build(raw=raw_copy.folder, out=out)
    assert info.value.file == str(path)
    assert str(info.value).startswith(f"{path}: sha256 is ")
    assert not out.exists(), "the build must refuse to run, writing nothing"


def test_an_empty_raw_file_is_a_source_error_naming_it(raw_copy, tmp_path):
    path = raw_copy.write(FACT_SHEET, b"")
    with pytest.raises(SourceError) as info:
        build(raw=raw_copy.folder, out=tmp_path / "out")
    assert not isinstance(info.value, ChecksumError)
    assert str(info.value) == f"{path}: the file is empty"


def test_bytes_that_are_not_utf8_are_a_source_error_naming_the_line(raw_copy, tmp_path):
    path = raw_copy.path(ARTICLE)
    lines = path.read_bytes().split(b"\n")
    assert "Córdoba".encode() in lines[35 - 1]
    lines[35 - 1] = lines[35 - 1].replace("Córdoba".encode(), "Córdoba".encode("latin-1"))
    raw_copy.write(ARTICLE, b"\n".join(lines))
    with pytest.raises(SourceError) as info:
        build(raw=raw_copy.folder, out=tmp_path / "out")
    assert info.value.line == 35
    assert str(info.value).startswith(f"{path}:35: byte 0xf3 ")
    assert "not UTF-8" in str(info.value)


def test_a_folder_without_a_manifest_is_a_source_error(tmp_path):
    (tmp_path / ARTICLE).write_text("Peru.\n", encoding="utf-8")
    with pytest.raises(SourceError) as info:
        build(raw=tmp_path, out=tmp_path / "out")
    assert str(info.value).startswith(str(tmp_path / paths.MANIFEST_NAME))


def test_a_source_listed_in_the_manifest_but_missing_is_named(raw_copy, tmp_path):
    raw_copy.path(FACT_SHEET).unlink()
    with pytest.raises(SourceError) as info:
        build(raw=raw_copy.folder, out=tmp_path / "out")
    manifest = raw_copy.path(paths.MANIFEST_NAME)
    assert str(info.value) == (f"{manifest}:22: field 'sources[2].file': {FACT_SHEET!r} is "
                               f"listed but missing from {raw_copy.folder}")


def _manifest_with(raw_copy, old: str, new: str) -> Path:
    path = raw_copy.path(paths.MANIFEST_NAME)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_an_unquoted_toml_date_is_refused_with_a_hint_to_quote_it(raw_copy):
    path = _manifest_with(raw_copy, 'date = "2018-02"', "date = 2018-02-01")
    with pytest.raises(SourceError) as info:
        read_manifest(raw_copy.folder)
    assert str(info.value) == (f"{path}:15: field 'sources[1].date': is an unquoted TOML date "
                               '(2018-02-01); write it as a quoted string, e.g. '
                               'date = "2018-02-01"')


def test_a_date_that_is_not_a_date_names_the_field_and_source(raw_copy):
    path = _manifest_with(raw_copy, 'date = "2018-04-02"', 'date = "unknown"')
    with pytest.raises(SourceError) as info:
        read_manifest(raw_copy.folder)
    assert str(info.value) == (f"{path}:27: field 'sources[2].date': 'unknown' is not a date "
                               "written YYYY, YYYY-MM or YYYY-MM-DD")


@pytest.mark.parametrize(("old", "new", "message"), [
    ('iso3 = "PER"', "iso3 = 604", "field 'subject.iso3': must be a string, not int (604)"),
    ('iso3 = "PER"', 'iso3 = "Peru"', "field 'subject.iso3': 'Peru' is not an ISO 3166-1"),
    ('kind = "article"', 'kind = "blog"', "field 'sources[1].kind': 'blog' is not one of"),
    ('date = "2018-02"', 'date = "2018-13"', "field 'sources[1].date': '2018-13' is not a date"),
    ('sha256 = "9c', 'sha256 = "zz', "field 'sources[1].sha256': is not 64"),
    ('capital = "Lima"\n', 'capital = "Lima"\n\n[regions]\n"Levant" = "Atlantis"\n',
     "field 'regions.Levant': 'Atlantis' is not one of: Africa, Americas"),
])
def test_every_manifest_field_is_checked_up_front(raw_copy, old, new, message):
    path = _manifest_with(raw_copy, old, new)
    with pytest.raises(SourceError) as info:
        read_manifest(raw_copy.folder)
    assert str(info.value).startswith(str(path))
    assert message in str(info.value)


@pytest.mark.parametrize(("old", "new", "message"), [
    ('iso3 = "PER"', 'iso3 = "ZZZ"', ":7: field 'subject.iso3': 'ZZZ' is no country the "
     "project knows (ISO 3166-1, or a former country of ISO 3166-3)"),
    ('iso3 = "PER"', 'iso3 = "CHL"', ":6: field 'subject.name': 'Peru' is not a name of CHL "
     "(Chile): it names PER (Peru)"),
    ('capital = "Lima"', 'capital = "Atlantis"', ":8: field 'subject.capital': 'Atlantis' is "
     "not a city of Peru in the gazetteer (GeoNames)"),
])
def test_the_subject_must_be_a_country_whose_name_and_capital_agree(raw_copy, old, new,
                                                                      message):
    """Issue 24, item 6: ZZZ built 1 mission row, a capital the gazetteer lacked dropped levels
    silently, and CHL named "Peru" was accepted."""
    path = _manifest_with(raw_copy, old, new)
    with pytest.raises(SourceError) as info:
        read_manifest(raw_copy.folder)
    assert str(info.value) == f"{path}{message}"


@pytest.mark.parametrize("subject", [("Yugoslavia", "YUG", "Belgrade"),
                                     ("Bolivia", "BOL", "La Paz"),
                                     ("Hong Kong", "HKG", "Hong Kong")])
def test_a_former_country_a_seat_of_government_and_a_territory_are_subjects(raw_copy, subject):
    name, iso3, capital = subject
    _manifest_with(raw_copy, 'name = "Peru"\niso3 = "PER"\ncapital = "Lima"',
                   f'name = "{name}"\niso3 = "{iso3}"\ncapital = "{capital}"')
    read = read_manifest(raw_copy.folder).subject
    assert (read.name, read.iso3, read.capital) == subject


def test_a_manifest_may_map_more_headings_to_regions(raw_copy):
    _manifest_with(raw_copy, 'capital = "Lima"\n',
                   'capital = "Lima"\n\n[regions]\n"Levant" = "Asia"\n')
    assert read_manifest(raw_copy.folder).regions == {"Levant": "Asia"}


def test_every_kind_the_manifest_accepts_has_a_reader():
    """A manifest kind without a reader would pass validation and fail mid-build."""
    from helpers.build import sources

    assert set(sources.KINDS) == set(READERS) | {"trade"}  # workbooks: helpers.build.workbooks
