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

clean:
	$(CARGO) clean
