//! Names and indexes of links: iproute2's lib/ll_map.c.
//!
//! `ip` keeps a cache of the links it has seen (every RTM_NEWLINK it reads
//! goes through `ll_remember_index`). A name it has not seen is asked of the
//! kernel with `ll_link_get`, on a second rtnetlink socket of its own, as
//! iproute2 does; glibc's `if_nametoindex` fallback (an ioctl) would ask the
//! same kernel the same question, so it is not repeated; `ifN` names an
//! index directly (`ll_idx_a2n`).

use nlwire::hdr::IfInfoMsg;
use nlwire::uapi::if_link::{IFLA_ADDRESS, IFLA_ALT_IFNAME, IFLA_EXT_MASK, IFLA_IFNAME};
use nlwire::uapi::netlink::NLM_F_REQUEST;
use nlwire::uapi::rtnetlink::{RTEXT_FILTER_SKIP_STATS, RTEXT_FILTER_VF, RTM_DELLINK, RTM_GETLINK, RTM_NEWLINK};
use nlwire::NlMsgHdr;

use super::ipaddress::parse_rtattr;
use super::iplink::IplinkReq;
use super::utils::{check_ifname, ll_idx_a2n};
use super::Ip;

/// One cached link (`struct ll_cache`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LlEntry {
    pub index: u32,
    pub flags: u32,
    pub ty: u16,
    pub name: String,
    pub addr: Vec<u8>,
}

/// The cache.
#[derive(Debug, Default)]
pub struct LlCache {
    entries: Vec<LlEntry>,
}

impl LlCache {
    pub fn by_index(&self, index: u32) -> Option<&LlEntry> {
        self.entries.iter().find(|e| e.index == index)
    }

    pub fn by_name(&self, name: &str) -> Option<&LlEntry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// `ll_drop_by_index`.
    pub fn drop_index(&mut self, index: u32) {
        self.entries.retain(|e| e.index != index);
    }

    /// `ll_remember_index`: RTM_NEWLINK adds or updates, RTM_DELLINK forgets.
    pub fn remember(&mut self, n: &NlMsgHdr<&[u8]>) -> i32 {
        if n.nlmsg_type() != RTM_NEWLINK && n.nlmsg_type() != RTM_DELLINK {
            return 0;
        }
        let Ok(ifi) = IfInfoMsg::new_checked(n.payload()) else { return -1 };
        let index = ifi.ifi_index() as u32;
        if n.nlmsg_type() == RTM_DELLINK {
            self.drop_index(index);
            return 0;
        }
        let tb = parse_rtattr(&n.payload()[16..], IFLA_ADDRESS.max(IFLA_IFNAME), true);
        let name = tb[IFLA_IFNAME as usize].map(|a| String::from_utf8_lossy(a.get_str()).into_owned());
        let addr = tb[IFLA_ADDRESS as usize].map(|a| a.payload_ref().to_vec()).unwrap_or_default();
        match self.entries.iter_mut().find(|e| e.index == index) {
            Some(e) => {
                e.flags = ifi.ifi_flags();
                e.ty = ifi.ifi_type();
                if let Some(n) = name {
                    e.name = n;
                }
                e.addr = addr;
            }
            None => self.entries.push(LlEntry {
                index,
                flags: ifi.ifi_flags(),
                ty: ifi.ifi_type(),
                name: name.unwrap_or_default(),
                addr,
            }),
        }
        0
    }
}

impl Ip<'_> {
    /// `ll_link_get`: RTM_GETLINK by name or index on a fresh handle, errors
    /// not printed; the answer is remembered. Returns the index, or 0.
    pub(super) fn ll_link_get(&mut self, name: Option<&str>, index: u32) -> u32 {
        let Some(mut rth) = self.rtnl_open() else { return 0 };
        let mut req = IplinkReq::new(RTM_GETLINK, NLM_F_REQUEST, 0);
        req.i.index = index as i32;
        req.put_u32(IFLA_EXT_MASK, RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS);
        if let Some(n) = name {
            req.put_strz(if check_ifname(n) { IFLA_IFNAME } else { IFLA_ALT_IFNAME }, n);
        }
        let mut bytes = req.finish();
        let Ok(Some(answer)) = rth.talk(&mut bytes, true, false, &mut self.err) else { return 0 };
        let h = NlMsgHdr::new_unchecked(&answer[..]);
        if self.ll.remember(&h) != 0 {
            return 0;
        }
        IfInfoMsg::new_checked(h.payload()).map(|i| i.ifi_index() as u32).unwrap_or(0)
    }

    /// `ll_name_to_index`.
    pub fn ll_name_to_index(&mut self, name: &str) -> u32 {
        if let Some(e) = self.ll.by_name(name) {
            return e.index;
        }
        match self.ll_link_get(Some(name), 0) {
            0 => ll_idx_a2n(name),
            idx => idx,
        }
    }

    /// `ll_index_to_name`: `*` for 0, `ifN` when the kernel does not know it.
    pub fn ll_index_to_name(&mut self, idx: u32) -> String {
        if idx == 0 {
            return "*".into();
        }
        if let Some(e) = self.ll.by_index(idx) {
            return e.name.clone();
        }
        if self.ll_link_get(None, idx) == idx {
            if let Some(e) = self.ll.by_index(idx) {
                return e.name.clone();
            }
        }
        format!("if{idx}")
    }

    /// `ll_index_to_flags`: -1 when unknown.
    pub fn ll_index_to_flags(&self, idx: u32) -> i64 {
        if idx == 0 {
            return 0;
        }
        self.ll.by_index(idx).map(|e| e.flags as i64).unwrap_or(-1)
    }
}
