//! Login throttling (chống dò mật khẩu), in memory, shared by the login page, `POST
//! /api/v1/session` and the password change (a guess of the current password is a guess).
//!
//! Three counters, each over a 15-minute window, keyed by the normalised username
//! ([`treem_domain::account::LoginName`]) and the client's address:
//!
//! - **name and address**: 5 failures lock that name *from that address* for 5 minutes. One
//!   person guessing from one machine stops there, and the account's owner elsewhere is not
//!   locked out by them.
//! - **name, from every address**: 20 failures put the name on guard for 15 minutes (doubling
//!   at each new guard within a day, at most 16 hours): during a guard the name can be used only
//!   from an address it logged in from successfully before (the office PC, the officer's
//!   phone). Guessing spread over many addresses is capped; the owner keeps working.
//! - **address, for every name**: 50 failures lock the address for 15 minutes (one machine
//!   trying many names, or filling the tables).
//!
//! Only keyed hashes (64 bits, SipHash with a random key per process) are kept, never the
//! names as typed; each table holds at most [`MAX_ENTRIES`] entries (about 64 bytes each, so
//! well under 4 MB for all of them) and, when full, forgets the entry that has been quiet
//! longest, unlocked entries before locked ones.
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use treem_domain::account::LoginName;

const WINDOW: Duration = Duration::from_secs(15 * 60);
/// Failures of one name from one address before that pair is locked.
pub const PAIR_FAILURES: u32 = 5;
const PAIR_LOCK: Duration = Duration::from_secs(5 * 60);
/// Failures of one name from all addresses before the name is guarded.
pub const NAME_FAILURES: u32 = 20;
const NAME_GUARD: Duration = Duration::from_secs(15 * 60);
const NAME_GUARD_MAX_DOUBLINGS: u32 = 6;
/// Failures from one address, whatever the names, before the address is locked.
pub const ADDRESS_FAILURES: u32 = 50;
const ADDRESS_LOCK: Duration = Duration::from_secs(15 * 60);
/// Entries in each table at most.
pub const MAX_ENTRIES: usize = 10_000;
/// Addresses remembered per name as having logged in successfully.
const KNOWN_PER_NAME: usize = 8;
/// How long a successful address stays known.
const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 3600);

/// One counter: failures in the current window, when it began, the last failure, and until
/// when it is locked.
#[derive(Clone, Copy)]
struct Counter {
    failures: u32,
    since: Instant,
    last: Instant,
    locked_until: Option<Instant>,
    /// Guards already imposed (for the doubling); forgotten after a quiet day.
    strikes: u32,
}

struct Table {
    map: HashMap<u64, Counter>,
}

impl Table {
    fn new() -> Self {
        Table {
            map: HashMap::new(),
        }
    }

    fn locked(&self, key: u64, now: Instant) -> Option<Duration> {
        self.map
            .get(&key)
            .and_then(|c| c.locked_until)
            .filter(|u| *u > now)
            .map(|u| u - now)
    }

    /// Counts one failure; returns the counter after it.
    fn fail(&mut self, key: u64, now: Instant) -> &mut Counter {
        if !self.map.contains_key(&key) && self.map.len() >= MAX_ENTRIES {
            self.make_room(now);
        }
        let c = self.map.entry(key).or_insert(Counter {
            failures: 0,
            since: now,
            last: now,
            locked_until: None,
            strikes: 0,
        });
        if now.duration_since(c.last) > Duration::from_secs(24 * 3600) {
            c.strikes = 0;
        }
        if now.duration_since(c.since) > WINDOW {
            c.failures = 0;
            c.since = now;
        }
        c.failures += 1;
        c.last = now;
        c
    }

    /// Drops what is over; if still full, the tenth of the entries quiet longest (unlocked
    /// ones first), so that a flood pays for one sweep per thousand new entries.
    fn make_room(&mut self, now: Instant) {
        self.map.retain(|_, c| {
            now.duration_since(c.last) <= WINDOW || c.locked_until.is_some_and(|u| u > now)
        });
        if self.map.len() < MAX_ENTRIES {
            return;
        }
        let mut order: Vec<(bool, Instant, u64)> = self
            .map
            .iter()
            .map(|(k, c)| (c.locked_until.is_some_and(|u| u > now), c.last, *k))
            .collect();
        let n = MAX_ENTRIES / 10;
        order.select_nth_unstable(n);
        for (_, _, k) in &order[..n] {
            self.map.remove(k);
        }
    }
}

struct Inner {
    pairs: Table,
    names: Table,
    addresses: Table,
    /// Per name: addresses that logged in successfully, with when.
    known: HashMap<u64, Vec<(u64, Instant)>>,
}

pub struct Throttle {
    hasher: RandomState,
    inner: Mutex<Inner>,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            hasher: RandomState::new(),
            inner: Mutex::new(Inner {
                pairs: Table::new(),
                names: Table::new(),
                addresses: Table::new(),
                known: HashMap::new(),
            }),
        }
    }
}

/// What one attempt is counted under (hashes only).
#[derive(Clone, Copy, Debug)]
pub struct AttemptKey {
    name: u64,
    address: u64,
    pair: u64,
}

/// The part of a client address that identifies one client: the whole IPv4 address, the /64
/// of an IPv6 one (a single subscriber holds a whole /64).
fn client_prefix(ip: IpAddr) -> [u8; 16] {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_ipv6_mapped().octets(),
            None => {
                let mut o = v6.octets();
                o[8..].fill(0);
                o
            }
        },
    }
}

fn minutes(d: Duration) -> u64 {
    d.as_secs().div_ceil(60).max(1)
}

impl Throttle {
    /// The keys of one attempt at `name` from `ip`.
    pub fn key(&self, name: &LoginName, ip: IpAddr) -> AttemptKey {
        let prefix = client_prefix(ip);
        AttemptKey {
            name: self.hasher.hash_one(("name", name.as_str())),
            address: self.hasher.hash_one(("address", prefix)),
            pair: self.hasher.hash_one(("pair", name.as_str(), prefix)),
        }
    }

    /// The key of an address alone (for a username refused before any lookup).
    pub fn address_key(&self, ip: IpAddr) -> u64 {
        self.hasher.hash_one(("address", client_prefix(ip)))
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `Err(minutes)` while this attempt must be refused without looking at the password.
    pub fn check(&self, k: &AttemptKey) -> Result<(), u64> {
        let now = Instant::now();
        let inner = self.inner();
        if let Some(d) = inner.addresses.locked(k.address, now) {
            return Err(minutes(d));
        }
        if let Some(d) = inner.pairs.locked(k.pair, now) {
            return Err(minutes(d));
        }
        if let Some(d) = inner.names.locked(k.name, now) {
            let known = inner.known.get(&k.name).is_some_and(|v| {
                v.iter()
                    .any(|(a, at)| *a == k.address && now.duration_since(*at) <= KNOWN_FOR)
            });
            if !known {
                return Err(minutes(d));
            }
        }
        Ok(())
    }

    /// `Err(minutes)` while the address alone is locked.
    pub fn check_address(&self, address: u64) -> Result<(), u64> {
        match self.inner().addresses.locked(address, Instant::now()) {
            Some(d) => Err(minutes(d)),
            None => Ok(()),
        }
    }

    /// Counts a failure against the address only (a name refused before any lookup).
    pub fn failed_address(&self, address: u64) {
        let now = Instant::now();
        let mut inner = self.inner();
        let c = inner.addresses.fail(address, now);
        if c.failures >= ADDRESS_FAILURES {
            c.locked_until = Some(now + ADDRESS_LOCK);
            c.failures = 0;
            c.since = now;
        }
    }

    pub fn failed(&self, k: &AttemptKey) {
        self.failed_address(k.address);
        let now = Instant::now();
        let mut inner = self.inner();
        let c = inner.pairs.fail(k.pair, now);
        if c.failures >= PAIR_FAILURES {
            c.locked_until = Some(now + PAIR_LOCK);
            c.failures = 0;
            c.since = now;
        }
        let c = inner.names.fail(k.name, now);
        if c.failures >= NAME_FAILURES {
            let guard = NAME_GUARD * 2u32.pow(c.strikes.min(NAME_GUARD_MAX_DOUBLINGS));
            c.locked_until = Some(now + guard);
            c.strikes += 1;
            c.failures = 0;
            c.since = now;
        }
    }

    /// A right password: the pair starts afresh and the address becomes known for the name.
    /// The name's own counter is kept: a guesser elsewhere gains nothing from the owner's
    /// success.
    pub fn succeeded(&self, k: &AttemptKey) {
        let now = Instant::now();
        let mut inner = self.inner();
        inner.pairs.map.remove(&k.pair);
        if !inner.known.contains_key(&k.name) && inner.known.len() >= MAX_ENTRIES {
            inner.known.retain(|_, v| {
                v.retain(|(_, at)| now.duration_since(*at) <= KNOWN_FOR);
                !v.is_empty()
            });
            if inner.known.len() >= MAX_ENTRIES {
                let oldest = inner
                    .known
                    .iter()
                    .min_by_key(|(_, v)| v.iter().map(|(_, at)| *at).max())
                    .map(|(k, _)| *k);
                if let Some(o) = oldest {
                    inner.known.remove(&o);
                }
            }
        }
        let list = inner.known.entry(k.name).or_default();
        list.retain(|(a, _)| *a != k.address);
        list.push((k.address, now));
        if list.len() > KNOWN_PER_NAME {
            list.remove(0);
        }
    }

    /// Entries held in all tables (to show that they stay bounded).
    pub fn entries(&self) -> usize {
        let inner = self.inner();
        inner.pairs.map.len()
            + inner.names.map.len()
            + inner.addresses.map.len()
            + inner.known.values().map(Vec::len).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn name(s: &str) -> LoginName {
        LoginName::parse(s).unwrap()
    }

    #[test]
    fn locks_a_name_from_one_address_after_five_failures() {
        let t = Throttle::default();
        let k = t.key(&name("Pao"), ip("10.0.0.1"));
        for _ in 0..4 {
            t.failed(&k);
            assert!(t.check(&k).is_ok());
        }
        t.failed(&k);
        assert_eq!(t.check(&t.key(&name(" pao\t"), ip("10.0.0.1"))), Err(5));
        // The owner at another address is not locked out, nor another name here.
        assert!(t.check(&t.key(&name("pao"), ip("10.0.0.2"))).is_ok());
        assert!(t.check(&t.key(&name("other"), ip("10.0.0.1"))).is_ok());
    }

    #[test]
    fn guessing_from_many_addresses_guards_the_name_but_not_for_its_owner() {
        let t = Throttle::default();
        let owner = t.key(&name("pao"), ip("10.0.0.9"));
        t.succeeded(&owner);
        for i in 0..NAME_FAILURES {
            // Four guesses from each address: never the pair's lock.
            let k = t.key(&name("pao"), ip(&format!("10.1.0.{}", i / 4)));
            assert!(t.check(&k).is_ok(), "guess {i}");
            t.failed(&k);
        }
        assert_eq!(t.check(&t.key(&name("pao"), ip("10.2.0.1"))), Err(15));
        assert!(t.check(&owner).is_ok());
    }

    #[test]
    fn one_address_trying_many_names_is_locked() {
        let t = Throttle::default();
        for i in 0..ADDRESS_FAILURES {
            let k = t.key(&name(&format!("n{i}")), ip("10.0.0.1"));
            assert!(t.check(&k).is_ok());
            t.failed(&k);
        }
        assert!(t.check(&t.key(&name("fresh"), ip("10.0.0.1"))).is_err());
        assert!(t.check(&t.key(&name("fresh"), ip("10.0.0.2"))).is_ok());
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        let t = Throttle::default();
        for i in 0..PAIR_FAILURES {
            t.failed(&t.key(&name("pao"), ip(&format!("2001:db8:1:2::{i:x}"))));
        }
        assert!(t
            .check(&t.key(&name("pao"), ip("2001:db8:1:2:ffff::1")))
            .is_err());
        assert!(t.check(&t.key(&name("pao"), ip("2001:db8:1:3::1"))).is_ok());
    }

    #[test]
    fn the_tables_stay_bounded_and_keep_locks() {
        let t = Throttle::default();
        let locked = t.key(&name("police"), ip("10.0.0.1"));
        for _ in 0..PAIR_FAILURES {
            t.failed(&locked);
        }
        for i in 0..(3 * MAX_ENTRIES as u32) {
            let a = std::net::Ipv4Addr::from(0x0b00_0000 + i / 3);
            t.failed(&t.key(&name(&format!("u{i}")), IpAddr::V4(a)));
        }
        assert!(t.entries() <= 3 * MAX_ENTRIES);
        assert!(
            t.check(&locked).is_err(),
            "a lock is not flushed by a flood"
        );
    }
}
