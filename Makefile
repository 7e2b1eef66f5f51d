# denorm — PGXS build. `make`, `make install`, `make installcheck` as usual;
# `make test` runs every suite on a throwaway cluster, `make demo` shows the
# product working (see README.md).

# Tests load examples/ through this (psql \getenv).
export DENORM_TOP ?= $(CURDIR)

EXTENSION   = denorm
MODULE_big  = denorm
OBJS        = src/denorm.o src/catalog.o src/definition.o src/sqlgen.o src/qualify.o \
              src/keyset.o src/role.o src/lock.o src/isolation.o src/engine.o \
              src/guard.o src/trigger.o src/maintain_row.o \
              src/maintain_column.o src/trigdef.o src/register.o src/admin.o src/ddl.o src/batch.o src/writeback.o src/deferred.o \
              src/stats.o src/explain.o src/swap.o src/lookup_prune.o
DATA        = $(wildcard denorm--*.sql)
PGFILEDESC  = "denorm - projections maintained in-transaction"

REGRESS      = $(basename $(notdir $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --load-extension=denorm
ISOLATION    = $(basename $(notdir $(wildcard specs/*.spec)))
ISOLATION_OPTS = --inputdir=.

PG_CPPFLAGS = -I$(srcdir)/src
PG_CFLAGS   = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare

PG_CONFIG ?= $(shell command -v /usr/lib/postgresql/15/bin/pg_config || command -v pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
# No LLVM bitcode: it would need clang at build time and buys nothing here.
override with_llvm = no
ifneq ($(PGXS),)
include $(PGXS)
endif

.PHONY: test demo bench bench-load bench-commit-time
test:
	scripts/test.sh
demo:
	scripts/demo.sh
bench:
	bench/run.sh
bench-load:
	bench/load/run.sh
bench-commit-time:
	bench/commit_time.sh

# Every C file includes the shared header.
$(OBJS): src/denorm.h

# pg_denorm, the operator's command (libpq), installed next to psql.
PG_DENORM = src/cli/pg_denorm
all: $(PG_DENORM)
$(PG_DENORM): src/cli/pg_denorm.c
	$(CC) -O2 -Wall -Wextra -Werror -I$(shell $(PG_CONFIG) --includedir) -o $@ $< \
		-L$(shell $(PG_CONFIG) --libdir) -lpq
install: install-cli
install-cli: $(PG_DENORM)
	$(INSTALL_PROGRAM) $(PG_DENORM) '$(DESTDIR)$(bindir)/pg_denorm'
EXTRA_CLEAN = $(PG_DENORM)
