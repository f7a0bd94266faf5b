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

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Where trace lines go.
pub type Sink = Arc<Mutex<dyn std::io::Write + Send>>;

/// Prints every span as one indented line: its name and fields.
pub struct CallTree {
    next_id: AtomicU64,
    depth: AtomicUsize,
    spans: Mutex<std::collections::HashMap<u64, String>>,
    out: Sink,
    /// Top-level calls not shown, with everything under them.
    hidden_roots: &'static [&'static str],
    /// The depth at which a hidden call was entered, while inside it.
    hiding: Mutex<Option<usize>>,
}

impl CallTree {
    pub fn new(out: Sink) -> Self {
        CallTree {
            next_id: AtomicU64::new(1),
            depth: AtomicUsize::new(0),
            spans: Mutex::new(std::collections::HashMap::new()),
            out,
            hidden_roots: &[],
            hiding: Mutex::new(None),
        }
    }

    /// Leaves out the calls named here when they are entered at the top
    /// (and all they call): `rtnlsim run` hides the socket set-up calls
    /// (`socket`, `setsockopt`, `bind`…) so that the requests stand out.
    pub fn hide_roots(mut self, names: &'static [&'static str]) -> Self {
        self.hidden_roots = names;
        self
    }

    fn hidden(&self) -> bool {
        self.hiding.lock().map(|h| h.is_some()).unwrap_or(false)
    }
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

impl Subscriber for CallTree {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("rtnlsim")
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut f = Fields(span.metadata().name().to_string());
        span.record(&mut f);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut m) = self.spans.lock() {
            m.insert(id, f.0);
        }
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Ok(mut m) = self.spans.lock() {
            if let Some(s) = m.get_mut(&span.into_u64()) {
                let mut f = Fields(String::new());
                values.record(&mut f);
                s.push_str(&f.0);
            }
        }
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        if self.hidden() {
            return;
        }
        let mut f = Fields(String::new());
        event.record(&mut f);
        let depth = self.depth.load(Ordering::Relaxed);
        if let Ok(mut out) = self.out.lock() {
            let _ = writeln!(out, "{}·{}", "  ".repeat(depth), f.0);
        }
    }

    fn enter(&self, span: &Id) {
        let depth = self.depth.fetch_add(1, Ordering::Relaxed);
        let line = self.spans.lock().ok().and_then(|m| m.get(&span.into_u64()).cloned()).unwrap_or_default();
        if let Ok(mut h) = self.hiding.lock() {
            if h.is_none() && depth == 0 && self.hidden_roots.iter().any(|r| line.split(' ').next() == Some(*r)) {
                *h = Some(depth);
            }
            if h.is_some() {
                return;
            }
        }
        if let Ok(mut out) = self.out.lock() {
            let _ = writeln!(out, "{}{}", "  ".repeat(depth), line);
        }
    }

    fn exit(&self, _span: &Id) {
        let depth = self.depth.fetch_sub(1, Ordering::Relaxed) - 1;
        if let Ok(mut h) = self.hiding.lock() {
            if *h == Some(depth) {
                *h = None;
            }
        }
    }

    fn try_close(&self, id: Id) -> bool {
        if let Ok(mut m) = self.spans.lock() {
            m.remove(&id.into_u64());
        }
        true
    }
}

/// Runs `f` with the call tree printed to `out`.
pub fn with_trace<T>(out: Sink, f: impl FnOnce() -> T) -> T {
    tracing::subscriber::with_default(CallTree::new(out), f)
}

/// Runs `f` with the call tree of its requests printed to `out`: socket
/// set-up calls are left out.
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
    tracing::subscriber::with_default(CallTree::new(out).hide_roots(SETUP), f)
}
