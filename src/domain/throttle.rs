//! Sign-in throttling: repeated failures for one account or one address are first slowed
//! down, then refused for a while.
//!
//! Failures are counted in a sliding window (`window_secs` after the last failure). The
//! first `free_failures` cost nothing; each further failure doubles a delay starting at
//! `base_delay_ms` (capped at `max_delay_ms`); from `lock_after` failures on, attempts are
//! refused until `lock_secs` after the last failure. The rule treats an unknown account
//! exactly like a known one, so the answer never tells whether an account exists.
//!
//! ```
//! use qudao::domain::throttle::{record_failure, verdict, Policy, Verdict};
//! let p = Policy { window_secs: 900, free_failures: 3, lock_after: 5, lock_secs: 900,
//!                  base_delay_ms: 250, max_delay_ms: 2000 };
//! let mut f = None;
//! for t in 0..5 { f = Some(record_failure(f, t, &p)); }
//! assert_eq!(verdict(f.as_ref(), 10, &p), Verdict::Refuse { retry_after_secs: 894 });
//! assert_eq!(verdict(f.as_ref(), 905, &p), Verdict::Allow { delay_ms: 0 });
//! ```

/// Limits for one kind of key (an account, or a client address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Failures older than this (after the last one) are forgotten.
    pub window_secs: i64,
    /// How many failures cost no delay.
    pub free_failures: u32,
    /// From this many failures on, attempts are refused.
    pub lock_after: u32,
    /// How long a refusal lasts after the last failure.
    pub lock_secs: i64,
    /// Delay after the first failure beyond the free ones.
    pub base_delay_ms: u64,
    /// The delay never exceeds this.
    pub max_delay_ms: u64,
}

/// Recent failures for one key. Times are unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failures {
    pub count: u32,
    pub last_at: i64,
}

/// What to do with the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead, after waiting `delay_ms`.
    Allow { delay_ms: u64 },
    /// Refuse without checking the password; try again in `retry_after_secs`.
    Refuse { retry_after_secs: i64 },
}

/// Failures still in force at `now` (none once the window or the lock has passed).
fn live(f: Option<&Failures>, now: i64, p: &Policy) -> Option<Failures> {
    let f = *f?;
    let forget_after = if f.count >= p.lock_after {
        p.lock_secs.max(p.window_secs)
    } else {
        p.window_secs
    };
    (now - f.last_at < forget_after).then_some(f)
}

/// Decides the next attempt for a key with failures `f`.
pub fn verdict(f: Option<&Failures>, now: i64, p: &Policy) -> Verdict {
    let Some(f) = live(f, now, p) else {
        return Verdict::Allow { delay_ms: 0 };
    };
    if f.count >= p.lock_after {
        let until = f.last_at + p.lock_secs;
        if now < until {
            return Verdict::Refuse {
                retry_after_secs: until - now,
            };
        }
    }
    Verdict::Allow {
        delay_ms: delay_for(f.count, p),
    }
}

/// The delay before the next attempt after `count` failures.
pub fn delay_for(count: u32, p: &Policy) -> u64 {
    if count <= p.free_failures {
        return 0;
    }
    let doublings = (count - p.free_failures - 1).min(20);
    p.base_delay_ms
        .saturating_mul(1u64 << doublings)
        .min(p.max_delay_ms)
}

/// Counts one more failure at `now`.
pub fn record_failure(f: Option<Failures>, now: i64, p: &Policy) -> Failures {
    let count = live(f.as_ref(), now, p).map_or(0, |f| f.count);
    Failures {
        count: count.saturating_add(1),
        last_at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const P: Policy = Policy {
        window_secs: 900,
        free_failures: 3,
        lock_after: 5,
        lock_secs: 900,
        base_delay_ms: 250,
        max_delay_ms: 2000,
    };

    fn after(n: u32, at: i64) -> Option<Failures> {
        (0..n).fold(None, |f, _| Some(record_failure(f, at, &P)))
    }

    #[test]
    fn first_failures_are_free_then_slowed_then_refused() {
        assert_eq!(
            verdict(after(0, 0).as_ref(), 1, &P),
            Verdict::Allow { delay_ms: 0 }
        );
        assert_eq!(
            verdict(after(3, 0).as_ref(), 1, &P),
            Verdict::Allow { delay_ms: 0 }
        );
        assert_eq!(
            verdict(after(4, 0).as_ref(), 1, &P),
            Verdict::Allow { delay_ms: 250 }
        );
        assert_eq!(
            verdict(after(5, 0).as_ref(), 1, &P),
            Verdict::Refuse {
                retry_after_secs: 899
            }
        );
    }

    #[test]
    fn lock_ends_exactly_at_lock_secs_and_counting_restarts() {
        let f = after(5, 100);
        assert_eq!(
            verdict(f.as_ref(), 999, &P),
            Verdict::Refuse {
                retry_after_secs: 1
            }
        );
        assert_eq!(
            verdict(f.as_ref(), 1000, &P),
            Verdict::Allow { delay_ms: 0 }
        );
        assert_eq!(record_failure(f, 1000, &P).count, 1);
    }

    #[test]
    fn old_failures_are_forgotten_after_the_window() {
        let f = after(4, 0);
        assert_eq!(
            verdict(f.as_ref(), 899, &P),
            Verdict::Allow { delay_ms: 250 }
        );
        assert_eq!(verdict(f.as_ref(), 900, &P), Verdict::Allow { delay_ms: 0 });
    }

    #[test]
    fn delay_doubles_and_is_capped() {
        let p = Policy {
            lock_after: 100,
            ..P
        };
        let delays: Vec<u64> = (3..10).map(|n| delay_for(n, &p)).collect();
        assert_eq!(delays, [0, 250, 500, 1000, 2000, 2000, 2000]);
    }

    proptest! {
        /// More failures never make the next attempt cheaper.
        #[test]
        fn delay_never_decreases_with_more_failures(n in 0u32..1000) {
            prop_assert!(delay_for(n + 1, &P) >= delay_for(n, &P));
            prop_assert!(delay_for(n, &P) <= P.max_delay_ms);
        }

        /// A refusal happens only after `lock_after` failures, and never lasts longer than
        /// `lock_secs`.
        #[test]
        fn refusals_are_bounded(n in 0u32..20, gap in 0i64..2000) {
            match verdict(after(n, 0).as_ref(), gap, &P) {
                Verdict::Refuse { retry_after_secs } => {
                    prop_assert!(n >= P.lock_after);
                    prop_assert!(retry_after_secs > 0 && retry_after_secs <= P.lock_secs);
                }
                Verdict::Allow { .. } => prop_assert!(n < P.lock_after || gap >= P.lock_secs),
            }
        }
    }
}
