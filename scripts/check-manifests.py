#!/usr/bin/env python3
"""Checks what every workspace member must inherit, and the `rust-version` it promises.

Every member inherits the workspace's lints (`[lints] workspace = true`), so `make check`'s
clippy holds each crate to the same rules, and one `rust-version`, checked against what the
locked dependencies declare:

A `rust-version` lower than a dependency's is a promise the build cannot keep: someone on
that toolchain gets a confusing error deep in a dependency instead of cargo's clear one.
This reads `cargo metadata` (the locked graph, offline) and fails, naming the packages,
when any resolved dependency needs a newer Rust than the workspace declares.
"""
import json
import subprocess
import sys
import tomllib


def version_tuple(text):
    return tuple(int(part) for part in text.split("."))


def lints_inherited(manifest_path):
    with open(manifest_path, "rb") as f:
        manifest = tomllib.load(f)
    return manifest.get("lints", {}).get("workspace") is True


def main():
    metadata = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    members = set(metadata["workspace_members"])
    declared = {
        package["name"]: package.get("rust_version")
        for package in metadata["packages"]
        if package["id"] in members
    }
    no_lints = sorted(
        package["name"]
        for package in metadata["packages"]
        if package["id"] in members and not lints_inherited(package["manifest_path"])
    )
    if no_lints:
        print(f"these members do not inherit the workspace's lints; add `[lints]` / `workspace = true`: {no_lints}", file=sys.stderr)
        return 1
    versions = {v for v in declared.values() if v}
    if len(versions) != 1 or None in declared.values():
        print(f"every workspace member must inherit one rust-version; found {declared}", file=sys.stderr)
        return 1
    ours = versions.pop()
    needs_more = sorted(
        (version_tuple(package["rust_version"]), package["name"], package["version"])
        for package in metadata["packages"]
        if package["id"] not in members
        and package.get("rust_version")
        and version_tuple(package["rust_version"]) > version_tuple(ours)
    )
    if needs_more:
        print(f"Cargo.toml declares rust-version = {ours}, but these locked dependencies need more:", file=sys.stderr)
        for need, name, version in needs_more:
            print(f"  {name} {version}: rust-version {'.'.join(map(str, need))}", file=sys.stderr)
        print("Raise [workspace.package] rust-version to the highest of these.", file=sys.stderr)
        return 1
    print(f"{len(members)} members inherit the workspace's lints; rust-version {ours}: every locked dependency builds with it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
