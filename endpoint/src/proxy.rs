//! Who the client is when the endpoint runs behind a load balancer or reverse proxy.
//!
//! The per-client rate limit keys on the client's address. Behind a proxy every connection comes
//! from the proxy, so all phones of a province would share one bucket. The operator names the
//! proxies it trusts (`--trusted-proxies 10.0.0.0/8`); for a connection from one of them, the
//! client is the nearest address in `X-Forwarded-For` that is not itself a trusted proxy. The
//! header of any other peer is ignored: a phone cannot choose its own rate-limit bucket.
use axum::http::HeaderMap;
use std::net::IpAddr;

/// One address block, as `10.0.0.0/8`, `fd00::/8`, or one address (`127.0.0.1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block {
    network: u128,
    prefix: u8,
    v4: bool,
}

impl Block {
    fn parse(text: &str) -> Result<Block, String> {
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| format!("`{text}` is not an IP address or block (e.g. 10.0.0.0/8)"))?;
        let (bits, v4) = match addr {
            IpAddr::V4(a) => (u128::from(u32::from(a)), true),
            IpAddr::V6(a) => (u128::from(a), false),
        };
        let width = if v4 { 32 } else { 128 };
        let prefix = match prefix {
            None => width,
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= width)
                .ok_or_else(|| format!("`{text}`: the prefix length must be 0 to {width}"))?,
        };
        Ok(Block {
            network: bits & mask(prefix, width),
            prefix,
            v4,
        })
    }

    fn contains(&self, addr: IpAddr) -> bool {
        let (bits, v4) = match addr.to_canonical() {
            IpAddr::V4(a) => (u128::from(u32::from(a)), true),
            IpAddr::V6(a) => (u128::from(a), false),
        };
        let width = if v4 { 32 } else { 128 };
        v4 == self.v4 && bits & mask(self.prefix, width) == self.network
    }
}

/// The top `prefix` bits of a `width`-bit address.
fn mask(prefix: u8, width: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        (u128::MAX << (128 - u32::from(prefix))) >> (128 - u32::from(width))
    }
}

/// The proxies whose `X-Forwarded-For` is believed. Empty (the default): none, the peer is the
/// client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Block>);

impl TrustedProxies {
    /// A comma-separated list of addresses and blocks; empty for none.
    pub fn parse(text: &str) -> Result<TrustedProxies, String> {
        text.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Block::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    /// Whether `addr` is one of the trusted proxies.
    pub fn trusts(&self, addr: IpAddr) -> bool {
        self.0.iter().any(|b| b.contains(addr))
    }

    /// The client behind a connection from `peer`: `peer` itself unless it is a trusted proxy;
    /// then, reading `X-Forwarded-For` from the right (each proxy appends the address it saw),
    /// the first address that is not a trusted proxy. An unreadable entry stops the walk there:
    /// what is left of it was written by someone untrusted, so the last good hop is the client.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect::<Vec<_>>();
        for hop in hops.into_iter().rev() {
            let Ok(addr) = hop.trim().parse::<IpAddr>() else {
                break;
            };
            client = addr.to_canonical();
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn blocks_parse_and_contain() {
        let t = TrustedProxies::parse("10.0.0.0/8, 192.0.2.1 ,fd00::/8").unwrap();
        assert!(t.trusts(ip("10.1.2.3")));
        assert!(
            t.trusts(ip("::ffff:10.1.2.3")),
            "IPv4 seen through an IPv6 socket"
        );
        assert!(t.trusts(ip("192.0.2.1")));
        assert!(!t.trusts(ip("192.0.2.2")));
        assert!(t.trusts(ip("fd12::1")));
        assert!(!t.trusts(ip("fe80::1")));
        assert!(!t.trusts(ip("11.0.0.1")));
        assert!(TrustedProxies::parse("0.0.0.0/0")
            .unwrap()
            .trusts(ip("8.8.8.8")));
        assert_eq!(
            TrustedProxies::parse("").unwrap(),
            TrustedProxies::default()
        );
        for bad in [
            "10.0.0.0/33",
            "fd00::/129",
            "localhost",
            "10.0.0/8",
            "10.0.0.0/x",
        ] {
            assert!(TrustedProxies::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("198.51.100.9"), &forwarded(&["203.0.113.5"])),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_client_is_the_nearest_untrusted_hop() {
        let lb = TrustedProxies::parse("10.0.0.0/8").unwrap();
        // A phone behind the load balancer.
        assert_eq!(
            lb.client(ip("10.0.0.2"), &forwarded(&["203.0.113.5"])),
            ip("203.0.113.5")
        );
        // A phone that writes its own header cannot pick its bucket: the balancer appends the
        // address it saw, and that is what counts.
        assert_eq!(
            lb.client(ip("10.0.0.2"), &forwarded(&["1.2.3.4, 203.0.113.5"])),
            ip("203.0.113.5")
        );
        // Two trusted hops (an ingress and a balancer), in one header or several.
        assert_eq!(
            lb.client(ip("10.0.0.2"), &forwarded(&["203.0.113.5, 10.9.9.9"])),
            ip("203.0.113.5")
        );
        assert_eq!(
            lb.client(ip("10.0.0.2"), &forwarded(&["203.0.113.5", "10.9.9.9"])),
            ip("203.0.113.5")
        );
        // No header, or garbage right after the proxy: the proxy itself (one shared bucket, as
        // without the option; never an address the client chose).
        assert_eq!(lb.client(ip("10.0.0.2"), &HeaderMap::new()), ip("10.0.0.2"));
        assert_eq!(
            lb.client(ip("10.0.0.2"), &forwarded(&["203.0.113.5, nonsense"])),
            ip("10.0.0.2")
        );
        // A peer outside the trusted blocks is the client, header or not.
        assert_eq!(
            lb.client(ip("198.51.100.9"), &forwarded(&["203.0.113.5"])),
            ip("198.51.100.9")
        );
    }
}
