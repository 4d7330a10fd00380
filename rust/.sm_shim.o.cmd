savedcmd_rust/sm_shim.o := gcc -Wp,-MMD,rust/.sm_shim.o.d -nostdinc -I/root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include -I/root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/arch/x86/include/generated -I/root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include -I/root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/include -I/root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/uapi -I/root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/arch/x86/include/generated/uapi -I/root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/uapi -I/root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/include/generated/uapi -include /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/compiler-version.h -include /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/kconfig.h -include /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/compiler_types.h -D__KERNEL__ -fshort-wchar -funsigned-char -fno-common -fno-PIE -fno-strict-aliasing -std=gnu11 -fms-extensions -mno-sse -mno-mmx -mno-sse2 -mno-3dnow -mno-avx -mno-sse4a -fcf-protection=branch -fno-jump-tables -m64 -falign-jumps=1 -falign-loops=1 -mno-80387 -mno-fp-ret-in-387 -mpreferred-stack-boundary=3 -mskip-rax-setup -march=x86-64 -mtune=generic -mno-red-zone -mcmodel=kernel -Wno-sign-compare -fno-asynchronous-unwind-tables -fno-delete-null-pointer-checks -O2 -fno-allow-store-data-races -fno-stack-protector -fomit-frame-pointer -ftrivial-auto-var-init=zero -fno-stack-clash-protection -falign-functions=16 -fno-strict-overflow -fno-stack-check -fconserve-stack -fno-builtin-wcslen -Wall -Wextra -Wundef -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Werror=strict-prototypes -Wno-format-security -Wno-trigraphs -Wno-frame-address -Wno-address-of-packed-member -Wmissing-declarations -Wmissing-prototypes -Wframe-larger-than=1280 -Wno-main -Wno-type-limits -Wno-dangling-pointer -Wvla-larger-than=1 -Wno-pointer-sign -Wcast-function-type -Wno-array-bounds -Wno-stringop-overflow -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -Werror=date-time -Werror=incompatible-pointer-types -Werror=designated-init -Wenum-conversion -Wunused -Wno-unused-but-set-variable -Wno-unused-const-variable -Wno-packed-not-aligned -Wno-format-overflow -Wno-format-truncation -Wno-stringop-truncation -Wno-override-init -Wno-missing-field-initializers -Wno-shift-negative-value -Wno-maybe-uninitialized -Wno-sign-compare -Wno-unused-parameter  -DMODULE  -DKBUILD_BASENAME='"sm_shim"' -DKBUILD_MODNAME='"seccomp_mode"' -D__KBUILD_MODNAME=seccomp_mode -c -o rust/sm_shim.o rust/sm_shim.c  

source_rust/sm_shim.o := rust/sm_shim.c

deps_rust/sm_shim.o := \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/compiler-version.h \
    $(wildcard include/config/CC_VERSION_TEXT) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/kconfig.h \
    $(wildcard include/config/CPU_BIG_ENDIAN) \
    $(wildcard include/config/BOOGER) \
    $(wildcard include/config/FOO) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/compiler_types.h \
    $(wildcard include/config/DEBUG_INFO_BTF) \
    $(wildcard include/config/PAHOLE_HAS_BTF_TAG) \
    $(wildcard include/config/FUNCTION_ALIGNMENT) \
    $(wildcard include/config/CC_HAS_SANE_FUNCTION_ALIGNMENT) \
    $(wildcard include/config/X86_64) \
    $(wildcard include/config/ARM64) \
    $(wildcard include/config/LD_DEAD_CODE_DATA_ELIMINATION) \
    $(wildcard include/config/LTO_CLANG) \
    $(wildcard include/config/HAVE_ARCH_COMPILER_H) \
    $(wildcard include/config/KCSAN) \
    $(wildcard include/config/CC_HAS_ASSUME) \
    $(wildcard include/config/CC_HAS_COUNTED_BY) \
    $(wildcard include/config/FORTIFY_SOURCE) \
    $(wildcard include/config/UBSAN_BOUNDS) \
    $(wildcard include/config/CC_HAS_COUNTED_BY_PTR) \
    $(wildcard include/config/CC_HAS_MULTIDIMENSIONAL_NONSTRING) \
    $(wildcard include/config/CFI) \
    $(wildcard include/config/ARCH_USES_CFI_GENERIC_LLVM_PASS) \
    $(wildcard include/config/CC_HAS_BROKEN_COUNTED_BY_REF) \
    $(wildcard include/config/CC_HAS_ASM_INLINE) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/compiler-context-analysis.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/compiler_attributes.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/compiler-gcc.h \
    $(wildcard include/config/ARCH_USE_BUILTIN_BSWAP) \
    $(wildcard include/config/SHADOW_CALL_STACK) \
    $(wildcard include/config/KCOV) \
    $(wildcard include/config/CC_HAS_TYPEOF_UNQUAL) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/asm/percpu_types.h \
    $(wildcard include/config/SMP) \
    $(wildcard include/config/CC_HAS_NAMED_AS) \
    $(wildcard include/config/USE_X86_SEG_SUPPORT) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/asm-generic/percpu_types.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/nospec.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/compiler.h \
    $(wildcard include/config/TRACE_BRANCH_PROFILING) \
    $(wildcard include/config/PROFILE_ALL_BRANCHES) \
    $(wildcard include/config/OBJTOOL) \
  /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/arch/x86/include/generated/asm/rwonce.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/asm-generic/rwonce.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/kasan-checks.h \
    $(wildcard include/config/KASAN_GENERIC) \
    $(wildcard include/config/KASAN_SW_TAGS) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/types.h \
    $(wildcard include/config/HAVE_UID16) \
    $(wildcard include/config/UID16) \
    $(wildcard include/config/ARCH_DMA_ADDR_T_64BIT) \
    $(wildcard include/config/PHYS_ADDR_T_64BIT) \
    $(wildcard include/config/64BIT) \
    $(wildcard include/config/ARCH_32BIT_USTAT_F_TINODE) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/uapi/linux/types.h \
  /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/arch/x86/include/generated/uapi/asm/types.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/uapi/asm-generic/types.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/asm-generic/int-ll64.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/uapi/asm-generic/int-ll64.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/uapi/asm/bitsperlong.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/asm-generic/bitsperlong.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/uapi/asm-generic/bitsperlong.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/uapi/linux/posix_types.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/stddef.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/uapi/linux/stddef.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/asm/posix_types.h \
    $(wildcard include/config/X86_32) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/uapi/asm/posix_types_64.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/uapi/asm-generic/posix_types.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/kcsan-checks.h \
    $(wildcard include/config/KCSAN_WEAK_MEMORY) \
    $(wildcard include/config/KCSAN_IGNORE_ATOMICS) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/asm/barrier.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/asm/alternative.h \
    $(wildcard include/config/CALL_THUNKS) \
    $(wildcard include/config/MITIGATION_ITS) \
    $(wildcard include/config/MITIGATION_RETHUNK) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/stringify.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/objtool.h \
    $(wildcard include/config/FRAME_POINTER) \
    $(wildcard include/config/NOINSTR_VALIDATION) \
    $(wildcard include/config/MITIGATION_UNRET_ENTRY) \
    $(wildcard include/config/MITIGATION_SRSO) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/objtool_types.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/annotate.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/asm/asm.h \
    $(wildcard include/config/KPROBES) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/asm/asm-offsets.h \
  /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/include/generated/asm-offsets.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/asm/extable_fixup_types.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/asm/bug.h \
    $(wildcard include/config/GENERIC_BUG) \
    $(wildcard include/config/DEBUG_BUGVERBOSE) \
    $(wildcard include/config/DEBUG_BUGVERBOSE_DETAILED) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/instrumentation.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/static_call_types.h \
    $(wildcard include/config/HAVE_STATIC_CALL) \
    $(wildcard include/config/HAVE_STATIC_CALL_INLINE) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/asm-generic/bug.h \
    $(wildcard include/config/BUG) \
    $(wildcard include/config/GENERIC_BUG_RELATIVE_POINTERS) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/once_lite.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/panic.h \
    $(wildcard include/config/PANIC_TIMEOUT) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/stdarg.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/printk.h \
    $(wildcard include/config/MESSAGE_LOGLEVEL_DEFAULT) \
    $(wildcard include/config/CONSOLE_LOGLEVEL_DEFAULT) \
    $(wildcard include/config/CONSOLE_LOGLEVEL_QUIET) \
    $(wildcard include/config/EARLY_PRINTK) \
    $(wildcard include/config/PRINTK) \
    $(wildcard include/config/PRINTK_INDEX) \
    $(wildcard include/config/DYNAMIC_DEBUG) \
    $(wildcard include/config/DYNAMIC_DEBUG_CORE) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/init.h \
    $(wildcard include/config/MEMORY_HOTPLUG) \
    $(wildcard include/config/HAVE_ARCH_PREL32_RELOCATIONS) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/build_bug.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/kern_levels.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/linkage.h \
    $(wildcard include/config/ARCH_USE_SYM_ANNOTATIONS) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/export.h \
    $(wildcard include/config/MODVERSIONS) \
    $(wildcard include/config/GENDWARFKSYMS) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/asm/linkage.h \
    $(wildcard include/config/CALL_PADDING) \
    $(wildcard include/config/MITIGATION_RETPOLINE) \
    $(wildcard include/config/MITIGATION_SLS) \
    $(wildcard include/config/FUNCTION_PADDING_BYTES) \
    $(wildcard include/config/UML) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/asm/ibt.h \
    $(wildcard include/config/X86_KERNEL_IBT) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/ratelimit_types.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/bits.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/vdso/bits.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/vdso/const.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/uapi/linux/const.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/uapi/linux/bits.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/overflow.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/limits.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/uapi/linux/limits.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/vdso/limits.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/const.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/uapi/linux/param.h \
  /root/.cache/seccomp-mode/kbuild/linux-source-7.2_7.2.13-1-ba3cf3c124339339/arch/x86/include/generated/uapi/asm/param.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/asm-generic/param.h \
    $(wildcard include/config/HZ) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/uapi/asm-generic/param.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/spinlock_types_raw.h \
    $(wildcard include/config/DEBUG_SPINLOCK) \
    $(wildcard include/config/DEBUG_LOCK_ALLOC) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/asm/spinlock_types.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/asm-generic/qspinlock_types.h \
    $(wildcard include/config/NR_CPUS) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/asm-generic/qrwlock_types.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/uapi/asm/byteorder.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/byteorder/little_endian.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/uapi/linux/byteorder/little_endian.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/swab.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/uapi/linux/swab.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/uapi/asm/swab.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/byteorder/generic.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/linux/lockdep_types.h \
    $(wildcard include/config/PROVE_RAW_LOCK_NESTING) \
    $(wildcard include/config/LOCKDEP) \
    $(wildcard include/config/LOCK_STAT) \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/arch/x86/include/asm/nops.h \
  /root/.cache/seccomp-mode/src/linux-source-7.2_7.2.13-1/include/asm-generic/barrier.h \

rust/sm_shim.o: $(deps_rust/sm_shim.o)

$(deps_rust/sm_shim.o):
