# SPDX-License-Identifier: GPL-2.0
#
# seccomp_mode: out-of-tree Rust kernel module.
#
#   make            build seccomp_mode.ko (and the test kernel on first use)
#                   into build/x86_64/; `make KDIR=/path` builds against any
#                   Rust-enabled kernel build tree instead
#   ARCH=arm64      on make, run, test, shell, smoke: the same for arm64
#                   (cross-built; QEMU virt; build/arm64/); ARCH=x86_64 is
#                   the default, and plain `make test` runs the architectures
#                   listed in scripts/lib.sh (SM_TEST_ARCHES)
#   make run        the main job: boot the test kernel, load the module, show it
#   make test       every test: host cargo tests, KUnit and in-guest tests
#   make test KASAN=1  the debug pass: the same on the debug kernels (lockdep,
#                   kmemleak; x86_64 also KASAN + UBSAN, built with clang 19;
#                   artifacts in build/x86_64-kasan/, build/arm64-debug/);
#                   KASAN=1 works with make, run and shell too
#   make bench      per-syscall cost of the hook vs no module, an empty probe and seccomp-bpf
#   make check      rustfmt + clippy (CLIPPY=1) on module and userspace
#   make fmt        reformat module and userspace sources in place
#   make install    the module (+ depmod), smctl, smctl(8) and completions;
#                   DESTDIR=, PREFIX= (/usr/local), KVER= (the module's)
#   make shell      the test guest with an interactive shell
#   make smoke      build kernel + module, boot, insmod (KUnit), rmmod: the
#                   pipeline alone (scripts/smoke --no-module: without module)
#   make clean      remove build/ (the kernel cache stays in ~/.cache)

KDIR ?=
export KDIR
KASAN ?=
export KASAN
# The scripts get the architecture as SM_ARCH; the kernel's own makes must not
# inherit ARCH (through the environment or MAKEFLAGS): the scripts pass it
# to them, and only when cross-building.
ARCH ?=
SM_ARCH := $(ARCH)
export SM_ARCH
unexport ARCH
MAKEOVERRIDES := $(filter-out ARCH=%,$(MAKEOVERRIDES))

.PHONY: all module setup kernel run test bench check fmt shell smoke clean install

all: module

module:
	@scripts/build-module

setup:
	@scripts/setup

kernel: setup
	@scripts/build-kernel >/dev/null

run:
	@scripts/run

test:
	@scripts/test

bench:
	@scripts/bench

check:
	@scripts/check

fmt:
	@scripts/check --fix

install:
	@scripts/install

shell: module
	@scripts/guest-run --shell

smoke:
	@scripts/smoke

clean:
	rm -rf build
	cd userspace && cargo clean
