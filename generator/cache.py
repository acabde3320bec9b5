"""What a run derives from each spec file, kept between runs, so that after one spec changes a run redoes only that
spec's work: each YAML spec's loaded document with its schema findings, and each service's lint findings and
the digests of its files, whose bytes a run reads back from output/ itself (a copy beside it would double what a
run writes: 252 MiB more for 10,000 SLOs).

Where: `.<output>.slogen-cache/` beside the output directory (beside the lock), never inside it: output/ is what a
GitOps repository commits and `slogen check` compares, and the writer carries every file there that it did not
write into the next tree. The writer keeps the output/ its last exchange replaced there too (SPARE_TREE), to build
the next tree in. The repository's .gitignore names `.*.slogen-cache/`; deleting the directory only makes
the next run a full one.

Trust: an entry's name is a SHA-256 of everything its content depends on (the spec's bytes and names, the render
options, and slogen itself: its version and every file of the package), and the entry holds that key again and an
HMAC-SHA-256 of its body under a secret of this machine's user (SECRET_FILE, outside any repository). An entry that
is missing, truncated, edited, written for another key, by another slogen or on another machine, or not valid JSON
is ignored and written again: a run never fails, and never differs, because of its cache. The secret is why an
entry someone committed or put beside the output (a pull request can add one; its key is easy to compute) is
never trusted. Entries are JSON, not pickle, so reading one can never run code either way.

A service's files are read back and checked against their digests, except those output/ still holds as the last
write left them, known by their identity (device, inode, size, modification time) as git's index knows a clean
file: writing a file changes its modification time or its size, replacing it changes its inode. Only a rewrite to
the same size within the filesystem's clock tick of slogen's own write (milliseconds) would go unseen, as by git.
"""

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__, write
from .document import Document
from .findings import Finding
from .write import Content, Held, Identity, Plan, SerialisedFile

SUFFIX = ".slogen-cache"
ENTRY = ".json"
SPARE_TREE = "previous-output"  # not an entry: the writer's spare tree (write.write), never read as one
SECRET_FILE = Path("slogen") / "cache-secret"  # under $XDG_CACHE_HOME, else ~/.cache
SECRET_BYTES = 32
Written = dict[str, str]  # output path → its stamp: the SHA-256 of the bytes written there, and the file's identity


def _written_key() -> str:
    return digest(slogen_digest(), "written")


def digest(*parts: str | bytes) -> str:
    """SHA-256 of the parts, each length-prefixed so that no two different lists of parts hash alike."""
    hashed = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hashed.update(len(data).to_bytes(8, "big"))
        hashed.update(data)
    return hashed.hexdigest()


@lru_cache(maxsize=1)
def slogen_digest() -> str:
    """slogen's version and every file of its package (code, schema, templates): a change to any of them can
    change what a run writes, so it invalidates every entry."""
    return package_digest(Path(__file__).resolve().parent, __version__)


def package_digest(package: Path, version: str) -> str:
    parts: list[str | bytes] = [version]
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    return digest(*parts)


def directory_for(out: Path) -> Path:
    """Beside the real output directory, as the lock is: every name for one tree (a symlink too) shares one cache."""
    real = Path(os.path.realpath(out.absolute()))
    return real.with_name(f".{real.name}{SUFFIX}")


def user_secret() -> bytes | None:
    """This user's secret for sealing entries, made on first use (readable by the user alone); None where there is
    no home to keep it in, and then no cache."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(home) / SECRET_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(handle, "wb") as file:
                file.write(secrets.token_bytes(SECRET_BYTES))
        secret = path.read_bytes()
    except OSError:
        return None
    return secret if len(secret) == SECRET_BYTES else None  # another run is writing it: no cache this once


def for_output(out: Path) -> "Cache | None":
    """The cache of runs into `out`, or None when this user has no secret to seal entries with."""
    secret = user_secret()
    return Cache(directory_for(out), secret, out) if secret else None


def seal(secret: bytes, body: bytes) -> bytes:
    return hmac.new(secret, body, hashlib.sha256).hexdigest().encode("ascii")


@dataclass
class Cache:
    """Entries of a few kinds ("documents", "units", "services", "project", "files"...) under one directory, sealed
    with `secret`, for runs into `output`; `used` is what this run read or wrote, so prune() can drop the rest."""

    directory: Path
    secret: bytes = field(repr=False)
    output: Path
    used: set[str] = field(default_factory=set)
    _written: Written | None = field(default=None, repr=False)
    _root: Path | None = field(default=None, repr=False)

    def _path(self, kind: str, key: str) -> str:
        # A string: a fleet's run names 3,000 entries, each of which pathlib would parse and hash again.
        return f"{self.directory}/{kind}/{key}{ENTRY}"

    @property
    def spare_tree(self) -> Path:
        return self.directory / SPARE_TREE

    def files(self, kind: str, key: str) -> list[SerialisedFile] | None:
        """The files the entry of `kind` under `key` names (files_entry), as output/ holds them (files_from)."""
        return self.files_listed(self.get(kind, key))

    def files_listed(self, entry: Any) -> list[SerialisedFile] | None:
        """The files an entry read with get() names, as output/ holds them (files_from)."""
        if self._written is None or self._root is None:
            self._written = written_from(self.get("written", _written_key()))
            self._root = write.output_root(self.output)
        return files_from(entry, self._root, self._written)

    def put_written(self, run: Plan) -> None:
        """Keep what a write put in output/, so that the next run knows those files unchanged without reading them."""
        self.put("written", _written_key(), written_entry(run))

    def get(self, kind: str, key: str) -> Any | None:
        """The entry's value, or None when it is missing or cannot be trusted."""
        body = self._body(kind, key)
        try:
            entry = json.loads(body) if body is not None else None
        except (UnicodeDecodeError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or "value" not in entry:
            return None
        return entry["value"]

    def _body(self, kind: str, key: str) -> bytes | None:
        """An entry's body if its seal holds; it then counts as used."""
        path = self._path(kind, key)
        try:
            with open(path, "rb") as file:
                checksum, _, body = file.read().partition(b"\n")
        except OSError:
            return None
        if not hmac.compare_digest(checksum, seal(self.secret, body)):
            return None
        self.used.add(path)
        return body

    def keep(self, kind: str, key: str) -> None:
        """Count an entry as this run's without reading it (prune() keeps it): a spec's document, which a later run
        may need although this one did not."""
        self.used.add(self._path(kind, key))

    def put(self, kind: str, key: str, value: Any) -> None:
        body = json.dumps({"key": key, "value": value}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._write(kind, key, body)

    def _write(self, kind: str, key: str, body: bytes) -> None:
        """Write an entry whole (a temporary file renamed into place, so a reader never sees half of one); a cache
        that cannot be written (a read-only checkout, a full disk) only makes the next run slower."""
        path = self._path(kind, key)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            handle, staging = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".", suffix=".tmp")
            with os.fdopen(handle, "wb") as file:
                file.write(seal(self.secret, body) + b"\n" + body)
            os.replace(staging, path)
        except OSError:
            return
        self.used.add(path)

    def prune(self) -> None:
        """Remove every entry this run did not use (older specs, another slogen), so the cache holds one run's worth.
        Listed with scandir, which knows a file from its directory entry: a fleet's 3,000 entries cost no stat."""
        used = self.used
        try:
            kinds = [
                e.path for e in os.scandir(self.directory) if e.is_dir(follow_symlinks=False) and e.name != SPARE_TREE
            ]
            stale = [
                entry.path
                for kind in kinds
                for entry in os.scandir(kind)
                if entry.name.endswith(ENTRY) and entry.is_file(follow_symlinks=False) and entry.path not in used
            ]
        except OSError:
            return
        for path in stale:
            with contextlib.suppress(OSError):  # another run removed it, or the cache is read-only: ignored either way
                os.unlink(path)


# ---- what the entries hold: plain JSON for a document and its findings, and for a service's files ----------------


def document_entry(document: Document, findings: list[Finding]) -> dict[str, Any]:
    return {
        "data": document.data,
        "positions": [[list(path), line, column] for path, (line, column) in document.positions.items()],
        "key_positions": [[list(path), line, column] for path, (line, column) in document.key_positions.items()],
        "findings": findings_entry(findings),
    }


def findings_entry(findings: list[Finding]) -> list[list[Any]]:
    return [[f.file, f.line, f.column, f.path, f.message, f.rule, f.level] for f in findings]


def findings_from(entry: Any) -> list[Finding] | None:
    """The findings an entry holds, or None when it is not shaped as findings_entry writes it."""
    try:
        return [Finding(*fields) for fields in entry]
    except TypeError:
        return None


def document_from(entry: Any, file: str, origin: str) -> tuple[Document, list[Finding]] | None:
    """The document and findings an entry holds, or None when it is not shaped as document_entry writes it."""
    try:
        positions = {tuple(path): (line, column) for path, line, column in entry["positions"]}
        key_positions = {tuple(path): (line, column) for path, line, column in entry["key_positions"]}
        findings = findings_from(entry["findings"])
        if findings is None:
            return None
        return Document(file, entry["data"], positions, key_positions, origin=origin), findings
    except (KeyError, TypeError, ValueError):
        return None


def files_entry(files: list[SerialisedFile]) -> list[list[Any]]:
    """A service's files: each one's path, the SHA-256 of its bytes and its sources."""
    return [[file.path, content_digest(file.content), list(file.sources)] for file in files]


def content_digest(content: Content) -> str:
    return content.digest if isinstance(content, Held) else hashlib.sha256(content).hexdigest()


def stamp(digest_hex: str, identity: Identity) -> str:
    device, inode, size, modified = identity  # an f-string: half the time of a join, on a fleet's 17,000 files
    return f"{digest_hex} {device} {inode} {size} {modified}"


def written_entry(run: Plan) -> Written:
    """What a write put in output/: each file's stamp."""
    return {path: stamp(content_digest(run.files[path]), identity) for path, identity in run.written.items()}


def written_from(entry: Any) -> Written:
    """What written_entry holds; nothing when it is not shaped so (then every file is read and checked)."""
    shaped = isinstance(entry, dict) and all(isinstance(value, str) for value in entry.values())
    return entry if shaped else {}


def files_from(entry: Any, output: Path, written: Written | None = None) -> list[SerialisedFile] | None:
    """The files an entry names, as the output directory (`output`: write.output_root) holds them, where the run
    that made the entry put them; None when the entry is not shaped as files_entry writes it, or a file is missing
    or not the bytes the entry was made for: edited since, or never written (that run failed, or only checked). A
    file still as a run wrote it (`written`, by its identity) is not read: it is Held; the others are read and
    checked against the digest."""
    try:
        named = [(path, digest_hex, tuple(sources)) for path, digest_hex, sources in entry]
    except (TypeError, ValueError):
        return None
    paths = [path for path, _digest, _sources in named]
    if written:
        identities = write.held_identities(output, paths)
        if all(i and written.get(p) == stamp(d, i) for (p, d, _), i in zip(named, identities, strict=True)):
            return [SerialisedFile(p, Held(d, i), s) for (p, d, s), i in zip(named, identities, strict=True) if i]
    held = write.held_files(output, paths)
    files = []
    for (path, digest_hex, sources), content in zip(named, held, strict=True):
        if content is None or hashlib.sha256(content).hexdigest() != digest_hex:
            return None
        files.append(SerialisedFile(path, content, sources))
    return files
