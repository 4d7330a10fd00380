/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * seccomp_mode: static syscall allowlists that a process switches on for
 * itself through prctl(2). What a C daemon includes.
 *
 *	if (prctl(PR_SECCOMP_MODE_SET, SECCOMP_MODE_NET_DAEMON, 0, 0, 0))
 *		err(1, "seccomp_mode");
 *
 * Without the module loaded both options fail with EINVAL.
 */
#ifndef _UAPI_SECCOMP_MODE_H
#define _UAPI_SECCOMP_MODE_H

/*
 * prctl(PR_SECCOMP_MODE_SET, mode, flags, 0, 0): enters @mode for the whole
 * calling process (every thread and every later child). Returns 0; EPERM for
 * a transition that would loosen the current mode; EINVAL for an unknown
 * mode or flag or non-zero unused arguments. Errors change nothing.
 */
#define PR_SECCOMP_MODE_SET		0x53434d53	/* "SCMS" */

/*
 * prctl(PR_SECCOMP_MODE_GET, 0, 0, 0, 0): returns the calling process's mode
 * (SECCOMP_MODE_NONE when not confined).
 */
#define PR_SECCOMP_MODE_GET		0x53434d47	/* "SCMG" */

/* Not confined (only returned by GET; SET to it from a mode is EPERM). */
#define SECCOMP_MODE_NONE		0
/* The kernel's strict list: read, write, exit, (rt_)sigreturn. */
#define SECCOMP_MODE_STRICT		1
/* Network daemon: serve, fork workers, run threads; falls through to 1. */
#define SECCOMP_MODE_NET_DAEMON		2

/*
 * Complain mode: a violation is logged once per process and syscall number
 * ("seccomp_mode: logged ...") and the syscall runs. Complain -> enforce is
 * allowed, enforce -> complain is EPERM.
 */
#define SECCOMP_MODE_FLAG_LOG		1

/*
 * Table modes: SECCOMP_MODE_TABLE_MIN up to 2147483647 enter the rule table
 * of that number, loaded by an admin through /dev/seccomp_mode (see
 * docs/modes.md). SET(N) is ENOENT if no table N is loaded; any transition
 * between a static mode and a table, or between two tables, is EPERM.
 */
#define SECCOMP_MODE_TABLE_MIN		3

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * /dev/seccomp_mode (0600; CAP_SYS_ADMIN in the initial user namespace and
 * an unconfined caller, checked at open, read, write and commit):
 * write(2) appends ruleset text (at most 256 KiB before a commit), the
 * commit ioctl parses, checks, compiles and replaces every table the text
 * names, all or none, and forgets the text; read(2) returns the enforced
 * tables as text with counters.
 */
#define SM_COMMIT_TEST		1	/* check and compile, change nothing */
#define SM_COMMIT_LOOSEN	2	/* allow newly allowed syscalls in used tables */
#define SM_COMMIT_IF_GEN	4	/* EAGAIN unless still at @generation */

/*
 * The tables' generation counts the commits that changed them since the
 * module was loaded. A read of the device starts with the line
 * "# generation N" for the tables it returns; a read-modify-write commits
 * with SM_COMMIT_IF_GEN and that N, and gets EAGAIN (changing nothing) if
 * another commit came in between: re-read and retry.
 */
struct sm_commit {
	__u32 flags;		/* in: SM_COMMIT_* */
	__s32 error;		/* out: 0 or the positive errno */
	__u32 line;		/* out: 1-based line of the error, 0 if none */
	__u32 col;		/* out: 1-based column, 0 if none */
	char msg[192];		/* out: NUL-terminated message */
	__u64 generation;	/* in: for SM_COMMIT_IF_GEN; out: the generation now */
};

/* Returns 0 or -1 with errno = sm_commit.error; fills the struct either way. */
#define SM_IOC_COMMIT		_IOWR('S', 0x01, struct sm_commit)

/* Zeroes the hit counters of table *(__u32 *)arg, or of every table for 0
 * (iptables -Z); ENOENT if there is no such table. */
#define SM_IOC_ZERO		_IOW('S', 0x02, __u32)

/*
 * Confines another process, as its own PR_SECCOMP_MODE_SET(@mode, @flags)
 * would: the whole process, every thread; its later children inherit,
 * existing ones are not touched unless SM_CONFINE_DESCENDANTS is set (then
 * every descendant that is not confined yet is confined too, walked with
 * forks held off, and @kept counts those that already had a mode and kept
 * it). @pidfd is a pidfd of the target (pidfd_open(2)), not a pid: no pid
 * reuse race. Same transitions and errors as the prctl, plus: EPERM unless
 * the caller may ptrace-attach the target (same credentials or
 * CAP_SYS_PTRACE, and a dumpable target); EINVAL for a kernel thread or the
 * caller's own process; ESRCH for a target that has exited; EBADF for an
 * fd that is not a pidfd; EBUSY for a target that owns io_uring rings.
 */
#define SM_CONFINE_DESCENDANTS	0x100

struct sm_confine {
	__s32 pidfd;		/* in */
	__u32 mode;		/* in: 1, 2 or a loaded table >= 3 */
	__u32 flags;		/* in: SECCOMP_MODE_FLAG_LOG, SM_CONFINE_DESCENDANTS */
	__u32 kept;		/* out: descendants that kept their own mode */
};

#define SM_IOC_CONFINE		_IOWR('S', 0x03, struct sm_confine)

#endif /* _UAPI_SECCOMP_MODE_H */
