// SPDX-License-Identifier: GPL-2.0
/*
 * seccomp_mode: the C helpers of the table modes that Rust-for-Linux 7.2
 * has no abstraction for: per-CPU rule counters and the loader's
 * capability checks.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/percpu.h>
#include <linux/user_namespace.h>

#include "sm_shim.h"

/* @n u64 counters per CPU, zeroed; NULL on allocation failure. */
u64 __percpu *sm_pcpu_alloc(unsigned int n)
{
	if (!n)
		n = 1;
	return __alloc_percpu(sizeof(u64) * (size_t)n, __alignof__(u64));
}

void sm_pcpu_free(u64 __percpu *p)
{
	free_percpu(p);
}

/* Counts one hit on counter @i (below the allocated count). */
void sm_pcpu_inc(u64 __percpu *p, unsigned int i)
{
	this_cpu_inc(p[i]);
}

/* The sum of counter @i over every possible CPU. */
u64 sm_pcpu_sum(u64 __percpu *p, unsigned int i)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += *per_cpu_ptr(&p[i], cpu);
	return sum;
}

/*
 * Whether the opener of @file had CAP_SYS_ADMIN in the initial user
 * namespace, and the current task has it there now.
 */
bool sm_file_init_ns_sys_admin(void *file)
{
	return file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN) &&
	       ns_capable(&init_user_ns, CAP_SYS_ADMIN);
}

/* Whether the current task has CAP_SYS_ADMIN in the initial user namespace. */
bool sm_current_init_ns_sys_admin(void)
{
	return ns_capable(&init_user_ns, CAP_SYS_ADMIN);
}
