/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86_64's facts for the C side (src/arch/x86_64.rs has Rust's): how the
 * kernel tells an ia32 syscall, the prctl numbers, and the saved user
 * registers of a child that has not run yet.
 */
#ifndef SM_ARCH_X86_64_H
#define SM_ARCH_X86_64_H

#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <asm/ptrace.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

/* Whether the current syscall entered through the ia32 compat paths. */
static __always_inline bool sm_in_compat_syscall(void)
{
	return in_ia32_syscall();
}

/* The prctl numbers of the native and compat ABIs. */
#define SM_NR_PRCTL __NR_prctl
#ifdef CONFIG_IA32_EMULATION
#define SM_NR_COMPAT_PRCTL __NR_ia32_prctl
#else
#define SM_NR_COMPAT_PRCTL __NR_prctl
#endif

/*
 * The arguments the syscall will run with (the registers the entry code
 * passes it: rdi, rsi, rdx, r10, r8, r9, or ebx to ebp for ia32).
 */
static inline void sm_arch_syscall_args(struct pt_regs *regs, unsigned long args[6])
{
	syscall_get_arguments(current, regs, args);
}

/* The user registers saved at the top of a task's kernel stack @stack. */
static inline struct pt_regs *sm_stack_regs(void *stack)
{
	return (struct pt_regs *)(stack + THREAD_SIZE - TOP_OF_KERNEL_STACK_PADDING) - 1;
}

/*
 * Whether @regs, a child's saved user registers, are still those its fork
 * gave it: a return value of 0, and rcx still equal to the instruction
 * pointer (a 64-bit fork returns with SYSRET, which leaves the return
 * address in rcx: as long as the child has not run an instruction they are
 * equal, also when its very first instruction fetch faulted and the fault
 * saved its registers again), or the syscall number of a fork still in
 * orig_ax (an int $0x80 or sysenter fork: rcx is then the caller's). An
 * entry before such a child's first instruction (its instruction fetch or
 * its first data access faulted, an interrupt came first) saves every
 * register again but overwrites orig_ax: sm_fork_regs_maybe_fresh().
 */
static inline bool sm_fork_regs_fresh(struct pt_regs *regs)
{
	long nr;

	if (READ_ONCE(regs->ax) != 0)
		return false;
	if (READ_ONCE(regs->cx) == READ_ONCE(regs->ip))
		return true;
	nr = READ_ONCE(regs->orig_ax);
#ifdef __X32_SYSCALL_BIT
	nr &= ~(long)__X32_SYSCALL_BIT;
#endif
	switch (nr) {
	case __NR_clone:
	case __NR_fork:
	case __NR_vfork:
	case __NR_clone3:
#ifdef CONFIG_IA32_EMULATION
	case 2:		/* ia32 fork */
	case 120:	/* ia32 clone */
	case 190:	/* ia32 vfork */
#endif
		return true;
	default:
		return false;
	}
}

/*
 * For a child sm_fork_regs_fresh() does not call fresh: whether it may be
 * all the same (a return value of 0: the entry that saved its registers
 * again may have come before its first instruction). Then *@ip is its
 * instruction pointer, and the child is fresh if the instruction ending
 * there enters the kernel for a syscall (sm_syscall_insn()): it is still
 * where its fork left it. A child that ran and came back right after a
 * syscall that returned 0 is confined too (the safe side).
 */
static inline bool sm_fork_regs_maybe_fresh(struct pt_regs *regs, unsigned long *ip)
{
	if (READ_ONCE(regs->ax) != 0)
		return false;
	*ip = READ_ONCE(regs->ip);
	return true;
}

/* The length of the instructions sm_syscall_insn() recognizes. */
#define SM_SYSCALL_INSN_LEN 2

/*
 * int $0x80, syscall or sysenter (which returns after the int $0x80 of the
 * vDSO's __kernel_vsyscall, so a sysenter fork's child is seen at that).
 */
static inline bool sm_syscall_insn(const u8 insn[SM_SYSCALL_INSN_LEN])
{
	return (insn[0] == 0xcd && insn[1] == 0x80) ||
	       (insn[0] == 0x0f && (insn[1] == 0x05 || insn[1] == 0x34));
}

#endif /* SM_ARCH_X86_64_H */
