# SPDX-License-Identifier: GPL-2.0
#
# lowmemkiller: an Android-style low-memory killer module.
#
#   make [KDIR=...]     build lowmemkiller.ko against a kernel build tree
#   make deps           install build and test dependencies (Debian, apt)
#   make demo           boot a Debian kernel in QEMU, run a memory storm
#   make check          every test, on every installed Debian kernel
#   make bench          lowmemkiller against the kernel OOM killer and earlyoom
#                       in QEMU, per kernel (KERNELS=...); bench/results/
#   make check-debug    the guest suite, KUnit and kmemleak under a KASAN and
#                       lockdep kernel (built from linux-source once, cached)
#   make unit           host unit tests of the policy only
#   make install        modules_install into updates/ for KERNELRELEASE
#   make dkms-install   register with DKMS, build and install for KERNELRELEASE
#   make dkms-remove    unregister from DKMS, every kernel
#   make clean
#
KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
SRC := $(CURDIR)
BUILD := $(CURDIR)/build
# The demo's kernel: the newest installed non-RT Debian 6.12 kernel.
DEMO_KERNEL ?= $(shell selftests/qemu/kernels.sh 6.12 2>/dev/null | grep -v -- -rt- | tail -1 | cut -d' ' -f1)
DEMO_MEM ?= 256
# DKMS: the version is MODULE_VERSION, from internal.h.
LMK_VERSION := $(shell sed -n 's/^.define LMK_VERSION[^"]*"\([^"]*\)".*/\1/p' $(SRC)/internal.h)
# Where dkms-install stages the sources; dkms finds them there.
DKMS_SRC ?= /usr/src/lowmemkiller-$(LMK_VERSION)
DKMS_FILES := Kbuild Makefile dkms.conf \
	$(filter-out %.mod.c lmk_config.h,$(notdir $(wildcard $(SRC)/*.c $(SRC)/*.h)))

all: modules

kdir-check:
	@if [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "error: no kernel build tree at KDIR=$(KDIR)" >&2; \
		echo "Installed header trees:" >&2; \
		found=$$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null); \
		if [ -n "$$found" ]; then \
			echo "$$found" | sed 's/^/  /' >&2; \
		else \
			echo "  none; install one, e.g. apt-get install linux-headers-amd64" >&2; \
		fi; \
		echo "Build with: make KDIR=/usr/src/linux-headers-<version>" >&2; \
		exit 1; \
	fi

lmk_config.h: scripts/conftest.sh compat.h | kdir-check
	sh scripts/conftest.sh "$(KDIR)" "$(SRC)"
	@echo "$(KDIR)" > .lmk_kdir

# Probe again when KDIR changes.
ifneq ($(shell cat .lmk_kdir 2>/dev/null),$(KDIR))
.PHONY: lmk_config.h
endif

modules: kdir-check lmk_config.h
	$(MAKE) -C $(KDIR) M=$(SRC) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(SRC) INSTALL_MOD_DIR=updates modules_install

# The sources DKMS builds from, without build products.
dkms-src:
	@[ -n "$(LMK_VERSION)" ] || { echo "error: no LMK_VERSION in internal.h" >&2; exit 1; }
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)/scripts
	cd $(SRC) && cp $(DKMS_FILES) $(DKMS_SRC)/
	cp $(SRC)/scripts/conftest.sh $(DKMS_SRC)/scripts/

dkms-install: dkms-src
	dkms status lowmemkiller/$(LMK_VERSION) | grep -q . || \
		dkms add lowmemkiller/$(LMK_VERSION)
	dkms install lowmemkiller/$(LMK_VERSION) -k $(KERNELRELEASE)

dkms-remove:
	-dkms remove lowmemkiller/$(LMK_VERSION) --all
	rm -rf $(DKMS_SRC)

deps:
	sh scripts/deps.sh

unit: deps
	sh scripts/linux-source.sh $(BUILD)/linux-source
	$(MAKE) -C selftests/unit run KSFT_DIR=$(BUILD)/linux-source/ksft O=$(BUILD)/unit

check: deps
	bash scripts/check.sh $(KERNELS)

check-debug: deps
	bash scripts/check-debug.sh

demo: deps
	sh scripts/linux-source.sh $(BUILD)/linux-source
	sh scripts/build-module.sh $(DEMO_KERNEL) /usr/src/linux-headers-$(DEMO_KERNEL) $(BUILD)/mod/$(DEMO_KERNEL)
	sh scripts/build-guest.sh $(BUILD)/linux-source $(BUILD)/payload
	selftests/qemu/run.sh -M demo -m $(DEMO_MEM) $(DEMO_KERNEL) \
		$(BUILD)/mod/$(DEMO_KERNEL)/lowmemkiller.ko $(BUILD)/payload

bench: deps
	KERNELS="$(KERNELS)" bash bench/run-bench.sh

clean:
	-[ -f "$(KDIR)/Makefile" ] && $(MAKE) -C $(KDIR) M=$(SRC) clean
	rm -rf lmk_config.h .lmk_kdir $(BUILD)

.PHONY: all kdir-check modules install dkms-src dkms-install dkms-remove \
	deps unit check check-debug demo bench clean
