//! The one door to parallel work: every parallel loop of the core goes
//! through [`map`] or [`map_chunks_mut`], and nothing else in the crate
//! touches rayon (tests aside, which build pools of a chosen size).
//!
//! Fork safety. rayon's pool threads do not survive a `fork()`: the child
//! inherits a pool that believes it has workers, and the first parallel loop
//! waits for them forever. PyTorch DataLoader workers and `multiprocessing`
//! (before Python 3.14) fork. As tokenizers does, a `pthread_atfork` child
//! hook ([`serial_after_fork`]) marks the child serial when the parent had
//! started the pool; from then on every loop runs on the calling thread. A
//! child forked before any parallel work keeps its parallelism, since its
//! pool is created afresh on first use.
//!
//! Results do not depend on this: every caller splits its work into the same
//! pieces whatever the thread count and combines them in order (or by integer
//! sums), so serial and parallel runs give the same bits.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

/// Set once rayon's global pool may have started threads in this process.
static USED: AtomicBool = AtomicBool::new(false);
/// Set in a child forked after that: loops run on the calling thread.
static SERIAL: AtomicBool = AtomicBool::new(false);

/// Whether loops run on the calling thread only.
pub fn is_serial() -> bool {
    SERIAL.load(Ordering::SeqCst)
}

/// The fork hook's work: a forked child of a process that used the pool runs
/// serially.
fn after_fork_in_child() {
    if USED.load(Ordering::SeqCst) {
        SERIAL.store(true, Ordering::SeqCst);
    }
}

/// Whether to go parallel now; records that the pool is in use if so.
fn parallel() -> bool {
    if is_serial() {
        return false;
    }
    USED.store(true, Ordering::SeqCst);
    true
}

/// How many threads loops may use: rayon's count, or 1 when serial.
pub fn threads() -> usize {
    if parallel() {
        rayon::current_num_threads()
    } else {
        1
    }
}

/// `[f(0), f(1), ..., f(n - 1)]`, computed on the pool unless serial.
pub fn map<R, F>(n: usize, f: F) -> Vec<R>
where
    R: Send,
    F: Fn(usize) -> R + Sync + Send,
{
    if parallel() {
        (0..n).into_par_iter().map(f).collect()
    } else {
        (0..n).map(f).collect()
    }
}

/// `[f(0, chunk 0), f(1, chunk 1), ...]` over `data` cut into chunks of
/// `size` (the last may be shorter), computed on the pool unless serial.
pub fn map_chunks_mut<T, R, F>(data: &mut [T], size: usize, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(usize, &mut [T]) -> R + Sync + Send,
{
    if parallel() {
        data.par_chunks_mut(size)
            .enumerate()
            .map(|(k, chunk)| f(k, chunk))
            .collect()
    } else {
        data.chunks_mut(size)
            .enumerate()
            .map(|(k, chunk)| f(k, chunk))
            .collect()
    }
}

/// Registers the fork hook, once per process (later calls do nothing).
#[cfg(unix)]
pub fn serial_after_fork() {
    extern "C" fn child() {
        after_fork_in_child();
    }
    static REGISTER: std::sync::Once = std::sync::Once::new();
    REGISTER.call_once(|| {
        // SAFETY: `child` only touches atomics, which is async-signal-safe,
        // as a handler run in a freshly forked child must be.
        let status = unsafe { libc::pthread_atfork(None, None, Some(child)) };
        debug_assert_eq!(status, 0, "pthread_atfork failed");
    });
}

/// Without `fork()` there is nothing to guard against.
#[cfg(not(unix))]
pub fn serial_after_fork() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_keeps_the_order() {
        let squares = map(1000, |k| k * k);
        assert_eq!(squares, (0..1000).map(|k| k * k).collect::<Vec<_>>());
        let mut data: Vec<usize> = (0..10).collect();
        let sums = map_chunks_mut(&mut data, 4, |k, chunk| {
            chunk.iter_mut().for_each(|x| *x += k);
            chunk.iter().sum::<usize>()
        });
        assert_eq!(sums, vec![6, 4 + 5 + 6 + 7 + 4, 8 + 9 + 4]);
        assert_eq!(data, vec![0, 1, 2, 3, 5, 6, 7, 8, 10, 11]);
    }

    /// Runs `check` in a forked child and returns whether it passed; fails
    /// the test if the child hangs. Flags the child sets stay in the child.
    #[cfg(unix)]
    fn in_forked_child(check: impl FnOnce() -> bool) -> bool {
        use std::time::{Duration, Instant};

        // SAFETY: the child only runs this crate's code on the forked thread
        // (atomics, allocation, arithmetic) and leaves with `_exit`.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let code = if check() { 0 } else { 1 };
            unsafe { libc::_exit(code) };
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut status = 0;
        while unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) } != pid {
            if Instant::now() > deadline {
                unsafe { libc::kill(pid, libc::SIGKILL) };
                unsafe { libc::waitpid(pid, &mut status, 0) };
                panic!("the forked child hung");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0
    }

    /// A real fork after the pool has run: the child's loops must finish
    /// (serially) with the parent's results.
    #[cfg(unix)]
    #[test]
    fn a_forked_child_runs_serially_and_finishes() {
        serial_after_fork();
        let work = || map(64, |k| (0..10_000u64).map(|x| x ^ k as u64).sum::<u64>());
        let expected = work();
        assert!(USED.load(Ordering::SeqCst) && !is_serial());
        let child_ok = in_forked_child(|| is_serial() && threads() == 1 && work() == expected);
        assert!(
            child_ok,
            "the child did not run serially to the same result"
        );
        assert!(!is_serial(), "the parent stays parallel");
    }

    /// The hook's decision, tried in a child so that the flags it sets stay
    /// there: a process that never used the pool keeps its parallelism.
    #[cfg(unix)]
    #[test]
    fn the_hook_turns_parallelism_off_only_after_use() {
        let child_ok = in_forked_child(|| {
            // Start from a process that never used the pool (the real hook
            // may have run at this fork, since other tests use the pool).
            SERIAL.store(false, Ordering::SeqCst);
            USED.store(false, Ordering::SeqCst);
            after_fork_in_child();
            let kept = !is_serial();
            USED.store(true, Ordering::SeqCst);
            after_fork_in_child();
            kept && is_serial()
        });
        assert!(child_ok);
    }
}
