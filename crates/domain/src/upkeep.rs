//! Keeping the register up to date: what the home page shows those who keep it — the children
//! changed this past week, the villages whose records nobody touched this month.
use crate::role::Role;
use jiff::civil::Date;

/// How many days back "changed recently" looks.
pub const RECENT_DAYS: i64 = 7;

/// The instant from which a change counts as recent, written as stored instants are
/// (`2026-11-30T18:30:00.000000Z`, so that text order is time order).
pub fn recent_since(now: jiff::Timestamp) -> String {
    now.checked_sub(jiff::SignedDuration::from_hours(24 * RECENT_DAYS))
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}

/// Whether a village whose records last changed at `last_change` (a stored instant, or never)
/// has had no change in the month of `today`.
pub fn not_updated_this_month(last_change: Option<&str>, today: Date) -> bool {
    let month_start = format!("{}-01", &today.to_string()[..7]);
    last_change.is_none_or(|l| l < month_start.as_str())
}

impl Role {
    /// May read the village list: everyone but the administrator.
    pub fn reads_villages(self) -> bool {
        self != Role::Admin
    }

    /// Follows how each village's records are kept (the villages not updated this month): the
    /// officer, who keeps the register, and the leader.
    pub fn follows_villages(self) -> bool {
        matches!(self, Role::Officer | Role::Leader)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_is_the_past_seven_days_as_stored_instants_are_written() {
        let now: jiff::Timestamp = "2026-12-05T08:00:00Z".parse().unwrap();
        assert_eq!(recent_since(now), "2026-11-28T08:00:00.000000Z");
    }

    #[test]
    fn a_village_untouched_since_last_month_is_not_updated() {
        let today = jiff::civil::date(2026, 12, 5);
        assert!(not_updated_this_month(None, today));
        assert!(not_updated_this_month(
            Some("2026-11-30T23:59:59.000000Z"),
            today
        ));
        assert!(!not_updated_this_month(
            Some("2026-12-01T00:00:00.000000Z"),
            today
        ));
    }

    #[test]
    fn the_officer_and_the_leader_follow_the_villages() {
        for role in crate::role::ALL_ROLES {
            assert_eq!(
                role.follows_villages(),
                matches!(role, Role::Officer | Role::Leader)
            );
            assert_eq!(role.reads_villages(), role != Role::Admin);
        }
    }
}
