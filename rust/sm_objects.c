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

#include <linux/cred.h>
#include <linux/completion.h>
#include <linux/dcache.h>
#include <linux/delay.h>
#include <linux/file.h>
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/kdev_t.h>
#include <linux/kthread.h>
#include <linux/kprobes.h>
#include <linux/kstrtox.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/rcupdate_trace.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/task_work.h>
#include <linux/tracepoint.h>
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

static noinline int sm_ret_eperm(void)
{
	return -EPERM;
}

static int sm_override(struct pt_regs *regs, int (*stub)(void))
{
	instruction_pointer_set(regs, (unsigned long)stub);
	return 1;
}

/*
 * Never called (a pre-handler that overrides returns 1, which skips it);
 * its presence makes kprobes on x86_64 arm the probe through its IPMODIFY
 * ftrace ops, so that ftrace arbitrates with other users that change the
 * return address (livepatch), and keeps a breakpoint probe from being
 * optimized into a jump, which would ignore the new instruction pointer — as
 * kernel/fail_function.c does. arm64 has no kprobes on ftrace: its probes
 * are BRK traps at the function's entry, where x30 still holds the return
 * address, so the stub returns straight to the caller (as arm64's
 * override_function_with_return()).
 */
static void sm_kp_post(struct kprobe *kp, struct pt_regs *regs, unsigned long flags)
{
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
	struct sm_open_facts f;

	if (likely(!word))
		return 0;
	/* Zeroed only here: the unconfined path must not pay for it. */
	memset(&f, 0, sizeof(f));
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
 * --- security_kernel_module_request(char *kmod_name)
 *
 * request_module() in the context of the task whose call needs the module:
 * an unknown socket protocol ("net-pf-2-proto-132"), a TCP congestion
 * control or ULP name chosen by the caller ("tcp_<name>"), a file system,
 * a line discipline. Each loads kernel code the daemon did not load before
 * its prctl; refused for a confined process.
 */
static int sm_kp_module_request(struct kprobe *kp, struct pt_regs *regs)
{
	u8 word = sm_current_state_inline();
	const char *name;
	char buf[32];

	if (likely(!word))
		return 0;
	name = (const char *)regs_get_kernel_argument(regs, 0);
	strscpy_pad(buf, name ? name : "", sizeof(buf));
	if (sm_rs_module_request((const u8 *)buf, strnlen(buf, sizeof(buf)), word))
		return sm_override(regs, sm_ret_eperm);
	return 0;
}

/*
 * --- security_capable(const struct cred *, struct user_namespace *, int cap,
 *                      unsigned int opts)
 *
 * Every capability check of the kernel. A confined root process keeps only
 * the capabilities a daemon uses on its files and ports (src/objects.rs,
 * CAPS_KEPT); CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN, CAP_SYS_RAWIO,
 * CAP_PERFMON, CAP_SYSLOG and the rest fail as for an unprivileged process.
 * Only checks of the current task's own credentials are its business.
 */
static int sm_kp_capable(struct kprobe *kp, struct pt_regs *regs)
{
	u8 word = sm_current_state_inline();

	if (likely(!word))
		return 0;
	if ((const struct cred *)regs_get_kernel_argument(regs, 0) != current_cred())
		return 0;
	if (sm_rs_capable((int)regs_get_kernel_argument(regs, 2),
			  !((unsigned int)regs_get_kernel_argument(regs, 3) & CAP_OPT_NOAUDIT), word))
		return sm_override(regs, sm_ret_eperm);
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
	if (sm_rs_seccomp_entry(uregs, syscall_get_nr(current, uregs), word, sm_in_compat_syscall()))
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

/*
 * Whether the process of @task owns io_uring state: an io_uring worker or
 * SQPOLL thread, a ring in its file table, or a ring mapped into its memory
 * (a mapping keeps a ring alive after its descriptor is closed, and an
 * SQPOLL thread keeps running what is written there). For another process
 * than the caller's (SM_IOC_CONFINE), its file table is looked at under
 * task_lock() and its memory through a reference (get_task_mm()).
 */
bool sm_task_has_io_uring(struct task_struct *task)
{
	struct task_struct *t;
	struct mm_struct *mm;
	struct vm_area_struct *vma;
	bool found = false;

	rcu_read_lock();
	for_each_thread(task, t) {
		if (t->flags & PF_IO_WORKER) {
			found = true;
			break;
		}
	}
	rcu_read_unlock();
	if (!found) {
		task_lock(task);
		if (task->files)
			found = iterate_fd(task->files, 0, sm_fd_is_io_uring, NULL) != 0;
		task_unlock(task);
	}
	mm = found ? NULL : get_task_mm(task);
	if (mm) {
		VMA_ITERATOR(vmi, mm, 0);

		mmap_read_lock(mm);
		for_each_vma(vmi, vma) {
			if (vma->vm_file && sm_is_io_uring_file(vma->vm_file)) {
				found = true;
				break;
			}
		}
		mmap_read_unlock(mm);
		mmput(mm);
	}
	return found;
}

/* The same for the current process. */
bool sm_current_has_io_uring(void)
{
	return sm_task_has_io_uring(current);
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

/* The same for process @tgid, just confined by adoption. */
bool sm_uring_seen_tgid_after_publish(int tgid)
{
	smp_mb();
	return test_bit(tgid & (PID_MAX_LIMIT - 1), sm_uring_seen);
}

/* Process @tgid has exited: its successor with that tgid starts clean. */
void sm_uring_forget(int tgid)
{
	unsigned int bit = tgid & (PID_MAX_LIMIT - 1);

	if (test_bit(bit, sm_uring_seen))
		clear_bit(bit, sm_uring_seen);
}

/* --- Registration ------------------------------------------------------- */

#define SM_KPROBE(sym, handler) \
	{ .symbol_name = sym, .pre_handler = handler, .post_handler = sm_kp_post }

static struct kprobe sm_kprobes[] = {
	SM_KPROBE("security_file_open", sm_kp_file_open),
	SM_KPROBE("security_socket_create", sm_kp_socket_create),
	SM_KPROBE("security_ptrace_access_check", sm_kp_ptrace_access),
	SM_KPROBE("security_kernel_module_request", sm_kp_module_request),
	SM_KPROBE("security_capable", sm_kp_capable),
	SM_KPROBE("__secure_computing", sm_kp_secure_computing),
#ifdef CONFIG_IO_URING
	SM_KPROBE("security_uring_allowed", sm_kp_uring_allowed),
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

/*
 * Whether @task ran another program since its fork: exec bumps its
 * self_exec_id, which fork copied from the parent's, as parent_exec_id.
 */
bool sm_task_execd(struct task_struct *task)
{
	return READ_ONCE(task->self_exec_id) != READ_ONCE(task->parent_exec_id);
}

/*
 * --- Forks racing the prctl
 *
 * A fork whose probe reads the parent's mode word before PR_SECCOMP_MODE_SET
 * publishes it makes an unconfined child, which may run after the prctl
 * returned. Two bitmaps per tgid close that window:
 *
 * - sm_entering: set by the prctl (with a full barrier) before it publishes
 *   the word, cleared once every fork probe that may have read the old word
 *   has returned;
 * - sm_racing: set by the fork probe for a child whose parent read as
 *   unconfined but entering or racing itself, so that the children of a
 *   racing child (forked before it is confined) are racing too.
 *
 * A fork probe that reads the word as 0 then reads the entering bit: if it
 * sees it clear, it ran before the prctl began, and its child is an existing
 * child, which the prctl confines only while it has not run user code
 * (below): the fork is ordered before the prctl, as if it had returned
 * before the prctl was called. After the prctl published the word, a
 * task_work on its way back to user mode waits until every fork probe that
 * began before has returned (sm_wait_fork_probes(); a process of one thread
 * has none to wait for: sm_settle_entered_self()), clears the entering
 * bit, and confines every unconfined racing process with its parent's mode
 * (sm_rs_adopt_child()), and every unconfined child of the process that has
 * not run user code yet (forked before the prctl began, but never on a CPU,
 * stopped on its way out of the fork, or held by the fault of its first
 * instruction: see sm_task_freshness()), again after each such wait until
 * a round finds none: so no racing
 * process, child or grandchild, is left unconfined when the prctl returns,
 * and no child runs its first instruction unconfined after it returned. A
 * racing process whose parent is not confined (its racing parent exited and
 * it was reparented) is killed. Racing bits stay set until the process
 * exits (a confined process's forks are confined by the fork probe).
 *
 * One case leaves marks behind: the prctl failing to record the process
 * (out of memory) after sm_entering_set(). Children marked in that window
 * are then confined if their parent later enters a mode, or killed by a
 * later round if they outlive it.
 */
static DECLARE_BITMAP(sm_entering, PID_MAX_LIMIT);
static DECLARE_BITMAP(sm_racing, PID_MAX_LIMIT);

static unsigned int sm_bit(int tgid)
{
	return (unsigned int)tgid & (PID_MAX_LIMIT - 1);
}

/* Before the current process publishes a mode word for the first time. */
void sm_entering_set(void)
{
	set_bit(sm_bit(current->tgid), sm_entering);
	smp_mb__after_atomic();
}

/* The prctl failed after sm_entering_set(): nothing was published. */
void sm_entering_clear(void)
{
	clear_bit(sm_bit(current->tgid), sm_entering);
}

/* sm_entering_set() for process @tgid, confined from outside (SM_IOC_CONFINE). */
void sm_entering_set_tgid(int tgid)
{
	set_bit(sm_bit(tgid), sm_entering);
	smp_mb__after_atomic();
}

/*
 * In the fork probe of an unconfined parent (its word read as 0): marks the
 * child racing if the parent is entering a mode or racing itself.
 */
void sm_fork_unconfined(int parent_tgid, int child_tgid)
{
	smp_rmb();
	if (test_bit(sm_bit(parent_tgid), sm_entering) ||
	    test_bit(sm_bit(parent_tgid), sm_racing))
		set_bit(sm_bit(child_tgid), sm_racing);
}

/* Process @tgid has exited: its successor with that tgid starts clean. */
void sm_racing_forget(int tgid)
{
	unsigned int bit = sm_bit(tgid);

	if (test_bit(bit, sm_racing))
		clear_bit(bit, sm_racing);
	if (test_bit(bit, sm_entering))
		clear_bit(bit, sm_entering);
}

/* What a child's saved registers tell about whether it ran user code. */
enum sm_freshness {
	/* It ran (or exited, or exec'd). */
	SM_RAN,
	/* Its registers are still those of its fork. */
	SM_FRESH,
	/* Saved again, maybe before it ran: its code has the last word. */
	SM_ASK,
};

/*
 * Whether child @p of the current process has, by all signs, not run user
 * code since its fork: its saved user registers are still the fork's
 * (sm_fork_regs_fresh() of the architecture, src/arch/). They are saved
 * again at every kernel entry, so a child that ran in user mode for longer
 * than a timer tick looks otherwise; one that just left the kernel may
 * still look fresh, and is then confined too (the safe side). Where an
 * entry before the child's first instruction can change what the fork left
 * (x86's orig_ax after an int $0x80 fork), the registers may leave it open
 * (sm_fork_regs_maybe_fresh()): SM_ASK, with *@ip the child's instruction
 * pointer, for sm_syscall_insn_ends_at(). Reads another task's registers:
 * it is not exiting, and a stack is only reused or freed after its task
 * exited, so the read is of mapped memory at worst stale.
 */
static enum sm_freshness sm_task_freshness(struct task_struct *p, unsigned long *ip)
{
	struct pt_regs *regs;
	void *stack;

	/*
	 * A task's stack is released after it set PF_EXITING, and then freed
	 * after an RCU grace period or reused: seen not exiting under RCU, the
	 * stack it had stays mapped. A zombie has none (NULL).
	 */
	if (READ_ONCE(p->flags) & PF_EXITING)
		return SM_RAN;
	/* A child that exec'd ran user code (maybe a set-user-ID program's). */
	if (sm_task_execd(p))
		return SM_RAN;
	smp_rmb();
	stack = READ_ONCE(p->stack);
	if (!stack)
		return SM_RAN;
	regs = sm_stack_regs(stack);
	if (sm_fork_regs_fresh(regs))
		return SM_FRESH;
	return sm_fork_regs_maybe_fresh(regs, ip) ? SM_ASK : SM_RAN;
}

/*
 * Copies @len bytes at @addr of @mm to @buf, from pages that are present
 * only: never faults, never waits for the mm's lock or a page's (a page
 * of a file whose server does not answer must not hold up the caller).
 * Returns whether it copied them.
 */
static bool sm_peek_present(struct mm_struct *mm, unsigned long addr, u8 *buf, size_t len)
{
	bool ok = true;

	if (!mmap_read_trylock(mm))
		return false;
	while (ok && len) {
		size_t off = offset_in_page(addr);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		struct page *page;
		void *kaddr;

		if (get_user_pages_remote(mm, addr, 1, FOLL_NOFAULT, &page, NULL) != 1) {
			ok = false;
			break;
		}
		kaddr = kmap_local_page(page);
		memcpy(buf, kaddr + off, n);
		kunmap_local(kaddr);
		put_page(page);
		addr += n;
		buf += n;
		len -= n;
	}
	mmap_read_unlock(mm);
	return ok;
}

/*
 * Whether the instruction that ends at @ip in @p's memory is one that
 * enters the kernel for a syscall (sm_syscall_insn() of the architecture):
 * then @p, with the registers sm_fork_regs_maybe_fresh() saw, is still
 * where its fork left it. What cannot be read without waiting (a page not
 * present: the child may be in the fault that brings it in) counts as yes,
 * the safe side. May sleep (mmput()).
 */
static bool sm_syscall_insn_ends_at(struct task_struct *p, unsigned long ip)
{
	u8 insn[SM_SYSCALL_INSN_LEN];
	struct mm_struct *mm;
	bool read;

	if (ip < SM_SYSCALL_INSN_LEN)
		return true;
	mm = get_task_mm(p);
	if (!mm)
		return true;
	read = sm_peek_present(mm, ip - SM_SYSCALL_INSN_LEN, insn, sizeof(insn));
	mmput(mm);
	return !read || sm_syscall_insn(insn);
}

/* A child a round asks about (SM_ASK), held, with its instruction pointer. */
struct sm_ask {
	struct task_struct *task;
	unsigned long ip;
};

/* The asked-about children of one round; grows under RCU (GFP_ATOMIC). */
struct sm_asks {
	struct sm_ask *v;
	unsigned int n, cap;
};

/*
 * Holds @p in @a; false if @a cannot grow (out of memory): the caller then
 * confines @p without asking, the safe side.
 */
static bool sm_asks_add(struct sm_asks *a, struct task_struct *p, unsigned long ip)
{
	if (a->n == a->cap) {
		unsigned int cap = a->cap ? 2 * a->cap : 16;
		struct sm_ask *v;

		v = krealloc_array(a->v, cap, sizeof(*v), GFP_ATOMIC | __GFP_NOWARN);
		if (!v)
			return false;
		a->v = v;
		a->cap = cap;
	}
	get_task_struct(p);
	a->v[a->n].task = p;
	a->v[a->n++].ip = ip;
	return true;
}

/*
 * Adopts @p, a child of process @tgid held by a reference, after the sleep
 * of asking about it, if it is still alive, unconfined, @tgid's, and where
 * it was when asked about (it may have run meanwhile).
 */
static bool sm_adopt_asked(int tgid, struct task_struct *p, unsigned long ip)
{
	struct task_struct *parent;
	bool adopted = false;
	unsigned long now;

	rcu_read_lock();
	/* Not released: its real_parent is a live task or RCU-protected. */
	if (pid_alive(p) && !(READ_ONCE(p->flags) & PF_EXITING)) {
		parent = rcu_dereference(p->real_parent);
		switch (sm_task_freshness(p, &now)) {
		case SM_RAN:
			break;
		case SM_ASK:
			if (now != ip)
				break;
			fallthrough;
		case SM_FRESH:
			adopted = parent->tgid == tgid && !sm_state_get(p->tgid) &&
				  sm_rs_adopt_child(parent, p);
			break;
		}
	}
	rcu_read_unlock();
	return adopted;
}

/*
 * One round: confines the racing processes whose parent is confined (kills
 * those that cannot be), and the children of process @tgid (which just
 * entered a mode) that have not run user code yet. Returns how many it
 * confined or killed: each may have a fork in flight, whose probe may mark
 * a racing child after the walk, so a non-zero round is followed by a wait
 * and another round. A racing process that was dying already (killed by an
 * earlier round) is not counted again, so the rounds end. Sleeps (asking
 * about a child).
 */
static unsigned int sm_adopt_round(int tgid)
{
	struct sm_asks asks = {};
	unsigned int adopted = 0, i;
	struct task_struct *p;

	rcu_read_lock();
	for_each_process(p) {
		struct task_struct *parent;
		unsigned long ip;
		bool racing, dying;

		if (sm_state_get(p->tgid))
			continue;
		parent = rcu_dereference(p->real_parent);
		racing = test_bit(sm_bit(p->tgid), sm_racing);
		if (!racing) {
			if (parent->tgid != tgid)
				continue;
			switch (sm_task_freshness(p, &ip)) {
			case SM_RAN:
				continue;
			case SM_ASK:
				if (sm_asks_add(&asks, p, ip))
					continue;
				break;
			case SM_FRESH:
				break;
			}
		}
		dying = racing && ((READ_ONCE(p->flags) & PF_EXITING) ||
				   __fatal_signal_pending(p));
		if (sm_rs_adopt_child(parent, p) || (racing && !dying))
			adopted++;
	}
	rcu_read_unlock();

	for (i = 0; i < asks.n; i++) {
		struct sm_ask *a = &asks.v[i];

		if (sm_syscall_insn_ends_at(a->task, a->ip) &&
		    sm_adopt_asked(tgid, a->task, a->ip))
			adopted++;
		put_task_struct(a->task);
	}
	kfree(asks.v);
	return adopted;
}

/*
 * Waits until every sched_process_fork probe that began before has returned,
 * with what it marked. In 7.2 a non-faultable tracepoint calls its probes
 * inside an SRCU-fast read-side section of tracepoint_srcu, preemptible
 * (include/linux/tracepoint.h, __DECLARE_TRACE): synchronize_rcu() would not
 * wait for a probe preempted between its read of the mode word and its
 * racing mark.
 */
static void sm_wait_fork_probes(void)
{
	synchronize_srcu(&tracepoint_srcu);
}

/*
 * For KUnit: whether sm_wait_fork_probes() waits for a reader inside the
 * read-side section a fork probe runs in (taken as __DO_TRACE_CALL's caller
 * takes it), while that reader sleeps.
 */
struct sm_fork_probe_reader {
	struct completion entered;
	struct completion done;
	atomic_t left;
};

static int sm_fork_probe_reader_fn(void *arg)
{
	struct sm_fork_probe_reader *r = arg;

	scoped_guard(srcu_fast_notrace, &tracepoint_srcu) {
		complete(&r->entered);
		msleep(50);
		atomic_set(&r->left, 1);
	}
	kthread_complete_and_exit(&r->done, 0);
}

bool sm_wait_fork_probes_selftest(void)
{
	struct sm_fork_probe_reader r;
	struct task_struct *k;
	bool waited;

	init_completion(&r.entered);
	init_completion(&r.done);
	atomic_set(&r.left, 0);
	k = kthread_run(sm_fork_probe_reader_fn, &r, "sm_fork_reader");
	if (IS_ERR(k))
		return false;
	wait_for_completion(&r.entered);
	sm_wait_fork_probes();
	waited = atomic_read(&r.left);
	wait_for_completion(&r.done);
	return waited;
}

struct sm_post_enter {
	struct callback_head cb;
};

/*
 * After process @tgid published its mode word (with its entering bit set):
 * once every fork probe that may have read the old word has returned (when
 * @wait_first; else the caller knows none can be in flight), clears the bit
 * and adopts racing processes until a round finds none; a round that
 * confined or killed something is followed by a wait, since a racing
 * process may be forking. Sleeps.
 */
static void sm_settle(int tgid, bool wait_first)
{
	if (wait_first)
		sm_wait_fork_probes();
	else
		smp_mb();
	clear_bit(sm_bit(tgid), sm_entering);
	while (sm_adopt_round(tgid))
		sm_wait_fork_probes();
}

/* sm_settle() for process @tgid, confined from outside (SM_IOC_CONFINE). */
void sm_settle_entered(int tgid)
{
	sm_settle(tgid, true);
}

/*
 * sm_settle() for the current process, which just entered a mode by its
 * prctl. Only the process's own threads read its word and entering bit in
 * a fork probe (the probe's parent is the forking thread). A process of one
 * thread forks only in that thread, which is here: every such probe ran to
 * its end in a fork that returned before the prctl began, and no other
 * thread can begin one meanwhile, as only this one could create it. So the
 * first round needs no wait. thread_group_empty() is read without a lock:
 * only this thread adds threads, so it never misses one; a thread that
 * forked during the prctl and then left makes it answer "empty", and
 * sm_settle()'s barrier orders that read before the round's reads of the
 * racing bits its probe set (its exit's barriers order them on its side).
 */
static void sm_settle_entered_self(void)
{
	sm_settle(current->tgid, !thread_group_empty(current));
}

static void sm_post_enter_fn(struct callback_head *cb)
{
	kfree(container_of(cb, struct sm_post_enter, cb));
	sm_settle_entered_self();
}

/* --- After a process entered a mode -------------------------------------- */

/*
 * PR_SECCOMP_MODE_SET runs inside the sys_enter probe, i.e. inside the
 * tracepoint's RCU Tasks Trace read-side section, where it cannot wait for
 * a grace period. So a process that enters a mode queues this task_work,
 * which runs when the prctl returns to user mode, before the caller sees
 * the result (sm_post_enter_fn() above).
 */

/* Allocated before anything changes, so that failing changes nothing. */
void *sm_post_enter_alloc(void)
{
	return kmalloc(sizeof(struct sm_post_enter), GFP_KERNEL);
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
	if (task_work_add(current, &pe->cb, TWA_RESUME)) {
		kfree(pe);
		sm_entering_clear();
	}
}
