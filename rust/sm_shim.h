/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prototypes of the C shims in rust/sm_shim.c; rust/ffi.rs declares the same
 * functions on the Rust side.
 */
#ifndef SM_SHIM_H
#define SM_SHIM_H

#include <linux/compiler.h>
#include <linux/nospec.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/rcupdate_trace.h>
#include <linux/sched.h>
#include <linux/threads.h>
#include <linux/types.h>
#include <asm/syscall.h>

struct pt_regs;
struct seq_file;
struct task_struct;

unsigned long sm_array_index_nospec(unsigned long index, unsigned long size);

/* Tracepoints, found by name (their symbols are not exported). */
int sm_tp_register(const char *name, void *probe);
void sm_tp_unregister(const char *name, void *probe);
void sm_tp_sync(void);

/* The sys_enter probe (C fast path) and its Rust slow path. */
void sm_probe_sys_enter(void *data, struct pt_regs *regs, long id);
void sm_rs_sys_enter(struct pt_regs *regs, long id, u8 word, bool compat);
bool sm_probe_passes_test(u8 word, bool compat, long nr);

/* Syscall registers of the current task (asm/syscall.h). */
void sm_syscall_args(struct pt_regs *regs, unsigned long args[6]);
void sm_syscall_skip(struct pt_regs *regs, long ret);

/* Tasks. */
int sm_task_tgid(struct task_struct *task);
void sm_task_comm(struct task_struct *task, char comm[16]);
void sm_kill_current(void);
void sm_kill_task(struct task_struct *task);

/* Module reference held by every confined process. */
bool sm_module_get(void);
void sm_module_put(void);

/* Rate limit of the kernel log lines. */
void sm_log_ratelimit_init(unsigned int interval_ms, unsigned int burst);
bool sm_log_ratelimit(void);
u64 sm_now_ms(void);

/*
 * sm_state[tgid] is the mode word of every process (0: not confined); see
 * rust/sm_shim.c. The mode word of the current process: a tgid is always
 * below PID_MAX_LIMIT, a power of two; the mask keeps the load inside the
 * table by construction, even under speculation, for one instruction.
 */
extern u8 sm_state[PID_MAX_LIMIT];

static __always_inline u8 sm_current_state_inline(void)
{
	unsigned int tgid = current->tgid;

	return READ_ONCE(sm_state[tgid & (PID_MAX_LIMIT - 1)]);
}

/*
 * The architecture's facts: sm_in_compat_syscall(), SM_NR_PRCTL and
 * SM_NR_COMPAT_PRCTL, sm_stack_regs(), sm_fork_regs_fresh().
 */
#if defined(CONFIG_X86_64)
#include "../src/arch/x86_64.h"
#elif defined(CONFIG_ARM64)
#include "../src/arch/arm64.h"
#else
#error "seccomp_mode supports x86_64 and arm64 (src/arch/)"
#endif

/* Object checks (rust/sm_objects.c): kprobes and their Rust decisions. */
struct sm_open_facts {
	u32 magic;
	u32 mode;
	u32 major;
	u32 minor;
	bool write;
	bool proc_top;
	bool proc_other;
	u32 name_len;
	u8 name[24];
};
int sm_kprobes_register(void);
void sm_kprobes_unregister(void);
bool sm_rs_file_open(const struct sm_open_facts *f, u8 word);
bool sm_rs_socket_create(int family, u8 word);
bool sm_rs_ptrace_access(int target_tgid, unsigned int mode, u8 word);
bool sm_rs_module_request(const u8 *name, size_t len, u8 word);
bool sm_rs_capable(int cap, bool audit, u8 word);
bool sm_rs_seccomp_entry(struct pt_regs *regs, long nr, u8 word, bool compat);
bool sm_current_has_io_uring(void);
bool sm_task_has_io_uring(struct task_struct *task);
bool sm_uring_seen_current(void);
bool sm_uring_seen_after_publish(void);
bool sm_uring_seen_tgid_after_publish(int tgid);
void sm_uring_forget(int tgid);
void *sm_post_enter_alloc(void);
void sm_post_enter_free(void *p);
void sm_post_enter_queue(void *p);
bool sm_rs_adopt_child(struct task_struct *parent, struct task_struct *child);
void sm_entering_set(void);
void sm_entering_clear(void);
void sm_entering_set_tgid(int tgid);
void sm_settle_entered(int tgid);
void sm_fork_unconfined(int parent_tgid, int child_tgid);
void sm_racing_forget(int tgid);
bool sm_wait_fork_probes_selftest(void);
bool sm_task_group_dead(struct task_struct *task);
bool sm_task_execd(struct task_struct *task);

/* Confined processes: tgid -> mode word (lockless) and entry. */
bool sm_tgid_valid(int tgid);
u8 sm_state_get(int tgid);
void sm_procs_lock(void);
void sm_procs_unlock(void);
void sm_state_set_locked(int tgid, u8 state);
void *sm_procs_load(int tgid);
int sm_procs_insert(int tgid, void *entry, u8 state, bool atomic);
void *sm_procs_erase(int tgid);
void sm_procs_with_locked(int tgid, void (*fn)(void *entry, void *arg), void *arg);
void sm_procs_for_each(void (*fn)(void *entry, u8 state, void *arg), void *arg);

/* /proc/seccomp_mode. */
int sm_proc_create(int (*show)(struct seq_file *m, void *v));
void sm_proc_remove(void);

/* rust/sm_tables.c: the table modes' per-CPU counters and capability checks. */
struct file;
u64 __percpu *sm_pcpu_alloc(unsigned int n);
void sm_pcpu_free(u64 __percpu *p);
void sm_pcpu_inc(u64 __percpu *p, unsigned int i);
u64 sm_pcpu_sum(u64 __percpu *p, unsigned int i);
bool sm_file_init_ns_sys_admin(void *file);
bool sm_current_init_ns_sys_admin(void);
bool sm_current_may_enter_table(void);
int sm_retire_init(void);
void sm_retire_exit(void);
void *sm_retire_node(void);
void sm_retire_node_free(void *node);
void sm_retire_queue(void *node, void *ptr, void (*drop)(void *ptr));
void sm_table_fast_set(unsigned int slot, void *fast);
int sm_table_fast(u8 word, bool compat, unsigned long nr);

/*
 * The table modes' fast path. For each table slot, the syscalls whose
 * decision does not depend on the arguments and is ALLOW or an errno (a
 * bucket whose first entry decides without tests; an empty bucket under an
 * ERRNO/ENOSYS policy, or under a MODE1/MODE2 policy that falls through to
 * a static table allowing the call whatever its arguments), with the
 * counter that decision counts. Published by Rust with each generation
 * (struct sm_table_fast is FastTable in rust/tables_ffi.rs) and freed with
 * it after an RCU and an RCU Tasks Trace grace period. The module's prctl
 * numbers are never in it.
 */
#define SM_TABLE_NRS 512
#define SM_TABLE_SLOTS 64

struct sm_table_fast {
	u64 __percpu *counters;
	/*
	 * For the native and the compat ABI: 0 = not constant; else bit 31
	 * set, bits 0-15 the counter and bits 16-27 the errno to answer
	 * (0: ALLOW).
	 */
	u32 decide[2][SM_TABLE_NRS];
};

extern struct sm_table_fast __rcu *sm_table_fasts[SM_TABLE_SLOTS];

/*
 * The constant decision on syscall @nr of a process with table word @word,
 * counted: 0 to allow it, a positive errno to answer; -1 when the table
 * must decide (in Rust). Called in an RCU Tasks Trace read-side section:
 * the sys_enter tracepoint's own, in the probe.
 */
static __always_inline int sm_table_fast_probe(u8 word, bool compat, unsigned long nr)
{
	struct sm_table_fast *t;
	u32 d;

	if (unlikely(nr >= SM_TABLE_NRS))
		return -1;
	t = rcu_dereference_check(sm_table_fasts[(word >> 1) & (SM_TABLE_SLOTS - 1)],
				  rcu_read_lock_trace_held());
	if (unlikely(!t))
		return -1;
	d = t->decide[compat][array_index_nospec(nr, SM_TABLE_NRS)];
	if (!d)
		return -1;
#ifndef SM_NO_COUNTERS
	this_cpu_inc(t->counters[d & 0xffff]);
#endif
	return (d >> 16) & 0xfff;
}

/* rust/sm_confine.c: SM_IOC_CONFINE, confining another process. */
struct task_struct *sm_pidfd_task(int fd, int *err);
void sm_task_put(struct task_struct *task);
bool sm_task_is_kthread(struct task_struct *task);
bool sm_task_is_current_process(struct task_struct *task);
bool sm_task_is_global_init(struct task_struct *task);
bool sm_mm_shared_outside(struct task_struct *task, u8 word);
bool sm_descendants_may_attach(int tgid);
bool sm_fatal_signal_pending(void);
bool sm_may_attach(struct task_struct *task);
unsigned int sm_descendants(int tgid, struct task_struct **out, unsigned int max,
			    unsigned int *kept, bool *more);

#endif /* SM_SHIM_H */
