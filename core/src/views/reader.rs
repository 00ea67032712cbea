//! The reader behind a view, as far as counting needs to know: a network address and a
//! User-Agent. Both live only as long as the request; `dedupe` hashes them at once.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

/// Who sent a view. Its `Debug` shows nothing, so that an address can never reach a log
/// line through a careless `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Reader {
    network: IpAddr,
    user_agent: String,
}

impl Reader {
    /// A reader seen at `address` with the given User-Agent header (empty when absent).
    pub fn new(address: IpAddr, user_agent: impl Into<String>) -> Self {
        Self {
            network: reader_network(address),
            user_agent: user_agent.into(),
        }
    }

    /// The part of the address that stays the same for one device during a day.
    pub fn network(&self) -> IpAddr {
        self.network
    }

    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }
}

impl fmt::Debug for Reader {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Reader { .. }")
    }
}

/// How many leading bits of an IPv6 address identify the reader's network. Devices pick
/// new interface identifiers (the low 64 bits) for privacy, often several times a day,
/// while the /64 prefix is the one their network was given; keeping only the prefix
/// stops one phone from counting as many readers.
const IPV6_NETWORK_BITS: u32 = 64;

/// The address that identifies a reader for dedupe: IPv4 as it is (an IPv4 reader on a
/// dual-stack socket arrives as `::ffff:a.b.c.d` and is unwrapped), IPv6 cut to its /64.
fn reader_network(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mask = u128::MAX << (128 - IPV6_NETWORK_BITS);
                IpAddr::V6(Ipv6Addr::from(u128::from(v6) & mask))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(text: &str) -> IpAddr {
        text.parse()
            .unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn an_ipv4_address_is_kept_whole() {
        let reader = Reader::new(address("192.0.2.17"), "Mozilla/5.0");
        assert_eq!(reader.network(), address("192.0.2.17"));
    }

    #[test]
    fn an_ipv4_mapped_address_is_unwrapped() {
        let reader = Reader::new(address("::ffff:192.0.2.17"), "Mozilla/5.0");
        assert_eq!(reader.network(), address("192.0.2.17"));
    }

    #[test]
    fn ipv6_addresses_of_one_network_are_one_reader() {
        let first = Reader::new(address("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "UA");
        let second = Reader::new(address("2001:db8:1:2:1111:2222:3333:4444"), "UA");
        let elsewhere = Reader::new(address("2001:db8:1:3:aaaa:bbbb:cccc:dddd"), "UA");
        assert_eq!(first.network(), address("2001:db8:1:2::"));
        assert_eq!(first, second);
        assert_ne!(first, elsewhere);
    }

    #[test]
    fn debug_output_never_shows_the_address_or_user_agent() {
        let reader = Reader::new(address("192.0.2.17"), "Secret Browser");
        let shown = format!("{reader:?}");
        assert!(
            !shown.contains("192.0.2.17") && !shown.contains("Secret"),
            "{shown}"
        );
    }
}
