//! The virtual clock: `jiffies` (include/linux/jiffies.h) and timers
//! (kernel/time/timer.c `mod_timer`, `timer_delete`, `run_timers`).
//!
//! Nothing in the simulator reads the wall clock. Time moves only when the
//! embedder says so ([`crate::Kernel::advance_ms`]); the timers that fall
//! due then run in expiry order, each seeing `jiffies` at its own expiry, as
//! they would have in softirq context. Address lifetimes, IPv6 DAD and
//! neighbour state changes all hang on this clock, so a test that advances
//! it by the same amount sees the same transitions every run.
//!
//! Workqueue items that Linux schedules with a delay (`queue_delayed_work`,
//! `mod_delayed_work`) are timers here too: the callback runs with no lock
//! held and takes `rtnl_lock` itself when the kernel's work function does.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::kernel::Globals;

/// `CONFIG_HZ` of the kernel we model (6.18 as built on the reference machines).
pub const HZ: u64 = 250;

/// `INITIAL_JIFFIES`: jiffies start five minutes before the 32-bit wrap,
/// so that wrap bugs show early. Uptime is `jiffies - INITIAL_JIFFIES`.
pub const INITIAL_JIFFIES: u64 = (-(300 * HZ as i64)) as u32 as u64;

/// `msecs_to_jiffies` (rounding up, as the kernel does for HZ dividing 1000).
pub const fn msecs_to_jiffies(ms: u64) -> u64 {
    ms.div_ceil(1000 / HZ)
}

/// `jiffies_to_msecs`.
pub const fn jiffies_to_msecs(j: u64) -> u64 {
    j * (1000 / HZ)
}

/// `time_after(a, b)`: `a` is later than `b`.
pub const fn time_after(a: u64, b: u64) -> bool {
    a > b
}

/// A timer callback. It gets the machine's globals and runs with no lock held.
pub type TimerFn = Box<dyn FnOnce(&Arc<Globals>) + Send>;

/// `struct timer_base`: the clock and the pending timers, ordered by expiry
/// then by arming order (timers due in the same jiffy run in the order they
/// were armed).
pub struct TimerBase {
    jiffies: u64,
    next_id: u64,
    next_seq: u64,
    pending: BTreeMap<(u64, u64), (u64, TimerFn)>,
    /// timer id → (expires, seq) key in `pending`.
    armed: HashMap<u64, (u64, u64)>,
}

impl Default for TimerBase {
    fn default() -> Self {
        TimerBase { jiffies: INITIAL_JIFFIES, next_id: 1, next_seq: 0, pending: BTreeMap::new(), armed: HashMap::new() }
    }
}

impl std::fmt::Debug for TimerBase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TimerBase").field("jiffies", &self.jiffies).field("pending", &self.pending.len()).finish()
    }
}

/// `struct timer_list`: a handle that can be armed, re-armed and deleted.
/// Dropping the handle does not delete the timer; call [`TimerList::delete`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimerList {
    id: u64,
}

impl TimerList {
    /// `timer_setup`.
    pub fn setup(globals: &Globals) -> TimerList {
        let mut base = globals.timers.lock();
        let id = base.next_id;
        base.next_id += 1;
        TimerList { id }
    }

    /// `mod_timer(timer, expires)`: arms the timer (replacing a pending
    /// expiry and callback). Returns whether it was pending.
    pub fn mod_timer(&self, globals: &Globals, expires: u64, f: TimerFn) -> bool {
        let mut base = globals.timers.lock();
        let was = base.armed.remove(&self.id).and_then(|key| base.pending.remove(&key)).is_some();
        let seq = base.next_seq;
        base.next_seq += 1;
        base.pending.insert((expires, seq), (self.id, f));
        base.armed.insert(self.id, (expires, seq));
        if expires <= base.jiffies {
            globals.timer_due_now.store(true, Ordering::Release);
        }
        was
    }

    /// `timer_delete`: disarms. Returns whether it was pending.
    pub fn delete(&self, globals: &Globals) -> bool {
        let mut base = globals.timers.lock();
        base.armed.remove(&self.id).and_then(|key| base.pending.remove(&key)).is_some()
    }

    /// `timer_pending`.
    pub fn pending(&self, globals: &Globals) -> bool {
        globals.timers.lock().armed.contains_key(&self.id)
    }

    /// When the timer will fire, if armed.
    pub fn expires(&self, globals: &Globals) -> Option<u64> {
        globals.timers.lock().armed.get(&self.id).map(|k| k.0)
    }
}

/// `jiffies`.
pub fn jiffies(globals: &Globals) -> u64 {
    globals.timers.lock().jiffies
}

/// Runs the timers due now, without moving the clock: the work a request
/// queued with no delay, run once the request is done. Every request passes
/// here, so it costs one atomic load unless such work was queued (only
/// `mod_timer` can make a timer due before the clock moves).
pub fn run_due_timers(globals: &Arc<Globals>) {
    if globals.timer_due_now.swap(false, Ordering::AcqRel) {
        advance_jiffies(globals, 0);
    }
}

/// Moves the clock forward by `delta` jiffies, running every timer that falls
/// due, in expiry order, with `jiffies` set to its expiry (`run_timers`).
/// A timer armed by a callback for a time within the window runs too.
pub fn advance_jiffies(globals: &Arc<Globals>, delta: u64) {
    let target = {
        let base = globals.timers.lock();
        base.jiffies.saturating_add(delta)
    };
    loop {
        let due = {
            let mut base = globals.timers.lock();
            match base.pending.first_key_value() {
                Some((&(expires, seq), _)) if expires <= target => {
                    let (id, f) = match base.pending.remove(&(expires, seq)) {
                        Some(v) => v,
                        None => break,
                    };
                    base.armed.remove(&id);
                    base.jiffies = base.jiffies.max(expires);
                    Some(f)
                }
                _ => {
                    base.jiffies = target;
                    None
                }
            }
        };
        match due {
            Some(f) => {
                let _s = tracing::debug_span!("run_timer_softirq").entered();
                f(globals)
            }
            None => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Kernel};

    fn globals() -> (Kernel, Arc<Globals>) {
        let k = Kernel::new(Config::default());
        let g = k.globals();
        (k, g)
    }

    #[test]
    fn timers_fire_in_expiry_order_each_at_its_own_jiffies() {
        let (_k, g) = globals();
        let log = Arc::new(parking_lot::Mutex::new(Vec::new()));
        let start = jiffies(&g);
        for (i, delay) in [(1u64, 30u64), (2, 10), (3, 20), (4, 10)] {
            let t = TimerList::setup(&g);
            let log = Arc::clone(&log);
            t.mod_timer(&g, start + delay, Box::new(move |g| log.lock().push((i, jiffies(g) - start))));
        }
        advance_jiffies(&g, 25);
        assert_eq!(*log.lock(), vec![(2, 10), (4, 10), (3, 20)], "due ones only, ties in arming order");
        assert_eq!(jiffies(&g), start + 25);
        advance_jiffies(&g, 5);
        assert_eq!(log.lock().last(), Some(&(1, 30)));
    }

    #[test]
    fn mod_timer_rearms_and_delete_disarms() {
        let (_k, g) = globals();
        let hits = Arc::new(parking_lot::Mutex::new(0));
        let start = jiffies(&g);
        let t = TimerList::setup(&g);
        let h = Arc::clone(&hits);
        assert!(!t.mod_timer(&g, start + 5, Box::new(move |_| *h.lock() += 1)));
        let h = Arc::clone(&hits);
        assert!(t.mod_timer(&g, start + 50, Box::new(move |_| *h.lock() += 10)), "was pending");
        advance_jiffies(&g, 10);
        assert_eq!(*hits.lock(), 0, "the first expiry was replaced");
        assert_eq!(t.expires(&g), Some(start + 50));
        assert!(t.delete(&g));
        advance_jiffies(&g, 100);
        assert_eq!(*hits.lock(), 0);
        assert!(!t.pending(&g));
    }

    #[test]
    fn a_timer_armed_by_a_timer_within_the_window_runs_too() {
        let (_k, g) = globals();
        let hits = Arc::new(parking_lot::Mutex::new(Vec::new()));
        let start = jiffies(&g);
        let t = TimerList::setup(&g);
        let h = Arc::clone(&hits);
        t.mod_timer(
            &g,
            start + 4,
            Box::new(move |g| {
                h.lock().push(jiffies(g) - start);
                let h2 = Arc::clone(&h);
                t.mod_timer(g, jiffies(g) + 4, Box::new(move |g| h2.lock().push(jiffies(g) - start)));
            }),
        );
        advance_jiffies(&g, 10);
        assert_eq!(*hits.lock(), vec![4, 8]);
    }

    #[test]
    fn the_clock_starts_five_minutes_before_the_32_bit_wrap() {
        assert_eq!(INITIAL_JIFFIES, 4_294_892_296);
        assert_eq!(msecs_to_jiffies(1000), HZ);
        assert_eq!(msecs_to_jiffies(1), 1, "rounded up");
        let k = Kernel::new(Config::default());
        assert_eq!(k.jiffies(), INITIAL_JIFFIES);
        k.advance_ms(2000);
        assert_eq!(k.jiffies(), INITIAL_JIFFIES + 2 * HZ);
    }
}
