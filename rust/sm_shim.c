// SPDX-License-Identifier: GPL-2.0
/*
 * C shims for seccomp_mode: the kernel's static inlines, macros and
 * unexported-symbol lookups that Rust cannot reach through the kernel crate's
 * bindings. Each function is a thin wrapper with no policy of its own; the
 * Rust side declares them in rust/ffi.rs and wraps them in safe functions.
 * The one exception is the sys_enter probe's fast path, which runs before
 * every syscall and so lives here, without a stack frame: it only tests the
 * caller's mode word and a bitmap that Rust builds from the tables.
 */

#include <linux/module.h>
#include <linux/nospec.h>
#include <linux/proc_fs.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/threads.h>
#include <linux/tracepoint.h>
#include <linux/minmax.h>
#include <linux/xarray.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "sm_shim.h"

/* array_index_nospec() for a table lookup: index clamped to 0 when >= size. */
unsigned long sm_array_index_nospec(unsigned long index, unsigned long size)
{
	return array_index_nospec(index, size);
}

/* --- Tracepoints ------------------------------------------------------- */

struct sm_tp_find {
	const char *name;
	struct tracepoint *tp;
};

static void sm_tp_match(struct tracepoint *tp, void *priv)
{
	struct sm_tp_find *f = priv;

	if (!f->tp && !strcmp(tp->name, f->name))
		f->tp = tp;
}

static struct tracepoint *sm_tp_find(const char *name)
{
	struct sm_tp_find f = { .name = name };

	for_each_kernel_tracepoint(sm_tp_match, &f);
	return f.tp;
}

/*
 * Attaches @probe to the built-in tracepoint @name. -ENOENT when the kernel
 * has no such tracepoint (e.g. built without CONFIG_FTRACE_SYSCALLS).
 */
int sm_tp_register(const char *name, void *probe)
{
	struct tracepoint *tp = sm_tp_find(name);

	if (!tp)
		return -ENOENT;
	return tracepoint_probe_register(tp, probe, NULL);
}

void sm_tp_unregister(const char *name, void *probe)
{
	struct tracepoint *tp = sm_tp_find(name);

	if (tp)
		WARN_ON_ONCE(tracepoint_probe_unregister(tp, probe, NULL));
}

/* Waits until no CPU runs any probe that was unregistered before the call. */
void sm_tp_sync(void)
{
	tracepoint_synchronize_unregister();
}

/* --- Syscall registers ------------------------------------------------- */

void sm_syscall_args(struct pt_regs *regs, unsigned long args[6])
{
	sm_arch_syscall_args(regs, args);
}

/* Skips the syscall in the sys_enter probe; it returns @ret instead. */
void sm_syscall_skip(struct pt_regs *regs, long ret)
{
	syscall_set_nr(current, regs, -1);
	syscall_set_return_value(current, regs, ret, 0);
}

/* --- Tasks --------------------------------------------------------------- */

/*
 * A process is keyed by its thread-group id in the initial pid namespace:
 * shared by all its threads, stable while it lives (a confined process can
 * never exec, so no thread takes over the leader's id) and not reused
 * before its last thread has exited (the module forgets it then).
 */
int sm_task_tgid(struct task_struct *task)
{
	return task->tgid;
}

void sm_task_comm(struct task_struct *task, char comm[16])
{
	strscpy_pad(comm, task->comm, TASK_COMM_LEN);
}

/* SIGKILL for the current process, delivered before it runs user code. */
void sm_kill_current(void)
{
	force_sig(SIGKILL);
}

/* SIGKILL for a new task that has not run yet. */
void sm_kill_task(struct task_struct *task)
{
	send_sig(SIGKILL, task, 1);
}

/* --- Module reference ---------------------------------------------------- */

bool sm_module_get(void)
{
	return try_module_get(THIS_MODULE);
}

void sm_module_put(void)
{
	module_put(THIS_MODULE);
}

/* --- Log rate limit ------------------------------------------------------ */

static struct ratelimit_state sm_log_rs;

/* Module parameters log_interval_ms and log_burst; interval 0 = no limit. */
void sm_log_ratelimit_init(unsigned int interval_ms, unsigned int burst)
{
	ratelimit_state_init(&sm_log_rs, msecs_to_jiffies(interval_ms), burst);
}

bool sm_log_ratelimit(void)
{
	/* Named after the module in its "callbacks suppressed" line. */
	return ___ratelimit(&sm_log_rs, KBUILD_MODNAME);
}

/* Milliseconds since boot, in jiffies' resolution (for the log budgets). */
u64 sm_now_ms(void)
{
	return jiffies64_to_msecs(get_jiffies_64());
}

/* --- Confined processes -------------------------------------------------- */

/*
 * sm_state[tgid] is the mode word of every process (0: not confined), so the
 * syscall path finds it with one load; PID_MAX_LIMIT bytes (4 MiB on 64-bit,
 * in the module's bss) cover every possible tgid. sm_procs maps tgid -> the
 * Rust entry of a confined process (counters, complain-mode bitmap). Both
 * change only with sm_procs' lock held; sm_state is read without it.
 */
static_assert((PID_MAX_LIMIT & (PID_MAX_LIMIT - 1)) == 0);
u8 sm_state[PID_MAX_LIMIT];
static DEFINE_XARRAY(sm_procs);

/* Whether @tgid can be confined (always, since pid_max <= PID_MAX_LIMIT). */
bool sm_tgid_valid(int tgid)
{
	return tgid > 0 && tgid < PID_MAX_LIMIT;
}

/* --- The sys_enter probe ------------------------------------------------- */

/*
 * The fast path's bitmaps, built by Rust at compile time from the tables
 * (FAST_ALLOW in src/policy.rs, exported by rust/ffi.rs): row
 * word | compat * SM_FAST_WORDS, for the mode words 0 to 7, has a bit set for
 * each syscall number below SM_FAST_NRS that the word's mode allows
 * whatever the arguments; words that encode no state have empty rows.
 */
#define SM_FAST_NRS 512
#define SM_FAST_WORDS 8
#define SM_FAST_ROWS (2 * SM_FAST_WORDS)
extern const unsigned long sm_fast_allow[SM_FAST_ROWS][SM_FAST_NRS / BITS_PER_LONG];

/*
 * Whether syscall @nr of a confined process with mode word @word runs
 * without the Rust slow path. x32 numbers (bit 30), negative and
 * out-of-table numbers fall outside every row, and so does any word above
 * 7, which no state encodes to: Rust decides those, and fails closed. The
 * number, which the caller chooses, is clamped under speculation as
 * kernel/seccomp.c clamps its own bitmap lookups; the word is written only
 * by the module.
 */
/* Table-mode words (policy::TABLE_WORD): 0x80 | slot << 1 | log. */
#define SM_TABLE_WORD 0x80

static __always_inline bool sm_fast_allowed(u8 word, bool compat, unsigned long nr)
{
	unsigned int row;

	if (word >= SM_FAST_WORDS || nr >= SM_FAST_NRS)
		return false;
	row = word + (compat ? SM_FAST_WORDS : 0);
	nr = array_index_nospec(nr, SM_FAST_NRS);
	return test_bit(nr, sm_fast_allow[row]);
}

/*
 * The module's prctl options arrive as the native or the compat prctl
 * (x86_64 157 and ia32 172; arm64 167 and AArch32 172). An unconfined
 * caller's syscall goes to the slow path only when its number lies in
 * [SM_PRCTL_LO, SM_PRCTL_HI]: one range compare for both ABIs; the slow
 * path checks the exact number of the caller's ABI, and the few other
 * numbers in between (x86_64 arch_prctl to iopl; arm64 getrusage to
 * getcpu; rare calls) merely take the slow path.
 */
#define SM_PRCTL_LO MIN(SM_NR_PRCTL, SM_NR_COMPAT_PRCTL)
#define SM_PRCTL_HI MAX(SM_NR_PRCTL, SM_NR_COMPAT_PRCTL)
static_assert(SM_PRCTL_HI - SM_PRCTL_LO < 32);

static __always_inline bool sm_maybe_prctl(unsigned long nr)
{
	return nr - SM_PRCTL_LO <= SM_PRCTL_HI - SM_PRCTL_LO;
}

/*
 * The decision of sm_probe_sys_enter() below, for the KUnit suites: whether
 * syscall @nr of a caller with mode word @word passes without the Rust slow
 * path. The probe spells the same two tests out itself, so that the
 * unconfined path never computes the ABI.
 */
bool sm_probe_passes_test(u8 word, bool compat, long nr)
{
	if (!word)
		return !sm_maybe_prctl(nr);
	if (sm_fast_allowed(word, compat, nr))
		return true;
	return (word & SM_TABLE_WORD) && sm_table_fast(word, compat, nr) == 0;
}

/*
 * Out of line and with the probe's own arguments first, so that the probe
 * reaches it with a plain jump and keeps its argument registers in place.
 */
static notrace noinline __noclone void sm_probe_slow(void *data, struct pt_regs *regs, long id, u8 word)
{
	bool compat = sm_in_compat_syscall();
	int fast;

	/* A table's constant decisions, before calling Rust (rust/sm_shim.h). */
	if (word & SM_TABLE_WORD) {
		fast = sm_table_fast_probe(word, compat, id);
		if (fast == 0)
			return;
		if (fast > 0) {
			sm_syscall_skip(regs, -fast);
			return;
		}
	}
	sm_rs_sys_enter(regs, id, word, compat);
}

/*
 * The probe on sys_enter, run before every syscall of every task. It loads
 * the caller's mode word (one byte, indexed by tgid), whatever the number
 * of confined processes, so that its cost does not depend on it. Without
 * a stack frame it lets through what needs no decision: an unconfined
 * caller's syscalls other than prctl, and a confined caller's syscalls that
 * its mode allows whatever their arguments (bitmaps built by Rust from the
 * tables). Everything else goes to sm_probe_slow(), out of line so that this
 * probe keeps no frame: a table's constant decisions there, then every other
 * decision, every denial included, by Rust's sm_rs_sys_enter()
 * (src/hooks.rs). notrace: with the function tracer
 * built in, a traceable function starts with a 5-byte nop that every
 * syscall would execute.
 */
notrace void sm_probe_sys_enter(void *data, struct pt_regs *regs, long id)
{
	u8 word = sm_current_state_inline();

	if (likely(!word)) {
		if (likely(!sm_maybe_prctl(id)))
			return;
	} else if (likely(sm_fast_allowed(word, sm_in_compat_syscall(), id))) {
		return;
	}
	sm_probe_slow(data, regs, id, word);
}

u8 sm_state_get(int tgid)
{
	return sm_tgid_valid(tgid) ? READ_ONCE(sm_state[tgid]) : 0;
}

void sm_procs_lock(void)
{
	xa_lock(&sm_procs);
}

void sm_procs_unlock(void)
{
	xa_unlock(&sm_procs);
}

/* With sm_procs locked: a transition of a confined process. */
void sm_state_set_locked(int tgid, u8 state)
{
	lockdep_assert_held(&sm_procs.xa_lock);
	if (sm_tgid_valid(tgid))
		WRITE_ONCE(sm_state[tgid], state);
}

/* Lockless (RCU) lookup; the entry stays valid while its process lives. */
void *sm_procs_load(int tgid)
{
	return xa_load(&sm_procs, tgid);
}

/*
 * Records @entry and mode word @state for @tgid. -EBUSY if @tgid is present,
 * -ENOMEM if a node cannot be allocated, -EINVAL for an impossible tgid.
 */
int sm_procs_insert(int tgid, void *entry, u8 state, bool atomic)
{
	int ret;

	if (!sm_tgid_valid(tgid))
		return -EINVAL;
	xa_lock(&sm_procs);
	ret = __xa_insert(&sm_procs, tgid, entry, atomic ? GFP_ATOMIC : GFP_KERNEL);
	if (!ret)
		WRITE_ONCE(sm_state[tgid], state);
	xa_unlock(&sm_procs);
	return ret;
}

/* Forgets @tgid; returns its entry, if any. */
void *sm_procs_erase(int tgid)
{
	void *entry;

	if (!sm_tgid_valid(tgid))
		return NULL;
	xa_lock(&sm_procs);
	entry = __xa_erase(&sm_procs, tgid);
	WRITE_ONCE(sm_state[tgid], 0);
	xa_unlock(&sm_procs);
	return entry;
}

/*
 * Calls @fn with the entry of @tgid (NULL if none) with the map locked, so
 * that it is not erased (and then freed) while @fn looks at it.
 */
void sm_procs_with_locked(int tgid, void (*fn)(void *entry, void *arg), void *arg)
{
	xa_lock(&sm_procs);
	fn(sm_tgid_valid(tgid) ? xa_load(&sm_procs, tgid) : NULL, arg);
	xa_unlock(&sm_procs);
}

/*
 * Calls @fn for every entry and its mode word with the map locked, so that
 * no entry is erased (and then freed) while @fn looks at it.
 */
void sm_procs_for_each(void (*fn)(void *entry, u8 state, void *arg), void *arg)
{
	unsigned long tgid;
	void *entry;

	xa_lock(&sm_procs);
	xa_for_each(&sm_procs, tgid, entry)
		fn(entry, sm_state_get(tgid), arg);
	xa_unlock(&sm_procs);
}

/* --- /proc/seccomp_mode -------------------------------------------------- */

static struct proc_dir_entry *sm_proc;

int sm_proc_create(int (*show)(struct seq_file *m, void *v))
{
	sm_proc = proc_create_single("seccomp_mode", 0400, NULL, show);
	return sm_proc ? 0 : -ENOMEM;
}

void sm_proc_remove(void)
{
	proc_remove(sm_proc);
}
