"""Maintainers' tool: refresh the GraphiQL files that ship inside the package.

    python -m app.http.graphiql.vendor          # re-vendor the versions pinned below
    python -m app.http.graphiql.vendor --check  # verify the committed files against npm

Takes each file from the npm package that ships it (`npm pack`), with the package's licence
(or the licence of the repository it comes from, for packages that ship none), writes them to
app/http/graphiql/static/vendor/<package>@<version>/ and records their SRI hashes in manifest.json,
which the page (app/http/graphiql/page.py) reads. To upgrade, change a version here, run the
tool, run tests/browser, commit. Every package here is MIT-licensed: shipping copies is allowed
as long as the licence text goes with them.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

VENDOR_DIR = Path(__file__).resolve().parent / "static" / "vendor"


@dataclass(frozen=True)
class Pinned:
    role: str  # how the page refers to it
    package: str
    version: str
    path: str  # inside the npm package
    # Where the licence text comes from: a file of this package, or "<package>@<version>:<file>"
    # for packages that ship none (their repository's licence applies).
    licenses: tuple[str, ...] = ("LICENSE",)


# GraphiQL 3.9 is the last line with a minified UMD build for React 18 (3.8's "min" file is
# not minified: 3.5 MB); 4.x and later need a bundler. The explorer plugin of the same
# release line; graphql-sse for subscriptions over Server-Sent Events.
PINNED: tuple[Pinned, ...] = (
    Pinned("react", "react", "18.3.1", "umd/react.production.min.js"),
    Pinned("react-dom", "react-dom", "18.3.1", "umd/react-dom.production.min.js"),
    Pinned("graphiql", "graphiql", "3.9.0", "graphiql.min.js"),
    Pinned("graphiql-css", "graphiql", "3.9.0", "graphiql.min.css"),
    Pinned(
        "explorer",
        "@graphiql/plugin-explorer",
        "3.2.6",
        "dist/index.umd.js",
        # No licence file in the package: the graphiql monorepo's MIT licence, and that of
        # graphiql-explorer, which the UMD build bundles.
        ("graphiql@3.9.0:LICENSE", "graphiql-explorer@0.9.0:LICENSE"),
    ),
    Pinned(
        "explorer-css",
        "@graphiql/plugin-explorer",
        "3.2.6",
        "dist/style.css",
        ("graphiql@3.9.0:LICENSE", "graphiql-explorer@0.9.0:LICENSE"),
    ),
    Pinned("graphql-sse", "graphql-sse", "2.6.1", "umd/graphql-sse.min.js", ("LICENSE.md",)),
)


def integrity_of(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


class Tarballs:
    """npm packages fetched once each with `npm pack` (the registry's own client)."""

    def __init__(self) -> None:
        self._cache: dict[str, bytes] = {}

    def file(self, spec: str, path: str) -> bytes:
        if spec not in self._cache:
            self._cache[spec] = self._pack(spec)
        with tarfile.open(fileobj=io.BytesIO(self._cache[spec]), mode="r:gz") as archive:
            member = archive.extractfile(f"package/{path}")
            if member is None:
                raise SystemExit(f"error: {spec} has no file {path}")
            return member.read()

    @staticmethod
    def _pack(spec: str) -> bytes:
        if shutil.which("npm") is None:
            raise SystemExit("error: npm is needed (it fetches the packages)")
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run(
                ["npm", "pack", spec, "--pack-destination", tmp, "--silent"],
                check=True, capture_output=True, text=True, timeout=180,
            )  # fmt: skip
            return (Path(tmp) / out.stdout.strip().splitlines()[-1]).read_bytes()


def wanted_files(tarballs: Tarballs) -> dict[Path, bytes]:
    """Every file to ship, by its path under VENDOR_DIR."""
    files: dict[Path, bytes] = {}
    for pin in PINNED:
        spec = f"{pin.package}@{pin.version}"
        files[Path(spec) / pin.path] = tarballs.file(spec, pin.path)
        texts = []
        for source in pin.licenses:
            other, _, name = source.rpartition(":")
            texts.append(tarballs.file(other or spec, name))
        files[Path(spec) / "LICENSE"] = b"\n\n".join(texts)
    return files


def manifest(files: dict[Path, bytes]) -> dict[str, object]:
    assets = {}
    for pin in PINNED:
        spec = f"{pin.package}@{pin.version}"
        assets[pin.role] = {
            "package": pin.package,
            "version": pin.version,
            "path": f"{spec}/{pin.path}",
            "integrity": integrity_of(files[Path(spec) / pin.path]),
            "license": f"{spec}/LICENSE",
        }
    return {"assets": assets}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    files = wanted_files(Tarballs())
    files[Path("manifest.json")] = (json.dumps(manifest(files), indent=2) + "\n").encode()
    if args.check:
        stale = [p for p, data in files.items() if (VENDOR_DIR / p).read_bytes() != data]
        for path in stale:
            print(f"differs from npm: {path}", file=sys.stderr)
        return 1 if stale else 0
    shutil.rmtree(VENDOR_DIR, ignore_errors=True)
    for path, data in files.items():
        (VENDOR_DIR / path).parent.mkdir(parents=True, exist_ok=True)
        (VENDOR_DIR / path).write_bytes(data)
    print(f"wrote {len(files)} files to {VENDOR_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
