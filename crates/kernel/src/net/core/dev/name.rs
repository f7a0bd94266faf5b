//! Device names: `dev_valid_name`, `dev_get_valid_name` and the `%d`
//! templates of `__dev_alloc_name` (net/core/dev.c).

use crate::net::core::net_namespace::Net;
use crate::Errno;
use nlwire::uapi::if_::IFNAMSIZ;

/// `dev_valid_name`: non-empty, shorter than IFNAMSIZ, not "." or "..",
/// and no '/', ':' or byte the kernel's `isspace` knows (the ASCII ones, VT
/// included, and Latin-1's 0xA0). Names are UTF-8 here: a name whose bytes
/// were not (U+FFFD after the lossy conversion) is refused, where Linux
/// would keep the raw bytes (docs/divergences.md).
pub fn dev_valid_name(name: &str) -> bool {
    if name.is_empty() || name.len() >= IFNAMSIZ || name == "." || name == ".." || name.contains('\u{FFFD}') {
        return false;
    }
    !name.bytes().any(|c| c == b'/' || c == b':' || matches!(c, b'\t'..=b'\r' | b' ' | 0xA0))
}

/// `netdev_name_in_use`: a device's name or altname.
pub fn netdev_name_in_use(net: &Net, name: &str) -> bool {
    net.dev.read().names.contains_key(name)
}

/// `__dev_alloc_name`: the first unused number for a `%d` template
/// ("veth%d" → "veth0", "veth1", …). A template has exactly one `%d` and
/// no other `%`.
pub fn dev_alloc_name_ns(net: &Net, template: &str) -> Result<String, Errno> {
    let bytes = template.as_bytes();
    let Some(pos) = bytes.iter().position(|&b| b == b'%') else {
        return Err(Errno::EINVAL);
    };
    // `p[1] != 'd' || strchr(p + 2, '%')`, on bytes: whatever follows '%'.
    if bytes.get(pos + 1) != Some(&b'd') || bytes[pos + 2..].contains(&b'%') {
        return Err(Errno::EINVAL);
    }
    // '%' and 'd' are ASCII, so both cuts fall on character boundaries.
    let (prefix, suffix) = (&template[..pos], &template[pos + 2..]);
    let base = net.dev.read();
    // Linux scans a page-sized bitmap: at most 32768 candidates.
    let mut used = vec![false; 32768];
    for name in base.names.keys() {
        if let Some(rest) = name.strip_prefix(prefix).and_then(|r| r.strip_suffix(suffix)) {
            if let Ok(n) = rest.parse::<usize>() {
                // sscanf("%d") then snprintf must give the same name back.
                if n < used.len() && format!("{prefix}{n}{suffix}") == *name {
                    used[n] = true;
                }
            }
        }
    }
    let n = used.iter().position(|u| !u).ok_or(Errno::ENFILE)?;
    let name = format!("{prefix}{n}{suffix}");
    if name.len() >= IFNAMSIZ {
        return Err(Errno::ENFILE);
    }
    Ok(name)
}

/// `dev_get_valid_name`: the name a device will carry, or why not.
pub fn dev_get_valid_name(net: &Net, name: &str) -> Result<String, Errno> {
    if !dev_valid_name(name) {
        return Err(Errno::EINVAL);
    }
    if name.contains('%') {
        return dev_alloc_name_ns(net, name);
    }
    if netdev_name_in_use(net, name) {
        return Err(Errno::EEXIST);
    }
    Ok(name.to_string())
}

/// `netdev_name_node_alt_create`: a new alternative name, unless any
/// device of the namespace already has it as a name or altname.
pub fn netdev_name_node_alt_create(dev: &crate::net::core::dev::NetDevice, name: &str) -> Result<(), Errno> {
    let net = dev.net().ok_or(Errno::ENODEV)?;
    let mut base = net.dev.write();
    if base.names.contains_key(name) {
        return Err(Errno::EEXIST);
    }
    base.names.insert(name.to_string(), dev.ifindex());
    dev.st.lock().altnames.push(name.to_string());
    Ok(())
}

/// `netdev_name_node_alt_destroy`: ENOENT for a name nobody has, EINVAL
/// for the device's primary name or another device's name.
pub fn netdev_name_node_alt_destroy(dev: &crate::net::core::dev::NetDevice, name: &str) -> Result<(), Errno> {
    let net = dev.net().ok_or(Errno::ENODEV)?;
    let mut base = net.dev.write();
    let Some(owner) = base.names.get(name).copied() else {
        return Err(Errno::ENOENT);
    };
    let mut st = dev.st.lock();
    if owner != dev.ifindex() || st.name == name {
        return Err(Errno::EINVAL);
    }
    base.names.remove(name);
    st.altnames.retain(|a| a != name);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_names_follow_dev_valid_name() {
        assert!(dev_valid_name("veth0"));
        assert!(dev_valid_name("a-b_c.d"));
        assert!(!dev_valid_name(""));
        assert!(!dev_valid_name("."));
        assert!(!dev_valid_name(".."));
        assert!(!dev_valid_name("a/b"));
        assert!(!dev_valid_name("a:b"));
        assert!(!dev_valid_name("a b"));
        assert!(!dev_valid_name("0123456789abcdef"));
        assert!(dev_valid_name("0123456789abcde"));
    }
}
