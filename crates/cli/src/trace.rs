//! The teaching trace: a `tracing` subscriber that prints the kernel's call
//! tree as it happens.
//!
//! The simulated kernel opens one span per kernel function, named after it
//! (`netlink_sendmsg`, `rtnetlink_rcv_msg`, `netlink_ack`…) with its key
//! fields. This subscriber prints each span when it is entered, indented by
//! its depth, so a request reads like the kernel's own call chain:
//!
//! ```text
//! netlink_sendmsg portid=1000 len=20
//!   netlink_unicast_kernel portid=1000
//!     rtnetlink_rcv portid=1000 len=20
//!       netlink_rcv_skb len=20
//!         rtnetlink_rcv_msg ty=124 seq=1
//!         netlink_ack seq=1 err=-95
//! ```

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

/// Where trace lines go.
pub type Sink = Arc<Mutex<dyn std::io::Write + Send>>;

/// One thread's call tree while it is being traced.
struct Tree {
    depth: usize,
    spans: HashMap<u64, String>,
    out: Sink,
    /// Top-level calls not shown, with everything under them.
    hidden_roots: &'static [&'static str],
    /// The depth at which a hidden call was entered, while inside it.
    hiding: Option<usize>,
}

thread_local! {
    /// The tree this thread is printing, if it is being traced.
    static TREE: RefCell<Option<Tree>> = const { RefCell::new(None) };
}

/// Prints every span as one indented line: its name and fields.
///
/// One `CallTree` is installed as the process's global subscriber; which
/// threads are traced, and where their lines go, is thread-local state set
/// by [`with_trace`]. (A subscriber per traced thread, with
/// `tracing::subscriber::with_default`, loses spans when other threads
/// create and drop their own at the same moment: tracing caches each
/// callsite's interest globally. Answering `Interest::sometimes` from a
/// single global subscriber makes every callsite ask [`Subscriber::enabled`],
/// which looks at this thread only.)
pub struct CallTree {
    next_id: AtomicU64,
}

/// Installs the call tree as the process's global subscriber, once; false
/// when another global subscriber was there first (scoped subscribers are
/// then the fallback). Programs call it before any kernel code runs
/// (`main` does); [`with_trace`] calls it too.
pub fn install() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    *INSTALLED.get_or_init(|| tracing::subscriber::set_global_default(CallTree { next_id: AtomicU64::new(1) }).is_ok())
}

fn with_tree<R>(f: impl FnOnce(&mut Tree) -> R) -> Option<R> {
    TREE.with(|t| t.borrow_mut().as_mut().map(f))
}

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
    /// Message types by name (`ty=RTM_NEWLINK`), `ifi_change` masks in hex:
    /// the kernel records numbers, the reader wants the names.
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "ty" => match u16::try_from(value).ok().and_then(nlwire::uapi::rtnetlink::rtm_name) {
                Some(name) => {
                    let _ = write!(self.0, " ty={name}");
                }
                None => {
                    let _ = write!(self.0, " ty={value}");
                }
            },
            "change" | "flags" => {
                let _ = write!(self.0, " {}={value:#x}", field.name());
            }
            name => {
                let _ = write!(self.0, " {name}={value}");
            }
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={}", field.name(), value);
    }
}

fn ours(metadata: &Metadata<'_>) -> bool {
    metadata.target().starts_with("rtnlsim")
}

impl Subscriber for CallTree {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if ours(metadata) {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        ours(metadata) && TREE.with(|t| t.borrow().is_some())
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut f = Fields(span.metadata().name().to_string());
        span.record(&mut f);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        with_tree(|t| t.spans.insert(id, f.0));
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut f = Fields(String::new());
        values.record(&mut f);
        with_tree(|t| {
            if let Some(s) = t.spans.get_mut(&span.into_u64()) {
                s.push_str(&f.0);
            }
        });
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut f = Fields(String::new());
        event.record(&mut f);
        with_tree(|t| {
            if t.hiding.is_none() {
                if let Ok(mut out) = t.out.lock() {
                    let _ = writeln!(out, "{}·{}", "  ".repeat(t.depth), f.0);
                }
            }
        });
    }

    fn enter(&self, span: &Id) {
        with_tree(|t| {
            let depth = t.depth;
            t.depth += 1;
            let line = t.spans.get(&span.into_u64()).cloned().unwrap_or_default();
            if t.hiding.is_none() && depth == 0 && t.hidden_roots.iter().any(|r| line.split(' ').next() == Some(*r)) {
                t.hiding = Some(depth);
            }
            if t.hiding.is_some() {
                return;
            }
            if let Ok(mut out) = t.out.lock() {
                let _ = writeln!(out, "{}{}", "  ".repeat(depth), line);
            }
        });
    }

    fn exit(&self, _span: &Id) {
        with_tree(|t| {
            t.depth = t.depth.saturating_sub(1);
            if t.hiding == Some(t.depth) {
                t.hiding = None;
            }
        });
    }

    fn try_close(&self, id: Id) -> bool {
        with_tree(|t| t.spans.remove(&id.into_u64()));
        true
    }
}

/// Runs `f` with this thread's kernel calls printed to `out`, leaving out
/// the calls named in `hidden_roots` when entered at the top.
fn traced<T>(out: Sink, hidden_roots: &'static [&'static str], f: impl FnOnce() -> T) -> T {
    let tree = Tree { depth: 0, spans: HashMap::new(), out, hidden_roots, hiding: None };
    let previous = TREE.with(|t| t.borrow_mut().replace(tree));
    // Put the previous state back even if `f` panics.
    struct Restore(Option<Option<Tree>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(p) = self.0.take() {
                TREE.with(|t| *t.borrow_mut() = p);
            }
        }
    }
    let _restore = Restore(Some(previous));
    if install() {
        // A callsite that registered while the subscriber was being
        // installed, on another thread, may have cached "never"
        // (tokio-rs/tracing#2874): ask every callsite again.
        tracing::callsite::rebuild_interest_cache();
        f()
    } else {
        // Another global subscriber was there first (an embedding program's):
        // this thread gets the call tree as a scoped subscriber.
        tracing::subscriber::with_default(CallTree { next_id: AtomicU64::new(1) }, f)
    }
}

/// Runs `f` with the call tree printed to `out`.
pub fn with_trace<T>(out: Sink, f: impl FnOnce() -> T) -> T {
    traced(out, &[], f)
}

/// Runs `f` with the call tree of its requests printed to `out`: socket
/// set-up calls (`socket`, `setsockopt`, `bind`…) are left out so that the
/// requests stand out.
pub fn with_request_trace<T>(out: Sink, f: impl FnOnce() -> T) -> T {
    const SETUP: &[&str] = &[
        "netlink_create",
        "netlink_setsockopt",
        "netlink_getsockopt",
        "netlink_bind",
        "netlink_connect",
        "netlink_getname",
        "netlink_release",
    ];
    traced(out, SETUP, f)
}
