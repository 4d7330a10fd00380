// SPDX-License-Identifier: GPL-2.0
/*
 * SM_IOC_CONFINE's C side: from a pidfd to its task, the permission to
 * confine it, and its descendants. No policy here: src/hooks.rs decides
 * what the target's mode becomes, as for its own prctl.
 *
 * The kernel exports none of pidfd_get_task(), ptrace_may_access() and
 * tasklist_lock to modules, so:
 *
 * - a pidfd is recognized by its file system (pidfs, PID_FS_MAGIC), whose
 *   inodes keep their struct pid in i_private (fs/pidfs.c pidfd_pid());
 * - sm_may_attach() is __ptrace_may_access() (kernel/ptrace.c) for
 *   PTRACE_MODE_ATTACH_REALCREDS without its last step, the LSM hook
 *   security_ptrace_access_check(), which modules cannot call (the caller
 *   needs CAP_SYS_ADMIN in the initial user namespace as well);
 * - descendants are walked under RCU, in rounds until a round finds no
 *   unconfined one (src/hooks.rs confine()).
 */

#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/coredump.h>
#include <linux/sched/exec_state.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>

#include "sm_shim.h"

static bool sm_descends_from(struct task_struct *p, int tgid);

/*
 * The task of pidfd @fd, with a reference (sm_task_put()); NULL with *@err
 * -EBADF for a descriptor that is not a pidfd, -ESRCH for a process that
 * was reaped. A thread's pidfd gives that thread (its process is what gets
 * confined).
 */
struct task_struct *sm_pidfd_task(int fd, int *err)
{
	struct file *f = fget(fd);
	struct task_struct *task;

	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (file_inode(f)->i_sb->s_magic != PID_FS_MAGIC) {
		fput(f);
		*err = -EBADF;
		return NULL;
	}
	task = get_pid_task(file_inode(f)->i_private, PIDTYPE_PID);
	fput(f);
	if (!task)
		*err = -ESRCH;
	return task;
}

void sm_task_put(struct task_struct *task)
{
	put_task_struct(task);
}

bool sm_task_is_kthread(struct task_struct *task)
{
	return READ_ONCE(task->flags) & PF_KTHREAD;
}

bool sm_task_is_current_process(struct task_struct *task)
{
	return same_thread_group(task, current);
}

/*
 * Global init: the kernel drops SIGKILL sent to it (sig_task_ignored()),
 * so a mode could refuse its calls but never kill it.
 */
bool sm_task_is_global_init(struct task_struct *task)
{
	return is_global_init(task);
}

/*
 * Whether another process (not a thread of @task's) shares @task's memory
 * (clone(CLONE_VM) without CLONE_THREAD, or a vfork child before its exec)
 * with a mode word other than @word: a confined process could make it do
 * what its own mode refuses by writing into that memory.
 */
bool sm_mm_shared_outside(struct task_struct *task, u8 word)
{
	struct task_struct *p;
	struct mm_struct *mm;
	bool shared = false;

	mm = get_task_mm(task);
	if (!mm)
		return false;
	if (atomic_read(&mm->mm_users) > 1) {
		rcu_read_lock();
		for_each_process(p) {
			struct task_struct *t;

			if (same_thread_group(p, task) || (p->flags & PF_KTHREAD))
				continue;
			for_each_thread(p, t) {
				if (READ_ONCE(t->mm) == mm) {
					if (sm_state_get(p->tgid) != word)
						shared = true;
					break;
				}
			}
			if (shared)
				break;
		}
		rcu_read_unlock();
	}
	mmput(mm);
	return shared;
}

/*
 * Whether the caller may ptrace-attach every live descendant of process
 * @tgid (see sm_may_attach()): --children must not reach a process the
 * caller could not confine directly.
 */
bool sm_descendants_may_attach(int tgid)
{
	struct task_struct *p;
	bool ok = true;

	rcu_read_lock();
	for_each_process(p) {
		if ((p->flags & PF_KTHREAD) || same_thread_group(p, current) ||
		    !sm_descends_from(p, tgid) || atomic_read(&p->signal->live) == 0)
			continue;
		if (!sm_may_attach(p)) {
			ok = false;
			break;
		}
	}
	rcu_read_unlock();
	return ok;
}

/*
 * Whether the caller may ptrace-attach @task with its real credentials:
 * the same uid and gid as the target's real, effective and saved ones, or
 * CAP_SYS_PTRACE in the target's user namespace; and a dumpable target, or
 * CAP_SYS_PTRACE in the user namespace of its exec state
 * (__ptrace_may_access() and task_still_dumpable() in kernel/ptrace.c,
 * under the task's lock as ptrace_may_access() takes it).
 */
bool sm_may_attach(struct task_struct *task)
{
	const struct cred *cred = current_cred(), *tcred;
	const struct task_exec_state *exec_state;
	bool ok;

	task_lock(task);
	rcu_read_lock();
	tcred = __task_cred(task);
	ok = (uid_eq(cred->uid, tcred->euid) && uid_eq(cred->uid, tcred->suid) &&
	      uid_eq(cred->uid, tcred->uid) && gid_eq(cred->gid, tcred->egid) &&
	      gid_eq(cred->gid, tcred->sgid) && gid_eq(cred->gid, tcred->gid)) ||
	     ns_capable(tcred->user_ns, CAP_SYS_PTRACE);
	rcu_read_unlock();
	if (ok) {
		/* Dumpability after the credentials: pairs with commit_creds(). */
		smp_rmb();
		rcu_read_lock();
		exec_state = rcu_dereference(task->exec_state);
		if (READ_ONCE(exec_state->dumpable) != TASK_DUMPABLE_OWNER &&
		    !ns_capable(exec_state->user_ns, CAP_SYS_PTRACE))
			ok = false;
		rcu_read_unlock();
	}
	task_unlock(task);
	return ok;
}

/* Whether @p descends from process @tgid (under RCU). */
static bool sm_descends_from(struct task_struct *p, int tgid)
{
	struct task_struct *t = p;
	unsigned int depth;

	for (depth = 0; depth < PID_MAX_LIMIT; depth++) {
		struct task_struct *parent = rcu_dereference(t->real_parent);

		if (parent->tgid == tgid)
			return true;
		if (parent == t || !parent->pid)
			return false;
		t = parent;
	}
	return false;
}

/*
 * Collects up to @max live, unconfined descendants of process @tgid (but
 * never the caller's own process) into
 * @out, each with a reference; counts the confined ones into *@kept (if
 * not NULL); sets *@more if there were more than @max. Returns how many it
 * collected.
 */
unsigned int sm_descendants(int tgid, struct task_struct **out, unsigned int max,
			    unsigned int *kept, bool *more)
{
	struct task_struct *p;
	unsigned int n = 0;

	*more = false;
	rcu_read_lock();
	for_each_process(p) {
		/* Not the caller's own process (an admin shell under the target). */
		if ((p->flags & PF_KTHREAD) || same_thread_group(p, current) ||
		    !sm_descends_from(p, tgid) || atomic_read(&p->signal->live) == 0)
			continue;
		if (sm_state_get(p->tgid)) {
			if (kept)
				(*kept)++;
			continue;
		}
		if (n == max) {
			*more = true;
			continue;
		}
		get_task_struct(p);
		out[n++] = p;
	}
	rcu_read_unlock();
	return n;
}

/* A fatal signal is pending for the caller (the descendant walk stops). */
bool sm_fatal_signal_pending(void)
{
	return fatal_signal_pending(current);
}
