// SPDX-License-Identifier: GPL-2.0

//! In-guest integration tests of the test environment and module lifecycle.
//!
//! Runs in the QEMU guest as root with `seccomp_mode.ko` loaded (see
//! `scripts/test`) and prints TAP. The last case unloads the module.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

use nix::kmod::{delete_module, DeleteModuleFlags};
use nix::sys::signal::Signal;
use smtest::{in_child, Tap};

type Case = (&'static str, fn() -> Result<(), String>);

fn module_state() -> Result<Option<String>, String> {
    let modules =
        std::fs::read_to_string("/proc/modules").map_err(|e| format!("/proc/modules: {e}"))?;
    Ok(modules
        .lines()
        .find(|l| l.starts_with("seccomp_mode "))
        .and_then(|l| l.split_whitespace().nth(4))
        .map(str::to_owned))
}

fn module_is_live() -> Result<(), String> {
    match module_state()? {
        Some(state) if state == "Live" => Ok(()),
        other => Err(format!("seccomp_mode state in /proc/modules: {other:?}")),
    }
}

fn guest_has_two_cpus() -> Result<(), String> {
    let n = std::thread::available_parallelism().map_err(|e| e.to_string())?;
    if n.get() == 2 {
        Ok(())
    } else {
        Err(format!("expected 2 CPUs for concurrency tests, have {n}"))
    }
}

fn loopback_tcp_roundtrip() -> Result<(), String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let server = std::thread::spawn(move || -> std::io::Result<Vec<u8>> {
        let (mut conn, _) = listener.accept()?;
        let mut buf = [0u8; 5];
        conn.read_exact(&mut buf)?;
        conn.write_all(&buf)?;
        Ok(buf.to_vec())
    });
    let mut client = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    client.write_all(b"hello").map_err(|e| e.to_string())?;
    let mut echo = [0u8; 5];
    client.read_exact(&mut echo).map_err(|e| e.to_string())?;
    let got = server
        .join()
        .map_err(|_| "server thread panicked".to_owned())?
        .map_err(|e| e.to_string())?;
    if got == b"hello" && &echo == b"hello" {
        Ok(())
    } else {
        Err(format!("echo mismatch: {got:?} / {echo:?}"))
    }
}

fn child_sigkill_is_observed() -> Result<(), String> {
    in_child(|| {
        let _ = nix::sys::signal::raise(Signal::SIGKILL);
        0
    })
    .map_err(|e| e.to_string())?
    .expect_signal(Signal::SIGKILL)
}

fn module_unloads() -> Result<(), String> {
    delete_module(c"seccomp_mode", DeleteModuleFlags::O_NONBLOCK)
        .map_err(|e| format!("delete_module: {e}"))?;
    match module_state()? {
        None => Ok(()),
        Some(state) => Err(format!("still in /proc/modules after rmmod: {state}")),
    }
}

const CASES: &[Case] = &[
    ("module_is_live", module_is_live),
    ("guest_has_two_cpus", guest_has_two_cpus),
    ("loopback_tcp_roundtrip", loopback_tcp_roundtrip),
    ("child_sigkill_is_observed", child_sigkill_is_observed),
    ("module_unloads", module_unloads),
];

fn main() {
    let mut tap = Tap::new(std::io::stdout(), CASES.len());
    for (name, case) in CASES {
        tap.case(name, case());
    }
    std::process::exit(tap.finish());
}
