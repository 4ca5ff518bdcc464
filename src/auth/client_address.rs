//! Which address a request comes from, for the sign-in limit per address.
//! Behind a reverse proxy or load balancer every request's peer is the
//! proxy, so all clients would share one limit; X-Forwarded-For names the
//! client, but anyone can send that header. It is believed only from the
//! proxies the operator lists (`--trusted-proxy`), and read from the right:
//! the first address not itself a trusted proxy is the client. The same
//! holds for X-Forwarded-Host, the host the client asked for.

use std::net::IpAddr;

use actix_web::HttpRequest;

use crate::config::{TrustedProxies, canonical_ip};

/// The client's address: the peer, unless the peer is a trusted proxy,
/// then the nearest untrusted address in X-Forwarded-For.
pub fn client(
    proxies: &TrustedProxies,
    peer: Option<IpAddr>,
    forwarded_for: &[&str],
) -> Option<IpAddr> {
    let peer = peer.map(canonical_ip)?;
    if !proxies.contains(peer) {
        return Some(peer);
    }
    let mut client = peer;
    // Several headers count as one comma-separated list, in order.
    for hop in forwarded_for.iter().rev().flat_map(|h| h.rsplit(',')) {
        let Ok(ip) = hop.trim().parse::<IpAddr>().map(canonical_ip) else {
            // Garbage: stop at the last address a trusted hop vouched for.
            break;
        };
        client = ip;
        if !proxies.contains(ip) {
            break;
        }
    }
    Some(client)
}

/// The client's address of `req`, as text for the throttle.
pub fn client_of(proxies: &TrustedProxies, req: &HttpRequest) -> String {
    let headers: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect();
    client(proxies, req.peer_addr().map(|a| a.ip()), &headers)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

/// The host the client sent the request to: X-Forwarded-Host when a
/// trusted proxy sends it (actix's `connection_info` believes it from
/// anyone, which let a forged header pass the CSRF origin check), else the
/// request's own Host.
pub fn requested_host(proxies: &TrustedProxies, req: &HttpRequest) -> Option<String> {
    let header = |name: &str| {
        let value = req.headers().get(name)?.to_str().ok()?;
        // Several proxies append: the first entry is what the client sent.
        Some(value.split(',').next()?.trim().to_owned())
    };
    let from_proxy = req
        .peer_addr()
        .is_some_and(|a| proxies.contains(canonical_ip(a.ip())));
    from_proxy
        .then(|| header("x-forwarded-host"))
        .flatten()
        .or_else(|| header("host"))
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
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
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let p = proxies(&["10.0.0.0/8"]);
        // Not through a proxy: the header is anyone's to forge.
        assert_eq!(
            client(&p, Some(ip("203.0.113.9")), &["1.2.3.4"]),
            Some(ip("203.0.113.9"))
        );
        // Through the proxy: the nearest address it did not add itself.
        assert_eq!(
            client(&p, Some(ip("10.0.0.2")), &["203.0.113.9"]),
            Some(ip("203.0.113.9"))
        );
        // A client's own forged entry sits left of what the proxy saw.
        assert_eq!(
            client(
                &p,
                Some(ip("10.0.0.2")),
                &["6.6.6.6, 203.0.113.9, 10.0.0.3"]
            ),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            client(&p, Some(ip("10.0.0.2")), &["6.6.6.6", "203.0.113.9"]),
            Some(ip("203.0.113.9"))
        );
        // No or unreadable header: the proxy itself.
        assert_eq!(client(&p, Some(ip("10.0.0.2")), &[]), Some(ip("10.0.0.2")));
        assert_eq!(
            client(&p, Some(ip("10.0.0.2")), &["garbage"]),
            Some(ip("10.0.0.2"))
        );
        assert_eq!(client(&p, None, &["1.2.3.4"]), None);
        // Nothing trusted: the peer, always.
        assert_eq!(
            client(
                &TrustedProxies::default(),
                Some(ip("10.0.0.2")),
                &["1.2.3.4"]
            ),
            Some(ip("10.0.0.2"))
        );
    }
}
