"""The loader reads only files inside the processed folder, never through a symlink, and all
the tables of one load_all from one build."""

from __future__ import annotations

import json
import shutil

import pytest
from documents import FIXTURES

from helpers.build.pipeline import build
from helpers.core import paths
from helpers.core.exceptions import DataError
from helpers.data import descriptor, load


@pytest.fixture
def plain(built, tmp_path):
    folder = tmp_path / "processed"
    shutil.copytree(built, folder)  # links followed: a plain folder of files
    return folder


def test_a_resource_path_that_leaves_the_folder_is_refused(plain, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("iso3\nXXX\n", encoding="utf-8")
    doc = json.loads((plain / paths.DESCRIPTOR_NAME).read_text(encoding="utf-8"))
    doc["resources"][0]["path"] = "../secret.csv"
    (plain / paths.DESCRIPTOR_NAME).write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(DataError, match="leaves") as info:
        load.load(doc["resources"][0]["name"], plain)
    assert "XXX" not in str(info.value)


def test_a_table_that_is_a_symlink_is_refused(plain, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    shutil.copyfile(plain / "relations.csv", outside)
    (plain / "relations.csv").unlink()
    (plain / "relations.csv").symlink_to(outside)
    with pytest.raises(DataError, match="is a symlink"):
        load.load_relations(plain)


def test_every_table_of_a_load_comes_from_the_build_current_named(tmp_path):
    out = tmp_path / "out"
    build(raw=FIXTURES / "chile", out=out)
    folder = descriptor.resolve(out)
    assert folder.parent.name == paths.VERSIONS_NAME
    build(raw=FIXTURES / "norway", out=out)  # a rebuild after the link was read
    assert load.load_relations(folder)["iso3"].notna().any()
    assert descriptor.subject(folder).name == "Chile"
