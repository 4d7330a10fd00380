// SPDX-License-Identifier: GPL-2.0

//! `/dev/seccomp_mode`: where an admin loads and reads the tables.
//!
//! An opener writes ruleset text, then commits it with [`SM_IOC_COMMIT`]
//! (the text is forgotten either way); reading returns the enforced tables
//! with counters. Only a caller with `CAP_SYS_ADMIN` in the initial user
//! namespace that is not confined in any mode gets anywhere, checked at
//! open, read, write and commit: a descriptor passed to a confined process
//! is useless to it.

use kernel::fs::{File, Kiocb};
use kernel::ioctl::{_IOW, _IOWR};
use kernel::iov::{IovIterDest, IovIterSource};
use kernel::miscdevice::{MiscDevice, MiscDeviceOptions, MiscDeviceRegistration};
use kernel::new_mutex;
use kernel::prelude::*;
use kernel::sync::Mutex;
use kernel::uaccess::{UserPtr, UserSlice};

use crate::ffi;
use crate::rules;
use crate::tables_ffi::{self, GFP};

/// `struct sm_commit` in `include/uapi/seccomp_mode.h`: flags, error,
/// line, col, msg[192], generation.
const COMMIT_SIZE: usize = 4 * 4 + MSG_SIZE + 8;
const MSG_SIZE: usize = 192;
/// Where `generation` is in `struct sm_commit`.
const GEN_AT: usize = 4 * 4 + MSG_SIZE;

/// `SM_IOC_COMMIT`.
pub(crate) const SM_IOC_COMMIT: u32 = _IOWR::<[u8; COMMIT_SIZE]>('S' as u32, 0x01);

/// `SM_IOC_ZERO`: zeroes the counters of the table whose mode is the
/// `__u32` argument, or of every table for 0.
pub(crate) const SM_IOC_ZERO: u32 = _IOW::<u32>('S' as u32, 0x02);

/// `struct sm_confine`: pidfd, mode, flags, kept.
const CONFINE_SIZE: usize = 16;

/// `SM_IOC_CONFINE`: confines another process (see [`crate::confine`]).
pub(crate) const SM_IOC_CONFINE: u32 = _IOWR::<[u8; CONFINE_SIZE]>('S' as u32, 0x03);

/// `SM_COMMIT_TEST`.
const COMMIT_TEST: u32 = 1;
/// `SM_COMMIT_LOOSEN`.
const COMMIT_LOOSEN: u32 = 2;
/// `SM_COMMIT_IF_GEN`.
const COMMIT_IF_GEN: u32 = 4;

/// The device registration options.
pub(crate) fn options() -> MiscDeviceOptions {
    MiscDeviceOptions {
        name: c"seccomp_mode",
    }
}

/// Whether the caller may use the device through `file`.
fn allowed(file: &File) -> Result {
    let unconfined = ffi::with_current(|t| ffi::state_of(t.tgid()) == 0);
    if unconfined && tables_ffi::init_ns_sys_admin(file) {
        Ok(())
    } else {
        Err(EPERM)
    }
}

/// A reference on the module held by an open file: Rust's `MiscDevice`
/// (7.2) sets no `owner` in its file operations, so without it `rmmod`
/// could unload the code an open descriptor still calls into.
struct ModuleRef(());

impl ModuleRef {
    fn get() -> Result<Self> {
        // While the module is going away, the device behaves as absent.
        if ffi::module_get() {
            Ok(Self(()))
        } else {
            Err(ENODEV)
        }
    }
}

impl Drop for ModuleRef {
    fn drop(&mut self) {
        ffi::module_put();
    }
}

/// One open file: the staged text and the dump being read.
struct Inner {
    staged: KVVec<u8>,
    dump: KVVec<u8>,
}

/// The per-open state.
#[pin_data]
pub(crate) struct TablesDevice {
    #[pin]
    inner: Mutex<Inner>,
    /// Keeps the module loaded while the file is open.
    _module: ModuleRef,
}

#[vtable]
impl MiscDevice for TablesDevice {
    type Ptr = Pin<KBox<Self>>;

    fn open(file: &File, _misc: &MiscDeviceRegistration<Self>) -> Result<Pin<KBox<Self>>> {
        allowed(file)?;
        let module = ModuleRef::get()?;
        KBox::try_pin_init(
            try_pin_init!(TablesDevice {
                inner <- new_mutex!(Inner {
                    staged: KVVec::new(),
                    dump: KVVec::new(),
                }),
                _module: module,
            }),
            GFP,
        )
    }

    fn read_iter(mut kiocb: Kiocb<'_, Self::Ptr>, iov: &mut IovIterDest<'_>) -> Result<usize> {
        allowed_current()?;
        let me = kiocb.file();
        let mut inner = me.inner.lock();
        // A read from the start takes a fresh snapshot.
        if *kiocb.ki_pos_mut() == 0 {
            inner.dump.clear();
            crate::tablemode::dump(&mut inner.dump)?;
        }
        let n = iov.simple_read_from_buffer(kiocb.ki_pos_mut(), &inner.dump)?;
        Ok(n)
    }

    fn write_iter(mut kiocb: Kiocb<'_, Self::Ptr>, iov: &mut IovIterSource<'_>) -> Result<usize> {
        allowed_current()?;
        let me = kiocb.file();
        let mut inner = me.inner.lock();
        let before = inner.staged.len();
        let n = iov.copy_from_iter_vec(&mut inner.staged, GFP)?;
        if inner.staged.len() > rules::MAX_TEXT {
            inner.staged.truncate(before);
            return Err(E2BIG);
        }
        *kiocb.ki_pos_mut() = 0;
        Ok(n)
    }

    fn ioctl(me: Pin<&TablesDevice>, file: &File, cmd: u32, arg: usize) -> Result<isize> {
        if cmd == SM_IOC_ZERO {
            allowed(file)?;
            let mode = UserSlice::new(UserPtr::from_addr(arg), 4)
                .reader()
                .read::<u32>()?;
            crate::tablemode::zero((mode != 0).then_some(mode))?;
            return Ok(0);
        }
        if cmd == SM_IOC_CONFINE {
            allowed(file)?;
            let mut req = [0u8; CONFINE_SIZE];
            UserSlice::new(UserPtr::from_addr(arg), CONFINE_SIZE)
                .reader()
                .read_slice(&mut req)?;
            // An unwritable struct fails before anything changes.
            write_back(arg, &req)?;
            let field = |i: usize| {
                let mut b = [0u8; 4];
                for (d, s) in b.iter_mut().zip(req.iter().skip(i * 4)) {
                    *d = *s;
                }
                u32::from_ne_bytes(b)
            };
            if field(3) != 0 {
                return Err(EINVAL);
            }
            let kept = crate::confine::confine(field(0) as i32, field(1), field(2))?;
            let mut out = req;
            for (d, s) in out.iter_mut().skip(12).zip(kept.to_ne_bytes()) {
                *d = s;
            }
            // The confinement is done and cannot be undone: a struct made
            // unwritable meanwhile only loses the count.
            let _ = write_back(arg, &out);
            return Ok(0);
        }
        if cmd != SM_IOC_COMMIT {
            return Err(ENOTTY);
        }
        allowed(file)?;
        // The staged text is consumed by this commit, whatever its result,
        // even one refused before parsing (bad flags, unreadable struct).
        let text = core::mem::take(&mut me.inner.lock().staged);
        let mut req = [0u8; COMMIT_SIZE];
        UserSlice::new(UserPtr::from_addr(arg), COMMIT_SIZE)
            .reader()
            .read_slice(&mut req)?;
        // An unwritable struct fails before anything changes.
        write_back(arg, &req)?;
        let word = |at: usize| {
            let mut b = [0u8; 8];
            for (d, s) in b.iter_mut().zip(req.iter().skip(at)) {
                *d = *s;
            }
            u64::from_ne_bytes(b)
        };
        let flags = word(0) as u32;
        if flags & !(COMMIT_TEST | COMMIT_LOOSEN | COMMIT_IF_GEN) != 0 {
            return Err(EINVAL);
        }
        let opts = crate::tablemode::CommitOpts {
            test: flags & COMMIT_TEST != 0,
            loosen: flags & COMMIT_LOOSEN != 0,
            if_gen: (flags & COMMIT_IF_GEN != 0).then(|| word(GEN_AT)),
        };
        let res = crate::tablemode::commit(&text, opts);
        drop(text);
        let mut out = [0u8; COMMIT_SIZE];
        let (errno, line, col, generation) = match &res {
            Ok(g) => (0i32, 0u32, 0u32, *g),
            Err(e) => (e.detail.errno, e.detail.line, e.detail.col, e.generation),
        };
        let fields = [flags, errno as u32, line, col];
        for (chunk, v) in out.chunks_exact_mut(4).zip(fields) {
            chunk.copy_from_slice(&v.to_ne_bytes());
        }
        for (d, s) in out.iter_mut().skip(GEN_AT).zip(generation.to_ne_bytes()) {
            *d = s;
        }
        if let Err(e) = &res {
            let msg = &mut out[16..GEN_AT - 1];
            let mut w = Cursor { buf: msg, at: 0 };
            w.put(e.detail.msg);
            if !e.detail.detail().is_empty() {
                w.put(": ");
                w.put(e.detail.detail());
            }
        }
        // A commit that went through cannot be undone: a struct made
        // unwritable meanwhile only loses the report.
        let copied = write_back(arg, &out);
        match res {
            Ok(_) => Ok(0),
            // A refusal changed nothing: the errno, or EFAULT if even the
            // report could not be written.
            Err(e) => Err(copied.err().unwrap_or(e.errno)),
        }
    }
}

/// Copies `bytes` to the user struct at `arg`.
fn write_back(arg: usize, bytes: &[u8]) -> Result {
    UserSlice::new(UserPtr::from_addr(arg), bytes.len())
        .writer()
        .write_slice(bytes)
}

/// [`allowed`] for read and write, which see the file through the kiocb:
/// the opener was checked at open; the caller must be unconfined and hold
/// the capability now.
fn allowed_current() -> Result {
    let unconfined = ffi::with_current(|t| ffi::state_of(t.tgid()) == 0);
    if unconfined && tables_ffi::current_init_ns_sys_admin() {
        Ok(())
    } else {
        Err(EPERM)
    }
}

/// Writes text into a fixed buffer, cutting what does not fit.
struct Cursor<'a> {
    buf: &'a mut [u8],
    at: usize,
}

impl Cursor<'_> {
    fn put(&mut self, s: &str) {
        for &b in s.as_bytes() {
            let Some(d) = self.buf.get_mut(self.at) else {
                return;
            };
            *d = b;
            self.at += 1;
        }
    }
}
