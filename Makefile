# SPDX-License-Identifier: GPL-2.0
#
# mdgpu top-level Makefile.
#
#   make                  build mdgpu.ko for the running kernel (then insmod it)
#   make install          build it and install it into /lib/modules/<release>/updates
#   make dkms             register it with DKMS (/usr/src/mdgpu-<version>) and install
#                         it for the running kernel; DKMS rebuilds it for new kernels
#   make run              the demo: a test VM on Debian's default kernel line
#   make run KERNEL=7.3   the demo on another line (6.1, 6.12, 7.3)
#   make check            static checks + every selftest on 6.1, 6.12 and 7.3
#   make check KERNELS=6.12         only one kernel line
#   make build KERNEL=6.12          build module + selftests for one line
#   make shell KERNEL=6.12          interactive test VM with mdgpu loaded
#   make bench                      mdgpu vs the sample mdev drivers, both lines
#   make check-debug                the debug-kernel lane (KASAN, lockdep, kmemleak,
#                                   UBSAN, fault injection): selftests + campaigns
#   make check-guest                real guests on a vGPU: SeaBIOS's VGA BIOS and the
#                                   tiny Linux guest (bochs-drm), nested in a test VM
#
# Everything installs what it needs with apt-get (see scripts/deps and
# scripts/kernel-fetch). Build products go to build/ and the kernel cache to
# ~/.cache/mdgpu (MDGPU_CACHE).

KDIR ?= /lib/modules/$(shell uname -r)/build
KERNEL ?= 6.1
KERNELS ?= 6.1 6.12 7.3
# The release KDIR builds for, and the DKMS version (dkms.conf is its source).
KRELEASE = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
DKMS_SRC = /usr/src/mdgpu-$(VERSION)

all: module

module:
	$(MAKE) -C kernel KDIR=$(KDIR)

install: module
	@test -n "$(KRELEASE)" || { echo "no kernel release in $(KDIR)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KRELEASE)

# Sources only: DKMS builds in its own tree. A version registered before is
# replaced. DKMS_KERNEL=<release> installs for that kernel instead of the running one.
dkms:
	@command -v dkms >/dev/null || { echo "dkms is not installed (apt-get install dkms)" >&2; exit 1; }
	-dkms remove mdgpu/$(VERSION) --all >/dev/null 2>&1
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)/kernel $(DKMS_SRC)/uapi
	cp dkms.conf $(DKMS_SRC)/
	cp kernel/Kbuild kernel/Makefile kernel/*.[ch] $(DKMS_SRC)/kernel/
	cp uapi/*.h $(DKMS_SRC)/uapi/
	rm -f $(DKMS_SRC)/kernel/*.mod.c
	dkms add mdgpu/$(VERSION)
	dkms install mdgpu/$(VERSION) $(if $(DKMS_KERNEL),-k $(DKMS_KERNEL))

build:
	scripts/build $(KERNEL)

check:
	scripts/check $(KERNELS)

check-debug:
	scripts/check 6.12-debug

check-guest:
	scripts/guest-check --kernel $(KERNEL) --linux

run:
	scripts/demo --kernel $(KERNEL)

bench:
	for k in $(KERNELS); do scripts/bench --kernel $$k || exit 1; done

shell:
	scripts/testvm --kernel $(KERNEL) --shell

clean:
	$(MAKE) -C kernel KDIR=$(KDIR) clean 2>/dev/null || true
	rm -rf build

.PHONY: all module install dkms build check check-debug check-guest run shell bench clean
