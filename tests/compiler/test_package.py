"""The .ma package: a valid, reproducible ZIP with a W3C manifest, size limits, signature and its checks."""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hutong.cli.main import app as cli
from hutong.compiler import CompileError, build_project
from hutong.compiler.package import MEDIA_TYPE, PackageInfo, pack
from hutong.compiler.signing import MAGIC, SignatureError, countersign, generate_key, verify
from tests.compiler.helpers import page, write_tree

KEY = generate_key()


def make_app(root: Path) -> Path:
    return write_tree(
        root,
        {
            "project.config.json": {"appid": "wx-test", "projectname": "Test"},
            "app.json": {
                "pages": ["pages/a/a"],
                "window": {"navigationBarTitleText": "T", "pageOrientation": "auto"},
                "subpackages": [{"root": "sub", "pages": ["b"]}],
            },
            "app.js": "App({})",
            "app.wxss": "page { width: 750rpx }",
            **page("pages/a/a"),
            **page("sub/b"),
            "images/logo.png": b"\x89PNG fake",
            ".hidden/secret.txt": "not packed",
        },
    )


def packed(root: Path) -> bytes:
    return pack(
        build_project(root),
        PackageInfo(app_id="wx-test", name="Test", version_name="2.1.0", version_code=7),
        KEY,
    )


def test_package_is_a_valid_zip_with_a_w3c_manifest(tmp_path: Path) -> None:
    data = packed(make_app(tmp_path))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    names = archive.namelist()
    assert names == sorted(names)
    assert {
        "manifest.json",
        "app.css",
        "app.js",
        "app.json",
        "pages/a/a.wxml",
        "sub/b.js",
        "images/logo.png",
    } <= set(names)
    assert not any(name.startswith(".hidden") for name in names)
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["app_id"] == "wx-test"
    assert manifest["version"] == {"name": "2.1.0", "code": 7}
    assert manifest["platform_version"]["min_code"] == 1
    assert manifest["pages"] == ["pages/a/a", "sub/b"]
    assert manifest["window"]["navigation_bar_title_text"] == "T"
    assert manifest["window"]["orientation"] == "auto"
    assert manifest["icons"] == []
    assert manifest["hutong"]["subpackages"] == [
        {"root": "sub", "name": "sub", "pages": ["sub/b"], "independent": False}
    ]
    assert archive.read("app.css") == b"wx-page { width: 100vw }"
    assert MEDIA_TYPE == "application/miniapp-pkg+zip"


def test_package_bytes_are_reproducible(tmp_path: Path) -> None:
    root = make_app(tmp_path)
    first = packed(root)
    os.utime(root / "app.js", (1, 1))
    assert packed(root) == first


def test_signing_block_sits_before_the_central_directory(tmp_path: Path) -> None:
    data = packed(make_app(tmp_path))
    eocd = data.rindex(b"PK\x05\x06")
    cd_offset = struct.unpack_from("<I", data, eocd + 16)[0]
    assert data[cd_offset : cd_offset + 4] == b"PK\x01\x02"
    assert data[cd_offset - 16 : cd_offset] == MAGIC
    signer = verify(data).developer
    assert len(signer.public_key) == 32 and len(signer.signature) == 64


def test_tampering_anywhere_is_refused(tmp_path: Path) -> None:
    data = packed(make_app(tmp_path))
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo("app.js")
    # A byte inside a file's compressed data, a byte of the central directory, the end record's comment.
    eocd = data.rindex(b"PK\x05\x06")
    cd_offset = struct.unpack_from("<I", data, eocd + 16)[0]
    for offset in (info.header_offset + 30 + len("app.js") + 1, cd_offset + 40):
        tampered = bytearray(data)
        tampered[offset] ^= 0x01
        with pytest.raises(SignatureError, match="modified after it was signed"):
            verify(bytes(tampered))
    with pytest.raises(SignatureError, match="not signed"):
        verify(data[:0] + _unsigned(data))


def _unsigned(data: bytes) -> bytes:
    """The same ZIP rebuilt without a signing block."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for info in source.infolist():
            out.writestr(info, source.read(info))
    return buffer.getvalue()


def test_platform_countersignature(tmp_path: Path) -> None:
    data = packed(make_app(tmp_path))
    platform = generate_key()
    signed = countersign(data, platform)
    assert zipfile.ZipFile(io.BytesIO(signed)).testzip() is None
    verified = verify(signed)
    assert verified.platform is not None
    assert verified.developer == verify(data).developer
    raw = verified.platform.public_key
    assert verify(signed, platform_key=raw).platform == verified.platform
    with pytest.raises(SignatureError, match="not countersigned by this platform"):
        verify(data, platform_key=raw)


def test_size_limits_list_the_largest_files(tmp_path: Path) -> None:
    root = make_app(tmp_path)
    write_tree(root, {"sub/big.png": os.urandom(1_500_000), "sub/bigger.mp3": os.urandom(700_000)})
    with pytest.raises(CompileError) as raised:
        packed(root)
    message = str(raised.value)
    assert message.startswith("subpackage 'sub' is 2.10 MB, over the 2 MB limit per package; largest files:")
    assert message.index("sub/big.png (1465 KB)") < message.index("sub/bigger.mp3 (684 KB)")


def test_cli_keygen_build_verify(tmp_path: Path) -> None:
    root = make_app(tmp_path / "app")
    runner = CliRunner()
    key = tmp_path / "dev.pem"
    result = runner.invoke(cli, ["keygen", "-o", str(key)])
    assert result.exit_code == 0, result.output
    public = result.output.split("public key: ")[1].strip()
    package = tmp_path / "out.ma"
    result = runner.invoke(cli, ["build", str(root), "-o", str(package), "--key", str(key)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["verify", str(package), "--developer", public])
    assert result.exit_code == 0 and "signature OK" in result.output
    tampered = bytearray(package.read_bytes())
    tampered[100] ^= 0xFF
    package.write_bytes(bytes(tampered))
    result = runner.invoke(cli, ["verify", str(package)])
    assert result.exit_code == 1
    assert "was modified after it was signed" in result.output
    result = runner.invoke(
        cli, ["build", str(root), "-o", str(tmp_path / "x.ma"), "--key", str(tmp_path / "none")]
    )
    assert result.exit_code == 1 and "run `hutong keygen`" in result.output
    out_dir = tmp_path / "bundles"
    result = runner.invoke(cli, ["build", str(root), "-o", str(out_dir)])
    assert result.exit_code == 0, result.output
    assert (out_dir / "sub" / "view.js").is_file() and (out_dir / "images" / "logo.png").is_file()
