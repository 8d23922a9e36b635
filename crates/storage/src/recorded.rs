//! Records written with the time they were recorded elsewhere rather than now: a register kept
//! before this one, imported with its history, and the sample commune (`treem demo`), whose
//! records are dated as a real commune's are. The figures' "recorded by" view
//! ([`treem_domain::indicator::Known::RecordedBy`]) reads these times.
//!
//! Every time must be in the past; a health event cannot be recorded before its own date, nor
//! a child's versions out of time order. Each function writes through the same statements as
//! its everyday counterpart, with the given times where that one writes now, and one audit
//! entry (written now: the audit log says when the records came in).
use crate::bulk::History;
use crate::db::{date_of, Db};
use crate::error::{StorageError, StorageResult};
use crate::seal::Seal;
use jiff::Timestamp;
use treem_domain::indicator::{ReportedValue, SupportRecord};
use treem_domain::register::ChildData;
use treem_domain::role::Actor;
use treem_domain::validation::FieldErrors;

/// One version of a child as recorded elsewhere ([`Db::import_children_history`]).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedVersion {
    pub data: ChildData,
    pub recorded_at: Timestamp,
}

/// A health event as [`crate::HealthLog::add_health_events`] takes it, with the time it was
/// recorded.
pub type RecordedEvent = (treem_domain::health::Event, Timestamp);

/// A time as stored (fixed-width UTC text, the form of every stored instant).
pub(crate) fn time_text(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Refuses a time after now, naming `field`.
fn not_future(errs: &mut FieldErrors, field: &str, at: Timestamp, now: Timestamp) {
    if at > now {
        errs.push(field, "thời điểm ghi ở tương lai");
    }
}

fn checked(errs: FieldErrors) -> StorageResult<()> {
    if errs.is_empty() {
        Ok(())
    } else {
        Err(StorageError::Invalid(errs))
    }
}

impl Db {
    /// Imports children with the versions their records went through, each child's oldest
    /// first, every version stored with the time it was recorded (the current row, the search
    /// index and the circumstances follow the newest). One transaction, as
    /// [`crate::Register::import_children`]; a child's versions share its current household.
    /// Refused: a child without versions, versions out of time order, a time in the future.
    pub async fn import_children_history(
        &self,
        actor: &Actor,
        children: Vec<Vec<RecordedVersion>>,
    ) -> StorageResult<usize> {
        let now = Timestamp::now();
        let mut errs = FieldErrors::default();
        for (i, versions) in children.iter().enumerate() {
            if versions.is_empty() {
                errs.push(&format!("rows[{i}]"), "trẻ không có phiên bản nào");
            }
            for (k, v) in versions.iter().enumerate() {
                let field = format!("rows[{i}].versions[{k}].recorded_at");
                not_future(&mut errs, &field, v.recorded_at, now);
                if k > 0 && v.recorded_at < versions[k - 1].recorded_at {
                    errs.push(&field, "các phiên bản phải theo thứ tự thời gian ghi");
                }
            }
        }
        checked(errs)?;
        let mut rows = Vec::with_capacity(children.len());
        let mut history = History {
            earlier: Vec::with_capacity(children.len()),
            first_at: Vec::with_capacity(children.len()),
            current_at: Vec::with_capacity(children.len()),
        };
        for mut versions in children {
            let current = versions.pop().expect("checked: at least one version");
            let current_at = time_text(current.recorded_at);
            history.first_at.push(
                versions
                    .first()
                    .map_or_else(|| current_at.clone(), |v| time_text(v.recorded_at)),
            );
            history.current_at.push(current_at);
            history.earlier.push(
                versions
                    .into_iter()
                    .map(|v| (v.data, time_text(v.recorded_at)))
                    .collect(),
            );
            rows.push(current.data);
        }
        let parts = treem_domain::import::AllAtOnce::new(rows);
        self.bulk_import(actor, Box::new(parts), Some(history))
            .await
    }

    /// Stores health events, each with the time it was recorded (on or after its date, not in
    /// the future), in one transaction sealed by one audit entry. Unlike
    /// [`crate::HealthLog::add_health_events`] a death does not close the child's entry: records
    /// kept elsewhere come with their register, which holds the death already.
    pub async fn add_health_events_recorded(
        &self,
        actor: &Actor,
        events: &[RecordedEvent],
    ) -> StorageResult<Vec<i64>> {
        if !crate::health::writes_health(actor.role) {
            return Err(StorageError::Forbidden);
        }
        let now = Timestamp::now();
        let mut errs = FieldErrors::default();
        for (i, (event, at)) in events.iter().enumerate() {
            let field = format!("events[{i}].recorded_at");
            not_future(&mut errs, &field, *at, now);
            if date_of(&time_text(*at)) < event.date() {
                errs.push(&field, "sự kiện được ghi trước ngày xảy ra");
            }
        }
        checked(errs)?;
        let (_turn, mut tx) = self.begin_write().await?;
        let mut seal = Seal::begin(&mut tx).await?;
        let mut ids = Vec::with_capacity(events.len());
        for (event, at) in events {
            ids.push(
                crate::health::insert_checked(&mut tx, &mut seal, actor, event, &time_text(*at))
                    .await?,
            );
        }
        let detail = format!("{} sự kiện y tế (ghi kèm thời điểm)", events.len());
        crate::seal::append_sealed(&mut tx, actor, "create", "health", None, &detail, seal).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Stores figures agencies reported for `year`, each entered at its own `entered_at`
    /// (a [`Timestamp`] as text; not in the future), in one transaction.
    pub async fn add_reported_values_recorded(
        &self,
        actor: &Actor,
        year: i16,
        values: &[(ReportedValue, Timestamp)],
    ) -> StorageResult<()> {
        crate::plans::may_report(actor)?;
        let now = Timestamp::now();
        let mut errs = FieldErrors::default();
        for (i, (_, at)) in values.iter().enumerate() {
            not_future(&mut errs, &format!("values[{i}].entered_at"), *at, now);
        }
        checked(errs)?;
        let (_turn, mut tx) = self.begin_write().await?;
        for (rv, at) in values {
            crate::plans::insert_reported(&mut tx, actor, year, rv, &time_text(*at)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Stores supports given to children, each recorded at its own time (on or after the day
    /// it was given, not in the future), in one transaction.
    pub async fn add_supports_recorded(
        &self,
        actor: &Actor,
        records: &[(SupportRecord, Timestamp)],
    ) -> StorageResult<()> {
        let now = Timestamp::now();
        let mut errs = FieldErrors::default();
        for (i, (s, at)) in records.iter().enumerate() {
            let field = format!("records[{i}].recorded_at");
            not_future(&mut errs, &field, *at, now);
            if date_of(&time_text(*at)) < s.date {
                errs.push(&field, "trợ giúp được ghi trước ngày thực hiện");
            }
        }
        checked(errs)?;
        let (plain, times): (Vec<SupportRecord>, Vec<String>) = records
            .iter()
            .map(|(s, at)| (s.clone(), time_text(*at)))
            .unzip();
        crate::plans::insert_supports(self, actor, &plain, &times).await
    }
}
