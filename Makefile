# SPDX-License-Identifier: GPL-2.0
#
# mdgpu top-level Makefile.
#
#   make                  build mdgpu.ko for the running kernel (then insmod it)
#   make run              the demo: a test VM on Debian's default kernel line
#   make check            static checks + every selftest on 6.1 and 6.12
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
KERNELS ?= 6.1 6.12

all: module

module:
	$(MAKE) -C kernel KDIR=$(KDIR)

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

.PHONY: all module build check check-debug check-guest run shell bench clean
