// SPDX-License-Identifier: GPL-2.0
/*
 * seccomp_mode: the C helpers of the table modes that Rust-for-Linux 7.2
 * has no abstraction for: per-CPU rule counters and the loader's
 * capability checks.
 */

#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/nospec.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/rcupdate_trace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <linux/workqueue.h>

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

/*
 * Retiring a replaced table generation without blocking the commit: after
 * an RCU grace period, a work item on the module's own workqueue drops it
 * in process context (it holds vmalloc'ed arrays and per-CPU counters).
 * The node is allocated before the commit publishes anything, so queueing
 * cannot fail.
 */
struct sm_retired {
	struct rcu_work rw;
	void *ptr;
	void (*drop)(void *ptr);
};

static struct workqueue_struct *sm_retire_wq;

int sm_retire_init(void)
{
	sm_retire_wq = alloc_workqueue("seccomp_mode_retire", WQ_UNBOUND, 0);
	return sm_retire_wq ? 0 : -ENOMEM;
}

/* Waits for every retirement queued so far, then frees the workqueue. */
void sm_retire_exit(void)
{
	rcu_barrier();
	destroy_workqueue(sm_retire_wq);
}

void *sm_retire_node(void)
{
	return kmalloc(sizeof(struct sm_retired), GFP_KERNEL);
}

void sm_retire_node_free(void *node)
{
	kfree(node);
}

static void sm_retired_fn(struct work_struct *w)
{
	struct sm_retired *r = container_of(to_rcu_work(w), struct sm_retired, rw);

	/*
	 * After the RCU grace period (Rust's readers and sm_table_fast()), one
	 * of RCU Tasks Trace: the sys_enter probe reads the fast table inside
	 * the tracepoint's own read-side section without any of its own.
	 */
	synchronize_rcu_tasks_trace();
	r->drop(r->ptr);
	kfree(r);
}

/* Drops @ptr with @drop after a grace period; consumes @node. */
void sm_retire_queue(void *node, void *ptr, void (*drop)(void *ptr))
{
	struct sm_retired *r = node;

	INIT_RCU_WORK(&r->rw, sm_retired_fn);
	r->ptr = ptr;
	r->drop = drop;
	queue_rcu_work(sm_retire_wq, &r->rw);
}

/*
 * The table modes' fast path. For each table slot, the syscalls whose
 * decision does not depend on the arguments and is ALLOW or an errno (a
 * bucket whose first entry decides without tests; an empty bucket under an
 * ERRNO/ENOSYS policy, or under a MODE1/MODE2 policy that falls through to
 * a static table allowing the call whatever its arguments), with the
 * counter that decision counts. Published by Rust with each generation
 * (struct sm_table_fast is FastTable in rust/tables_ffi.rs) and freed with
 * it after a grace period. The module's prctl numbers are never in it.
 */
struct sm_table_fast __rcu *sm_table_fasts[SM_TABLE_SLOTS];

void sm_table_fast_set(unsigned int slot, void *fast)
{
	if (slot < ARRAY_SIZE(sm_table_fasts))
		rcu_assign_pointer(sm_table_fasts[slot], (struct sm_table_fast *)fast);
}

/*
 * sm_table_fast_probe() (rust/sm_shim.h) outside the probe, for the KUnit
 * suites: in an RCU Tasks Trace read-side section of its own.
 */
int sm_table_fast(u8 word, bool compat, unsigned long nr)
{
	int ret;

	rcu_read_lock_trace();
	ret = sm_table_fast_probe(word, compat, nr);
	rcu_read_unlock_trace();
	return ret;
}

/*
 * Whether the current process may enter a table mode: as for a seccomp
 * filter (kernel/seccomp.c), it must have no_new_privs or CAP_SYS_ADMIN in
 * its user namespace. Otherwise a user could run a set-user-ID program
 * under a table whose ERRNO rules (which apply in complain mode too, where
 * execve is only logged) make its privilege drops fail. no_new_privs is a
 * thread's, a table the whole process's: every thread must have it (seccomp
 * checks TSYNC's threads the same way). Threads created later inherit it
 * from their creator, one of these, and it is never cleared.
 */
bool sm_current_may_enter_table(void)
{
	struct task_struct *t;
	bool all = true;

	if (ns_capable_noaudit(current_user_ns(), CAP_SYS_ADMIN))
		return true;
	rcu_read_lock();
	for_each_thread(current, t) {
		if (!task_no_new_privs(t)) {
			all = false;
			break;
		}
	}
	rcu_read_unlock();
	return all;
}
