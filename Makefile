MVN ?= mvn -B

.PHONY: fmt check test run-sample samples

fmt:
	$(MVN) spotless:apply

check:
	$(MVN) spotless:check

test:
	$(MVN) verify

run-sample:
	bin/tenure run

# Regenerates data-samples/ (deterministic; see data-samples/README.md).
samples:
	bin/tenure generate --customers 3000 --seed 42 --start 2023-01-01 --days 730 --out data-samples
	find data-samples -name "*.crc" -delete
