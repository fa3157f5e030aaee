//! Server-side application state, handed to every handler and server function.

use crate::resident::HomeData;
use leptos::prelude::LeptosOptions;
use std::net::IpAddr;
use std::sync::Arc;
use store::Db;

/// Configuration, the database and small in-process caches.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    /// The public base URL used in links (`PUBLIC_BASE_URL`).
    pub base_url: String,
    /// Home page figures, recomputed at most once a minute.
    pub home_cache: Arc<tokio::sync::Mutex<Option<(i64, HomeData)>>>,
    /// Proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`), to find each client's address.
    pub trusted_proxies: TrustedProxies,
    /// How mail leaves this portal, for the admin page.
    pub mail_delivery: MailDelivery,
    /// Where photos are stored (`PHOTO_DIR`; shared storage when several servers run).
    #[from_ref(skip)]
    pub photo_dir: String,
    /// How texts leave this portal, for the admin page.
    pub sms_delivery: SmsDelivery,
    /// Reads a delivery report the SMS gateway sent: (outbox id, the signature in its address, the
    /// query) → what it says and the gateway's code; `None` when the signature is wrong or the report
    /// unreadable. Built by the server from the gateway and the signing key.
    #[from_ref(skip)]
    pub sms_reports: Option<SmsReportReader>,
    /// Each text template in each language, measured on a sample: (template, language, parts, units),
    /// for the admin page.
    #[from_ref(skip)]
    pub sms_templates: Arc<Vec<(String, String, i64, i64)>>,
}

/// See [`AppState::sms_reports`].
pub type SmsReportReader = Arc<
    dyn Fn(i64, &str, &std::collections::HashMap<String, String>) -> Option<(domain::sms::Delivery, i64)> + Send + Sync,
>;

/// How texts leave the portal: through an SMS gateway, or (no `SMS_URL`) as files in a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SmsDelivery {
    /// `SMS_URL` is set: the gateway's kind (`kannel`) and address without credentials.
    Gateway { kind: String, address: String },
    /// No gateway: `.sms.txt` files in this folder.
    Files { dir: String },
}

/// How mail leaves the portal: through a mail server, or (no `SMTP_URL`) as files in a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailDelivery {
    /// `SMTP_URL` is set; the host it names.
    Smtp { host: String },
    /// No mail server: `.eml` files in this folder.
    Files { dir: String },
}

impl AppState {
    /// The client of a request: the connection's peer, or the address a trusted proxy put in
    /// `X-Forwarded-For`. `None` without a peer address (a request not served by the listener).
    pub fn client_of(&self, parts: &http::request::Parts) -> Option<IpAddr> {
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()?.0.ip();
        let forwarded = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
        Some(self.trusted_proxies.client_ip(peer, forwarded))
    }

    pub fn new(leptos_options: LeptosOptions, db: Db, base_url: String) -> Self {
        AppState {
            leptos_options,
            db,
            base_url,
            home_cache: Arc::new(tokio::sync::Mutex::new(None)),
            trusted_proxies: TrustedProxies::default(),
            mail_delivery: MailDelivery::Files { dir: "data/mail".into() },
            photo_dir: "data/photos".into(),
            sms_delivery: SmsDelivery::Files { dir: "data/mail".into() },
            sms_reports: None,
            sms_templates: Arc::new(Vec::new()),
        }
    }

    /// Says how texts leave the portal, and reads the gateway's delivery reports.
    pub fn with_sms(
        mut self,
        delivery: SmsDelivery,
        reports: Option<SmsReportReader>,
        templates: Vec<(String, String, i64, i64)>,
    ) -> Self {
        self.sms_delivery = delivery;
        self.sms_reports = reports;
        self.sms_templates = Arc::new(templates);
        self
    }

    /// Says how mail leaves the portal (shown on the admin page).
    /// Stores photos under this folder.
    pub fn with_photo_dir(mut self, dir: impl Into<String>) -> Self {
        self.photo_dir = dir.into();
        self
    }

    pub fn with_mail_delivery(mut self, delivery: MailDelivery) -> Self {
        self.mail_delivery = delivery;
        self
    }

    /// Believes `X-Forwarded-For` from these proxies (the load balancer in front of the servers).
    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> Self {
        self.trusted_proxies = proxies;
        self
    }
}

/// The load balancers and proxies in front of the servers (`TRUSTED_PROXIES`: addresses or networks,
/// comma-separated, e.g. `10.0.0.0/8, 127.0.0.1`). Limits per client (look-ups, sign-in, one-time codes)
/// need the client's own address; behind a proxy every connection comes from the proxy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Arc<Vec<(IpAddr, u8)>>);

impl TrustedProxies {
    /// Parses `10.0.0.0/8, 192.168.1.5, ::1`; an empty text trusts nobody.
    pub fn parse(text: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (addr, bits) = match part.split_once('/') {
                Some((a, b)) => (a, Some(b)),
                None => (part, None),
            };
            let addr: IpAddr = addr.parse().map_err(|_| format!("not an address: {part}"))?;
            let max = if addr.is_ipv4() { 32 } else { 128 };
            let bits = match bits {
                Some(b) => b.parse::<u8>().ok().filter(|b| *b <= max).ok_or_else(|| format!("bad prefix: {part}"))?,
                None => max,
            };
            nets.push((addr, bits));
        }
        Ok(TrustedProxies(Arc::new(nets)))
    }

    /// Is this address one of the trusted proxies?
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|(net, bits)| match (canonical(*net), ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), *bits),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), *bits),
            _ => false,
        })
    }

    /// The client's address: the connection's peer, or, when the peer is a trusted proxy, the
    /// right-most address of `X-Forwarded-For` (all such headers, in order) that is not a trusted proxy.
    /// Addresses left of it were written by the client and can be anything, so they are never used.
    pub fn client_ip<'a>(&self, peer: IpAddr, forwarded_for: impl IntoIterator<Item = &'a str>) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for.into_iter().flat_map(|h| h.split(',')).map(str::trim).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) => {
                    client = canonical(ip);
                    if !self.trusts(client) {
                        break;
                    }
                }
                // Garbage from the client's side: stop at the last address a proxy wrote.
                Err(_) => break,
            }
        }
        client
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

fn prefix_eq(net: &[u8], addr: &[u8], bits: u8) -> bool {
    let full = (bits / 8) as usize;
    if net[..full] != addr[..full] {
        return false;
    }
    let rest = bits % 8;
    rest == 0 || (net[full] ^ addr[full]) >> (8 - rest) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        let none = TrustedProxies::default();
        assert_eq!(none.client_ip(ip("203.0.113.7"), ["1.2.3.4"]), ip("203.0.113.7"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client() {
        let t = TrustedProxies::parse(" 10.0.0.0/8 , 127.0.0.1").unwrap();
        // The load balancer 10.1.2.3 forwarded for 198.51.100.9; the client wrote a fake first entry.
        assert_eq!(t.client_ip(ip("10.1.2.3"), ["6.6.6.6, 198.51.100.9"]), ip("198.51.100.9"));
        // Two proxies in a row, and the hops spread over two headers.
        assert_eq!(t.client_ip(ip("127.0.0.1"), ["198.51.100.9", "10.9.9.9"]), ip("198.51.100.9"));
        // A proxy that forwarded nothing: the proxy itself.
        assert_eq!(t.client_ip(ip("10.1.2.3"), []), ip("10.1.2.3"));
        // Garbage to the right of the proxies' entries stops the walk at the last proxy.
        assert_eq!(t.client_ip(ip("10.1.2.3"), ["198.51.100.9, nonsense"]), ip("10.1.2.3"));
        // 11.0.0.1 is outside 10.0.0.0/8: its header is not believed.
        assert_eq!(t.client_ip(ip("11.0.0.1"), ["198.51.100.9"]), ip("11.0.0.1"));
    }

    #[test]
    fn networks_match_on_their_prefix_bits_for_both_families() {
        let t = TrustedProxies::parse("192.168.4.0/22, 2001:db8::/32").unwrap();
        assert!(t.trusts(ip("192.168.7.255")));
        assert!(!t.trusts(ip("192.168.8.0")));
        assert!(t.trusts(ip("::ffff:192.168.5.1")), "IPv4-mapped IPv6 counts as IPv4");
        assert!(t.trusts(ip("2001:db8:ffff::1")));
        assert!(!t.trusts(ip("2001:db9::1")));
        assert!(TrustedProxies::parse("0.0.0.0/0").unwrap().trusts(ip("8.8.8.8")));
    }

    #[test]
    fn bad_settings_are_refused_with_the_part_named() {
        assert_eq!(TrustedProxies::parse("10.0.0.0/33"), Err("bad prefix: 10.0.0.0/33".into()));
        assert_eq!(TrustedProxies::parse("lb.internal"), Err("not an address: lb.internal".into()));
        assert_eq!(TrustedProxies::parse(" , "), Ok(TrustedProxies::default()));
    }
}
