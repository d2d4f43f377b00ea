//! Where a request that changes something may come from: the platform's public address only.
//! The request's own `Host` header is not trusted for this: DNS rebinding lets another site's
//! page send requests whose Host it controls. One function, called by the layer that guards
//! every form post and by each WebSocket upgrade (upgrades are GETs, which the layer lets by).

/// The scheme and authority of `PUBLIC_URL`, e.g. `https` + `platform.example.org`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicOrigin {
    scheme: String,
    host: String,
    port: u16,
}

impl PublicOrigin {
    /// `None` when `url` is not an absolute http(s) address at the root of its host. A path
    /// is refused rather than dropped: the platform's pages and the links in its e-mail all
    /// start at `/`, so it cannot be published under a sub-path.
    pub fn parse(url: &str) -> Option<PublicOrigin> {
        let (scheme, rest) = url.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, after) = rest.split_at(end);
        let authority = authority.to_ascii_lowercase();
        if authority.is_empty() || authority.contains('@') || !matches!(after, "" | "/") {
            return None;
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((host, port)) if !port.contains(']') => (host.to_owned(), port.parse().ok()?),
            _ => (authority, default_port),
        };
        Some(PublicOrigin { scheme, host, port })
    }

    /// `scheme://host[:port]`, the port only when it is not the scheme's own.
    pub fn base(&self) -> String {
        let default_port = if self.is_https() { 443 } else { 80 };
        if self.port == default_port {
            format!("{}://{}", self.scheme, self.host)
        } else {
            format!("{}://{}:{}", self.scheme, self.host, self.port)
        }
    }

    pub fn is_https(&self) -> bool {
        self.scheme == "https"
    }

    /// Whether people reach the platform on this machine only (`localhost`, `127.0.0.1`).
    pub fn is_loopback(&self) -> bool {
        is_loopback_host(&self.host)
    }

    /// Whether a browser request with these headers may change something. A browser sends
    /// `Origin` on every POST and on WebSocket upgrades; a request with neither `Origin` nor
    /// `Sec-Fetch-Site: cross-site` comes from a script or tool, not from another site's page.
    pub fn allows(&self, headers: &http::HeaderMap) -> bool {
        match headers.get(http::header::ORIGIN).map(|o| o.to_str()) {
            Some(Ok(origin)) => PublicOrigin::parse(origin).is_some_and(|o| self.accepts(&o)),
            Some(Err(_)) => false,
            None => headers
                .get("sec-fetch-site")
                .and_then(|v| v.to_str().ok())
                .is_none_or(|site| site != "cross-site"),
        }
    }

    /// The same origin; on this machine, `localhost` and `127.0.0.1` name one place (a page on
    /// another site cannot claim either as its origin).
    fn accepts(&self, other: &PublicOrigin) -> bool {
        self.scheme == other.scheme
            && self.port == other.port
            && (self.host == other.host
                || (is_loopback_host(&self.host) && is_loopback_host(&other.host)))
    }
}

fn is_loopback_host(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_origin(origin: &str) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        h.insert(http::header::ORIGIN, origin.parse().unwrap());
        h
    }

    #[test]
    fn only_the_public_origin_may_change_something_whatever_the_host_header_says() {
        let public = PublicOrigin::parse("https://platform.example.org/").unwrap();
        assert!(public.allows(&with_origin("https://platform.example.org")));
        assert!(public.allows(&with_origin("https://PLATFORM.example.org:443")));
        let mut rebound = with_origin("http://evil.example:3000");
        rebound.insert(http::header::HOST, "evil.example:3000".parse().unwrap());
        assert!(!public.allows(&rebound));
        assert!(!public.allows(&with_origin("http://platform.example.org")));
        assert!(!public.allows(&with_origin("https://platform.example.org:8443")));
        assert!(!public.allows(&with_origin("null")));
    }

    #[test]
    fn a_request_without_origin_is_refused_only_when_the_browser_says_it_is_cross_site() {
        let public = PublicOrigin::parse("http://127.0.0.1:3000").unwrap();
        assert!(public.allows(&http::HeaderMap::new()));
        let mut h = http::HeaderMap::new();
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(!public.allows(&h));
        h.insert("sec-fetch-site", "same-origin".parse().unwrap());
        assert!(public.allows(&h));
    }

    #[test]
    fn localhost_and_127_0_0_1_are_one_origin_on_the_same_port() {
        let public = PublicOrigin::parse("http://127.0.0.1:3000").unwrap();
        assert!(public.allows(&with_origin("http://localhost:3000")));
        assert!(!public.allows(&with_origin("http://localhost:3001")));
        assert!(!public.allows(&with_origin("http://localhost.evil.example:3000")));
    }

    #[test]
    fn links_in_e_mail_start_with_the_public_address_and_its_port_only_when_needed() {
        let base = |url: &str| PublicOrigin::parse(url).unwrap().base();
        assert_eq!(
            base("https://Platform.example.org:443/"),
            "https://platform.example.org"
        );
        assert_eq!(base("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
        assert_eq!(base("https://x.org:8443"), "https://x.org:8443");
    }

    #[test]
    fn a_public_url_that_is_not_http_is_refused() {
        assert_eq!(PublicOrigin::parse("ftp://x.org"), None);
        assert_eq!(PublicOrigin::parse("x.org"), None);
        assert_eq!(PublicOrigin::parse("https://user@x.org"), None);
    }

    #[test]
    fn a_public_url_with_a_path_is_refused_because_every_link_starts_at_the_root() {
        assert_eq!(PublicOrigin::parse("https://x.org/platform"), None);
        assert_eq!(PublicOrigin::parse("https://x.org/platform/"), None);
        assert_eq!(PublicOrigin::parse("https://x.org?a=1"), None);
        assert!(PublicOrigin::parse("https://x.org/").is_some());
    }
}
