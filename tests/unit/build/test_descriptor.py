"""The processed folder describes itself: a Frictionless Data Package written by the build."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from documents import FIXTURES

from helpers.build.descriptor import describe, render_readme
from helpers.build.sources import read_manifest
from helpers.core import paths, schema
from helpers.core.exceptions import DataError
from helpers.data import descriptor

CHILE = FIXTURES / "chile"


def _descriptor(folder: Path) -> dict:
    return json.loads((folder / paths.DESCRIPTOR_NAME).read_text(encoding="utf-8"))


@pytest.mark.parametrize("which", ["peru", "chile"])
def test_frictionless_validates_the_descriptor_and_every_table(built, chile_build, which):
    from frictionless import validate

    folder = built if which == "peru" else chile_build
    report = validate(str(folder / paths.DESCRIPTOR_NAME))
    errors = [(task.name, e.type, e.message) for task in report.tasks for e in task.errors]
    assert report.valid, errors[:5] or report.errors
    assert len(report.tasks) == len(schema.TABLES)


def test_frictionless_finds_a_partner_the_relations_do_not_list(built, tmp_path):
    """The declared foreign key is real: a mission from an unknown source breaks it."""
    from frictionless import validate

    folder = tmp_path / "processed"
    shutil.copytree(built, folder)
    path = folder / "missions.csv"
    text = path.read_text(encoding="utf-8")
    first = "foreign_relations_of_peru.txt"
    path.write_text(text.replace(f",{first},", ",unknown.txt,", 1), encoding="utf-8")
    report = validate(str(folder / paths.DESCRIPTOR_NAME))
    types = {e.type for task in report.tasks for e in task.errors}
    assert {"foreign-key", "hash-count"} <= types


def test_each_table_is_a_resource_with_its_bytes_hash_and_schema(built):
    d = _descriptor(built)
    assert [r["name"] for r in d["resources"]] == list(schema.TABLES)
    for r in d["resources"]:
        data = (built / r["path"]).read_bytes()
        assert r["bytes"] == len(data)
        assert r["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        table = schema.TABLES[r["name"]]
        assert [f["name"] for f in r["schema"]["fields"]] == table.names
        assert r["schema"]["primaryKey"] == list(table.key)
        for f in r["schema"]["fields"]:
            assert f["type"] and f["description"]
            assert f["constraints"]["required"] == table.column(f["name"]).required
    missions = next(r for r in d["resources"] if r["name"] == "missions")
    fields = {f["name"]: f for f in missions["schema"]["fields"]}
    assert fields["post_type"]["constraints"]["enum"] == list(schema.POST_TYPES)
    assert fields["resident"]["type"] == "boolean"
    # partner_iso3 -> relations is not declared: the register names partners the article's
    # tables do not list
    assert {"fields": "source", "reference": {"resource": "sources", "fields": "source"}
            } in missions["schema"]["foreignKeys"]


def test_sources_licences_subject_and_counts_come_from_the_build(built, counts):
    d = _descriptor(built)
    manifest = read_manifest(paths.RAW)
    assert d["subject"] == {"name": manifest.subject.name, "iso3": manifest.subject.iso3,
                            "capital": manifest.subject.capital}
    assert [(s["file"], s["sha256"], s["title"], s["publisher"], s["date"], s["licence"],
             s["path"]) for s in d["sources"]] == [
        (s.file, s.sha256, s.title, s.publisher, s.date, s.licence, s.url)
        for s in manifest.sources]
    assert {x["title"] for x in d["licenses"]} == {s.licence for s in manifest.sources}
    assert d["counts"] == counts


def test_a_foreign_key_is_declared_only_where_it_holds(chile_build, tmp_path):
    folder = tmp_path / "chile"
    shutil.copytree(chile_build, folder)
    path = folder / "missions.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("partner_iso3")] = "NZL"  # a partner relations.csv does not list
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    d = describe(folder, read_manifest(CHILE), {})
    missions = next(r for r in d["resources"] if r["name"] == "missions")
    assert [k["fields"] for k in missions["schema"]["foreignKeys"]] == ["source"]


def test_the_data_readme_is_rendered_from_the_descriptor_alone(built):
    d = _descriptor(built)
    assert (built / "README.md").read_text(encoding="utf-8") == (
        render_readme(d) + "\n")
    d["subject"] = {"name": "Atlantis", "iso3": "ATL", "capital": "Poseidonia"}
    readme = render_readme(d)
    assert "**Atlantis** (ATL, capital Poseidonia)" in readme
    assert "X has an embassy in Poseidonia" in readme


def test_the_subject_and_sources_are_read_from_the_descriptor_not_the_raw_folder(
        chile_build, monkeypatch):
    monkeypatch.setattr(paths, "PROCESSED", chile_build)
    assert descriptor.subject() == read_manifest(CHILE).subject
    assert [s["file"] for s in descriptor.sources(chile_build)] == [
        "foreign_relations_of_chile.txt"]
    assert descriptor.licenses(chile_build) == [{"name": "cc0-1.0", "title": "CC0 1.0"}]


def test_a_broken_descriptor_names_the_file_and_how_to_rebuild(chile_build, tmp_path):
    folder = tmp_path / "chile"
    shutil.copytree(chile_build, folder)
    (folder / paths.DESCRIPTOR_NAME).write_text("{\"resources\": [", encoding="utf-8")
    with pytest.raises(DataError) as info:
        descriptor.subject(folder)
    assert str(info.value).startswith(f"{folder / paths.DESCRIPTOR_NAME} is not a descriptor")
    assert str(info.value).endswith(descriptor.REBUILD)


def test_manifest_text_reaches_the_data_readme_as_text_never_as_markup_or_a_link(built):
    d = json.loads((built / paths.DESCRIPTOR_NAME).read_text(encoding="utf-8"))
    d["sources"][0] = {**d["sources"][0], "title": "<script>alert(1)</script> *bold* | cell",
                       "path": "javascript:alert(1)", "publisher": "[x](https://evil.example)"}
    readme = render_readme(d)
    assert "<script>" not in readme and "javascript:" not in readme
    row = next(line for line in readme.splitlines() if line.startswith(
        f"| `{d['sources'][0]['file']}` |"))
    assert "\\<script\\>alert(1)\\</script\\> \\*bold\\* \\| cell" in row  # shown, not run
    assert "\\[x\\](https://evil.example)" in row  # not a link
    assert row.count(" | ") == 5  # the injected | did not add a column
