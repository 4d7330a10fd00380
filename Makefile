# SPDX-License-Identifier: GPL-2.0
#
# seccomp_mode: out-of-tree Rust kernel module.
#
#   make            build seccomp_mode.ko (and the test kernel on first use)
#                   into build/x86_64/; `make KDIR=/path` builds against any
#                   Rust-enabled kernel build tree instead
#   make run        the main job: boot the test kernel, load the module, show it
#   make test       every test: host cargo tests, KUnit and in-guest tests
#   make test KASAN=1  the same on a KASAN + UBSAN kernel built with clang 19
#                   (its own cached kernel; artifacts in build/x86_64-kasan/);
#                   KASAN=1 works with make, run and shell too
#   make bench      per-syscall cost of the hook vs no module, an empty probe and seccomp-bpf
#   make check      rustfmt + clippy (CLIPPY=1) on module and userspace
#   make fmt        reformat module and userspace sources in place
#   make install    the module (+ depmod), smctl, smctl(8) and completions;
#                   DESTDIR=, PREFIX= (/usr/local), KVER= (the module's)
#   make shell      the test guest with an interactive shell
#   make clean      remove build/ (the kernel cache stays in ~/.cache)

KDIR ?=
export KDIR
KASAN ?=
export KASAN

.PHONY: all module setup kernel run test bench check fmt shell clean install

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

clean:
	rm -rf build
	cd userspace && cargo clean
