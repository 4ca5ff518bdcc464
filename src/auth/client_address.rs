//! Which address a request comes from, for the sign-in limit per address.
//! Behind a reverse proxy or load balancer every request's peer is the
//! proxy, so all clients would share one limit; X-Forwarded-For names the
//! client, but anyone can send that header. It is believed only from the
//! proxies the operator lists (`--trusted-proxy`), and read from the right:
//! the first address not itself a trusted proxy is the client.

use std::net::IpAddr;

use actix_web::HttpRequest;

/// Addresses and networks (CIDR) of the operator's proxies.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<(IpAddr, u8)>);

impl TrustedProxies {
    /// Parses `10.0.0.7`, `10.0.0.0/8`, `::1` or `fd00::/8`.
    pub fn parse(specs: &[String]) -> Result<Self, String> {
        specs
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(|spec| {
                let bad = || format!("--trusted-proxy: “{spec}” is not an IP address or network");
                let (addr, bits) = match spec.split_once('/') {
                    Some((addr, bits)) => (addr, Some(bits)),
                    None => (spec, None),
                };
                let addr: IpAddr = addr.parse().map_err(|_| bad())?;
                let max = if addr.is_ipv4() { 32 } else { 128 };
                let bits = match bits {
                    Some(b) => b.parse::<u8>().ok().filter(|b| *b <= max).ok_or_else(bad)?,
                    None => max,
                };
                // `::ffff:10.0.0.0/104` is the IPv4 network 10.0.0.0/8.
                Ok(match canonical(addr) {
                    v4 @ IpAddr::V4(_) if addr.is_ipv6() => (v4, bits.saturating_sub(96)),
                    same => (same, bits),
                })
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|(net, bits)| in_network(ip, *net, *bits))
    }

    /// The client's address: the peer, unless the peer is a trusted proxy,
    /// then the nearest untrusted address in X-Forwarded-For.
    pub fn client(&self, peer: Option<IpAddr>, forwarded_for: &[&str]) -> Option<IpAddr> {
        let peer = peer.map(canonical)?;
        if !self.contains(peer) {
            return Some(peer);
        }
        let mut client = peer;
        // Several headers count as one comma-separated list, in order.
        for hop in forwarded_for.iter().rev().flat_map(|h| h.rsplit(',')) {
            let Ok(ip) = hop.trim().parse::<IpAddr>().map(canonical) else {
                // Garbage: stop at the last address a trusted hop vouched for.
                break;
            };
            client = ip;
            if !self.contains(ip) {
                break;
            }
        }
        Some(client)
    }

    /// The client's address of `req`, as text for the throttle.
    pub fn client_of(&self, req: &HttpRequest) -> String {
        let headers: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .collect();
        self.client(req.peer_addr().map(|a| a.ip()), &headers)
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
    }
}

/// IPv4 addresses written as IPv6 (`::ffff:10.0.0.1`) compare as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    let mask = |width: u32| {
        if bits == 0 {
            0
        } else {
            u128::MAX << (width - u32::from(bits))
        }
    };
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let m = mask(32) as u32;
            u32::from(a) & m == u32::from(b) & m
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            let m = mask(128);
            u128::from(a) & m == u128::from(b) & m
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(specs: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(&specs.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()).unwrap()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_match_their_addresses_only() {
        let p = proxies(&["10.0.0.0/8", "192.168.1.7", "fd00::/8"]);
        assert!(p.contains(ip("10.200.3.4")));
        assert!(p.contains(ip("::ffff:10.0.0.1")));
        assert!(p.contains(ip("192.168.1.7")));
        assert!(!p.contains(ip("192.168.1.8")));
        assert!(!p.contains(ip("11.0.0.1")));
        assert!(p.contains(ip("fd12::1")));
        assert!(!p.contains(ip("fe80::1")));
        assert!(proxies(&["0.0.0.0/0"]).contains(ip("8.8.8.8")));
        let mapped = proxies(&["::ffff:10.0.0.0/104"]);
        assert!(mapped.contains(ip("10.1.2.3")));
        assert!(!mapped.contains(ip("11.1.2.3")));
        for bad in ["10.0.0.0/33", "proxy.example", "10.0.0.1/x", "::1/129"] {
            assert!(TrustedProxies::parse(&[bad.to_owned()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let p = proxies(&["10.0.0.0/8"]);
        // Not through a proxy: the header is anyone's to forge.
        assert_eq!(
            p.client(Some(ip("203.0.113.9")), &["1.2.3.4"]),
            Some(ip("203.0.113.9"))
        );
        // Through the proxy: the nearest address it did not add itself.
        assert_eq!(
            p.client(Some(ip("10.0.0.2")), &["203.0.113.9"]),
            Some(ip("203.0.113.9"))
        );
        // A client's own forged entry sits left of what the proxy saw.
        assert_eq!(
            p.client(Some(ip("10.0.0.2")), &["6.6.6.6, 203.0.113.9, 10.0.0.3"]),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            p.client(Some(ip("10.0.0.2")), &["6.6.6.6", "203.0.113.9"]),
            Some(ip("203.0.113.9"))
        );
        // No or unreadable header: the proxy itself.
        assert_eq!(p.client(Some(ip("10.0.0.2")), &[]), Some(ip("10.0.0.2")));
        assert_eq!(
            p.client(Some(ip("10.0.0.2")), &["garbage"]),
            Some(ip("10.0.0.2"))
        );
        assert_eq!(p.client(None, &["1.2.3.4"]), None);
        // Nothing trusted: the peer, always.
        assert_eq!(
            TrustedProxies::default().client(Some(ip("10.0.0.2")), &["1.2.3.4"]),
            Some(ip("10.0.0.2"))
        );
    }
}
