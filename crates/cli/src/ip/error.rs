//! How an `ip` command ends, and the messages of lib/utils.c that end it.
//!
//! A command either returns (0 for success, anything else for a failure
//! whose message is already on stderr: `ip -batch` then prints
//! `Command failed FILE:LINE`), or calls `exit()`, which ends the whole
//! batch at once whatever `-force` says: [`Exit`].

/// `exit(code)` in the C code; `exit(-1)` is status 255.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exit(pub i32);

impl Exit {
    /// `exit(-1)`.
    pub const USAGE: Exit = Exit(255);
}

/// The outcome of one command: `Ok(0)`, `Ok(failure)` or `Err(Exit)`.
pub type CmdResult = Result<i32, Exit>;

/// `incomplete_command()`.
pub fn incomplete_command(err: &mut String) -> Exit {
    err.push_str("Command line is not complete. Try option \"help\"\n");
    Exit::USAGE
}

/// `invarg(msg, arg)`.
pub fn invarg(err: &mut String, msg: &str, arg: &str) -> Exit {
    err.push_str(&format!("Error: argument \"{arg}\" is wrong: {msg}\n"));
    Exit::USAGE
}

/// `duparg(key, arg)`.
pub fn duparg(err: &mut String, key: &str, arg: &str) -> Exit {
    err.push_str(&format!("Error: duplicate \"{key}\": \"{arg}\" is the second value.\n"));
    Exit::USAGE
}

/// `duparg2(key, arg)`.
pub fn duparg2(err: &mut String, key: &str, arg: &str) -> Exit {
    err.push_str(&format!("Error: either \"{key}\" is duplicate, or \"{arg}\" is a garbage.\n"));
    Exit::USAGE
}

/// `missarg(key)`.
pub fn missarg(err: &mut String, key: &str) -> Exit {
    err.push_str(&format!("Error: argument \"{key}\" is required\n"));
    Exit::USAGE
}

/// `nodev(dev)`: a failure, not an exit.
pub fn nodev(err: &mut String, dev: &str) -> i32 {
    err.push_str(&format!("Cannot find device \"{dev}\"\n"));
    -1
}

/// `on_off(msg, realval)`.
pub fn on_off(err: &mut String, msg: &str, realval: &str) -> i32 {
    err.push_str(&format!("Error: argument of \"{msg}\" must be \"on\" or \"off\", not \"{realval}\"\n"));
    -1
}

/// Something `ip` can do that this client does not model (ioctl fallbacks,
/// XDP, VFs…): said plainly, and treated as ip's `exit(-1)` on bad input.
pub fn unmodelled(err: &mut String, what: &str) -> Exit {
    err.push_str(&format!("rtnlsim: {what} is not modelled by this ip client\n"));
    Exit::USAGE
}
