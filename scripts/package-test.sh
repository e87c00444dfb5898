#!/usr/bin/env bash
# Proves the packages install like any Debian package (`make package-test`, run by CI as root):
# in a clean Debian 12 root made by debootstrap, each .deb is installed with apt (so its
# dependencies resolve from the mirror), used, upgraded by a newer build, removed and purged,
# and the users' data must come through every step byte for byte.
#
#   scripts/package-test.sh DESKTOP_DEB DESKTOP_DEB_NEWER SERVER_DEB SERVER_DEB_NEWER
#
# desktop: the installed app starts under Xvfb and shows its window (企业服务台账), screenshot
#   in target/package-test/; a user's ledger, backups, device key and settings survive the
#   upgrade, the removal and the purge; the upgraded app starts again.
# server: PostgreSQL 15 from Debian in the root, started without systemd; the packaged
#   `taizhang-server init --create-database`, `serve` by hand on 127.0.0.1 over its
#   self-signed TLS; the database, the settings (changed by the administrator) and the
#   certificate survive the upgrade; removal keeps the settings, purge removes them, both keep
#   the database and the certificate. The unit file passes `systemd-analyze verify`.
#
# The debootstrap root is cached as a tarball under target/package-test/ (made again when the
# mirror or the suite changes), and downloaded packages in an apt archive there, so a rerun
# only unpacks and installs. Every mount and process is undone on exit, failure included.
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# = 4 ] || { echo "usage: $0 DESKTOP_DEB DESKTOP_DEB_NEWER SERVER_DEB SERVER_DEB_NEWER" >&2; exit 2; }
desktop_old=$(realpath "$1") desktop_new=$(realpath "$2") server_old=$(realpath "$3") server_new=$(realpath "$4")
if [ "$(id -u)" != 0 ]; then
  echo "package-test needs root (debootstrap, chroot, mounts): sudo make package-test" >&2
  exit 1
fi

work=$PWD/target/package-test
mkdir -p "$work/apt-archives/partial"
started=$SECONDS
step() { printf '\n== [%3ds] %s\n' "$((SECONDS - started))" "$*"; }
fail() { echo "package-test FAILED: $*" >&2; exit 1; }

# ---- the mirror: whatever this machine's apt uses (the one reachable from here) -------------
# One-line sources for Debian 12 from /etc/apt/sources.list{,.d/*.list,.d/*.sources}.
sources=$(python3 - <<'EOF'
import glob, re
out = []
def add(uri, suites, comps):
    for s in suites:
        if s.split("-")[0] == "bookworm":
            out.append(f"deb {uri} {s} {' '.join(comps) or 'main'}")
files = ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list"))
for f in files:
    try: lines = open(f).read().splitlines()
    except OSError: continue
    for l in lines:
        l = re.sub(r"\[[^]]*\]", "", l.split("#")[0]).split()
        if len(l) >= 3 and l[0] == "deb": add(l[1], [l[2]], l[3:])
for f in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    for stanza in re.split(r"\n\s*\n", open(f).read()):
        fields = {}
        for l in stanza.splitlines():
            if l.startswith("#") or ":" not in l: continue
            k, v = l.split(":", 1); fields[k.strip().lower()] = v.split()
        if "deb" not in fields.get("types", []) or fields.get("enabled", ["yes"])[0] == "no": continue
        for uri in fields.get("uris", []): add(uri, fields.get("suites", []), fields.get("components", []))
print("\n".join(dict.fromkeys(out)))
EOF
)
mirror=$(awk '$3 == "bookworm" { print $2; exit }' <<<"$sources")
[ -n "$mirror" ] || fail "no Debian 12 (bookworm) source in /etc/apt: cannot choose a mirror for debootstrap"

# ---- cleanup: processes in the roots, Xvfb, mounts ----------------------------------------------
roots=()
xvfb_pid=""
procs_in() { # PIDs whose root directory is $1
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$1" ] && echo "${p#/proc/}"
  done
  return 0
}
stop_procs_in() {
  local pids i
  pids=$(procs_in "$1")
  [ -z "$pids" ] && return 0
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  for i in $(seq 50); do
    [ -z "$(procs_in "$1")" ] && return 0
    sleep 0.2
  done
  pids=$(procs_in "$1")
  # shellcheck disable=SC2086
  [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
  sleep 0.5
}
unmount_root() {
  local m
  stop_procs_in "$1"
  # Deepest first; recursive binds (/dev, /sys) go with umount -R.
  for m in $(awk -v r="$1" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/self/mounts | sort -r); do
    umount -R "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
}
cleanup() {
  local rc=$? r
  for r in "${roots[@]}"; do unmount_root "$r"; done
  [ -z "$xvfb_pid" ] || { kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; }
  if grep -q " $work/" /proc/self/mounts; then
    echo "package-test: mounts left under $work:" >&2
    grep " $work/" /proc/self/mounts >&2
    rc=1
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- a clean Debian 12 root ------------------------------------------------------------------
base_key=$(printf '%s\n' "$mirror" minbase bookworm | sha256sum | cut -c1-12)
base_tar=$work/bookworm-minbase-$base_key.tar
if [ ! -s "$base_tar" ]; then
  step "debootstrap bookworm from $mirror (cached afterwards in $base_tar)"
  rm -rf "$work/debootstrap"
  debootstrap --variant=minbase bookworm "$work/debootstrap" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap (log: $work/debootstrap.log)"; }
  tar -C "$work/debootstrap" -cf "$base_tar.tmp" . && mv "$base_tar.tmp" "$base_tar"
  rm -rf "$work/debootstrap"
fi

fresh_root() { # $1: directory; unpacked from the cached tarball, mounts made, apt ready
  local root=$1
  rm -rf "$root"
  mkdir -p "$root"
  tar -C "$root" -xf "$base_tar"
  roots+=("$root")
  mount -t proc proc "$root/proc"
  mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys"
  mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
  mount --bind "$work/apt-archives" "$root/var/cache/apt/archives"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  printf '%s\n' "$sources" >"$root/etc/apt/sources.list"
  # The standard guard of a chroot: packages' scripts must not start services here (there
  # is no init); the test starts what it needs by hand.
  # A throw-away root: dpkg need not fsync every file it unpacks (what sbuild and pbuilder do).
  echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/force-unsafe-io"
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 0755 "$root/usr/sbin/policy-rc.d"
  in_root "$root" apt-get update -qq
}
in_root() { # $1: root; the rest: a command run there as root, with a plain environment
  local root=$1
  shift
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}
apt_install() { # $1: root; the rest: packages or .deb files; never waits for a question
  local root=$1
  shift
  in_root "$root" apt-get install -y -q "$@" </dev/null >>"$work/apt.log" 2>&1 \
    || { tail -30 "$work/apt.log" >&2; fail "apt-get install $* (log: $work/apt.log)"; }
}
version_in() { in_root "$1" dpkg-query -W -f='${Version}' "$2" 2>/dev/null || true; }
deb_version() { dpkg-deb -f "$1" Version; }
# Every file under the given directories (relative to the root), a line each: mode, owner,
# SHA-256, path (last: WebKit's cache has names with spaces).
snapshot() {
  local root=$1 f
  shift
  (cd "$root" && find "$@" -type f -print0 | sort -z | while IFS= read -r -d '' f; do
    printf '%s %s %s\n' "$(stat -c '%a %u:%g' "$f")" "$(sha256sum <"$f" | cut -d' ' -f1)" "$f"
  done)
}
same() { # $1: what, $2 and $3: snapshots
  if [ "$2" != "$3" ]; then
    diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") >&2 || true
    fail "$1"
  fi
  echo "  $1: $(printf '%s\n' "$2" | wc -l) files identical"
}
: >"$work/apt.log"

# ======================================= the desktop =========================================
desktop() {
  local root=$work/desktop-root user=clerk
  local data=home/$user/.local/share/cn.taizhang.desktop
  step "desktop: a clean root"
  fresh_root "$root"

  step "desktop: install $(basename "$desktop_old") with apt"
  cp "$desktop_old" "$root/tmp/old.deb"
  cp "$desktop_new" "$root/tmp/new.deb"
  apt_install "$root" /tmp/old.deb
  [ "$(version_in "$root" taizhang-desktop)" = "$(deb_version "$desktop_old")" ] || fail "taizhang-desktop not installed"
  for f in usr/bin/taizhang-desktop usr/bin/taizhang usr/share/applications/taizhang-desktop.desktop \
    usr/share/icons/hicolor/128x128/apps/taizhang-desktop.png; do
    [ -e "$root/$f" ] || fail "/$f is not installed"
  done
  grep -qx 'Name=企业服务台账' "$root/usr/share/applications/taizhang-desktop.desktop" || fail "menu entry name"
  if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$root/usr/share/applications/taizhang-desktop.desktop" || fail "desktop-file-validate"
  fi
  if in_root "$root" ldd /usr/bin/taizhang-desktop | grep 'not found'; then
    fail "the package's dependencies leave libraries of the app missing"
  fi
  # The session bus every desktop session has (the app's single-instance guard uses it).
  apt_install "$root" dbus-daemon

  step "desktop: a user's ledger, backups, device key and settings"
  in_root "$root" useradd -m -s /bin/bash "$user"
  as_user() { in_root "$root" runuser -u "$user" -- /usr/bin/env HOME=/home/$user USER=$user "$@"; }
  local db=/$data/ledger.db
  as_user mkdir -p "/$data/backups" "/home/$user/.config/cn.taizhang.desktop"
  as_user taizhang --db "$db" init >/dev/null
  as_user taizhang --db "$db" --as admin unit add 城关街道 --short 城关 --kind township >/dev/null
  as_user taizhang --db "$db" --as admin user add cg --name 张三 --unit 城关 --role township >/dev/null
  as_user taizhang --db "$db" --as cg register --new-enterprise 示范区恒达精密机械有限公司 \
    --credit-code 91350100M000100Y43 --category 用地 --description 扩建用地指标未落实 >/dev/null
  # The ledger's own settings (the district's name here) live in the ledger file.
  as_user sh -c "taizhang --db $db settings show --json | sed 's/\"district_name\": \"[^\"]*\"/\"district_name\": \"城关示范区\"/' >/tmp/settings.json"
  as_user taizhang --db "$db" --as admin settings set /tmp/settings.json >/dev/null
  [[ "$(as_user taizhang --db "$db" settings show --json)" == *城关示范区* ]] || fail "the ledger's settings did not change"
  as_user taizhang --db "$db" --as admin backup "/$data/backups/before-upgrade.db" >/dev/null
  # The window's place and size, as the app's window-state plugin saves them on close.
  as_user sh -c "printf '%s' '{\"main\":{\"width\":1440,\"height\":900,\"x\":0,\"y\":0,\"prev_x\":0,\"prev_y\":0,\"maximized\":false,\"visible\":true,\"decorated\":true,\"fullscreen\":false}}' >/home/$user/.config/cn.taizhang.desktop/.window-state.json"
  # A joined desk's device key (hex of 32 bytes, 0600), as `sync join` writes it beside the ledger.
  as_user sh -c "umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >$db.device-key"
  as_user sh -c "printf '[\"%s\"]' $db >/$data/recent.json"
  # The command line's own default ledger (~/.local/share/taizhang/ledger.db).
  as_user taizhang init >/dev/null
  as_user taizhang verify >/dev/null

  run_app "$root" before-upgrade
  local dirs="$data home/$user/.config home/$user/.local/share/taizhang"
  local before
  before=$(snapshot "$root" $dirs)
  grep -q '^600 .*/ledger\.db\.device-key$' <<<"$before" || fail "the device key is not in the snapshot"
  grep -q '/backups/before-upgrade\.db$' <<<"$before" || fail "the backup is not in the snapshot"
  grep -q '/\.window-state\.json$' <<<"$before" || fail "the window's settings are not in the snapshot"
  cut -d' ' -f1,4- <<<"$before" | sed 's/^/  /'

  step "desktop: upgrade to $(deb_version "$desktop_new")"
  apt_install "$root" /tmp/new.deb
  [ "$(version_in "$root" taizhang-desktop)" = "$(deb_version "$desktop_new")" ] || fail "the upgrade did not install"
  same "user data across the upgrade" "$before" "$(snapshot "$root" $dirs)"
  as_user taizhang --db "$db" verify >/dev/null || fail "the ledger does not verify after the upgrade"
  run_app "$root" after-upgrade
  before=$(snapshot "$root" $dirs)

  step "desktop: remove, then purge"
  in_root "$root" apt-get remove -y -q taizhang-desktop </dev/null >>"$work/apt.log" 2>&1 || fail "apt-get remove"
  [ ! -e "$root/usr/bin/taizhang-desktop" ] || fail "the app is still there after remove"
  [ ! -e "$root/usr/share/applications/taizhang-desktop.desktop" ] || fail "the menu entry is still there after remove"
  same "user data after remove" "$before" "$(snapshot "$root" $dirs)"
  # The package has no conffiles, so remove already leaves nothing for purge: install it
  # again and purge it from installed, the other way out.
  apt_install "$root" /tmp/new.deb
  in_root "$root" apt-get purge -y -q taizhang-desktop </dev/null >>"$work/apt.log" 2>&1 || fail "apt-get purge"
  [ ! -e "$root/usr/bin/taizhang" ] || fail "the CLI is still there after purge"
  in_root "$root" dpkg -s taizhang-desktop >/dev/null 2>&1 && fail "taizhang-desktop still known to dpkg after purge"
  same "user data after purge" "$before" "$(snapshot "$root" $dirs)"
  unmount_root "$root"
}

# Starts the installed app as the user on the test's Xvfb, waits for its window and for the
# start screen to be drawn, takes a screenshot, and stops it.
run_app() {
  local root=$1 name=$2 display i win colours shot=$work/desktop-$2.png
  if [ -z "$xvfb_pid" ]; then
    # Xvfb picks a free display itself and writes its number only once it accepts
    # connections (-displayfd): guessing a number from /tmp/.X11-unix misses displays held
    # by lock files or abstract sockets, and a fixed wait races a loaded machine.
    rm -f "$work/xvfb.display"
    Xvfb -displayfd 3 -screen 0 1440x900x24 -nolisten tcp -ac 3>"$work/xvfb.display" >"$work/xvfb.log" 2>&1 &
    xvfb_pid=$!
    for i in $(seq 300); do
      [ -s "$work/xvfb.display" ] && break
      kill -0 "$xvfb_pid" 2>/dev/null || { cat "$work/xvfb.log" >&2; fail "Xvfb exited before it was ready"; }
      sleep 0.1
    done
    [ -s "$work/xvfb.display" ] || { cat "$work/xvfb.log" >&2; fail "Xvfb gave no display in 30 s"; }
    xvfb_display=:$(tr -dc 0-9 <"$work/xvfb.display")
    DISPLAY=$xvfb_display xwininfo -root >/dev/null || { cat "$work/xvfb.log" >&2; fail "display $xvfb_display does not answer"; }
    echo "  Xvfb on $xvfb_display"
  fi
  mkdir -p "$root/tmp/.X11-unix"
  mountpoint -q "$root/tmp/.X11-unix" || mount --bind /tmp/.X11-unix "$root/tmp/.X11-unix"
  step "desktop: start the installed app ($name)"
  in_root "$root" runuser -u clerk -- /usr/bin/env HOME=/home/clerk USER=clerk DISPLAY="$xvfb_display" \
    WEBKIT_DISABLE_COMPOSITING_MODE=1 dbus-run-session -- taizhang-desktop >"$work/desktop-$name.log" 2>&1 &
  win=""
  for i in $(seq 120); do
    win=$(DISPLAY=$xvfb_display xdotool search --name '^企业服务台账$' 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    sleep 0.5
  done
  [ -n "$win" ] || {
    cat "$work/desktop-$name.log" >&2
    echo "-- Xvfb ($xvfb_display) log:" >&2; cat "$work/xvfb.log" >&2
    ls -la "$root/tmp/.X11-unix" >&2 || true
    fail "no window titled 企业服务台账 ($name)"
  }
  [[ "$(DISPLAY=$xvfb_display xwininfo -root -tree)" == *'"企业服务台账"'* ]] || fail "xwininfo does not list the window"
  # Drawn, not a blank page: the start screen has text, buttons and the icon.
  for i in $(seq 60); do
    DISPLAY=$xvfb_display import -window root "$shot" 2>/dev/null || true
    colours=$(identify -format '%k' "$shot" 2>/dev/null || echo 0)
    [ "$colours" -gt 64 ] && break
    sleep 1
  done
  [ "$colours" -gt 64 ] || fail "the window stayed blank ($colours colours; $shot)"
  echo "  window $win, start screen drawn ($colours colours): $shot"
  stop_procs_in "$root"
  umount "$root/tmp/.X11-unix"
}

# ======================================= the server ==========================================
server() {
  local root=$work/server-root port fp1 fp2 conf_before tls_before
  step "server: a clean root"
  fresh_root "$root"

  step "server: install $(basename "$server_old") with apt (PostgreSQL 15 comes as its recommendation)"
  cp "$server_old" "$root/tmp/old.deb"
  cp "$server_new" "$root/tmp/new.deb"
  apt_install "$root" /tmp/old.deb
  [ "$(version_in "$root" taizhang-server)" = "$(deb_version "$server_old")" ] || fail "taizhang-server not installed"
  [ "$(version_in "$root" postgresql-15)" != "" ] || fail "postgresql-15 did not come with the package"
  in_root "$root" getent passwd taizhang >/dev/null || fail "no system user taizhang"
  [ -L "$root/etc/systemd/system/multi-user.target.wants/taizhang-server.service" ] || fail "the unit is not enabled"
  grep -qx /etc/taizhang/server.env "$root/var/lib/dpkg/info/taizhang-server.conffiles" || fail "server.env is no conffile"
  # systemd itself (every Debian server has it; minbase has not) for `systemd-analyze verify`:
  # the unit's syntax, its options and its ExecStart binaries, checked where they are installed.
  # It runs offline: nothing is started in the root.
  apt_install "$root" systemd
  in_root "$root" systemd-analyze verify /lib/systemd/system/taizhang-server.service || fail "systemd-analyze verify"
  echo "  systemd-analyze verify: the unit is valid"

  step "server: PostgreSQL started by hand, then the packaged init --create-database"
  in_root "$root" pg_ctlcluster 15 main start || fail "pg_ctlcluster 15 main start"
  in_root "$root" runuser -u postgres -- /usr/bin/env TAIZHANG_ADMIN_PASSWORD=admin-secret-1 \
    taizhang-server --config /etc/taizhang/server.env init --create-database || fail "taizhang-server init --create-database"
  as_taizhang() { in_root "$root" runuser -u taizhang -- taizhang-server --config /etc/taizhang/server.env "$@"; }
  as_taizhang unit add --name 城关街道 --short-name 城关 --kind township >/dev/null || fail "unit add as the service's user"

  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  fp1=$(serve_and_check "$root" "$port" before-upgrade)
  # What an administrator does: changes the settings (dpkg must keep them on upgrade).
  printf '\n# TAIZHANG_TLS_NAMES set by the administrator\nTAIZHANG_TLS_NAMES=localhost\n' >>"$root/etc/taizhang/server.env"
  conf_before=$(snapshot "$root" etc/taizhang)
  tls_before=$(snapshot "$root" var/lib/taizhang)
  db_dump "$root" before-upgrade >/dev/null

  step "server: upgrade to $(deb_version "$server_new")"
  apt_install "$root" /tmp/new.deb
  [ "$(version_in "$root" taizhang-server)" = "$(deb_version "$server_new")" ] || fail "the upgrade did not install"
  same "settings across the upgrade" "$conf_before" "$(snapshot "$root" etc/taizhang)"
  same "certificate across the upgrade" "$tls_before" "$(snapshot "$root" var/lib/taizhang)"
  db_dump "$root" after-upgrade >/dev/null
  same_db "across the upgrade" before-upgrade after-upgrade
  as_taizhang verify >/dev/null || fail "verify after the upgrade"
  as_taizhang migrate >/dev/null || fail "migrate (the unit's ExecStartPre) after the upgrade"
  fp2=$(serve_and_check "$root" "$port" after-upgrade)
  [ "$fp1" = "$fp2" ] || fail "the certificate's fingerprint changed across the upgrade ($fp1 → $fp2)"
  db_dump "$root" before-remove >/dev/null

  step "server: remove, then purge"
  in_root "$root" apt-get remove -y -q taizhang-server </dev/null >>"$work/apt.log" 2>&1 || fail "apt-get remove"
  [ ! -e "$root/usr/bin/taizhang-server" ] || fail "the server is still there after remove"
  same "settings after remove" "$conf_before" "$(snapshot "$root" etc/taizhang)"
  db_dump "$root" after-remove >/dev/null
  same_db "on remove" before-remove after-remove
  in_root "$root" apt-get purge -y -q taizhang-server </dev/null >>"$work/apt.log" 2>&1 || fail "apt-get purge"
  [ ! -e "$root/etc/taizhang/server.env" ] || fail "purge left the settings"
  [ ! -e "$root/etc/systemd/system/multi-user.target.wants/taizhang-server.service" ] || fail "purge left the unit enabled"
  same "certificate after purge" "$tls_before" "$(snapshot "$root" var/lib/taizhang)"
  db_dump "$root" after-purge >/dev/null
  same_db "on purge" before-remove after-purge
  in_root "$root" pg_ctlcluster 15 main stop || true
  unmount_root "$root"
}

serving() { # is a taizhang-server running in root $1?
  local p
  for p in $(procs_in "$1"); do [ "$(cat "/proc/$p/comm" 2>/dev/null)" = taizhang-server ] && return 0; done
  return 1
}
# The district's database as pg_dump writes it, saved as $work/server-dump-$2.sql; prints its
# hash. Without the \restrict and \unrestrict lines: a random key, new at every dump (15.14+).
db_dump() {
  in_root "$1" runuser -u postgres -- pg_dump --no-sync taizhang >"$work/server-dump-$2.raw" || fail "pg_dump ($2)"
  grep -Ev '^\\(un)?restrict ' "$work/server-dump-$2.raw" >"$work/server-dump-$2.sql"
  rm "$work/server-dump-$2.raw"
  grep -q 'COPY public.events ' "$work/server-dump-$2.sql" || fail "no events table in the dump ($2)"
  sha256sum <"$work/server-dump-$2.sql"
}
same_db() { # $1: what, $2 and $3: the dumps' names
  diff "$work/server-dump-$2.sql" "$work/server-dump-$3.sql" >&2 || fail "the database changed $1"
  echo "  database $1: pg_dump identical"
}

# Serves on 127.0.0.1:$2 over the configured self-signed TLS as the service's user, checks
# that it answers, prints the certificate's fingerprint and stops it.
serve_and_check() {
  local root=$1 port=$2 name=$3 log=$work/server-$3.log i fp
  step "server: serve on 127.0.0.1:$port ($name)" >&2
  in_root "$root" runuser -u taizhang -- taizhang-server --config /etc/taizhang/server.env \
    serve --listen "127.0.0.1:$port" >"$log" 2>&1 &
  for i in $(seq 100); do grep -q 'serving on' "$log" && break; sleep 0.2; done
  grep -q "serving on https://127.0.0.1:$port" "$log" || { cat "$log" >&2; fail "the server did not start ($name)"; }
  curl -sS --insecure --max-time 10 "https://127.0.0.1:$port/v1/health" | grep -q '"protocol"' \
    || fail "no answer on https://127.0.0.1:$port/v1/health"
  fp=$(sed -n 's/.*fingerprint //p' "$log")
  [ -n "$fp" ] || fail "no fingerprint in the server's log"
  echo "  answers on https://127.0.0.1:$port, fingerprint $fp" >&2
  for i in $(procs_in "$root"); do
    [ "$(cat "/proc/$i/comm" 2>/dev/null)" = taizhang-server ] && kill -TERM "$i"
  done
  for i in $(seq 50); do
    serving "$root" || break
    sleep 0.1
  done
  ! serving "$root" || fail "the server did not stop on SIGTERM ($name)"
  echo "$fp"
}

# PACKAGE_TEST_ONLY=desktop (or server) runs one half, e.g. while working on one package.
what=${PACKAGE_TEST_ONLY:-desktop server}
for part in $what; do
  case "$part" in desktop | server) ;; *) fail "PACKAGE_TEST_ONLY: unknown part $part (desktop, server)" ;; esac
done
[ -n "${what// /}" ] || fail "PACKAGE_TEST_ONLY names no part"
for part in $what; do "$part"; done
step "package-test passed in $((SECONDS - started)) s"
