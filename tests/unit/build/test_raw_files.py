"""Raw files are read as an editor shows them, and only when they are regular files inside the
raw folder: symlinks, NUL bytes, a byte-order mark, Unicode line separators."""

from __future__ import annotations

import hashlib

import pytest

from helpers.build.pipeline import build
from helpers.build.sources import read_manifest, read_source, text_lines
from helpers.core import paths
from helpers.core.exceptions import ChecksumError, SourceError

ARTICLE = "foreign_relations_of_peru.txt"


def test_a_raw_file_that_is_a_symlink_is_refused_even_with_its_checksum(raw_copy, tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    article = raw_copy.path(ARTICLE)
    manifest = raw_copy.path(paths.MANIFEST_NAME)
    text = manifest.read_text(encoding="utf-8").replace(
        hashlib.sha256(article.read_bytes()).hexdigest(),
        hashlib.sha256(secret.read_bytes()).hexdigest())
    manifest.write_text(text, encoding="utf-8")
    article.unlink()
    article.symlink_to(secret)
    with pytest.raises(SourceError, match="symlink") as info:
        build(raw=raw_copy.folder, out=tmp_path / "out")
    assert ARTICLE in str(info.value)
    assert not (tmp_path / "out").exists()


def test_lines_are_split_on_newlines_only():
    assert text_lines("a\u2028b\fc\vd\r\ne\n") == ["a\u2028b\fc\vd", "e"]


def test_a_line_separator_in_a_paragraph_does_not_shift_later_lines(raw_copy):
    manifest = read_manifest(paths.RAW)
    source = next(s for s in manifest.sources if s.file == ARTICLE)
    lines = read_source(manifest, source)
    first = next(i for i, line in enumerate(lines) if len(line) > 80)
    edited = list(lines)
    edited[first] = edited[first].replace(" ", "\u2028", 1).replace(" ", "\f", 1).replace(
        " ", "\v", 1)
    raw_copy.write(ARTICLE, ("\n".join(edited) + "\n").encode("utf-8"))
    again = read_manifest(raw_copy.folder)
    read = read_source(again, next(s for s in again.sources if s.file == ARTICLE))
    assert len(read) == len(lines)
    assert read[first + 1:] == lines[first + 1:]


def test_a_nul_byte_is_refused_with_its_line(raw_copy):
    data = raw_copy.path(ARTICLE).read_bytes()
    lines = data.split(b"\n")
    at = next(i for i, line in enumerate(lines) if len(line) > 10)
    lines[at] = lines[at][:3] + b"\0" + lines[at][3:]  # "e\0bassy" would lose a letter
    raw_copy.write(ARTICLE, b"\n".join(lines))
    manifest = read_manifest(raw_copy.folder)
    with pytest.raises(SourceError, match=f"{ARTICLE}:{at + 1}: a NUL byte at column 4"):
        read_source(manifest, next(s for s in manifest.sources if s.file == ARTICLE))


def test_a_byte_order_mark_is_not_part_of_the_first_line(raw_copy):
    data = raw_copy.path(ARTICLE).read_bytes()
    raw_copy.write(ARTICLE, b"\xef\xbb\xbf" + data)
    manifest = read_manifest(raw_copy.folder)
    lines = read_source(manifest, next(s for s in manifest.sources if s.file == ARTICLE))
    assert lines[0] == data.decode("utf-8").split("\n")[0]


def test_the_checksum_hint_names_a_path_inside_the_project(raw_copy):
    raw_copy.write(ARTICLE, raw_copy.path(ARTICLE).read_bytes() + b"x", record_checksum=False)
    manifest = read_manifest(raw_copy.folder)
    with pytest.raises(ChecksumError) as info:
        read_source(manifest, next(s for s in manifest.sources if s.file == ARTICLE))
    assert "../shared" not in str(info.value)
    assert "restore" in str(info.value)


@pytest.mark.parametrize("encoding,said", [
    ("utf-16-le", "UTF-16 (little-endian, without a byte-order mark"),
    ("utf-16-be", "UTF-16 (big-endian, without a byte-order mark"),
    ("utf-16", "UTF-16 (a little-endian byte-order mark)")])
def test_a_register_in_utf_16_is_refused_at_line_1_as_not_utf_8(raw_copy, encoding, said):
    """Issue 24, item 10: a UTF-16 register without a BOM was refused at "offset 31420, line
    39", where its first non-ASCII letter happened to be."""
    name = "database_of_embassies_2022-11-16.csv"
    raw_copy.write(name, raw_copy.path(name).read_text(encoding="utf-8").encode(encoding))
    manifest = read_manifest(raw_copy.folder)
    with pytest.raises(SourceError) as info:
        read_source(manifest, next(s for s in manifest.sources if s.file == name))
    assert str(info.value).startswith(f"{raw_copy.path(name)}:1: the file is {said}")
    assert str(info.value).endswith("not UTF-8: save it as UTF-8 (the sources are read as "
                                    "UTF-8 text)")
