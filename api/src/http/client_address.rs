//! Which address a request came from, for counting readers.
//!
//! By default it is the address of the TCP connection. Behind a reverse proxy that is the
//! proxy's address, the same for every reader, so an operator can switch on
//! `--trust-proxy`: then the last entry of the last `X-Forwarded-For` header is used,
//! which is the one the proxy in front of Kronika added itself. Entries before it were
//! sent by the client and could say anything, so they are never believed. The setting
//! stays off by default because, without a proxy, any client could set the header and
//! pose as any number of readers.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use poem::Request;
use poem::http::header;

const FORWARDED_FOR: &str = "x-forwarded-for";

/// The reader's address as configured; `0.0.0.0` when the connection has none (a Unix
/// socket), so that such readers are told apart by their User-Agent alone.
pub fn client_address(request: &Request, trust_proxy: bool) -> IpAddr {
    let forwarded = trust_proxy
        .then(|| last_forwarded_address(request))
        .flatten();
    forwarded
        .or_else(|| request.remote_addr().as_socket_addr().map(SocketAddr::ip))
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// The User-Agent header, or "" when it is missing or not text.
pub fn user_agent(request: &Request) -> &str {
    request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

fn last_forwarded_address(request: &Request) -> Option<IpAddr> {
    let header = request
        .headers()
        .get_all(FORWARDED_FOR)
        .iter()
        .next_back()?;
    let last_entry = header.to_str().ok()?.rsplit(',').next()?.trim();
    parse_forwarded_entry(last_entry)
}

/// An entry is usually a bare address; some proxies add a port (`192.0.2.1:4711`,
/// `[2001:db8::1]:4711`).
fn parse_forwarded_entry(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(forwarded_for: &[&str]) -> Request {
        let mut builder = Request::builder();
        for value in forwarded_for {
            builder = builder.header(FORWARDED_FOR, *value);
        }
        builder.finish()
    }

    fn address(text: &str) -> IpAddr {
        text.parse()
            .unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn forwarded_addresses_are_ignored_unless_the_proxy_is_trusted() {
        let request = request(&["203.0.113.9"]);
        assert_eq!(
            client_address(&request, false),
            IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            "a request built without a connection has no socket address"
        );
        assert_eq!(client_address(&request, true), address("203.0.113.9"));
    }

    #[test]
    fn only_the_entry_the_proxy_added_is_believed() {
        let request = request(&["198.51.100.1, 198.51.100.2", "203.0.113.9"]);
        assert_eq!(client_address(&request, true), address("203.0.113.9"));
        let request = request_with_one("10.0.0.1, 203.0.113.7");
        assert_eq!(client_address(&request, true), address("203.0.113.7"));
    }

    fn request_with_one(value: &str) -> Request {
        request(&[value])
    }

    #[test]
    fn ports_and_brackets_are_understood_and_garbage_is_not() {
        assert_eq!(
            parse_forwarded_entry("192.0.2.1:4711"),
            Some(address("192.0.2.1"))
        );
        assert_eq!(
            parse_forwarded_entry("[2001:db8::1]:4711"),
            Some(address("2001:db8::1"))
        );
        assert_eq!(parse_forwarded_entry("unknown"), None);
        let request = request_with_one("not an address");
        assert_eq!(
            client_address(&request, true),
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        );
    }
}
