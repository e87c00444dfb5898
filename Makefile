# Taizhang — the two commands a newcomer needs:
#   make run    build and launch the desktop app
#   make test   install what the tests need, then run every test (Rust, UI, end to end)
# and the fast checks CI runs first:
#   make check  formatting, clippy (warnings are errors), the UI's linter, the manifests

CARGO ?= cargo
APP_FEATURES := --features taizhang-desktop/custom-protocol

.PHONY: run test check deps ui app cli demo e2e screenshots clean bench package package-test

deps:
	./scripts/install-deps.sh

# The UI bundle the desktop app embeds (ui/dist).
ui: deps
	npm --prefix ui run build

# The desktop app serving the built UI (a plain build would load the dev server's URL).
app: ui
	$(CARGO) build -p taizhang-desktop $(APP_FEATURES)

run:
	@if [ -z "$$DISPLAY" ] && [ -z "$$WAYLAND_DISPLAY" ]; then \
	  echo "No display here, so the desktop window cannot open."; \
	  echo "  With a virtual display:  xvfb-run -a make run"; \
	  echo "  Or the command line:     make demo   (then ./target/release/taizhang --help)"; \
	  exit 1; \
	fi
	$(MAKE) ui
	$(CARGO) build --release -p taizhang-desktop $(APP_FEATURES)
	./target/release/taizhang-desktop

# The CLI on the demo district: ledger and figures in the terminal.
cli: deps
	$(CARGO) build --release -p taizhang-cli

demo: cli
	@rm -f target/demo/demo.db target/demo/demo.db-wal target/demo/demo.db-shm
	@mkdir -p target/demo
	./target/release/taizhang --db target/demo/demo.db demo
	./target/release/taizhang --db target/demo/demo.db verify
	./target/release/taizhang --db target/demo/demo.db problems list --overdue --sort escalation --page-size 10
	./target/release/taizhang --db target/demo/demo.db figures --period $$(date +%Y-%m)

test: app
	npm --prefix ui test
	@# Includes src-tauri/tests/it/bindings.rs, which fails when ui/src/bindings differs from the Rust types.
	$(CARGO) test --workspace --locked $(APP_FEATURES)
	$(MAKE) e2e

# The fast checks, run by CI before the long suite: formatting (rustfmt.toml), clippy with
# warnings as errors (the lints are Cargo.toml's [workspace.lints]), the UI's linter (biome;
# it also keeps Tauri's invoke inside ui/src/api), and every member's manifest (the lints and
# one rust-version, checked against the locked dependencies).
check: deps ui
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked $(APP_FEATURES) -- -D warnings
	npm --prefix ui run lint
	python3 scripts/check-manifests.py

# End to end through the real window, under a virtual display.
e2e:
	xvfb-run -a -s "-screen 0 1600x1000x24" env WEBKIT_DISABLE_COMPOSITING_MODE=1 \
	  $(CARGO) test --locked -p taizhang-tests --test e2e -- --ignored --test-threads=1

# Refresh the screenshots in docs/ from the last end-to-end run: the window's (cropped to the
# window) and the first pages of the PDFs the run saved from it (as rendered).
screenshots:
	@mkdir -p docs/screenshots
	for f in 08-dashboard-office 06-ledger 04-problem-closed 05-scorecards 07-console 10-import-preview 12-report 14-pending-upload \
	  17-monitoring-entry 18-monitoring-report 19-monitoring-chart 20-monitoring-warnings 22-projects 30-print-production \
	  03-township-todo 23-batch-sign 27-assignment-notice 34-department-inbox 35-leader-dashboard 36-leader-bell \
	  37-leader-instructed 39-assign-suggested-lead; do \
	  convert target/e2e-screenshots/$$f.png -crop 1440x900+0+0 +repage docs/screenshots/$$f.png; done
	for f in 27-assignment-notice-pdf 28-bulletin-pdf 28-bulletin-pdf-continued; do cp target/e2e-screenshots/$$f.png docs/screenshots/$$f.png; done

clean:
	$(CARGO) clean

# Debian packages (docs/install.md): taizhang-desktop (the app as `make run` builds it, the CLI,
# the menu entry and icons) and taizhang-server (the server, its systemd unit and settings),
# in target/package/. The binaries are taken from cargo's target directory, wherever it is.
PKG_CARGO_TARGET = $(shell $(CARGO) metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
package: ui
	$(CARGO) build --release --locked -p taizhang-desktop $(APP_FEATURES)
	$(CARGO) build --release --locked -p taizhang-cli
	$(CARGO) build --release --locked -p taizhang-server
	TARGET_DIR=$(PKG_CARGO_TARGET) ./scripts/package-deb.sh desktop target/package
	TARGET_DIR=$(PKG_CARGO_TARGET) ./scripts/package-deb.sh server target/package

# Installs both packages in a clean Debian 12 root (debootstrap, cached under target/), starts
# them, upgrades them to a newer build (the same binaries, a higher version), removes and
# purges them, and checks the users' data, the database and the settings throughout
# (scripts/package-test.sh). Needs root: CI runs as root, elsewhere it asks sudo. It packs the
# dev build `make test` made (PROFILE=debug: the same package, built from binaries already
# there), so CI spends minutes on it, not three more release builds; `make package` is release.
package-test: ui
	$(CARGO) build --locked -p taizhang-desktop -p taizhang-cli -p taizhang-server $(APP_FEATURES)
	PROFILE=debug DEB_COMPRESSION=gzip TARGET_DIR=$(PKG_CARGO_TARGET) ./scripts/package-deb.sh desktop target/package/test
	PROFILE=debug DEB_COMPRESSION=gzip TARGET_DIR=$(PKG_CARGO_TARGET) ./scripts/package-deb.sh server target/package/test
	PROFILE=debug VERSION_SUFFIX=+upgradetest DEB_COMPRESSION=gzip TARGET_DIR=$(PKG_CARGO_TARGET) ./scripts/package-deb.sh desktop target/package/newer
	PROFILE=debug VERSION_SUFFIX=+upgradetest DEB_COMPRESSION=gzip TARGET_DIR=$(PKG_CARGO_TARGET) ./scripts/package-deb.sh server target/package/newer
	$(if $(filter 0,$(shell id -u)),,sudo) ./scripts/package-test.sh \
	  target/package/test/taizhang-desktop_*.deb target/package/newer/taizhang-desktop_*.deb \
	  target/package/test/taizhang-server_*.deb target/package/newer/taizhang-server_*.deb

# Benchmarks beside the tools offices use now (docs/benchmarks.md): builds the harness, installs
# the Python references (pandas, openpyxl) into target/bench/venv, runs every row at SCALE
# problems, then the rows about scale (generator, size, page, search, scorecards) again at LARGE
# problems (LARGE=0 skips them), and writes the table. BENCH_ARGS=--reuse keeps the ledgers
# generated by an earlier run. LARGE needs about 17 GB of disk: the 13.4 GB ledger and up to
# 3.5 GB of WAL while it is generated.
# The desktop rows drive the release app (UI built in, custom-protocol) through tauri-driver,
# under an Xvfb of their own when there is no display; when the dependencies cannot be installed
# or the app not built, those two rows say why they were not measured and the rest still runs.
# The harness, the sheet writer and the app are one cargo invocation: built one after another,
# they unified their dependencies' features differently and compiled about sixty crates twice
# (rusqlite, serde, zip…): 12.3 minutes of release builds on this 2-core machine, against
# 10 min 44 s for the one invocation.
SCALE ?= 100000
LARGE ?= 1000000
IMPORT_ROWS ?= 100000
# The district server's rows: events pushed into its throw-away PostgreSQL district (SERVER_EVENTS=0 skips them).
# 300,000 is where a township's first pull reaches the issue's 50,000 events (it sees about a
# sixth of the log); the push runs at about 700 events/s here (docs/benchmarks.md), so the
# issue's 1,000,000 would add some 25 minutes to make bench.
SERVER_EVENTS ?= 300000
BENCH_ARGS ?=
bench:
	-$(MAKE) ui
	$(CARGO) build --release -p taizhang-bench -p taizhang-exchange -p taizhang-desktop $(APP_FEATURES) --bins --example ledger_sheet \
	  || $(CARGO) build --release -p taizhang-bench -p taizhang-exchange --bins --example ledger_sheet
	@mkdir -p target/bench
	test -x target/bench/venv/bin/python || python3 -m venv target/bench/venv
	target/bench/venv/bin/pip install -q -r bench/requirements.txt
	./target/release/taizhang-bench --scale $(SCALE) --large $(LARGE) --import-rows $(IMPORT_ROWS) \
	  --server-events $(SERVER_EVENTS) --dir target/bench --python target/bench/venv/bin/python --out docs/benchmarks.md $(BENCH_ARGS)
