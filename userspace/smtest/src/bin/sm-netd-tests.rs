// SPDX-License-Identifier: GPL-2.0

//! In-guest tests of netd, the example daemon: it confines itself after
//! start-up and keeps serving in both models, and every worker that serves
//! a request is in mode 2. Prints TAP; runs before `sm-guest-tests` (which
//! unloads the module at its end).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use smtest::Tap;

type Case = (&'static str, fn() -> Result<(), String>);

const ROOT: &str = "/tmp/netd-root";
const BODY: &str = "netd test file\n";

fn docroot() -> Result<(), String> {
    std::fs::create_dir_all(Path::new(ROOT).join("sub")).map_err(|e| e.to_string())?;
    std::fs::write(Path::new(ROOT).join("file.txt"), BODY).map_err(|e| e.to_string())?;
    // A body larger than one sendfile chunk of a socket buffer.
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(Path::new(ROOT).join("big.bin"), big).map_err(|e| e.to_string())
}

/// netd, started with `args`, and its port.
struct Netd {
    child: Child,
    port: u16,
}

impl Netd {
    fn start(port: u16, args: &[&str]) -> Result<Self, String> {
        docroot()?;
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let netd = exe.with_file_name("netd");
        let child = Command::new(netd)
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--root")
            .arg(ROOT)
            .arg("--log")
            .arg("/tmp/netd-test.log")
            .args(args)
            .spawn()
            .map_err(|e| format!("spawn netd: {e}"))?;
        let mut netd = Netd { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = netd.child.try_wait() {
                return Err(format!("netd exited at start-up: {status}"));
            }
            if Instant::now() > deadline {
                return Err("netd does not accept connections".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // Wait until the daemon reports itself confined (it confines
        // itself right after bind, so a connection may come first).
        while status_line(netd.pid())?.is_none() {
            if Instant::now() > deadline {
                return Err("netd never appeared in /proc/seccomp_mode".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(netd)
    }

    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// `GET path`: (status code, headers, body).
    fn get(&self, path: &str) -> Result<(u16, String, Vec<u8>), String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        write!(s, "GET {path} HTTP/1.0\r\n\r\n").map_err(|e| e.to_string())?;
        let mut raw = Vec::new();
        s.read_to_end(&mut raw)
            .map_err(|e| format!("GET {path}: {e}"))?;
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or_else(|| format!("GET {path}: no header end in {} bytes", raw.len()))?;
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let code = head
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| format!("GET {path}: bad status line {head:?}"))?;
        Ok((code, head, raw[split + 4..].to_vec()))
    }

    /// SIGTERM; netd must exit with status 0.
    fn stop(mut self) -> Result<(), String> {
        kill(Pid::from_raw(self.pid()), Signal::SIGTERM).map_err(|e| e.to_string())?;
        let status = self.child.wait().map_err(|e| e.to_string())?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("netd ended with {status}"))
        }
    }
}

impl Drop for Netd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `/proc/seccomp_mode` line of `pid`, if it is confined.
fn status_line(pid: i32) -> Result<Option<String>, String> {
    let status = std::fs::read_to_string("/proc/seccomp_mode")
        .map_err(|e| format!("/proc/seccomp_mode: {e}"))?;
    Ok(status
        .lines()
        .find(|l| l.split(' ').next() == Some(&pid.to_string()))
        .map(str::to_owned))
}

/// 200 requests (files, a large file, listings, errors), every one served
/// by a worker in mode 2, then a clean shutdown.
fn serves_200_requests(model: &str, port: u16) -> Result<(), String> {
    let netd = Netd::start(port, &["--model", model, "--workers", "4"])?;
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    for i in 0..200 {
        let (path, want_code) = match i % 5 {
            0 | 1 => ("/file.txt", 200),
            2 => ("/big.bin", 200),
            3 => ("/", 200),
            _ => ("/../etc/passwd", 400),
        };
        let (code, head, body) = netd.get(path)?;
        if code != want_code {
            return Err(format!(
                "request {i}: GET {path} gave {code}, want {want_code}"
            ));
        }
        if !head.contains("\r\nX-Seccomp-Mode: 2\r\n") {
            return Err(format!("request {i}: served outside mode 2:\n{head}"));
        }
        let ok = match path {
            "/file.txt" => body == BODY.as_bytes(),
            "/big.bin" => body == big,
            "/" => body == b"big.bin\nfile.txt\nsub/\n",
            _ => true,
        };
        if !ok {
            return Err(format!(
                "request {i}: wrong body for {path} ({} bytes)",
                body.len()
            ));
        }
    }
    let line = status_line(netd.pid())?.ok_or("netd not in /proc/seccomp_mode")?;
    if !line.starts_with(&format!("{} 2 enforce 0 netd", netd.pid())) {
        return Err(format!("status line: {line:?}"));
    }
    netd.stop()
}

fn fork_model_serves_200_requests_in_mode2() -> Result<(), String> {
    serves_200_requests("fork", 8081)
}

fn thread_model_serves_200_requests_in_mode2() -> Result<(), String> {
    serves_200_requests("threads", 8082)
}

fn complain_mode_netd_serves_and_is_listed() -> Result<(), String> {
    let netd = Netd::start(8083, &["--model", "threads", "--complain"])?;
    let (code, head, _) = netd.get("/file.txt")?;
    if code != 200 || !head.contains("X-Seccomp-Mode: 2") {
        return Err(format!("complain-mode netd: {code}\n{head}"));
    }
    let line = status_line(netd.pid())?.ok_or("netd not listed")?;
    if !line.starts_with(&format!("{} 2 log ", netd.pid())) {
        return Err(format!("status line: {line:?}"));
    }
    netd.stop()
}

const CASES: &[Case] = &[
    (
        "fork_model_serves_200_requests_in_mode2",
        fork_model_serves_200_requests_in_mode2,
    ),
    (
        "thread_model_serves_200_requests_in_mode2",
        thread_model_serves_200_requests_in_mode2,
    ),
    (
        "complain_mode_netd_serves_and_is_listed",
        complain_mode_netd_serves_and_is_listed,
    ),
];

fn main() {
    let mut tap = Tap::new(std::io::stdout(), CASES.len());
    for (name, case) in CASES {
        tap.case(name, case());
    }
    std::process::exit(tap.finish());
}
