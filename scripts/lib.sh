# SPDX-License-Identifier: GPL-2.0
# Common settings and helpers for the seccomp_mode scripts (sourced, not run).

set -euo pipefail

SM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SM_CACHE="${SECCOMP_MODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/seccomp-mode}"
# The kernel flavor: "test" (default: the test fragments without what
# kernel/plain.config turns off: lock and leak debugging, drivers no test
# needs, IPv6), "bench" (set
# by scripts/bench for its own kernel) or "kasan" (`make test KASAN=1`, the
# debug pass: the test fragments with that debugging, and on x86_64 then
# kasan.config: KASAN + UBSAN, built with clang 19; arm64 gets no KASAN there,
# see sm_set_arch). Its artifacts go to build/x86_64-kasan/ and
# build/arm64-debug/, so that the plain flavor's stay.
if [ -z "${SM_KERNEL_FLAVOR:-}" ] && [ "${KASAN:-0}" = 1 ]; then
	SM_KERNEL_FLAVOR=kasan
fi
export SM_KERNEL_FLAVOR="${SM_KERNEL_FLAVOR:-test}"
SM_JOBS="${SM_JOBS:-$(($(nproc) + 1))}"

# Pinned toolchain pieces (see ../shared/docs/toolchain-facts.md).
SM_KERNEL_SERIES=7.2
SM_LIBCLANG_VERSION=18.1.1
# bindgen: the least version kernel 7.2 accepts, as Debian trixie packages it
# (scripts/setup).
SM_BINDGEN_VERSION=0.71.1
# The LLVM of the kasan flavor (Rust + KASAN needs a clang-built kernel), from
# bookworm's own main suite; its libclang also serves bindgen there.
SM_LLVM_VERSION=19
SM_LLVM_PKGS=(clang-$SM_LLVM_VERSION lld-$SM_LLVM_VERSION llvm-$SM_LLVM_VERSION)
# Suites searched, in order, for the download-only packages.
SM_EXTRA_SUITES="${SM_EXTRA_SUITES:-sid trixie-backports trixie bookworm-backports}"

# Derived locations inside the cache.
SM_APT="$SM_CACHE/apt"
SM_VENV="$SM_CACHE/venv"
SM_BINDGEN_ROOT="$SM_CACHE/bindgen-$SM_BINDGEN_VERSION"
SM_RUSTSRC_ROOT="$SM_CACHE/rust-src"
SM_SRC_ROOT="$SM_CACHE/src"

sm_log() { printf '[seccomp-mode] %s\n' "$*" >&2; }
sm_die() { printf '[seccomp-mode] error: %s\n' "$*" >&2; exit 1; }

# The architectures the scripts know (ARCH=x86_64 or ARCH=arm64 selects one;
# the default is x86_64), and the ones a plain `make test` runs, in order.
SM_ARCHES=(x86_64 arm64)
SM_TEST_ARCHES=(x86_64 arm64)

# sm_set_arch ARCH: selects the target architecture, x86_64 or arm64 (aarch64
# is taken for arm64), for everything below and, through the exported SM_ARCH,
# for the scripts this one runs. Sourcing this file selects
# ${SM_ARCH:-${ARCH:-x86_64}} and then removes the kernel's own ARCH variable
# from the environment: the kernel and module builds get ARCH= and
# CROSS_COMPILE= only through SM_KMAKE, and none at all on x86_64, whose
# builds stay the native ones.
sm_set_arch() {
	case "$1" in
	x86_64 | x86 | amd64) SM_ARCH=x86_64 ;;
	arm64 | aarch64) SM_ARCH=arm64 ;;
	*) sm_die "ARCH=$1: unknown architecture (known: ${SM_ARCHES[*]})" ;;
	esac
	export SM_ARCH
	# KASAN=1 on x86_64: the KASAN + UBSAN kernel (clang). On arm64 the
	# same pass runs the debug kernel (lockdep, kmemleak, atomic-sleep
	# checks) built with gcc, without KASAN: 7.2's Rust needs clang for
	# KASAN, and a clang cross toolchain for arm64 is not set up here.
	# SM_KERNEL_NAME: the kernel's name in messages.
	SM_KASAN=0
	SM_OUT="$SM_ROOT/build/$SM_ARCH"
	SM_KERNEL_NAME="$SM_KERNEL_FLAVOR"
	if [ "$SM_KERNEL_FLAVOR" = kasan ] && [ "$SM_ARCH" = x86_64 ]; then
		SM_KASAN=1
		SM_OUT="$SM_ROOT/build/$SM_ARCH-kasan"
	elif [ "$SM_KERNEL_FLAVOR" = kasan ]; then
		SM_OUT="$SM_ROOT/build/$SM_ARCH-debug"
		SM_KERNEL_NAME=debug
	fi
	case "$SM_ARCH" in
	x86_64)
		# The kernel image: its name in $SM_OUT and its path in the
		# build tree.
		SM_KIMAGE=bzImage
		SM_KIMAGE_PATH=arch/x86/boot/bzImage
		# Make arguments of every kernel and module build for this
		# architecture (also with a KDIR of your own).
		SM_KMAKE_ARCH=()
		# The C compilers for the guest: native (seccomp selftest), and
		# of the 32-bit compat ABI (the linker of its Rust programs).
		SM_CC=gcc
		SM_CC32=i686-linux-gnu-gcc
		# Bookworm packages that this architecture adds to setup's: the
		# i686 cross compiler and glibc, for the ia32 programs.
		SM_ARCH_PKGS=(gcc-i686-linux-gnu libc6-dev-i386-cross)
		SM_QEMU=qemu-system-x86_64
		# Rust targets of the in-guest programs: native, and the 32-bit
		# compat ABI's (ia32: the attack and guest suites as real 32-bit
		# processes; the native ones test ia32 through int $0x80 too).
		SM_RUST_TARGET=x86_64-unknown-linux-gnu
		SM_RUST_TARGET32=i686-unknown-linux-gnu
		# The guest's second serial line (COMMAND's output).
		SM_GUEST_TTY=/dev/ttyS1
		# Debian's name of the architecture.
		SM_DEB_ARCH=amd64
		SM_BUSYBOX_ROOT="$SM_CACHE/busybox"
		# Where the target's Debian libraries are unpacked ("": the
		# host's own).
		SM_SYSROOT=""
		;;
	arm64)
		SM_KIMAGE=Image
		SM_KIMAGE_PATH=arch/arm64/boot/Image
		SM_KMAKE_ARCH=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
		SM_CC=aarch64-linux-gnu-gcc
		SM_CC32=arm-linux-gnueabihf-gcc
		# Cross compilers and libcs (kernel, module, Rust link, seccomp
		# selftest) and QEMU: qemu-system-arm ships qemu-system-aarch64.
		SM_ARCH_PKGS=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross
			gcc-arm-linux-gnueabihf libc6-dev-armhf-cross qemu-system-arm)
		SM_QEMU=qemu-system-aarch64
		SM_RUST_TARGET=aarch64-unknown-linux-gnu
		SM_RUST_TARGET32=armv7-unknown-linux-gnueabihf
		# QEMU's virt machine has one PL011 (the console): virtio-console.
		SM_GUEST_TTY=/dev/hvc0
		SM_DEB_ARCH=arm64
		SM_BUSYBOX_ROOT="$SM_CACHE/busybox-arm64"
		SM_SYSROOT="$SM_CACHE/sysroot-arm64"
		;;
	esac
	# Extra make arguments for every kernel and module build: the
	# architecture's, then the flavor's.
	SM_KMAKE=("${SM_KMAKE_ARCH[@]}")
	[ "$SM_KASAN" = 0 ] || SM_KMAKE+=(LLVM=-$SM_LLVM_VERSION OBJCOPY=objcopy)
}
# Whether the caller chose the architecture (ARCH=...); if not, plain
# `make test` runs each of SM_TEST_ARCHES.
SM_ARCH_CHOSEN=0
[ -z "${SM_ARCH:-}${ARCH:-}" ] || SM_ARCH_CHOSEN=1
sm_set_arch "${SM_ARCH:-${ARCH:-x86_64}}"
unset ARCH

# sm_secs T0 T1: nanosecond timestamps to seconds with one decimal.
sm_secs() {
	local ds=$((($2 - $1) / 100000000))
	echo "$((ds / 10)).$((ds % 10))"
}

# sm_stage NAME CMD...: run one stage and print one line with its wall time.
sm_stage() {
	local name="$1" t0 t1 rc
	shift
	t0=$(date +%s%N)
	set +e
	( set -e; "$@" )
	rc=$?
	set -e
	t1=$(date +%s%N)
	if [ "$rc" -ne 0 ]; then
		sm_die "$name failed (exit $rc) after $(sm_secs "$t0" "$t1") s"
	fi
	sm_log "$name: done in $(sm_secs "$t0" "$t1") s"
}

# Environment that the kernel build and module build need (once set up).
sm_toolchain_env() {
	local pyver
	pyver=$("$SM_VENV/bin/python3" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")' 2>/dev/null || true)
	export LIBCLANG_PATH="$SM_VENV/lib/python$pyver/site-packages/clang/native"
	[ "$SM_KASAN" = 0 ] || LIBCLANG_PATH="/usr/lib/llvm-$SM_LLVM_VERSION/lib"
	export PATH="$SM_BINDGEN_ROOT/bin:$PATH"
	export RUST_LIB_SRC
	RUST_LIB_SRC="$(cat "$SM_RUSTSRC_ROOT/current" 2>/dev/null || true)"
}

# The config fragment of the kernel flavor SM_KERNEL_FLAVOR for SM_ARCH;
# the base is kernel/common.config, then kernel/$SM_ARCH.config:
# "test" (the default: the base with the options that kernel/plain.config
# turns off removed, then plain.config), "bench" (the same with
# kernel/bench.config), "kasan" (the base, then on x86_64
# kernel/kasan.config). Prints it.
sm_fragment() {
	local off base=("$SM_ROOT/kernel/common.config" "$SM_ROOT/kernel/$SM_ARCH.config") minus=""
	case "$SM_KERNEL_FLAVOR" in
	kasan)
		if [ "$SM_KASAN" = 1 ]; then
			cat "${base[@]}" "$SM_ROOT/kernel/kasan.config"
		else
			cat "${base[@]}"
		fi
		return
		;;
	bench) minus="$SM_ROOT/kernel/bench.config" ;;
	*) minus="$SM_ROOT/kernel/plain.config" ;;
	esac
	off=$(sed -n 's/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1/p' "$minus")
	cat "${base[@]}" | grep -vE "^($(echo "$off" | paste -sd'|'))="
	grep -E '^# CONFIG_' "$minus"
}

# The kernel build directory: keyed by kernel version, config fragment and
# toolchain versions (for a cross build also the architecture and the cross
# compiler's version). Prints the path.
sm_kernel_key() {
	local ksrc
	ksrc="$(cat "$SM_SRC_ROOT/current")"
	{
		echo "kernel=$(basename "$ksrc")"
		echo "fragment=$(sm_fragment | sha256sum | cut -d' ' -f1)"
		echo "rustc=$(rustc --version)"
		if [ "$SM_KASAN" = 1 ]; then
			echo "flavor=kasan make=${SM_KMAKE[*]}"
			echo "clang=$(clang-$SM_LLVM_VERSION --version | head -1)"
			echo "bindgen=$SM_BINDGEN_VERSION libclang=llvm-$SM_LLVM_VERSION"
		else
			echo "gcc=$(gcc --version | head -1)"
			echo "bindgen=$SM_BINDGEN_VERSION libclang=$SM_LIBCLANG_VERSION"
		fi
		echo "rust-src=$(basename "$(dirname "$(dirname "$(dirname "$(dirname "$(dirname "$RUST_LIB_SRC")")")")")")"
		if [ "$SM_ARCH" != x86_64 ]; then
			echo "arch=$SM_ARCH make=${SM_KMAKE_ARCH[*]}"
			echo "cross-gcc=$("$SM_CC" --version | head -1)"
		fi
	} | sha256sum | cut -c1-16
}

# The kernel build tree of SM_ARCH's SM_KERNEL_FLAVOR kernel. Prints the path.
sm_kdir() {
	local arch=""
	[ "$SM_ARCH" = x86_64 ] || arch="$SM_ARCH-"
	echo "$SM_CACHE/kbuild/$(basename "$(cat "$SM_SRC_ROOT/current")")-$arch$(sm_kernel_key)"
}

# The host's TSC frequency in kHz, as its kernel measured it (or, failing
# that, the first "cpu MHz" of /proc/cpuinfo, which is the TSC's on hosts with
# a constant TSC); empty if neither is known.
sm_host_tsc_khz() {
	local mhz
	mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p' | tail -n 1)
	[ -n "$mhz" ] || mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | tail -n 1)
	[ -n "$mhz" ] || mhz=$(sed -n 's/^cpu MHz[[:space:]]*: \([0-9.]*\)$/\1/p' /proc/cpuinfo | head -n 1)
	[ -z "$mhz" ] || awk -v m="$mhz" 'BEGIN { printf "%d\n", m * 1000 }'
}
