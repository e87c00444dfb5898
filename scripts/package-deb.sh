#!/usr/bin/env bash
# Makes a Debian package from binaries cargo has already built (`make package` builds them):
#   scripts/package-deb.sh desktop OUT_DIR   taizhang-desktop: the app, the CLI, menu entry, icons
#   scripts/package-deb.sh server  OUT_DIR   taizhang-server: the server, its unit, its settings
# TARGET_DIR is cargo's target directory (default: target). VERSION_SUFFIX is appended to the
# workspace's version (Cargo.toml), e.g. "+test1" for a build that must install over this one.
# DEB_COMPRESSION (default xz) is dpkg-deb's -Z: gzip packs a test build in a fraction of the time.
# PROFILE (default release) is the cargo profile directory the binaries come from: the install
# test packs the dev build `make test` has already made (same files, same layout, the same
# dependencies computed), so CI does not compile the workspace a third time.
#
# Staged by hand and packed by dpkg-deb rather than by Tauri's bundler: one way for both
# packages (the bundler has no server package), the package keeps an ASCII name while the menu
# entry is Chinese, the dependencies are computed from the binaries by dpkg-shlibdeps (exact
# for the distribution it is built on), and it packs the very binaries `make run`'s build made
# instead of compiling again. See docs/install.md.
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:?"usage: $0 desktop|server OUT_DIR"}
out=${2:?"usage: $0 desktop|server OUT_DIR"}
target=${TARGET_DIR:-target}/${PROFILE:-release}
version="$(python3 -c 'import tomllib; print(tomllib.load(open("Cargo.toml", "rb"))["workspace"]["package"]["version"])')${VERSION_SUFFIX:-}"
arch=$(dpkg --print-architecture)
maintainer="Taizhang maintainers <taizhang@localhost>"

case "$what" in
  desktop) pkg=taizhang-desktop; bins="taizhang-desktop taizhang" ;;
  server) pkg=taizhang-server; bins="taizhang-server" ;;
  *) echo "usage: $0 desktop|server OUT_DIR" >&2; exit 2 ;;
esac
for b in $bins; do
  [ -x "$target/$b" ] || { echo "$target/$b is missing: build it first (make package)" >&2; exit 1; }
done

stage="$out/stage-$pkg"
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/usr/bin" "$stage/usr/share/doc/$pkg" "$out"
# One package of each kind in OUT_DIR, so `make package-test` finds the one just made.
rm -f "$out/${pkg}_"*.deb
for b in $bins; do
  # Symbols are of no use to an office PC and make the app several times larger.
  objcopy --strip-unneeded "$target/$b" "$stage/usr/bin/$b"
  chmod 0755 "$stage/usr/bin/$b"
done
install -m 0644 "packaging/$what/copyright" "$stage/usr/share/doc/$pkg/copyright"
install -m 0644 docs/install.md "$stage/usr/share/doc/$pkg/install.md"

case "$what" in
  desktop)
    install -D -m 0644 packaging/desktop/taizhang-desktop.desktop "$stage/usr/share/applications/taizhang-desktop.desktop"
    install -D -m 0644 src-tauri/icons/32x32.png "$stage/usr/share/icons/hicolor/32x32/apps/taizhang-desktop.png"
    install -D -m 0644 src-tauri/icons/128x128.png "$stage/usr/share/icons/hicolor/128x128/apps/taizhang-desktop.png"
    install -D -m 0644 src-tauri/icons/icon.png "$stage/usr/share/icons/hicolor/512x512/apps/taizhang-desktop.png"
    section=misc
    # The UI is Chinese only: without a CJK font every label is a row of boxes. Recommends (which
    # apt installs by default) rather than Depends, so a system with its own Chinese fonts
    # (Kylin's) is not forced to take Debian's.
    extra_depends=""
    recommends="fonts-noto-cjk | fonts-wqy-microhei | fonts-wqy-zenhei"
    description="企业服务台账 (Taizhang): the enterprise problem ledger
 A district's enterprise problem ledger for an enterprise service year campaign:
 townships register problems, the office assigns each to one lead department with
 a deadline in working days, departments sign, handle and report, and the office
 closes them out. The desktop app (taizhang-desktop, in the menu as 企业服务台账)
 and its command line (taizhang)."
    ;;
  server)
    install -D -m 0644 packaging/server/taizhang-server.service "$stage/lib/systemd/system/taizhang-server.service"
    install -D -m 0644 packaging/server/server.env "$stage/etc/taizhang/server.env"
    echo /etc/taizhang/server.env >"$stage/DEBIAN/conffiles"
    for s in postinst prerm postrm; do install -m 0755 "packaging/server/$s" "$stage/DEBIAN/$s"; done
    section=net
    # adduser: the system user in postinst; init-system-helpers: deb-systemd-helper.
    extra_depends=", adduser, init-system-helpers (>= 1.54~)"
    # The database may be on another machine, so PostgreSQL is recommended, not required.
    recommends="postgresql-15 | postgresql (>= 15)"
    description="企业服务台账 (Taizhang) district server
 The authoritative district ledger on PostgreSQL 15 that Taizhang desktops push
 their signed events to and pull what their unit may see from, over TLS. Runs as
 the systemd service taizhang-server with its settings in /etc/taizhang."
    ;;
esac

# The shared libraries the binaries link, as package dependencies (with the minimum versions
# of the symbols they use), e.g. libwebkit2gtk-4.1-0 and libgtk-3-0 for the app.
shlib=$(mktemp -d)
trap 'rm -rf "$shlib"' EXIT
mkdir -p "$shlib/debian"
printf 'Source: taizhang\n\nPackage: %s\nArchitecture: any\n' "$pkg" >"$shlib/debian/control"
staged_bins=""
for b in $bins; do staged_bins="$staged_bins $(realpath "$stage/usr/bin/$b")"; done
# shellcheck disable=SC2086
depends=$(cd "$shlib" && dpkg-shlibdeps -O $staged_bins 2>"$shlib/warnings" | sed -n 's/^shlibs:Depends=//p') \
  || { cat "$shlib/warnings" >&2; exit 1; }
[ -n "$depends" ] || { echo "dpkg-shlibdeps found no dependencies for $pkg" >&2; exit 1; }

installed_size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<EOF
Package: $pkg
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_size
Depends: $depends$extra_depends
Recommends: $recommends
Section: $section
Priority: optional
Description: $description
EOF
# Directories 0755 and files without group/other write, whatever the umask was.
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f ! -perm -u+x -exec chmod 0644 {} +

deb="$out/${pkg}_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-xz}" --build "$stage" "$deb" >/dev/null
echo "$deb"
