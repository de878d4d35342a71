"""The build's commit (helpers.build.commit): what it never follows or replaces, what a killed
build leaves and how the next one clears it, and how an older plain folder is taken over."""

from __future__ import annotations

import os
import shutil

import pytest
from documents import FIXTURES, visible

from helpers.build import commit
from helpers.build.pipeline import build
from helpers.core import paths
from helpers.core.exceptions import OutputError

CHILE = FIXTURES / "chile"
NORWAY = FIXTURES / "norway"


def test_readers_reach_every_file_through_one_link_to_a_versioned_folder(tmp_path):
    out = tmp_path / "out"
    build(raw=CHILE, out=out)
    current = os.readlink(out / paths.CURRENT_NAME)
    assert current.startswith(paths.VERSIONS_NAME + "/")
    for name in visible(out):
        assert os.readlink(out / name) == f"{paths.CURRENT_NAME}/{name}"
        assert (out / current / name).is_file() and not (out / current / name).is_symlink()


def test_a_new_build_swaps_the_link_and_keeps_the_previous_version_for_readers(tmp_path):
    out = tmp_path / "out"
    build(raw=CHILE, out=out)
    first = os.readlink(out / paths.CURRENT_NAME)
    build(raw=NORWAY, out=out)
    assert os.readlink(out / paths.PREVIOUS_NAME) == first
    build(raw=CHILE, out=out)  # the version before the previous one is removed
    assert len(list((out / paths.VERSIONS_NAME).iterdir())) == 2


def test_an_output_folder_that_is_a_symlink_is_refused(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(OutputError, match="is a symlink"):
        build(raw=CHILE, out=tmp_path / "link")
    assert list((tmp_path / "real").iterdir()) == []


def test_an_output_that_is_a_file_is_refused_in_one_line(tmp_path):
    target = tmp_path / "file"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        build(raw=CHILE, out=target)
    assert target.read_text(encoding="utf-8") == "mine"


def test_a_readme_the_build_did_not_write_is_never_replaced(tmp_path):
    """`--out .` in the project would otherwise overwrite the project's README."""
    out = tmp_path / "project"
    out.mkdir()
    (out / "README.md").write_text("# My project\n", encoding="utf-8")
    with pytest.raises(OutputError, match="was not written by the build"):
        build(raw=CHILE, out=out)
    assert (out / "README.md").read_text(encoding="utf-8") == "# My project\n"
    assert sorted(p.name for p in out.iterdir()) == ["README.md"]


def test_a_symlink_in_place_of_a_table_is_refused_and_not_followed(tmp_path):
    out = tmp_path / "out"
    victim = tmp_path / "victim.txt"
    victim.write_text("secret", encoding="utf-8")
    out.mkdir()
    (out / "relations.csv").symlink_to(victim)
    with pytest.raises(OutputError, match="relations.csv"):
        build(raw=CHILE, out=out)
    assert victim.read_text(encoding="utf-8") == "secret"


def test_a_folder_an_older_build_wrote_as_plain_files_is_taken_over(tmp_path):
    built = tmp_path / "built"
    build(raw=CHILE, out=built)
    old = tmp_path / "old"
    old.mkdir()
    for name, data in visible(built).items():  # the plain layout of an older build
        (old / name).write_bytes(data)
    build(raw=CHILE, out=old)
    assert visible(old) == visible(built)
    assert all((old / name).is_symlink() for name in visible(old))


def test_what_a_killed_build_left_is_removed_by_the_next(tmp_path):
    out = tmp_path / "out"
    build(raw=CHILE, out=out)
    staging = out / paths.VERSIONS_NAME / f"{commit.STAGING}killed"
    staging.mkdir()
    (staging / "relations.csv").write_text("half", encoding="utf-8")
    old_style = tmp_path / ".out.build-abc123"
    old_style.mkdir()
    orphan = out / paths.VERSIONS_NAME / "0123456789abcdef"
    orphan.mkdir()
    build(raw=CHILE, out=out)
    assert not staging.exists() and not old_style.exists() and not orphan.exists()


def test_a_full_disk_says_so_and_that_nothing_was_changed(monkeypatch, tmp_path):
    out = tmp_path / "out"
    build(raw=CHILE, out=out)
    before = visible(out)

    def full(path, data):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(commit, "write_new", full)
    with pytest.raises(OutputError) as info:
        build(raw=NORWAY, out=out)
    assert "the disk is full" in str(info.value)
    assert "nothing was changed" in str(info.value)
    assert visible(out) == before
    monkeypatch.undo()
    shutil.rmtree(out)
