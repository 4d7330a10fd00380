# SPDX-License-Identifier: GPL-2.0
# Common settings and helpers for the seccomp_mode scripts (sourced, not run).

set -euo pipefail

SM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SM_CACHE="${SECCOMP_MODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/seccomp-mode}"
SM_ARCH=x86_64
# The kernel flavor: "test" (default), "bench" (set by scripts/bench for its
# own kernel) or "kasan" (`make test KASAN=1`: test.config + kasan.config,
# KASAN + UBSAN, built with clang 19; its artifacts go to build/x86_64-kasan/
# so that the plain flavor's stay).
if [ -z "${SM_KERNEL_FLAVOR:-}" ] && [ "${KASAN:-0}" = 1 ]; then
	SM_KERNEL_FLAVOR=kasan
fi
export SM_KERNEL_FLAVOR="${SM_KERNEL_FLAVOR:-test}"
SM_OUT="$SM_ROOT/build/$SM_ARCH"
[ "$SM_KERNEL_FLAVOR" != kasan ] || SM_OUT="$SM_ROOT/build/$SM_ARCH-kasan"
SM_JOBS="${SM_JOBS:-$(($(nproc) + 1))}"

# Pinned toolchain pieces (see ../shared/docs/toolchain-facts.md).
SM_KERNEL_SERIES=7.2
SM_LIBCLANG_VERSION=18.1.1
SM_BINDGEN_VERSION=0.72.1
# The LLVM of the kasan flavor (Rust + KASAN needs a clang-built kernel), from
# bookworm's own main suite; its libclang also serves bindgen there.
SM_LLVM_VERSION=19
SM_LLVM_PKGS=(clang-$SM_LLVM_VERSION lld-$SM_LLVM_VERSION llvm-$SM_LLVM_VERSION)
# Extra make arguments for every kernel and module build of this flavor.
SM_KMAKE=()
[ "$SM_KERNEL_FLAVOR" != kasan ] || SM_KMAKE=(LLVM=-$SM_LLVM_VERSION OBJCOPY=objcopy)
# Suites searched, in order, for the download-only packages.
SM_EXTRA_SUITES="${SM_EXTRA_SUITES:-sid trixie-backports trixie bookworm-backports}"

# Derived locations inside the cache.
SM_APT="$SM_CACHE/apt"
SM_VENV="$SM_CACHE/venv"
SM_BINDGEN_ROOT="$SM_CACHE/bindgen-$SM_BINDGEN_VERSION"
SM_RUSTSRC_ROOT="$SM_CACHE/rust-src"
SM_SRC_ROOT="$SM_CACHE/src"
SM_BUSYBOX_ROOT="$SM_CACHE/busybox"

sm_log() { printf '[seccomp-mode] %s\n' "$*" >&2; }
sm_die() { printf '[seccomp-mode] error: %s\n' "$*" >&2; exit 1; }

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
	[ "$SM_KERNEL_FLAVOR" != kasan ] || LIBCLANG_PATH="/usr/lib/llvm-$SM_LLVM_VERSION/lib"
	export PATH="$SM_BINDGEN_ROOT/bin:$PATH"
	export RUST_LIB_SRC
	RUST_LIB_SRC="$(cat "$SM_RUSTSRC_ROOT/current" 2>/dev/null || true)"
}

# The config fragment of the kernel flavor SM_KERNEL_FLAVOR: "test" (the
# default: kernel/test.config), "bench" (test.config with the options that
# kernel/bench.config turns off removed, then bench.config) or "kasan"
# (test.config, then kernel/kasan.config). Prints it.
sm_fragment() {
	local off
	if [ "$SM_KERNEL_FLAVOR" = kasan ]; then
		cat "$SM_ROOT/kernel/test.config" "$SM_ROOT/kernel/kasan.config"
	elif [ "$SM_KERNEL_FLAVOR" = bench ]; then
		off=$(sed -n 's/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1/p' "$SM_ROOT/kernel/bench.config")
		grep -vE "^($(echo "$off" | paste -sd'|'))=" "$SM_ROOT/kernel/test.config"
		grep -E '^# CONFIG_' "$SM_ROOT/kernel/bench.config"
	else
		cat "$SM_ROOT/kernel/test.config"
	fi
}

# The kernel build directory: keyed by kernel version, config fragment and
# toolchain versions. Prints the path.
sm_kernel_key() {
	local ksrc
	ksrc="$(cat "$SM_SRC_ROOT/current")"
	{
		echo "kernel=$(basename "$ksrc")"
		echo "fragment=$(sm_fragment | sha256sum | cut -d' ' -f1)"
		echo "rustc=$(rustc --version)"
		if [ "$SM_KERNEL_FLAVOR" = kasan ]; then
			echo "flavor=kasan make=${SM_KMAKE[*]}"
			echo "clang=$(clang-$SM_LLVM_VERSION --version | head -1)"
			echo "bindgen=$SM_BINDGEN_VERSION libclang=llvm-$SM_LLVM_VERSION"
		else
			echo "gcc=$(gcc --version | head -1)"
			echo "bindgen=$SM_BINDGEN_VERSION libclang=$SM_LIBCLANG_VERSION"
		fi
		echo "rust-src=$(basename "$(dirname "$(dirname "$(dirname "$(dirname "$(dirname "$RUST_LIB_SRC")")")")")")"
	} | sha256sum | cut -c1-16
}

sm_kdir() {
	echo "$SM_CACHE/kbuild/$(basename "$(cat "$SM_SRC_ROOT/current")")-$(sm_kernel_key)"
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
