//! Allocations whose size an argument chooses (replicates, grid cells,
//! systems). Each is checked against the memory the process may still take,
//! then made fallibly, so that an oversized argument ends as
//! [`Error::Memory`] (a `MemoryError` in Python) and never as an abort.
//!
//! What the process may take is the least of what its limits leave (Linux):
//! the address-space limit (`RLIMIT_AS`, `ulimit -v`) less the address space
//! in use, and for its cgroup and every ancestor, `memory.max` less the
//! memory in use that is not page cache (cgroup v2; v1's
//! `memory.limit_in_bytes` likewise). A cgroup's limit is not enforced at
//! allocation but by the OOM killer when the pages are touched, so only a
//! check made beforehand turns it into an error.

use crate::core::error::{Error, Result};

/// Allocations below this size skip the check: reading the limits costs
/// more than they do, and the allocator's own failure is then the only risk.
const CHECK_FROM: u128 = 16 << 20;

/// `len` copies of `value`, or [`Error::Memory`] naming `argument` and
/// `what` the memory was for.
pub fn vec_of<T: Clone>(
    argument: &str,
    what: &'static str,
    len: usize,
    value: T,
) -> Result<Vec<T>> {
    let mut v = Vec::new();
    reserve(&mut v, len, argument, what)?;
    v.resize(len, value);
    Ok(v)
}

/// Reserves room for `additional` more elements in `v` (see [`vec_of`]).
pub fn reserve<T>(
    v: &mut Vec<T>,
    additional: usize,
    argument: &str,
    what: &'static str,
) -> Result<()> {
    let bytes = additional as u128 * std::mem::size_of::<T>() as u128;
    check(argument, what, bytes)?;
    v.try_reserve_exact(additional)
        .map_err(|_| too_much(argument, what, bytes))
}

/// Whether `bytes` more can be allocated within the process's limits; else
/// [`Error::Memory`].
pub fn check(argument: &str, what: &'static str, bytes: u128) -> Result<()> {
    if bytes >= CHECK_FROM && available().is_some_and(|free| bytes > u128::from(free)) {
        return Err(too_much(argument, what, bytes));
    }
    Ok(())
}

fn too_much(argument: &str, what: &'static str, bytes: u128) -> Error {
    Error::Memory {
        argument: argument.into(),
        what,
        bytes,
    }
}

/// The bytes the process's limits still allow it, None when unlimited (or
/// the limits cannot be read).
pub fn available() -> Option<u64> {
    [address_space_left(), cgroup_left()]
        .into_iter()
        .flatten()
        .min()
}

/// `RLIMIT_AS` less the address space in use.
#[cfg(target_os = "linux")]
fn address_space_left() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes only the struct it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut limit) } != 0
        || limit.rlim_cur == libc::RLIM_INFINITY
    {
        return None;
    }
    // The first field of statm is the address space in use, in pages.
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().next()?.parse().ok()?;
    // SAFETY: sysconf has no preconditions.
    let page = u64::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).ok()?;
    Some(limit.rlim_cur.saturating_sub(pages * page))
}

/// The least room left by the process's cgroup and its ancestors.
#[cfg(target_os = "linux")]
fn cgroup_left() -> Option<u64> {
    let root = std::path::Path::new("/sys/fs/cgroup");
    let membership = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    // cgroup v2: the line "0::/path"; its directory and every ancestor.
    let v2 = membership.lines().find_map(|l| l.strip_prefix("0::"));
    let mut least: Option<u64> = None;
    let mut consider = |room: Option<u64>| {
        if let Some(room) = room {
            least = Some(least.map_or(room, |l| l.min(room)));
        }
    };
    if let Some(path) = v2 {
        let mut dir = root.join(path.trim_start_matches('/'));
        loop {
            consider(cgroup_room(&dir, "memory.max", "memory.current", "file"));
            if dir.as_path() == root || !dir.pop() {
                break;
            }
        }
    }
    // cgroup v1's memory controller, where mounted.
    let v1 = root.join("memory");
    consider(cgroup_room(
        &v1,
        "memory.limit_in_bytes",
        "memory.usage_in_bytes",
        "total_cache",
    ));
    least
}

/// `limit - (usage - page cache)` from the files of one cgroup directory;
/// None without a limit.
#[cfg(target_os = "linux")]
fn cgroup_room(dir: &std::path::Path, limit: &str, usage: &str, cache: &str) -> Option<u64> {
    let number = |name: &str| -> Option<u64> {
        std::fs::read_to_string(dir.join(name))
            .ok()?
            .trim()
            .parse()
            .ok()
    };
    // "max" (v2) does not parse: no limit.
    let limit = number(limit)?;
    let usage = number(usage).unwrap_or(0);
    let stat = std::fs::read_to_string(dir.join("memory.stat")).unwrap_or_default();
    let cached: u64 = stat
        .lines()
        .find_map(|l| {
            l.strip_prefix(cache)?
                .strip_prefix(' ')?
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(0);
    Some(limit.saturating_sub(usage.saturating_sub(cached)))
}

#[cfg(not(target_os = "linux"))]
fn address_space_left() -> Option<u64> {
    None
}

#[cfg(not(target_os = "linux"))]
fn cgroup_left() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_impossible_size_is_an_error_naming_the_argument() {
        let err = vec_of("n_resamples=7", "the replicates", usize::MAX / 2, 0u64).unwrap_err();
        assert!(matches!(err, Error::Memory { .. }));
        assert!(err.to_string().starts_with("n_resamples=7 needs "), "{err}");
        assert_eq!(vec_of("n_resamples=7", "x", 3, 1u8).unwrap(), vec![1, 1, 1]);
    }
}
