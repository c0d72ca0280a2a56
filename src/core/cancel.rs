//! Cooperative cancellation. Long loops check a [`Cancel`] token between
//! chunks of work and stop with [`Error::Cancelled`] once it is set; the
//! bindings set it when Ctrl-C arrives. A chunk that has started finishes,
//! so cancelling never changes what a finished run computes.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::core::error::{Error, Result};

/// Rows (clips, cells) a per-row loop handles between two checks: well under
/// a millisecond of work.
pub const ROWS_PER_CHECK: usize = 4096;

#[derive(Debug, Default)]
pub struct Cancel(AtomicBool);

impl Cancel {
    /// A token nobody has cancelled yet.
    pub const fn new() -> Cancel {
        Cancel(AtomicBool::new(false))
    }

    /// Asks every loop that checks this token to stop at its next check.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `Err(Error::Cancelled)` once the token is set.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_stays_cancelled() {
        let token = Cancel::new();
        assert!(token.check().is_ok());
        token.cancel();
        assert_eq!(token.check(), Err(Error::Cancelled));
        assert!(token.is_cancelled());
    }
}
