/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64's facts for the C side (src/arch/arm64.rs has Rust's): how the
 * kernel tells an AArch32 syscall, the prctl numbers, and the saved user
 * registers of a child that has not run yet.
 */
#ifndef SM_ARCH_ARM64_H
#define SM_ARCH_ARM64_H

#include <linux/compat.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <asm/ptrace.h>
#include <asm/syscall.h>
#include <asm/unistd.h>
#ifdef CONFIG_COMPAT
#include <asm/unistd_compat_32.h>
#endif

/* Whether the current syscall is an AArch32 (compat) one. */
static __always_inline bool sm_in_compat_syscall(void)
{
	return in_compat_syscall();
}

/* The prctl numbers of the native and compat ABIs. */
#define SM_NR_PRCTL __NR_prctl
#ifdef CONFIG_COMPAT
#define SM_NR_COMPAT_PRCTL __NR_compat32_prctl
#else
#define SM_NR_COMPAT_PRCTL __NR_prctl
#endif

/*
 * The arguments the syscall will run with: x0-x5 (r0-r5), which the
 * syscall wrappers read. Not syscall_get_arguments(): its first argument is
 * orig_x0, which the kernel copies from x0 at entry and, for a native task,
 * again after a tracer wrote the registers; for an AArch32 task a tracer may
 * change r0 alone, and the call would run with an argument other than the
 * one checked.
 */
static inline void sm_arch_syscall_args(struct pt_regs *regs, unsigned long args[6])
{
	int i;

	for (i = 0; i < 6; i++)
		args[i] = READ_ONCE(regs->regs[i]);
}

/* The user registers saved at the top of a task's kernel stack @stack. */
static inline struct pt_regs *sm_stack_regs(void *stack)
{
	return (struct pt_regs *)(stack + THREAD_SIZE) - 1;
}

/*
 * Whether @regs, a child's saved user registers, are still those its fork
 * gave it: a return value of 0 in x0 and the number of a fork still in the
 * syscall-number register (x8 for AArch64, r7 for AArch32), which user code
 * rarely changes at once. Any kernel entry other than a syscall (a fault on
 * the child's first instruction fetch, an interrupt) sets syscallno to
 * NO_SYSCALL, but leaves the registers as the child has them. A child that
 * ran a few instructions without touching them looks fresh too, and is
 * then confined (the safe side).
 */
static inline bool sm_fork_regs_fresh(struct pt_regs *regs)
{
	long nr;

	if (READ_ONCE(regs->regs[0]) != 0)
		return false;
	if (compat_user_mode(regs)) {
#ifdef CONFIG_COMPAT
		nr = (u32)READ_ONCE(regs->regs[7]);
		return nr == __NR_compat32_clone || nr == __NR_compat32_fork ||
		       nr == __NR_compat32_vfork || nr == __NR_compat32_clone3;
#else
		return false;
#endif
	}
	/* The kernel reads the number as an int. */
	nr = (int)READ_ONCE(regs->regs[8]);
	return nr == __NR_clone || nr == __NR_clone3;
}

/*
 * Never undecided: no kernel entry before a child's first instruction
 * changes the registers sm_fork_regs_fresh() looks at.
 */
static inline bool sm_fork_regs_maybe_fresh(struct pt_regs *regs, unsigned long *ip)
{
	return false;
}

/* svc #0 (unused: nothing is left undecided). */
#define SM_SYSCALL_INSN_LEN 4

static inline bool sm_syscall_insn(const u8 insn[SM_SYSCALL_INSN_LEN])
{
	return false;
}

#endif /* SM_ARCH_ARM64_H */
