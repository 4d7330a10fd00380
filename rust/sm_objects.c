// SPDX-License-Identifier: GPL-2.0
/*
 * The object checks' C side: kprobes on the kernel's LSM entry points and on
 * __secure_computing, and the facts they hand to Rust. No policy here: each
 * probe loads the caller's mode word, returns at once for an unconfined
 * caller, and otherwise asks Rust (src/hooks.rs, src/objects.rs) whether to
 * refuse; a refusal makes the probed function return an error without
 * running, as the kernel's own error injection does (kernel/fail_function.c):
 * the pre-handler points the saved instruction pointer at a stub that
 * returns the error, and returns 1 so that kprobes does not restore it.
 *
 * Why kprobes on security_*(): these functions are where the kernel asks
 * "may this task use this object?", after the path has been resolved and
 * the object exists, before it is handed to the task. A check there looks
 * at the object itself, so another thread changing a path string after the
 * check changes nothing, and there is no window in which a forbidden object
 * is reachable through a file descriptor. They exist as real functions only
 * with CONFIG_SECURITY=y (and CONFIG_SECURITY_NETWORK=y for sockets), as on
 * distribution kernels; LSMs themselves cannot be modules.
 */

#include <linux/dcache.h>
#include <linux/file.h>
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/kprobes.h>
#include <linux/kstrtox.h>
#include <linux/magic.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/rcupdate_trace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/timekeeping.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "sm_shim.h"

/* --- Return-value stubs ------------------------------------------------- */

/*
 * A refused call "returns" through one of these: the pre-handler points the
 * probed function's instruction pointer here, with the stack and argument
 * registers exactly as at the function's entry, so that the stub returns
 * to the probed function's caller.
 */
static noinline int sm_ret_eacces(void)
{
	return -EACCES;
}

static noinline int sm_ret_eafnosupport(void)
{
	return -EAFNOSUPPORT;
}

/* __secure_computing() returning -1: skip the syscall. */
static noinline int sm_ret_skip(void)
{
	return -1;
}

static int sm_override(struct pt_regs *regs, int (*stub)(void))
{
	instruction_pointer_set(regs, (unsigned long)stub);
	return 1;
}

/* --- security_file_open(struct file *) --------------------------------- */

/*
 * Whether procfs entry @top (right under the root, e.g. "1234") is a
 * process directory of another process than the current one, as seen in
 * the pid namespace of procfs instance @sb. Its threads' top-level "<tid>"
 * directories count as its own.
 */
static bool sm_proc_other_process(struct dentry *top, struct super_block *sb)
{
	char num[12];
	unsigned int nr;
	struct task_struct *task;
	bool other;

	if (!top->d_name.len || top->d_name.len >= sizeof(num))
		return false;
	memcpy(num, top->d_name.name, top->d_name.len);
	num[top->d_name.len] = '\0';
	if (kstrtouint(num, 10, &nr))
		return false;
	rcu_read_lock();
	task = pid_task(find_pid_ns(nr, proc_pid_ns(sb)), PIDTYPE_PID);
	/* A process that is gone: its entries are dead; refuse all the same. */
	other = !task || !same_thread_group(task, current);
	rcu_read_unlock();
	return other;
}

/*
 * What the open check needs of a procfs file: the entry right under the
 * root that it lives in (itself, for "kcore" and friends; "<pid>" for the
 * files of a process; the "self" link resolves to the latter) and whether
 * that is another process's directory. procfs never renames its entries
 * and the open file pins the dentry and its parents, so the walk is stable.
 */
static void sm_proc_facts(struct sm_open_facts *f, struct dentry *dentry, struct super_block *sb)
{
	struct dentry *top = dentry;

	if (dentry == sb->s_root)
		return;
	while (top->d_parent != sb->s_root)
		top = top->d_parent;
	if (top == dentry) {
		f->name_len = min_t(u32, dentry->d_name.len, sizeof(f->name));
		memcpy(f->name, dentry->d_name.name, f->name_len);
		f->proc_top = true;
	}
	f->proc_other = sm_proc_other_process(top, sb);
}

static int sm_kp_file_open(struct kprobe *kp, struct pt_regs *regs)
{
	u8 word = sm_current_state_inline();
	struct file *file;
	struct dentry *dentry;
	struct inode *inode;
	struct sm_open_facts f = {};

	if (likely(!word))
		return 0;
	file = (struct file *)regs_get_kernel_argument(regs, 0);
	dentry = file->f_path.dentry;
	inode = file_inode(file);
	f.magic = inode->i_sb->s_magic;
	f.mode = inode->i_mode;
	if (S_ISCHR(inode->i_mode) || S_ISBLK(inode->i_mode)) {
		f.major = MAJOR(inode->i_rdev);
		f.minor = MINOR(inode->i_rdev);
	}
	f.write = !!(file->f_mode & FMODE_WRITE);
	if (f.magic == PROC_SUPER_MAGIC)
		sm_proc_facts(&f, dentry, inode->i_sb);
	if (sm_rs_file_open(&f, word))
		return sm_override(regs, sm_ret_eacces);
	return 0;
}

/* --- security_socket_create(int family, int type, int protocol, int kern) */

static int sm_kp_socket_create(struct kprobe *kp, struct pt_regs *regs)
{
	u8 word = sm_current_state_inline();

	if (likely(!word))
		return 0;
	/* Sockets the kernel makes for itself are not the process's. */
	if ((int)regs_get_kernel_argument(regs, 3))
		return 0;
	if (sm_rs_socket_create((int)regs_get_kernel_argument(regs, 0), word))
		return sm_override(regs, sm_ret_eafnosupport);
	return 0;
}

/*
 * --- security_ptrace_access_check(struct task_struct *, unsigned int mode)
 *
 * __ptrace_may_access() calls it only for another process (a thread of the
 * caller's own process passes before), once the credential checks passed:
 * every /proc/<pid>/ file that needs ptrace access (mem, environ, auxv,
 * pagemap, the fd/, map_files/, cwd, root and exe links), kcmp, pidfd_getfd,
 * process_madvise and ptrace itself.
 */
static int sm_kp_ptrace_access(struct kprobe *kp, struct pt_regs *regs)
{
	u8 word = sm_current_state_inline();
	struct task_struct *target;

	if (likely(!word))
		return 0;
	target = (struct task_struct *)regs_get_kernel_argument(regs, 0);
	if (sm_rs_ptrace_access(target->tgid, (unsigned int)regs_get_kernel_argument(regs, 1),
				word))
		return sm_override(regs, sm_ret_eacces);
	return 0;
}

/*
 * --- __secure_computing(void)
 *
 * A task with a seccomp filter runs it before the sys_enter tracepoint, and
 * a filter can complete the syscall without it ever reaching the tracepoint:
 * SECCOMP_RET_USER_NOTIF answered by a supervisor, ERRNO, TRAP, TRACE with
 * a tracer that skips it. For a confined process the module decides first,
 * here: a syscall its mode refuses kills it before any filter sees it, as it
 * would without a filter. Allowed syscalls go on to the filter and then to
 * the tracepoint as usual. Only tasks with a seccomp filter pay for this
 * probe.
 */
static int sm_kp_secure_computing(struct kprobe *kp, struct pt_regs *regs)
{
	u8 word = sm_current_state_inline();
	struct pt_regs *uregs;

	if (likely(!word))
		return 0;
	uregs = current_pt_regs();
	if (sm_rs_seccomp_entry(uregs, syscall_get_nr(current, uregs), word, sm_in_ia32_syscall()))
		return sm_override(regs, sm_ret_skip);
	return 0;
}

/* --- io_uring ownership ------------------------------------------------- */

/* An io_uring instance: an anonymous inode file named "[io_uring]". */
static bool sm_is_io_uring_file(struct file *file)
{
	struct dentry *d = file->f_path.dentry;

	return file_inode(file)->i_sb->s_magic == ANON_INODE_FS_MAGIC &&
	       d->d_name.len == 10 && !memcmp(d->d_name.name, "[io_uring]", 10);
}

static int sm_fd_is_io_uring(const void *arg, struct file *file, unsigned int fd)
{
	return sm_is_io_uring_file(file);
}

/* Whether @t has used io_uring (it has a task context). */
static bool sm_task_io_uring_ctx(struct task_struct *t)
{
#ifdef CONFIG_IO_URING
	return READ_ONCE(t->io_uring) != NULL;
#else
	return false;
#endif
}

/*
 * Whether the current process owns io_uring state: a thread that has used a
 * ring (its io_uring task context), an io_uring worker or SQPOLL thread, or
 * a ring in its file table.
 */
bool sm_current_has_io_uring(void)
{
	struct task_struct *t;
	bool found = false;

	rcu_read_lock();
	for_each_thread(current, t) {
		if (sm_task_io_uring_ctx(t) || (t->flags & PF_IO_WORKER)) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	if (!found && current->files)
		found = iterate_fd(current->files, 0, sm_fd_is_io_uring, NULL) != 0;
	return found;
}

/*
 * --- security_uring_allowed(void): the start of every io_uring_setup
 *
 * sm_uring_seen has a bit per process (tgid) that has begun an
 * io_uring_setup since it started (cleared when it exits). The probe sets
 * the bit, then reads the mode word; PR_SECCOMP_MODE_SET publishes the mode
 * word, then reads the bit (sm_uring_seen_after_publish()). With a full
 * barrier on both sides, at least one of them sees the other: either the
 * setup is refused here, or the prctl finds the bit and kills the process.
 * No ring set up by a thread racing the prctl survives in a confined
 * process.
 */
static DECLARE_BITMAP(sm_uring_seen, PID_MAX_LIMIT);

static noinline int sm_ret_eperm(void)
{
	return -EPERM;
}

static int sm_kp_uring_allowed(struct kprobe *kp, struct pt_regs *regs)
{
	set_bit(current->tgid & (PID_MAX_LIMIT - 1), sm_uring_seen);
	smp_mb__after_atomic();
	if (sm_current_state_inline())
		return sm_override(regs, sm_ret_eperm);
	return 0;
}

/* Whether the current process has begun an io_uring_setup. */
bool sm_uring_seen_current(void)
{
	return test_bit(current->tgid & (PID_MAX_LIMIT - 1), sm_uring_seen);
}

/* The same, after the mode word was published: pairs with the probe. */
bool sm_uring_seen_after_publish(void)
{
	smp_mb();
	return sm_uring_seen_current();
}

/* Process @tgid has exited: its successor with that tgid starts clean. */
void sm_uring_forget(int tgid)
{
	unsigned int bit = tgid & (PID_MAX_LIMIT - 1);

	if (test_bit(bit, sm_uring_seen))
		clear_bit(bit, sm_uring_seen);
}

/* --- Registration ------------------------------------------------------- */

static struct kprobe sm_kprobes[] = {
	{ .symbol_name = "security_file_open", .pre_handler = sm_kp_file_open },
	{ .symbol_name = "security_socket_create", .pre_handler = sm_kp_socket_create },
	{ .symbol_name = "security_ptrace_access_check", .pre_handler = sm_kp_ptrace_access },
	{ .symbol_name = "__secure_computing", .pre_handler = sm_kp_secure_computing },
#ifdef CONFIG_IO_URING
	{ .symbol_name = "security_uring_allowed", .pre_handler = sm_kp_uring_allowed },
#endif
};
static struct kprobe *sm_kprobe_ptrs[ARRAY_SIZE(sm_kprobes)];

/*
 * Registers every probe or none; -ENOENT-style errors name the missing
 * function in the log (e.g. a kernel built with CONFIG_SECURITY=n).
 */
int sm_kprobes_register(void)
{
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(sm_kprobes); i++) {
		sm_kprobe_ptrs[i] = &sm_kprobes[i];
		ret = register_kprobe(&sm_kprobes[i]);
		if (ret) {
			pr_err("seccomp_mode: cannot probe %s: error %d (needs CONFIG_SECURITY, CONFIG_SECURITY_NETWORK, CONFIG_KPROBES)\n",
			       sm_kprobes[i].symbol_name, ret);
			if (i)
				unregister_kprobes(sm_kprobe_ptrs, i);
			return ret;
		}
	}
	return 0;
}

/* Unregisters them all; no handler runs any more when this returns. */
void sm_kprobes_unregister(void)
{
	unregister_kprobes(sm_kprobe_ptrs, ARRAY_SIZE(sm_kprobes));
}

/*
 * --- After a process entered a mode
 *
 * PR_SECCOMP_MODE_SET runs inside the sys_enter probe, i.e. inside the
 * tracepoint's RCU Tasks Trace read-side section, where it cannot wait for
 * the other threads' probes. So a process that enters a mode queues this
 * task_work, which runs when the prctl returns to user mode, before the
 * caller sees the result: it waits until every sys_enter probe that was
 * running when the mode word was published has returned (a grace period of
 * RCU Tasks Trace, the flavour the syscall tracepoints use) and every fork
 * probe too (plain RCU), so that every syscall of another thread that read
 * the old word has passed its entry and every fork that did has recorded
 * its child, and then confines the children of those forks.
 */
struct sm_post_enter {
	struct callback_head cb;
	/* When the prctl began: CLOCK_MONOTONIC, as task->start_time. */
	u64 t0;
};

/*
 * Children that a fork racing the prctl created: a fork whose probe read
 * the parent's old mode word (it began before the word was published)
 * produced an unconfined child, which may not even have run yet. After
 * both grace periods every such probe has returned, so every such child is
 * in the task list: each process whose parent is a thread of the current
 * process, that is not confined, and that was created after the prctl
 * began (start_time >= @t0) or has never been on a CPU (not woken yet, or
 * woken but not yet scheduled), is handed to sm_rs_adopt_child(), which
 * confines it as the fork probe would have. So no child runs its first
 * instruction unconfined after the prctl returned. A child created before
 * the prctl began that already ran is an existing child, which the prctl
 * does not touch.
 */
static void sm_adopt_racing_children(u64 t0)
{
	struct task_struct *p;

	rcu_read_lock();
	for_each_process(p) {
		struct task_struct *parent = rcu_dereference(p->real_parent);

		if (parent->tgid != current->tgid || p->tgid == current->tgid)
			continue;
		if (p->start_time < t0 && READ_ONCE(p->se.sum_exec_runtime))
			continue;
		sm_rs_adopt_child(p);
	}
	rcu_read_unlock();
}

/*
 * Whether every thread of @task's process has begun to exit, after a full
 * barrier: paired with the exit path's atomic_dec_and_test(&signal->live)
 * before the exit probe reads the mode word, a recorded entry is either
 * seen by the exit probe or seen exiting here.
 */
bool sm_task_group_dead(struct task_struct *task)
{
	smp_mb();
	return atomic_read(&task->signal->live) == 0;
}

static void sm_post_enter_fn(struct callback_head *cb)
{
	struct sm_post_enter *pe = container_of(cb, struct sm_post_enter, cb);
	u64 t0 = pe->t0;

	kfree(pe);
	/* Every sys_enter probe (syscall tracepoints: RCU Tasks Trace) ... */
	synchronize_rcu_tasks_trace();
	/* ... and every fork probe (other tracepoints: preemption off). */
	synchronize_rcu();
	sm_adopt_racing_children(t0);
}

/*
 * Allocated before anything changes, so that failing changes nothing;
 * remembers when the prctl began.
 */
void *sm_post_enter_alloc(void)
{
	struct sm_post_enter *pe = kmalloc(sizeof(*pe), GFP_KERNEL);

	if (pe)
		pe->t0 = ktime_get_ns();
	return pe;
}

void sm_post_enter_free(void *p)
{
	kfree(p);
}

/*
 * Queues @p (from sm_post_enter_alloc()) on the current task. Fails only if
 * the task is exiting, and then nothing of it returns to user mode.
 */
void sm_post_enter_queue(void *p)
{
	struct sm_post_enter *pe = p;

	init_task_work(&pe->cb, sm_post_enter_fn);
	if (task_work_add(current, &pe->cb, TWA_RESUME))
		kfree(pe);
}
