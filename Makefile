# Taizhang — the two commands a newcomer needs:
#   make run    build and run the demo district through the CLI (the desktop app comes next)
#   make test   install what the tests need, then run every test

CARGO ?= cargo
DEMO_DB ?= target/demo/demo.db

.PHONY: run test deps build demo clean

deps:
	./scripts/install-deps.sh

build: deps
	$(CARGO) build --release -p taizhang-cli

run: build
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	@mkdir -p $(dir $(DEMO_DB))
	./target/release/taizhang --db $(DEMO_DB) demo
	./target/release/taizhang --db $(DEMO_DB) verify
	./target/release/taizhang --db $(DEMO_DB) problems list --page-size 20
	./target/release/taizhang --db $(DEMO_DB) problems list --overdue --sort escalation --page-size 10
	./target/release/taizhang --db $(DEMO_DB) figures --period $$(date +%Y-%m)
	@echo
	@echo "The demo ledger is $(DEMO_DB). Try: ./target/release/taizhang --db $(DEMO_DB) --help"

test: deps
	$(CARGO) test --workspace --locked
	@# ts-rs regenerated ui/src/bindings while the tests ran: the committed copy must match.
	@git diff --exit-code --stat -- ui/src/bindings || (echo "ui/src/bindings is stale: commit the regenerated files" >&2; exit 1)
	@test -z "$$(git ls-files --others --exclude-standard ui/src/bindings)" || (echo "new generated bindings are not committed:" >&2; git ls-files --others --exclude-standard ui/src/bindings >&2; exit 1)

clean:
	$(CARGO) clean
