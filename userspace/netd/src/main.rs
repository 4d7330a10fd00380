// SPDX-License-Identifier: GPL-2.0

//! netd: a small file server that confines itself with seccomp_mode.
//!
//! In the spirit of the 2004 proposal's vsftpd: netd initializes (parses its
//! arguments, binds its TCP port, opens its document root and its log), then
//! enters mode 2 and serves HTTP/1.0 `GET` for the rest of its life, with
//! file bodies sent by `sendfile` and directory listings read with
//! `getdents64`. Two models: a child process per connection, reaped with
//! `wait4` (`--model fork`), or a fixed pool of worker threads
//! (`--model threads`). Every response carries `X-Seccomp-Mode`, the mode of
//! the process or thread that served it.

mod http;

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsFd, OwnedFd};
use std::sync::Arc;

use clap::{Parser, ValueEnum};
use nix::dir::Dir;
use nix::fcntl::{openat, OFlag};
use nix::sys::stat::{fstat, Mode as FileMode, SFlag};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{fork, ForkResult};
use seccomp_mode::{Flags, Mode};

use http::Request;

/// How netd serves connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Model {
    /// A child process per connection, reaped with wait4.
    Fork,
    /// A fixed pool of worker threads.
    Threads,
}

/// Serve files over HTTP/1.0 from a confined process.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "0.0.0.0:8080")]
    listen: SocketAddr,
    /// Document root.
    #[arg(long, default_value = ".")]
    root: String,
    /// Serving model.
    #[arg(long, value_enum, default_value_t = Model::Fork)]
    model: Model,
    /// Worker threads (threads model).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: u16,
    /// The mode to enter once started: 2 (the default) or a table mode (3
    /// and up) that an admin loaded with `smctl restore`.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=i32::MAX as i64))]
    mode: u32,
    /// Enter the mode in complain mode: violations are logged, not killed.
    #[arg(long)]
    complain: bool,
    /// Keep running unconfined if the seccomp_mode module is not loaded
    /// (default: refuse to start).
    #[arg(long)]
    allow_unconfined: bool,
    /// Append one line per request to this file (default: stderr).
    #[arg(long)]
    log: Option<String>,
}

/// Where request lines go: opened before confinement.
struct Log(Option<File>);

impl Log {
    fn line(&self, text: &str) {
        // One write per line, so that lines of concurrent workers do not mix.
        let line = format!("netd[{}]: {text}\n", std::process::id());
        let _ = match &self.0 {
            Some(f) => (&*f).write_all(line.as_bytes()),
            None => std::io::stderr().write_all(line.as_bytes()),
        };
    }
}

/// Everything a worker needs, set up before confinement.
struct Server {
    root: OwnedFd,
    log: Log,
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("netd: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), String> {
    // Start-up: everything that needs syscalls mode 2 does not allow.
    let listener =
        TcpListener::bind(args.listen).map_err(|e| format!("bind {}: {e}", args.listen))?;
    let root = File::open(&args.root).map_err(|e| format!("document root {}: {e}", args.root))?;
    if !root.metadata().map_err(|e| e.to_string())?.is_dir() {
        return Err(format!("{} is not a directory", args.root));
    }
    let log = match &args.log {
        Some(path) => Log(Some(
            File::options()
                .append(true)
                .create(true)
                .open(path)
                .map_err(|e| format!("log {path}: {e}"))?,
        )),
        None => Log(None),
    };
    install_sigterm_handler()?;
    // glibc's realloc of a block above the mmap threshold calls mremap,
    // which mode 2 never allows: keep large blocks on the heap.
    // SAFETY: mallopt only changes allocator parameters.
    unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 64 << 20) };

    let flags = if args.complain {
        Flags::LOG
    } else {
        Flags::ENFORCE
    };
    let mode = Mode::from_u32(args.mode).ok_or_else(|| format!("bad mode {}", args.mode))?;
    match seccomp_mode::enter_with(mode, flags) {
        Ok(()) => {}
        Err(seccomp_mode::Error::NotLoaded) if args.allow_unconfined => {
            eprintln!("netd: seccomp_mode is not loaded; running UNCONFINED");
        }
        Err(e) => return Err(format!("cannot confine: {e}")),
    }
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let server = Arc::new(Server {
        root: root.into(),
        log,
    });
    server.log.line(&format!(
        "serving {} on {local}, model {:?}, mode {}",
        args.root,
        args.model,
        current_mode()
    ));
    match args.model {
        Model::Fork => serve_forking(&listener, &server),
        Model::Threads => serve_threads(listener, server, args.workers),
    }
}

/// SIGTERM ends netd at once and cleanly (exit status 0).
fn install_sigterm_handler() -> Result<(), String> {
    extern "C" fn on_sigterm(_: libc::c_int) {
        let msg = b"netd: SIGTERM, shutting down\n";
        // SAFETY: write and _exit are async-signal-safe.
        unsafe {
            libc::write(2, msg.as_ptr().cast(), msg.len());
            libc::_exit(0);
        }
    }
    let action = nix::sys::signal::SigAction::new(
        nix::sys::signal::SigHandler::Handler(on_sigterm),
        nix::sys::signal::SaFlags::empty(),
        nix::sys::signal::SigSet::empty(),
    );
    // SAFETY: the handler only calls async-signal-safe functions.
    unsafe { nix::sys::signal::sigaction(nix::sys::signal::Signal::SIGTERM, &action) }
        .map(drop)
        .map_err(|e| format!("sigaction: {e}"))
}

/// The mode of the calling process as the module reports it (0: none or no
/// module).
fn current_mode() -> i32 {
    match seccomp_mode::current() {
        Ok(Some(mode)) => mode.number() as i32,
        _ => 0,
    }
}

fn serve_forking(listener: &TcpListener, server: &Server) -> Result<(), String> {
    loop {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("accept: {e}")),
        };
        // SAFETY: the child serves one connection and `_exit`s; it touches
        // no lock another thread could hold (netd is single-threaded here).
        match unsafe { fork() } {
            Ok(ForkResult::Child) => {
                handle(stream, server);
                // SAFETY: ends the child without running the parent's
                // exit-time work.
                unsafe { libc::_exit(0) };
            }
            Ok(ForkResult::Parent { .. }) => drop(stream),
            Err(e) => server.log.line(&format!("fork: {e}")),
        }
        // Reap every child that has finished.
        while let Ok(status) = waitpid(None, Some(WaitPidFlag::WNOHANG)) {
            if status == WaitStatus::StillAlive {
                break;
            }
        }
    }
}

fn serve_threads(listener: TcpListener, server: Arc<Server>, workers: u16) -> Result<(), String> {
    let listener = Arc::new(listener);
    let pool: Vec<_> = (0..workers)
        .map(|_| {
            let listener = Arc::clone(&listener);
            let server = Arc::clone(&server);
            std::thread::spawn(move || loop {
                match listener.accept() {
                    Ok((stream, _)) => handle(stream, &server),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        server.log.line(&format!("accept: {e}"));
                        return;
                    }
                }
            })
        })
        .collect();
    for worker in pool {
        worker.join().map_err(|_| "worker panicked".to_owned())?;
    }
    Err("every worker stopped".into())
}

/// Serves one connection.
fn handle(mut stream: TcpStream, server: &Server) {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    while !http::head_complete(&head) && head.len() < http::MAX_HEAD {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
            Err(_) => return,
        }
    }
    let mode = current_mode();
    let (status, target) = match http::parse(&head) {
        Request::Get(path) => (respond(&mut stream, server, &path, mode), path),
        Request::OtherMethod => (error(&mut stream, 405, mode), String::new()),
        Request::Bad => (error(&mut stream, 400, mode), String::new()),
    };
    server
        .log
        .line(&format!("GET /{target} {status} mode={mode}"));
}

fn error(stream: &mut TcpStream, status: u16, mode: i32) -> u16 {
    let body = format!("{status}\n");
    let head = http::response_head(status, "text/plain", Some(body.len() as u64), mode);
    let _ = stream.write_all(format!("{head}{body}").as_bytes());
    status
}

/// Sends the file or listing at `path` below the root; returns the status.
fn respond(stream: &mut TcpStream, server: &Server, path: &str, mode: i32) -> u16 {
    let flags = OFlag::O_RDONLY | OFlag::O_CLOEXEC | OFlag::O_NOFOLLOW;
    let Ok(fd) = openat(&server.root, path, flags, FileMode::empty()) else {
        return error(stream, 404, mode);
    };
    let Ok(st) = fstat(&fd) else {
        return error(stream, 404, mode);
    };
    match SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT {
        SFlag::S_IFDIR => listing(stream, fd, mode),
        SFlag::S_IFREG => file(stream, fd, st.st_size as u64, mode),
        _ => error(stream, 404, mode),
    }
}

fn file(stream: &mut TcpStream, fd: OwnedFd, size: u64, mode: i32) -> u16 {
    let head = http::response_head(200, "application/octet-stream", Some(size), mode);
    if stream.write_all(head.as_bytes()).is_err() {
        return 200;
    }
    let mut left = size;
    while left > 0 {
        let chunk = usize::try_from(left.min(1 << 20)).unwrap_or(1 << 20);
        match nix::sys::sendfile::sendfile(stream.as_fd(), fd.as_fd(), None, chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => left -= n as u64,
        }
    }
    200
}

fn listing(stream: &mut TcpStream, fd: OwnedFd, mode: i32) -> u16 {
    let Ok(mut dir) = Dir::from_fd(fd) else {
        return error(stream, 404, mode);
    };
    let mut names: Vec<String> = dir
        .iter()
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().to_str().ok()?.to_owned();
            if name == "." || name == ".." {
                return None;
            }
            let is_dir = entry.file_type() == Some(nix::dir::Type::Directory);
            Some(if is_dir { format!("{name}/") } else { name })
        })
        .collect();
    names.sort();
    let mut body = names.join("\n");
    body.push('\n');
    let head = http::response_head(200, "text/plain", Some(body.len() as u64), mode);
    let _ = stream.write_all(format!("{head}{body}").as_bytes());
    200
}
