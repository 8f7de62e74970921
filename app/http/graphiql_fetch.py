"""`ticketgw fetch-graphiql`: copy the files the GraphiQL page loads from the CDN into
VENDOR_DIR, from the npm packages that ship them (npm pack when npm is installed, else the npm
registry's tarball over HTTPS). Every file is checked against the page's integrity hash: a file
that doesn't match is refused, so the served page never loads something it didn't ask for.
"""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import subprocess
import tarfile
import tempfile
import urllib.request
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

from app.http.graphiql_assets import VENDOR_DIR, Asset, page_assets

REGISTRY = "https://registry.npmjs.org"


class AssetMismatch(Exception):
    pass


def tarball_url(package: str, version: str) -> str:
    """The registry's tarball URL: scoped packages drop the scope from the file name."""
    return f"{REGISTRY}/{package}/-/{package.rsplit('/', 1)[-1]}-{version}.tgz"


def _npm_pack(spec: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            ["npm", "pack", spec, "--pack-destination", tmp, "--silent"],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return (Path(tmp) / out.stdout.strip().splitlines()[-1]).read_bytes()


def _download(package: str, version: str) -> bytes:
    with urllib.request.urlopen(tarball_url(package, version), timeout=60) as response:
        return bytes(response.read())


def package_tarball(package: str, version: str) -> bytes:
    if shutil.which("npm"):
        return _npm_pack(f"{package}@{version}")
    return _download(package, version)


def integrity_of(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def extract(tarball: bytes, asset: Asset) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile(f"package/{asset.path}")
        if member is None:
            raise AssetMismatch(f"{asset.spec} has no file {asset.path}")
        data = member.read()
    if integrity_of(data) != asset.integrity:
        raise AssetMismatch(f"{asset.spec}/{asset.path} does not match the page's integrity hash")
    return data


def fetch_graphiql(dest: Path = VENDOR_DIR) -> list[Path]:
    """Fetch every asset of Strawberry's GraphiQL page into `dest`; skips files already there
    and intact. Returns the files written or kept."""
    assets = page_assets(get_graphql_ide_html("graphiql"))
    done: list[Path] = []
    tarballs: dict[str, bytes] = {}
    for asset in assets:
        target = asset.local_file(dest)
        if target.is_file() and integrity_of(target.read_bytes()) == asset.integrity:
            done.append(target)
            continue
        if asset.spec not in tarballs:
            tarballs[asset.spec] = package_tarball(asset.package, asset.version)
        data = extract(tarballs[asset.spec], asset)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        done.append(target)
    return done
