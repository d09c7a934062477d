"""Fetch the pages' third-party scripts from the npm registry: `make vendor`.

The files are committed (the pages need no build step); this script is how they
got there and how to refresh them. Each package is pinned by version and by the
registry's sha512 integrity of its tarball, and VENDOR.json records what was
taken, its licence, and the sha256 of each file served, which a test checks.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import tarfile
import urllib.request
from pathlib import Path
from typing import Any

VENDOR_DIR = Path(__file__).resolve().parent.parent / "chalicelib" / "web" / "vendor"
REGISTRY = "https://registry.npmjs.org"

# name, version, sha512 integrity, {file in the tarball: name served}, licence
PACKAGES: list[dict[str, Any]] = [
    {
        "name": "jsqr",
        "version": "1.4.0",
        "integrity": "sha512-dxLob7q65Xg2DvstYkRpkYtmKm2sPJ9oFhrhmudT1dZvNFFTlroai3AWSpLey"
        "/w5vMcLBXRgOJsbXpdN9HzU/A==",
        "files": {"package/dist/jsQR.js": "jsQR-1.4.0.js", "package/LICENSE": "jsQR-1.4.0.LICENSE"},
        "license": "Apache-2.0",
        "purpose": "decodes QR codes from camera frames where the browser has no BarcodeDetector",
    },
    {
        "name": "qrcode-generator",
        "version": "2.0.4",
        "integrity": "sha512-mZSiP6RnbHl4xL2Ap5HfkjLnmxfKcPWpWe/c+5XxCuetEenqmNFf1FH"
        "/ftXPCtFG5/TDobjsjz6sSNL0Sr8Z9g==",
        # The package ships no LICENSE file; its MIT notice heads qrcode.js.
        "files": {"package/dist/qrcode.js": "qrcode-generator-2.0.4.js"},
        "license": "MIT",
        "purpose": "draws the dashboard's pairing QR code for a new desk token",
    },
]


def tarball(package: dict) -> bytes:
    name, version = package["name"], package["version"]
    url = f"{REGISTRY}/{name}/-/{name}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=60) as response:
        data = response.read()
    algorithm, expected = package["integrity"].split("-", 1)
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise SystemExit(f"{name}@{version}: the tarball does not match its pinned integrity")
    return data


def main() -> None:
    manifest = []
    for package in PACKAGES:
        files = {}
        with tarfile.open(fileobj=io.BytesIO(tarball(package)), mode="r:gz") as archive:
            for member, served in package["files"].items():
                extracted = archive.extractfile(member)
                if extracted is None:
                    raise SystemExit(f"{member} is not a file in {package['name']}")
                content = extracted.read()
                (VENDOR_DIR / served).write_bytes(content)
                files[served] = hashlib.sha256(content).hexdigest()
        manifest.append(
            {key: package[key] for key in ("name", "version", "integrity", "license", "purpose")}
            | {"files": files}
        )
        print(f"{package['name']}@{package['version']}: {', '.join(files)}")
    (VENDOR_DIR / "VENDOR.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
