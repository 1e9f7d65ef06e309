# chiron: plain make, pkg-config, C11.
#
#   make            build build/chiron
#   make run        install what is missing, build, seed a demo, serve it
#   make test       install what is missing, build, run every test
#   make test SAN=1 the same under AddressSanitizer and UBSan
#   make bench      the 1M-therapist benchmark (figures and SQL ratios), then scheduling
#   make soak       10 minutes (SOAK_S) of mixed traffic on a 100k directory: errors, memory, p99
#   make lint       banned functions and style checks
#   make fuzz       every libFuzzer target for FUZZ_S seconds (docs/testing.md)
#   make fuzz-NAME  one of them (fuzz-json, fuzz-ics, ...)

CC      ?= cc
# -Wformat=2 -Wformat-nonliteral: every format string is a literal the compiler checks
# against its arguments (our printf-like functions say so with the format attribute).
# -Wno-format-truncation: error messages are cut to their buffers on purpose.
PKGS    := jansson sqlite3 libsodium libical libpq libmicrohttpd libcurl gdlib libcrypto
OPT     ?= -O2
CFLAGS  := -std=c11 $(OPT) -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 -Wformat-nonliteral -Wno-format-truncation \
           -D_GNU_SOURCE -Isrc $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
# The matcher counts bits on every 64 rows: use the popcnt instruction.
ifeq ($(shell uname -m),x86_64)
CFLAGS  += -mpopcnt
endif

ifeq ($(SAN),1)
B       := build/san
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else ifeq ($(SAN),fuzz)
# The fuzz build (make fuzz-build): Debian's clang, every object carrying
# libFuzzer's coverage hooks and the sanitizers; only the targets link
# libFuzzer's main. -O1 as libFuzzer advises: fast, yet stacks still read.
# Warnings only clang gives do not stop it: the gcc build's -Werror is the rule.
B       := build/fuzz
CC      := clang
CFLAGS  += -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
           -fno-sanitize-recover=undefined -Wno-unknown-warning-option -Wno-error
LDFLAGS += -fsanitize=fuzzer,address,undefined
else
B       := build
endif

BIN     := $(B)/chiron
SRCS    := $(wildcard src/core/*.c src/store/*.c src/store/sqlite/*.c src/app/*.c src/web/*.c src/cli/*.c)
OBJS    := $(SRCS:%.c=$(B)/obj/%.o) $(B)/obj/data.o
LIBOBJS := $(filter-out $(B)/obj/src/cli/main.o,$(OBJS))
TESTS   := $(patsubst tests/%.c,$(B)/tests/%,$(wildcard tests/test_*.c))

.PHONY: all run test check bench bench-http soak lint clean deps conformance fuzz fuzz-build fuzz-bins
all: $(BIN)

deps:
	@scripts/deps.sh

$(BIN): $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/bin2c: tools/bin2c.c
	@mkdir -p $(B)
	$(CC) -O2 -o $@ $<

$(B)/obj/data.c: data/taxonomy.json data/compacts.json data/gen.json data/places.tsv web/static/style.css web/static/orgs.js web/static/icon.svg web/static/favicon.ico web/openapi.json $(B)/bin2c
	@mkdir -p $(dir $@)
	{ $(B)/bin2c chiron_taxonomy_json < data/taxonomy.json; \
	  $(B)/bin2c chiron_compacts_json < data/compacts.json; \
	  $(B)/bin2c chiron_gen_json < data/gen.json; \
	  $(B)/bin2c chiron_places_tsv < data/places.tsv; \
	  $(B)/bin2c chiron_style_css < web/static/style.css; \
	  $(B)/bin2c chiron_orgs_js < web/static/orgs.js; \
	  $(B)/bin2c chiron_icon_svg < web/static/icon.svg; \
	  $(B)/bin2c chiron_favicon_ico < web/static/favicon.ico; \
	  $(B)/bin2c chiron_openapi_json < web/openapi.json; } > $@

$(B)/obj/data.o: $(B)/obj/data.c
	$(CC) -c -o $@ $<

$(B)/tests/%: tests/%.c tests/testlib.h $(LIBOBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(LIBOBJS) $(LDFLAGS) $(LDLIBS) -lcmocka

test: deps
	@$(MAKE) --no-print-directory $(BIN) $(TESTS)
	@tests/run $(B)

check: test

conformance: $(BIN)
	../shared/conformance/run $(BIN)

bench: deps
	@$(MAKE) --no-print-directory $(BIN)
	@bench/run

bench-http: deps
	@$(MAKE) --no-print-directory $(BIN)
	@bench/http

# 10 minutes (SOAK_S) of mixed traffic at 64 connections on a 100k directory
# (SOAK_N): errors, resident memory, p50/p99 per route. A benchmark, not a test.
soak: deps
	@$(MAKE) --no-print-directory $(BIN)
	@bench/soak

run: deps
	@$(MAKE) --no-print-directory $(BIN)
	@scripts/demo.sh $(BIN)

lint:
	@scripts/lint.sh

# ----------------------------------------------------------------------
# Fuzzing: one libFuzzer target per parser of outside input,
# tests/fuzz/fuzz_NAME.c, with its seeds in tests/fuzz/corpus/NAME and
# its dictionary in tests/fuzz/NAME.dict. The targets of the core parsers
# link only what they need; those of the web's request parsers (the ones
# in server.c) link the whole library, as server.c calls every handler,
# and so does seal's (app/seal.c opens data keys through the store).
FUZZ_S     ?= 60
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_WEB   := multipart url seal
FUZZ_CORE  := $(filter-out $(FUZZ_WEB),$(FUZZ_NAMES))
CORE_OBJS  := $(filter $(B)/obj/src/core/%,$(OBJS)) $(B)/obj/src/app/ics_busy.o $(B)/obj/data.o

fuzz-build:
	@$(MAKE) --no-print-directory SAN=fuzz fuzz-bins

fuzz-bins: $(FUZZ_NAMES:%=$(B)/fuzz_%)
	@:

$(FUZZ_CORE:%=$(B)/fuzz_%): $(B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(CORE_OBJS)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(CORE_OBJS) $(LDFLAGS) $(LDLIBS)

$(FUZZ_WEB:%=$(B)/fuzz_%): $(B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIBOBJS)
	$(CC) $(CFLAGS) -Itests -o $@ $< $(LIBOBJS) $(LDFLAGS) $(LDLIBS)

fuzz: fuzz-build
	@scripts/fuzz.sh $(FUZZ_S) $(FUZZ_NAMES)

fuzz-%: fuzz-build
	@scripts/fuzz.sh $(FUZZ_S) $*

clean:
	rm -rf build

-include $(OBJS:.o=.d)
