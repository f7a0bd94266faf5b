//! The `rtnlsim` command as a library: the demo, the decoder and call-tree
//! tracer, and an `ip` client that talks netlink to whatever kernel a
//! [`host::Host`] gives it — the simulator here, the live kernel in tests.

pub mod decode;
pub mod demo;
pub mod host;
pub mod ip;
pub mod run;
pub mod serve;
pub mod trace;
pub mod transport;
