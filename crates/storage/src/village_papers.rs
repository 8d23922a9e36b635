//! What a village's papers are printed from (sổ theo dõi trẻ em of the village, the summary for
//! the village meeting): the one place that decides who may print them — the officer, and a
//! village head for their own village ([`treem_domain::role::Role::prints_village_papers`], [`read_scope`]) — and
//! reads the records behind them in ONE audited read of the list.
use crate::error::{StorageError, StorageResult};
use crate::scope::read_scope;
use crate::search::ChildQuery;
use crate::Storage;
use std::collections::{HashMap, HashSet};
use treem_domain::health::{Event, Measurement, Vaccination};
use treem_domain::register::{Child, Village};
use treem_domain::role::Actor;

/// The records of one village as its papers need them.
pub struct VillageRecords {
    pub village: Village,
    /// Every child of the village in the register, those who moved out or died included (the
    /// papers choose who is present on the day).
    pub children: Vec<Child>,
    /// The village's households' codes by id.
    pub household_codes: HashMap<i64, String>,
}

/// The village `code` and its children's records, for `actor` if they may print its papers;
/// [`StorageError::Forbidden`] otherwise (another role, or another village's head),
/// [`StorageError::NotFound`] for a village that does not exist. `list` names the paper in the
/// audit log's one entry.
pub async fn village_records(
    store: &dyn Storage,
    actor: &Actor,
    code: &str,
    list: &str,
) -> StorageResult<VillageRecords> {
    if !actor.role.prints_village_papers() {
        return Err(StorageError::Forbidden);
    }
    let scope = read_scope(actor)?;
    let village = store
        .villages(actor)
        .await?
        .into_iter()
        .find(|v| v.code == code)
        .ok_or(StorageError::NotFound)?;
    if !actor.prints_papers_of(village.id) || scope.is_some_and(|own| own != village.id) {
        return Err(StorageError::Forbidden);
    }
    let mut ids = Vec::new();
    for page in 1.. {
        let found = store
            .search_children(
                actor,
                &ChildQuery {
                    village: Some(village.code.clone()),
                    include_absent: true,
                    page,
                    per_page: 500,
                    ..Default::default()
                },
            )
            .await?;
        ids.extend(found.items.iter().map(|c| c.id));
        if found.items.len() < 500 {
            break;
        }
    }
    let children = store.children_for_list(actor, list, &ids).await?;
    let household_codes = store
        .households(actor, Some(&village.code))
        .await?
        .into_iter()
        .filter_map(|h| h.data.code.map(|c| (h.id, c)))
        .collect();
    Ok(VillageRecords {
        village,
        children,
        household_codes,
    })
}

/// The health records the village meeting's summary counts from, by child.
#[derive(Default)]
pub struct VillageHealth {
    pub given: HashMap<i64, Vec<Vaccination>>,
    /// The last measurement of each child; empty when the actor does not read measurements
    /// ([`crate::readable_kinds`]), which [`VillageHealth::reads_measurements`] says.
    pub last: HashMap<i64, Measurement>,
    pub reads_measurements: bool,
    /// Open cases (hồ sơ đang xử lý) about a register child of the village: a count, no detail
    /// (a case about a child not yet in the register is not counted: its village is not known).
    pub open_cases: u32,
}

/// The vaccinations, last measurements (as far as `actor` reads them) up to `today` and the
/// open cases of the children of `records`.
pub async fn village_health(
    store: &dyn Storage,
    actor: &Actor,
    records: &VillageRecords,
    today: jiff::civil::Date,
) -> StorageResult<VillageHealth> {
    let kinds = crate::readable_kinds(actor.role);
    let wanted: Vec<&str> = ["vaccination", "measurement"]
        .into_iter()
        .filter(|k| kinds.contains(k))
        .collect();
    let ids: HashSet<i64> = records.children.iter().map(|c| c.id).collect();
    let mut h = VillageHealth {
        reads_measurements: wanted.contains(&"measurement"),
        ..Default::default()
    };
    if !wanted.is_empty() {
        // In date order: a child's last measurement is the last one seen.
        for e in store
            .health_events(actor, &wanted, None, None, Some(today))
            .await?
        {
            match e.event() {
                Ok(Event::Vaccination(v)) if ids.contains(&v.child_id) => {
                    h.given.entry(v.child_id).or_default().push(v)
                }
                Ok(Event::Measurement(m)) if ids.contains(&m.child_id) => {
                    h.last.insert(m.child_id, m);
                }
                _ => {}
            }
        }
    }
    // Only a count leaves here: the cases are not opened for the reader (not audited as read).
    let open = store
        .cases_for_figures()
        .await?
        .cases
        .iter()
        .filter(|c| c.is_open())
        .filter(|c| {
            c.intake()
                .and_then(|i| i.child.child_id())
                .is_some_and(|id| ids.contains(&id))
        })
        .count();
    h.open_cases = u32::try_from(open).unwrap_or(u32::MAX);
    Ok(h)
}
