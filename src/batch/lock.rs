//! A lock file per batch folder, so that two processes never write into one folder at once.
//!
//! A `batch`, `sweep` or `merge` takes `DIR/batch.lock` for the whole folder; a shard
//! (`--shard I/N`) takes `DIR/batch.shard-I-of-N.lock`, so the shards of a job array run side
//! by side but never next to an unsharded batch, a merge or a second copy of themselves. A
//! lock file is created atomically (`create_new`) and holds the owner's process id and host
//! name; [`BatchLock`] removes it when dropped, including when the batch fails or panics.
//!
//! A process killed with `kill -9` leaves its lock behind. On Linux a lock whose process no
//! longer runs on this host is recognised as stale and taken over; elsewhere (or for a lock
//! taken on another host of a shared file system) the error names the file to remove.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::plan::Shard;
use super::runner::{BatchError, io_err};

/// File name of the whole-folder lock.
pub const LOCK_FILE: &str = "batch.lock";

/// A held lock file; removed on drop.
#[derive(Debug)]
pub struct BatchLock {
    path: PathBuf,
}

/// The lock file name for a shard (or the whole folder).
fn lock_name(shard: Option<Shard>) -> String {
    match shard {
        None => LOCK_FILE.to_string(),
        Some(s) => format!("batch.shard-{}-of-{}.lock", s.index, s.count),
    }
}

/// Whether the lock file `name` (held by someone else) excludes a holder of `ours`.
fn conflicts(ours: &str, name: &str) -> bool {
    let is_lock =
        name == LOCK_FILE || (name.starts_with("batch.shard-") && name.ends_with(".lock"));
    // The whole-folder lock excludes everything; a shard lock excludes only the whole-folder
    // lock (its own name is taken with `create_new`).
    is_lock && name != ours && (ours == LOCK_FILE || name == LOCK_FILE)
}

impl BatchLock {
    /// Take the lock of batch folder `dir` (created if needed) for a whole batch or merge
    /// (`shard` = `None`) or for one shard. Fails at once with [`BatchError::Locked`] when
    /// another live process holds a conflicting lock.
    pub fn acquire(dir: &Path, shard: Option<Shard>) -> Result<BatchLock, BatchError> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let name = lock_name(shard);
        let path = dir.join(&name);
        let lock = match create(&path)? {
            Some(lock) => lock,
            None if holder_is_dead(&path) => {
                // Stale (its process died without removing it): take it over.
                std::fs::remove_file(&path).map_err(io_err(&path))?;
                create(&path)?.ok_or_else(|| locked(&path))?
            }
            None => return Err(locked(&path)),
        };
        // Both sides create their own file first and then look for the other's, so of two
        // racing processes at least one sees the other.
        let entries = std::fs::read_dir(dir).map_err(io_err(dir))?;
        for entry in entries.flatten() {
            let other = entry.file_name().to_string_lossy().to_string();
            if conflicts(&name, &other) {
                let other_path = dir.join(&other);
                if holder_is_dead(&other_path) {
                    // A stale lock of another kind: removed so it does not block later runs.
                    let _ = std::fs::remove_file(&other_path);
                    continue;
                }
                return Err(locked(&other_path));
            }
        }
        Ok(lock)
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for BatchLock {
    fn drop(&mut self) {
        // Nothing to do if it is already gone.
        let _ = std::fs::remove_file(&self.path);
    }
}

fn locked(path: &Path) -> BatchError {
    BatchError::Locked {
        dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        lock: path.to_path_buf(),
        holder: std::fs::read_to_string(path)
            .map(|s| s.trim().replace('\n', ", "))
            .unwrap_or_default(),
    }
}

/// Create the lock file atomically; `None` if it exists.
fn create(path: &Path) -> Result<Option<BatchLock>, BatchError> {
    match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(mut f) => {
            let text = format!("pid {}\nhost {}\n", std::process::id(), host_name());
            f.write_all(text.as_bytes()).map_err(io_err(path))?;
            Ok(Some(BatchLock {
                path: path.to_path_buf(),
            }))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(None),
        Err(e) => Err(io_err(path)(e)),
    }
}

/// This host's name (Linux), or an empty string.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// Whether the lock file at `path` was taken on this host by a process that is gone.
/// `false` whenever that cannot be known (no `/proc`, another host, unreadable file).
fn holder_is_dead(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_string()))
    };
    let (Some(pid), Some(host)) = (field("pid "), field("host ")) else {
        return false;
    };
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    let here = host_name();
    if here.is_empty() || host != here || !Path::new("/proc/self").exists() {
        return false;
    }
    !Path::new("/proc").join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_folder_fails_and_drop_releases_it() {
        let dir = tempfile::tempdir().unwrap();
        let first = BatchLock::acquire(dir.path(), None).unwrap();
        let err = BatchLock::acquire(dir.path(), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("batch.lock"), "{err}");
        // Shards conflict with the whole-folder lock, not with each other.
        let shard = |i| Some(Shard { index: i, count: 2 });
        assert!(BatchLock::acquire(dir.path(), shard(0)).is_err());
        drop(first);
        let s0 = BatchLock::acquire(dir.path(), shard(0)).unwrap();
        let s1 = BatchLock::acquire(dir.path(), shard(1)).unwrap();
        assert!(BatchLock::acquire(dir.path(), shard(1)).is_err());
        assert!(BatchLock::acquire(dir.path(), None).is_err());
        drop((s0, s1));
        assert!(BatchLock::acquire(dir.path(), None).is_ok());
        assert!(!dir.path().join(LOCK_FILE).exists());
    }

    #[test]
    fn a_lock_left_by_a_dead_process_is_taken_over() {
        if host_name().is_empty() {
            return; // not Linux: stale locks are reported, not detected
        }
        let dir = tempfile::tempdir().unwrap();
        // Process ids are below 2^22 on Linux, so this one cannot be running.
        let stale = format!("pid 4294967295\nhost {}\n", host_name());
        std::fs::write(dir.path().join(LOCK_FILE), stale).unwrap();
        let lock = BatchLock::acquire(dir.path(), None).unwrap();
        let text = std::fs::read_to_string(lock.path()).unwrap();
        assert!(text.contains(&format!("pid {}", std::process::id())));
    }
}
