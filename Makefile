# Taizhang — the two commands a newcomer needs:
#   make run    build and launch the desktop app
#   make test   install what the tests need, then run every test (Rust, UI, end to end)

CARGO ?= cargo
APP_FEATURES := --features taizhang-desktop/custom-protocol

.PHONY: run test deps ui app cli demo e2e screenshots clean

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
	$(CARGO) test --workspace --locked $(APP_FEATURES)
	@# ts-rs regenerated ui/src/bindings while the tests ran: the committed copy must match.
	@git diff --exit-code --stat -- ui/src/bindings || (echo "ui/src/bindings is stale: commit the regenerated files" >&2; exit 1)
	@test -z "$$(git ls-files --others --exclude-standard ui/src/bindings)" || (echo "new generated bindings are not committed:" >&2; git ls-files --others --exclude-standard ui/src/bindings >&2; exit 1)
	$(MAKE) e2e

# End to end through the real window, under a virtual display.
e2e:
	xvfb-run -a -s "-screen 0 1600x1000x24" env WEBKIT_DISABLE_COMPOSITING_MODE=1 \
	  $(CARGO) test --locked -p taizhang-tests --test e2e -- --ignored --test-threads=1

# Refresh the screenshots in docs/ from the last end-to-end run.
screenshots:
	@mkdir -p docs/screenshots
	for f in 08-dashboard-office 06-ledger 04-problem-closed 05-scorecards 07-console 10-import-preview 12-report; do \
	  convert target/e2e-screenshots/$$f.png -crop 1440x900+0+0 +repage docs/screenshots/$$f.png; done

clean:
	$(CARGO) clean
