# mod_mocourts: build, install, run and test.
#
#   make            build mod_mocourts.so, every plugin and mocourts-admin
#   make run        install missing Debian packages, build, start a private
#                   MariaDB + Apache on http://127.0.0.1:8080 with demo data
#   make stop       stop what `make run` started
#   make test       unit (Check), fuzz-corpus replay, integration (pytest)
#                   and browser (Selenium) tests
#   make bench      wrk on loopback (protected page and every dynamic page,
#                   each vs a static file, with CPU ms/req), import of 1,000,000
#                   generated cases, a docket entry with 100,000 trackers and
#                   its delivery, a 100 MB upload (BUILD=dir: that build);
#                   bench/profile.sh PAGE: where one page's time goes
#   make install    install into the system Apache (DESTDIR=, see INSTALL)
#   make uninstall  remove what install put (PURGE=1: also settings, data)

APXS      ?= apxs
PKG_CONFIG?= pkg-config
PYTHON    ?= /usr/bin/python3
DEPS      ?= scripts/deps.sh
RUN_SH    ?= scripts/run.sh
PKGS      := libmariadb libsodium libxml-2.0 apr-1 apr-util-1 zlib jansson libcurl pwquality \
             liboath libqrencode
# eSpeak NG speaks the CAPTCHA (mc_captcha_audio.c): only the core module
# and the unit tests link it.
AUDIO_PKGS:= espeak-ng

# Tool lookups are deferred and done once: `make run` and `make test` first
# run $(DEPS), which may install apxs and pkg-config, then build in a
# sub-make that parses this file again, so no lookup ever happens before
# the packages are there (tests/integration/test_makefile.py proves it).
# lazy NAME,COMMAND: NAME is COMMAND's output, looked up on first use.
lazy = $(eval $1 = $$(eval $1 := $$$$(shell $2))$$($1))
$(call lazy,AP_CC,$(APXS) -q CC 2>/dev/null)
$(call lazy,AP_INC,$(APXS) -q INCLUDEDIR 2>/dev/null)
$(call lazy,AP_CFLAGS,$(APXS) -q CFLAGS 2>/dev/null; $(APXS) -q EXTRA_CPPFLAGS 2>/dev/null)
$(call lazy,LIBEXECDIR,$(APXS) -q LIBEXECDIR 2>/dev/null)
$(call lazy,PKG_CFLAGS,$(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
$(call lazy,PKG_LIBS,$(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
$(call lazy,AUDIO_CFLAGS,$(PKG_CONFIG) --cflags $(AUDIO_PKGS) 2>/dev/null)
$(call lazy,AUDIO_LIBS,$(PKG_CONFIG) --libs $(AUDIO_PKGS) 2>/dev/null)
$(call lazy,CHECK_LIBS,$(PKG_CONFIG) --libs check 2>/dev/null)
$(call lazy,JSON_LIBS,$(PKG_CONFIG) --libs jansson 2>/dev/null)
CC         = $(or $(AP_CC),gcc)

VERSION   := $(shell cat VERSION)
WARN      := -Wall -Wextra -Werror -Wmissing-prototypes -Wno-unused-parameter \
             -Wno-missing-field-initializers
CFLAGS    ?= -O2 -g
# -MMD -MP: each object's header dependencies in a .d file beside it.
# CFLAGS after apxs's (-g -O2), so that one given on the command line wins
# (CFLAGS=-O0: tests/integration/test_makefile.py's quicker builds).
ALL_CFLAGS = $(WARN) -MMD -MP -fPIC -std=gnu11 $(AP_CFLAGS) $(CFLAGS) -I$(AP_INC) \
             $(PKG_CFLAGS) $(AUDIO_CFLAGS) -Imod_mocourts -Imod_mocourts/lib \
             -DMC_VERSION='"$(VERSION)"' $(VIS) $(EXTRA_INC)

BUILD     := build
LIB_SRC   := $(sort $(wildcard mod_mocourts/lib/mc_*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/%.o)
MOD_SRC   := $(sort $(wildcard mod_mocourts/mod_mocourts*.c))
MOD_OBJ   := $(MOD_SRC:%.c=$(BUILD)/%.o)
ADMIN_SRC := $(sort $(wildcard mod_mocourts/admin/*.c))
ADMIN_OBJ := $(ADMIN_SRC:%.c=$(BUILD)/%.o)
PLUGINS   := $(notdir $(wildcard plugins/*))
PLUGIN_SO := $(foreach p,$(PLUGINS),$(BUILD)/mod_mocourts_$(p).so)
TESTPLUG  := $(notdir $(wildcard tests/plugins/*))
TESTPLUG_SO := $(foreach p,$(TESTPLUG),$(BUILD)/test_plugin_$(p).so)
PLUGIN_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard plugins/*/*.c tests/plugins/*/*.c))
# A plugin's own library (plugins/<name>/lib/mc_*.c: the Case.net feed
# reader, the eFiling document code): a static library linked into that
# plugin and into mocourts-admin, never into the core module.
PLUGLIB_SRC := $(sort $(wildcard plugins/*/lib/mc_*.c))
PLUGLIB_OBJ := $(PLUGLIB_SRC:%.c=$(BUILD)/%.o)
PLUGLIB_INC := $(patsubst %,-I%,$(sort $(dir $(PLUGLIB_SRC))))
ALL_OBJ   := $(LIB_OBJ) $(MOD_OBJ) $(ADMIN_OBJ) $(PLUGIN_OBJ) $(PLUGLIB_OBJ)

# Visibility: the core module exports exactly what mocourts.h promises
# (MC_API, mod_mocourts/lib/mc_api.h; listed in mod_mocourts/abi-1.N.symbols),
# a plugin only its module record; a plugin's library stays inside it.
$(BUILD)/mod_mocourts/%.o $(BUILD)/plugins/%.o: VIS := -fvisibility=hidden
# A plugin sees mocourts.h and its own headers; the admin tool, the tests
# and the benchmark also see the plugins' libraries.
$(foreach p,$(PLUGINS),$(if $(wildcard plugins/$(p)/lib),$(eval $(BUILD)/plugins/$(p)/%.o: EXTRA_INC := -Iplugins/$(p)/lib)))
$(BUILD)/mod_mocourts/admin/%.o $(BUILD)/bench/%.o: EXTRA_INC := $(PLUGLIB_INC)

.PHONY: all run stop test unit fuzz fuzz-replay integration browser test-tools test-cluster bench install \
        deps clean format lint tools
all: $(BUILD)/libmc.a $(BUILD)/mod_mocourts.so $(PLUGIN_SO) $(BUILD)/mocourts-admin $(TESTPLUG_SO)

$(BUILD)/%.o: %.c Makefile | tools
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

-include $(ALL_OBJ:.o=.d) $(wildcard $(BUILD)/unit_tests.d $(BUILD)/replay_*.d)
# Keep every object (a plugin's objects are otherwise deleted as
# intermediates, and touching one file would rebuild the whole plugin).
.SECONDARY:

# The build needs apxs (apache2-dev) and pkg-config's libraries: say so
# plainly instead of compiling with an empty -I.
tools:
	@test -n "$(AP_INC)" || { echo "make: $(APXS) not found or not working:" \
	    "install the packages with 'make deps' (as root), or set APXS=" >&2; exit 1; }
	@test -n "$(PKG_LIBS)" || { echo "make: $(PKG_CONFIG) cannot find $(PKGS):" \
	    "install the packages with 'make deps' (as root)" >&2; exit 1; }
	@test -n "$(AUDIO_LIBS)" || { echo "make: $(PKG_CONFIG) cannot find $(AUDIO_PKGS):" \
	    "install the packages with 'make deps' (as root)" >&2; exit 1; }

# libmc.a: the whole library, the plugins' included, for mocourts-admin,
# the unit and fuzz tests and the benchmark.
$(BUILD)/libmc.a: $(LIB_OBJ) $(PLUGLIB_OBJ)
	rm -f $@ && ar rcs $@ $^

# The core module carries the library so plugins resolve mc_* from it
# (httpd loads modules RTLD_GLOBAL, as mod_proxy's sub-modules rely on).
$(BUILD)/mod_mocourts.so: $(MOD_OBJ) $(LIB_OBJ)
	$(CC) -shared -o $@ $^ $(PKG_LIBS) $(AUDIO_LIBS) -Wl,-z,relro

# A plugin: every .c in plugins/<name>/, linked without the core's library
# (it calls the core through mocourts.h) but with its own, if it has one.
.SECONDEXPANSION:
$(BUILD)/libmc_%.a: $$(foreach f,$$(wildcard plugins/$$*/lib/*.c),$(BUILD)/$$(basename $$f).o)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/mod_mocourts_%.so: $$(foreach f,$$(wildcard plugins/$$*/*.c),$(BUILD)/$$(basename $$f).o) \
                            $$(if $$(wildcard plugins/$$*/lib/*.c),$(BUILD)/libmc_$$*.a)
	$(CC) -shared -o $@ $(filter %.o,$^) $(if $(filter %.a,$^),$(filter %.a,$^) $(PKG_LIBS)) \
	    $(JSON_LIBS) -Wl,-z,relro

$(BUILD)/test_plugin_%.so: $$(foreach f,$$(wildcard tests/plugins/$$*/*.c),$(BUILD)/$$(basename $$f).o)
	$(CC) -shared -o $@ $^ $(JSON_LIBS)

$(BUILD)/mocourts-admin: $(ADMIN_OBJ) $(BUILD)/libmc.a
	$(CC) -o $@ $(ADMIN_OBJ) $(BUILD)/libmc.a $(PKG_LIBS)

# ---- tests -----------------------------------------------------------------
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
# What the suites share (fixtures, builders): every other .c but main.c.
UNIT_LIB  := $(filter-out $(UNIT_SRC) tests/unit/main.c,$(sort $(wildcard tests/unit/*.c)))
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
REPLAYS   := $(patsubst tests/fuzz/fuzz_%.c,$(BUILD)/replay_%,$(FUZZ_SRC))

# unit_suites.h: each suite's prototype (also included into every test file,
# so -Wmissing-prototypes holds there too) and the table main.c runs.
$(BUILD)/unit_suites.h $(BUILD)/unit_suites_decl.h &: $(UNIT_SRC) Makefile
	@mkdir -p $(BUILD)
	@{ echo "#include <check.h>"; \
	   for f in $(UNIT_SRC); do n=$$(basename $$f .c); n=$${n#test_}; \
	     echo "Suite *suite_$$n(void);"; done; } > $(BUILD)/unit_suites_decl.h
	@{ echo '#include "unit_suites_decl.h"'; \
	   echo "static Suite *(*const mc_unit_suites[])(void) = {"; \
	   for f in $(UNIT_SRC); do n=$$(basename $$f .c); n=$${n#test_}; \
	     echo "    suite_$$n,"; done; echo "};"; } > $@

$(BUILD)/unit_tests: $(UNIT_SRC) $(UNIT_LIB) tests/unit/main.c $(BUILD)/unit_suites.h \
              $(BUILD)/unit_suites_decl.h $(BUILD)/libmc.a
	$(CC) $(ALL_CFLAGS) $(PLUGLIB_INC) -I$(BUILD) -Itests/unit -include unit_suites_decl.h -o $@ $(UNIT_SRC) $(UNIT_LIB) tests/unit/main.c \
	    $(BUILD)/libmc.a $(PKG_LIBS) $(AUDIO_LIBS) $(CHECK_LIBS)

# Each fuzz target also links a replay driver so gcc builds can replay the
# seed corpus; `make fuzz` builds real libFuzzer binaries with clang.
$(BUILD)/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(BUILD)/libmc.a
	$(CC) $(ALL_CFLAGS) $(PLUGLIB_INC) -o $@ $^ $(PKG_LIBS)

unit: $(BUILD)/unit_tests
	$(BUILD)/unit_tests

fuzz-replay: $(REPLAYS)
	@for t in $^; do n=$${t#$(BUILD)/replay_}; \
	  $$t tests/fuzz/corpus/$$n || exit 1; done

# Real libFuzzer binaries (clang); run e.g. build/fuzz/fuzz_form corpus/form.
fuzz:
	tests/fuzz/build-libfuzzer.sh build/fuzz

# The integration and browser tests run on TEST_JOBS workers (pytest-xdist,
# Debian's python3-pytest-xdist, which `make deps` installs; without it, or
# with TEST_JOBS=1, in one process). Three a CPU, twelve at most: most tests
# wait on servers and mail more than they compute. tests/conftest.py says
# how they share the machine.
NPROC      = $(shell nproc 2>/dev/null || echo 1)
TEST_JOBS ?= $(shell n=$$(( $(NPROC) * 3 )); echo $$(( n < 12 ? n : 12 )))
XDIST      = $(if $(filter-out 0 1,$(TEST_JOBS)),$(if $(wildcard \
             /usr/lib/python3/dist-packages/xdist/__init__.py),-n $(TEST_JOBS) --dist loadgroup))
PYTEST     = $(PYTHON) -m pytest -q -p no:cacheprovider $(XDIST)

integration: all
	$(PYTEST) tests/integration

browser: all test-tools
	$(PYTEST) tests/browser

# The browser tests' page checks (issue 14): axe-core and the Nu HTML checker
# (vnu.jar), pinned in tests/npm/package-lock.json, installed from the npm
# registry without their install scripts (vnu.jar runs on Debian's Java).
# Test time only: the site never needs npm.
TEST_TOOLS := tests/npm/node_modules/.package-lock.json
$(TEST_TOOLS): tests/npm/package-lock.json tests/npm/package.json
	cd tests/npm && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

test-tools: $(TEST_TOOLS)

# Issue 15: two Apache nodes on a 3-node Galera cluster (Debian galera-4),
# all on loopback under a temporary folder (tests/cluster/). In one process:
# the cluster is the machine's biggest user while it runs.
test-cluster: deps
	@$(MAKE) --no-print-directory all
	$(PYTHON) -m pytest -q -p no:cacheprovider tests/cluster

# run, test and bench install what is missing first, then go on in a
# sub-make that looks the tools up afresh. test builds on every CPU unless
# a -j was given, then runs the unit tests and the corpus replay (about 15 s,
# mostly waiting) beside the integration and browser tests, their output
# after; it fails when either fails.
test: deps
	@$(MAKE) --no-print-directory $(if $(findstring -j,$(MAKEFLAGS))$(findstring \
	    jobserver,$(MAKEFLAGS)),,-j$(NPROC)) all $(BUILD)/unit_tests $(REPLAYS) test-tools
	@$(MAKE) --no-print-directory unit fuzz-replay > $(BUILD)/unit-tests.log 2>&1 & u=$$!; \
	echo "$(PYTEST) tests/integration tests/browser"; \
	$(PYTEST) tests/integration tests/browser; rc=$$?; \
	wait $$u; urc=$$?; cat $(BUILD)/unit-tests.log; \
	[ $$urc -eq 0 ] || echo "make: the unit tests or the corpus replay failed" >&2; \
	[ $$rc -eq 0 ] && [ $$urc -eq 0 ]

deps:
	@$(DEPS)

run: deps
	@$(MAKE) --no-print-directory all
	@$(RUN_SH) start

stop:
	@$(RUN_SH) stop

bench: deps
	@$(MAKE) --no-print-directory all
	@bench/bench.sh

# ---- install and uninstall -------------------------------------------------
# `make install` (as root) puts the files INSTALL lists; DESTDIR=DIR stages
# them under DIR. Every file and folder gets its mode here, whatever the
# umask: folders 0755 (umask 022 while they are made, so leading folders
# too), files 0644, the admin tool 0755, the site settings 0640, the
# document store 0750 owned by Apache's user. The .load files and
# /usr/share/mocourts are ours and replaced on every install; the site
# settings (conf-available/mocourts.conf) and the slow-client hardening
# (conf-available/mocourts-hardening.conf) are the site's and never
# overwritten. `make uninstall` removes what install put, except the site's
# data: the database, the document store and edited site settings stay
# (PURGE=1 removes the site settings and the document store too).
APACHE_ETC := /etc/apache2
SHARE_DIR  := /usr/share/mocourts
DOC_DIR    := /usr/share/doc/mocourts
MAN8_DIR   := /usr/share/man/man8
SBIN_DIR   := /usr/sbin
STORE_DIR  := /var/lib/mocourts/documents
WWW_USER   ?= www-data
MANPAGE    := docs/mocourts-admin.8
LOAD_FILES := mocourts.load $(PLUGINS:%=mocourts_%.load)
DOC_FILES  := conf/efiling-setup.example.xml docs/efiling-setup.md docs/efiling-setup.xsd \
              docs/casenet-feed.md docs/casenet-feed.xsd
SHARE_TREES:= templates sql
HARDENING  := mocourts-hardening.conf
# The old PCRE that Debian 12's mod_qos needs loaded before it (libpcre3).
LIBPCRE3   ?= /usr/lib/$(shell gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)/libpcre.so.3
HARDENING_SED = sed -e 's\#@LIBPCRE3@\#$(LIBPCRE3)\#g' -e 's\#@APACHE_MODULES@\#$(LIBEXECDIR)\#g' \
                conf/$(HARDENING)
D          := $(DESTDIR)

.PHONY: uninstall
install: all
	umask 022 && install -d $(D)$(LIBEXECDIR) $(D)$(SBIN_DIR) $(D)$(MAN8_DIR) $(D)$(DOC_DIR) \
	    $(D)$(APACHE_ETC)/mods-available $(D)$(APACHE_ETC)/conf-available $(D)$(SHARE_DIR) \
	    $(dir $(D)$(STORE_DIR))
	install -m 644 $(BUILD)/mod_mocourts.so $(PLUGIN_SO) $(D)$(LIBEXECDIR)/
	install -m 755 $(BUILD)/mocourts-admin $(D)$(SBIN_DIR)/
	install -m 644 $(MANPAGE) $(D)$(MAN8_DIR)/
	install -m 644 $(DOC_FILES) $(D)$(DOC_DIR)/
	@# One .load per module (a plugin's names its dependencies for a2enmod).
	for f in $(LOAD_FILES); do \
	    sed 's#@LIBEXECDIR@#$(LIBEXECDIR)#g' conf/$$f > $(D)$(APACHE_ETC)/mods-available/$$f.tmp && \
	    chmod 644 $(D)$(APACHE_ETC)/mods-available/$$f.tmp && \
	    mv -f $(D)$(APACHE_ETC)/mods-available/$$f.tmp $(D)$(APACHE_ETC)/mods-available/$$f || exit 1; \
	done
	test -e $(D)$(APACHE_ETC)/conf-available/mocourts.conf || \
	    install -m 640 conf/mocourts.conf $(D)$(APACHE_ETC)/conf-available/mocourts.conf
	h=$(D)$(APACHE_ETC)/conf-available/$(HARDENING); test -e $$h || { \
	    $(HARDENING_SED) > $$h.tmp && chmod 644 $$h.tmp && mv -f $$h.tmp $$h; }
	@# Templates and migrations: replaced whole, so nothing of an older release stays.
	for t in $(SHARE_TREES); do \
	    rm -rf $(D)$(SHARE_DIR)/$$t && umask 022 && \
	    find $$t -type d -exec install -d -m 755 '$(D)$(SHARE_DIR)/{}' ';' && \
	    find $$t -type f -exec install -m 644 {} '$(D)$(SHARE_DIR)/{}' ';' || exit 1; \
	done
	install -d -m 750 $(D)$(STORE_DIR)
	@if [ "$$(id -u)" = 0 ]; then chown $(WWW_USER):$(WWW_USER) $(D)$(STORE_DIR); \
	 else echo "make install: not root: make $(D)$(STORE_DIR) $(WWW_USER)'s yourself" >&2; fi
	@if [ -e $(D)$(APACHE_ETC)/mods-available/mocourts.conf ]; then \
	    echo "make install: $(APACHE_ETC)/mods-available/mocourts.conf is the 0.1 place of the" \
	         "site settings: move it to conf-available (INSTALL, 'Upgrading from 0.1')" >&2; fi

uninstall:
	@enabled=$$(cd $(D)$(APACHE_ETC) 2>/dev/null && ls mods-enabled/mocourts*.load \
	    conf-enabled/mocourts.conf conf-enabled/$(HARDENING) 2>/dev/null); \
	 if [ -n "$$enabled" ]; then \
	    echo "make uninstall: still enabled:" $$enabled >&2; \
	    echo "  run 'a2disconf mocourts mocourts-hardening', 'a2dismod -f mocourts' and" \
	         "'apache2ctl graceful' first" >&2; \
	    exit 1; fi
	rm -f $(D)$(LIBEXECDIR)/mod_mocourts.so $(PLUGINS:%=$(D)$(LIBEXECDIR)/mod_mocourts_%.so) \
	    $(D)$(SBIN_DIR)/mocourts-admin $(D)$(MAN8_DIR)/$(notdir $(MANPAGE)) \
	    $(LOAD_FILES:%=$(D)$(APACHE_ETC)/mods-available/%)
	rm -rf $(D)$(SHARE_DIR) $(D)$(DOC_DIR)
	@# The site settings go only when unedited (or with PURGE=1).
	@c=$(D)$(APACHE_ETC)/conf-available/mocourts.conf; \
	 if [ -e $$c ]; then \
	    if [ -n "$(PURGE)" ] || cmp -s $$c conf/mocourts.conf; then echo "rm -f $$c"; rm -f $$c; \
	    else echo "make uninstall: kept $$c (edited; PURGE=1 removes it)"; fi; fi
	@h=$(D)$(APACHE_ETC)/conf-available/$(HARDENING); \
	 if [ -e $$h ]; then \
	    if [ -n "$(PURGE)" ] || $(HARDENING_SED) | cmp -s - $$h; then echo "rm -f $$h"; rm -f $$h; \
	    else echo "make uninstall: kept $$h (edited; PURGE=1 removes it)"; fi; fi
	@s=$(D)$(STORE_DIR); \
	 if [ -n "$(PURGE)" ]; then echo "rm -rf $$s"; rm -rf $$s; rmdir $(dir $(D)$(STORE_DIR)) 2>/dev/null; \
	 elif [ -d $$s ]; then rmdir $$s 2>/dev/null && rmdir $(dir $(D)$(STORE_DIR)) 2>/dev/null; \
	    [ -d $$s ] && echo "make uninstall: kept the filed documents in $$s (PURGE=1 removes them)"; fi; true

format:
	clang-format -i mod_mocourts/*.[ch] mod_mocourts/lib/*.[ch] mod_mocourts/admin/*.c \
	    tests/plugins/*/*.c $(wildcard plugins/*/*.[ch] plugins/*/lib/*.[ch])

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --suppress=missingIncludeSystem -Imod_mocourts -Imod_mocourts/lib $(PLUGLIB_INC) \
	    mod_mocourts plugins

clean:
	rm -rf $(BUILD)
