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

#endif /* _UAPI_SECCOMP_MODE_H */
