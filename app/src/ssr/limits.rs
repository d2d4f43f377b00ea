//! Abuse limits that fit a workshop room: forty people behind one conference NAT must all be
//! able to sign in, while one account cannot be guessed at and one address cannot flood.
//!
//! Three keyed limits (GCRA, from `governor`): a tight one per account and address, so that one
//! client cannot guess at an account; a looser one per account from anywhere (ten times the
//! tight one), so that guessing spread over many addresses is bounded too, while one client
//! hammering an account cannot lock its owner out; and a ceiling per client address. An IPv6
//! client is keyed by its /64, the block one household or phone usually gets, so that rotating
//! addresses inside it gains nothing.

use crate::error::AppError;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;

/// Beyond this many remembered keys, keys whose limit has fully recovered are forgotten, so the
/// memory a flood of new keys can take stays bounded.
const FORGET_ABOVE: usize = 10_000;

/// How many times the tight limit one account takes from all addresses together.
const ACCOUNT_FROM_ANYWHERE: u32 = 10;

#[derive(Debug)]
pub struct Limits {
    per_account_and_address: DefaultKeyedRateLimiter<(String, Option<IpAddr>)>,
    per_account: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

impl Limits {
    /// `per_account` attempts a minute on one account from one address (ten times that from
    /// everywhere) and `per_address` from one address on any accounts, each allowed as a burst.
    pub fn new(per_account: u32, per_address: u32) -> Limits {
        let quota = |n: u32| Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        Limits {
            per_account_and_address: RateLimiter::keyed(quota(per_account)),
            per_account: RateLimiter::keyed(quota(
                per_account.saturating_mul(ACCOUNT_FROM_ANYWHERE),
            )),
            per_address: RateLimiter::keyed(quota(per_address)),
        }
    }

    /// Counts one attempt from `address` (when known) on `account` (when there is one).
    /// `Err(RateLimited)` when any of the three has used up its allowance.
    pub fn attempt(&self, address: Option<IpAddr>, account: Option<&str>) -> Result<(), AppError> {
        let address = address.map(address_key);
        if let Some(address) = address {
            check(&self.per_address, &address)?;
        }
        if let Some(account) = account {
            check(
                &self.per_account_and_address,
                &(account.to_owned(), address),
            )?;
            check(&self.per_account, &account.to_owned())?;
        }
        Ok(())
    }

    /// How many keys are remembered, all limits together.
    pub fn remembered(&self) -> usize {
        self.per_account_and_address.len() + self.per_account.len() + self.per_address.len()
    }
}

fn check<K>(limiter: &DefaultKeyedRateLimiter<K>, key: &K) -> Result<(), AppError>
where
    K: Clone + Eq + std::hash::Hash,
{
    if limiter.len() > FORGET_ABOVE {
        limiter.retain_recent();
        limiter.shrink_to_fit();
    }
    limiter.check_key(key).map_err(|_| AppError::RateLimited)
}

/// How many e-mails (invitations and reminders) the platform sends on one person's behalf in a
/// day. Their text is partly the sender's and an account costs nothing to make, so the
/// platform must not become a free mass mailer. The allowance refills evenly over the day; it
/// is kept in memory, so a restart gives everyone a full one.
#[derive(Debug)]
pub struct MailQuota(DefaultKeyedRateLimiter<String>);

impl MailQuota {
    pub fn per_day(n: u32) -> MailQuota {
        let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        let day = std::time::Duration::from_secs(24 * 60 * 60);
        let quota = Quota::with_period(day / n.get())
            .unwrap_or_else(|| Quota::per_second(n))
            .allow_burst(n);
        MailQuota(RateLimiter::keyed(quota))
    }

    /// Takes `n` e-mails from `account`'s allowance: all of them, or none when fewer are left.
    pub fn take(&self, account: &str, n: usize) -> bool {
        if n == 0 {
            return true;
        }
        let Some(n) = u32::try_from(n).ok().and_then(NonZeroU32::new) else {
            return false;
        };
        if self.0.len() > FORGET_ABOVE {
            self.0.retain_recent();
            self.0.shrink_to_fit();
        }
        matches!(self.0.check_key_n(&account.to_owned(), n), Ok(Ok(())))
    }
}

/// The key of a client address: IPv4 as is (also when mapped into IPv6), IPv6 by its /64.
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(bits))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn one_account_is_limited_while_others_behind_the_same_address_go_on() {
        let limits = Limits::new(3, 1_000);
        for _ in 0..3 {
            assert!(limits
                .attempt(ip("192.0.2.1"), Some("ana@example.org"))
                .is_ok());
        }
        assert_eq!(
            limits.attempt(ip("192.0.2.1"), Some("ana@example.org")),
            Err(AppError::RateLimited)
        );
        for n in 0..40 {
            let someone = format!("person{n}@example.org");
            assert!(limits.attempt(ip("192.0.2.1"), Some(&someone)).is_ok());
        }
    }

    #[test]
    fn one_client_guessing_at_an_account_does_not_lock_its_owner_out_but_many_together_do() {
        let limits = Limits::new(3, 1_000);
        for _ in 0..3 {
            assert!(limits
                .attempt(ip("203.0.113.9"), Some("ana@example.org"))
                .is_ok());
        }
        assert_eq!(
            limits.attempt(ip("203.0.113.9"), Some("ana@example.org")),
            Err(AppError::RateLimited)
        );
        assert!(limits
            .attempt(ip("192.0.2.1"), Some("ana@example.org"))
            .is_ok());
        for n in 0..26 {
            let elsewhere = format!("198.51.100.{n}");
            assert!(limits
                .attempt(ip(&elsewhere), Some("ana@example.org"))
                .is_ok());
        }
        assert_eq!(
            limits.attempt(ip("192.0.2.1"), Some("ana@example.org")),
            Err(AppError::RateLimited),
            "thirty attempts from anywhere use up the account's allowance"
        );
    }

    #[test]
    fn an_address_has_its_own_higher_ceiling() {
        let limits = Limits::new(3, 5);
        for n in 0..5 {
            let someone = format!("person{n}@example.org");
            assert!(limits.attempt(ip("192.0.2.1"), Some(&someone)).is_ok());
        }
        assert_eq!(
            limits.attempt(ip("192.0.2.1"), Some("new@example.org")),
            Err(AppError::RateLimited)
        );
        assert!(limits
            .attempt(ip("198.51.100.1"), Some("new@example.org"))
            .is_ok());
    }

    #[test]
    fn an_ipv6_client_is_keyed_by_its_64_bit_prefix() {
        assert_eq!(
            address_key("2001:db8:1:2:aaaa::1".parse().unwrap()),
            address_key("2001:db8:1:2:bbbb::9".parse().unwrap())
        );
        assert_ne!(
            address_key("2001:db8:1:2::1".parse().unwrap()),
            address_key("2001:db8:1:3::1".parse().unwrap())
        );
        assert_eq!(
            address_key("::ffff:192.0.2.1".parse().unwrap()),
            "192.0.2.1".parse::<IpAddr>().unwrap()
        );
        let limits = Limits::new(100, 2);
        assert!(limits.attempt(ip("2001:db8::1"), None).is_ok());
        assert!(limits.attempt(ip("2001:db8::2"), None).is_ok());
        assert_eq!(
            limits.attempt(ip("2001:db8::3"), None),
            Err(AppError::RateLimited)
        );
    }

    #[test]
    fn the_limits_forget_recovered_keys_so_their_memory_stays_bounded() {
        // A limit that recovers within nanoseconds: every key is forgettable at once.
        let limits = Limits::new(u32::MAX, u32::MAX);
        for n in 0..=FORGET_ABOVE {
            limits.attempt(None, Some(&format!("k{n}"))).unwrap();
        }
        assert_eq!(
            limits.remembered(),
            2 * (FORGET_ABOVE + 1),
            "pairs and accounts"
        );
        limits.attempt(None, Some("one more")).unwrap();
        assert!(limits.remembered() < 100, "{}", limits.remembered());
    }

    #[test]
    fn a_mail_allowance_is_taken_all_or_nothing_per_account() {
        let quota = MailQuota::per_day(3);
        assert!(quota.take("ana", 2));
        assert!(!quota.take("ana", 2), "one is left, not two");
        assert!(quota.take("ana", 1));
        assert!(!quota.take("ana", 1), "used up");
        assert!(quota.take("ana", 0), "nothing to send takes nothing");
        assert!(quota.take("ivo", 3), "each account has its own");
        assert!(
            !quota.take("eva", 4),
            "more than a day's allowance never goes"
        );
        assert!(!quota.take("eva", usize::MAX));
        assert!(quota.take("eva", 3), "a refused batch took nothing");
    }
}
