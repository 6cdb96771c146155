# SPDX-License-Identifier: GPL-2.0
#
# lowmemkiller: build the module against a kernel tree, and drive the tests.
#
#   make [KDIR=/usr/src/linux-headers-<ver>]   build lowmemkiller.ko
#   make demo                                    boot QEMU, run a storm
#   make check                                   every test on every kernel
#
KERNELRELEASE ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KERNELRELEASE)/build
SRC := $(CURDIR)

all: modules

lmk_config.h: scripts/conftest.sh compat.h
	@if [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "error: no kernel build tree at KDIR=$(KDIR)" >&2; \
		echo "Installed header trees:" >&2; \
		ls -d /usr/src/linux-headers-* 2>/dev/null | sed 's/^/  /' >&2 || \
			echo "  (none: apt-get install linux-headers-amd64)" >&2; \
		echo "Build with: make KDIR=/usr/src/linux-headers-<version>" >&2; \
		exit 1; \
	fi
	sh scripts/conftest.sh "$(KDIR)" "$(SRC)"
	@echo "$(KDIR)" > .lmk_kdir

# Re-probe when KDIR changes.
ifneq ($(shell cat .lmk_kdir 2>/dev/null),$(KDIR))
.PHONY: lmk_config.h
endif

modules: lmk_config.h
	$(MAKE) -C $(KDIR) M=$(SRC) modules

clean:
	-[ -f "$(KDIR)/Makefile" ] && $(MAKE) -C $(KDIR) M=$(SRC) clean
	rm -f lmk_config.h .lmk_kdir

.PHONY: all modules clean
