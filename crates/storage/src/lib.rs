//! treem's storage: the register, accounts and the audit log on SQLite or PostgreSQL.
//!
//! One implementation ([`Db`]) serves both backends through sqlx's `Any` driver; the backend is
//! chosen from the URL. Queries use `$n` placeholders, which both drivers accept, and a schema
//! whose types decode the same way on both (integers are 64-bit, dates are ISO text).
//! Scope (which children an [`Actor`] may see) is applied inside the queries themselves.
mod accounts;
mod activities;
mod as_of;
mod audit;
mod backups;
mod budget;
mod bulk;
mod cases;
mod check;
mod child_words;
mod children;
mod communes;
mod copies;
mod counts;
mod crypto;
mod db;
mod error;
pub mod files;
mod hazards;
mod health;
mod history;
mod households;
mod migrate;
mod national_db;
mod once;
mod packed;
mod params;
mod plans;
mod portable;
pub mod profile;
mod province;
mod recorded;
mod register;
mod reports;
mod scope;
mod seal;
mod search;
mod self_assessments;
mod signers;
mod stamps;
mod stored;
mod stream;
mod supports;
mod village_papers;
mod villages;
mod word_counts;
mod word_pairs;
mod work;

pub use accounts::{
    AccountChange, Decision, Login, LoginName, NewUser, PendingAccount, PendingChange, Session,
    Signer, User,
};
pub use activities::{ActivityDetail, ActivityRow, Participant, ServiceEntry};
pub use as_of::RegisterAsOf;
pub use audit::{AuditEntry, AuditFilter, ChainHead, CheckReport};
pub use backups::{sees_backups, BackupStatus};
pub use budget::Spending;
pub use cases::{CaseSummary, FigureCases, NamedChild};
pub use communes::{HostedCommune, NewCommune};
pub use counts::{ChildCount, VillageActivity};
pub use crypto::CaseKey;
pub use db::{today, Backend, CommuneId, Db, FIRST_COMMUNE};
pub use error::{StorageError, StorageResult};
pub use hazards::{HazardInspection, HazardSite};
pub use health::{readable_kinds, valid_submission_id, HealthEvent, Submission};
pub use history::{ChildVersion, FieldChange};
pub use migrate::SCHEMA_VERSION;
pub use once::StoredOnce;
pub use portable::{copy_head, ExportRecord};
pub use province::Imported;
pub use recorded::{RecordedEvent, RecordedVersion};
pub use reports::{NewReport, StoredReport, StoredSection};
pub use search::{ChildQuery, ChildSummary, Page};
pub use self_assessments::StoredAssessment;
pub use stamps::CommuneKept;
pub use supports::{GivenOnce, GivenSupport};
pub use treem_domain::role::{Actor, Role};
pub use village_papers::{village_health, village_records, VillageHealth, VillageRecords};
pub use work::{
    AffectedChild, DisabilityRow, DisasterRow, DistributionRow, MarriageRow, SupportFilter,
    SupportRow,
};

use async_trait::async_trait;
use treem_domain::case::{CaseFile, CaseState, EntryKind, Receipt};
use treem_domain::register::{Child, ChildData, Household, HouseholdData, Village};
use treem_domain::Date;

/// How storage works beyond what the database holds, set once by the binary from its settings
/// ([`tune`]); the defaults otherwise (tests, other callers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    /// Parameters per multi-row `INSERT`: below SQLite's 32,766 and PostgreSQL's 65,535.
    pub insert_params: usize,
    /// Phase timings of a children import, printed to stderr ([`profile`]).
    pub import_profile: bool,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            insert_params: 30_000,
            import_profile: false,
        }
    }
}

static TUNING: std::sync::OnceLock<Tuning> = std::sync::OnceLock::new();

/// Sets the process's [`Tuning`], once, before the first database is opened; later calls are
/// ignored.
pub fn tune(t: Tuning) {
    let _ = TUNING.set(t);
}

/// The process's [`Tuning`].
pub(crate) fn tuning() -> Tuning {
    *TUNING.get_or_init(Tuning::default)
}

/// Xã: the one commune this database serves.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Commune {
    pub name: String,
    pub province: String,
    pub code: Option<String>,
    /// Synthetic data, marked wherever it is shown.
    pub sample: bool,
}

/// The register's operations: what the web layer and the command line need, nothing more.
#[async_trait]
pub trait Register: Send + Sync {
    async fn commune(&self) -> StorageResult<Option<Commune>>;
    async fn set_commune(&self, actor: &Actor, commune: &Commune) -> StorageResult<()>;

    async fn villages(&self, actor: &Actor) -> StorageResult<Vec<Village>>;
    async fn create_village(&self, actor: &Actor, code: &str, name: &str)
        -> StorageResult<Village>;
    async fn update_village(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        code: &str,
        name: &str,
    ) -> StorageResult<Village>;

    async fn household(&self, actor: &Actor, id: i64) -> StorageResult<Household>;
    async fn households(
        &self,
        actor: &Actor,
        village: Option<&str>,
    ) -> StorageResult<Vec<Household>>;
    async fn create_household(
        &self,
        actor: &Actor,
        data: &HouseholdData,
    ) -> StorageResult<Household>;
    async fn update_household(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        data: &HouseholdData,
    ) -> StorageResult<Household>;
    /// Many households in one transaction; returns their ids in order.
    async fn import_households(
        &self,
        actor: &Actor,
        rows: &[HouseholdData],
    ) -> StorageResult<Vec<i64>>;

    /// The full record of one child; the read is written to the audit log.
    /// The households the actor may link children to (those of the villages they write),
    /// with their codes: what an import resolves its household column against.
    async fn household_entries(
        &self,
        actor: &Actor,
    ) -> StorageResult<Vec<treem_domain::register::HouseholdEntry>>;
    async fn child(&self, actor: &Actor, id: i64) -> StorageResult<Child>;
    async fn create_child(&self, actor: &Actor, data: &ChildData) -> StorageResult<Child>;
    /// Adds a child under an id the sender made (`token`, see [`valid_submission_id`]): sent
    /// again, nothing is written and the answer is the child that id stored (`again`).
    async fn create_child_once(
        &self,
        actor: &Actor,
        data: &ChildData,
        token: Option<&str>,
    ) -> StorageResult<(Child, StoredOnce)>;
    /// Refused with [`StorageError::Conflict`] unless `version` is the stored one.
    async fn update_child(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        data: &ChildData,
    ) -> StorageResult<Child>;
    /// [`Register::update_child`] under an id the sender made: an update already stored under
    /// `token` is answered as stored (`again`), not as a conflict with its own write.
    async fn update_child_once(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        data: &ChildData,
        token: Option<&str>,
    ) -> StorageResult<(Child, StoredOnce)>;
    /// The child this person added under `token`, if that id was used already.
    async fn child_added_under(&self, actor: &Actor, token: &str) -> StorageResult<Option<i64>>;
    async fn search_children(
        &self,
        actor: &Actor,
        q: &ChildQuery,
    ) -> StorageResult<Page<ChildSummary>>;
    async fn child_history(&self, actor: &Actor, id: i64) -> StorageResult<Vec<ChildVersion>>;
    /// One earlier version of a child's record (to merge a stale edit); an audited read.
    async fn child_at_version(&self, actor: &Actor, id: i64, version: i64) -> StorageResult<Child>;
    /// Every child as the register recorded them at the end of `date` (Vietnam time).
    async fn children_as_of(&self, actor: &Actor, date: Date) -> StorageResult<Vec<Child>>;
    /// [`Register::children_as_of`] for the children with an id in `(after, up_to]`: a large
    /// register read a slice at a time, so that it is never in memory whole.
    async fn children_as_of_slice(
        &self,
        actor: &Actor,
        date: Date,
        ids: (i64, i64),
    ) -> StorageResult<Vec<Child>>;
    /// The register for the indicator engine, in one read: each child's latest version known
    /// (every version, or those recorded by the end of a day: [`Known`]), in child id order,
    /// with only the fields the engine reads
    /// ([`treem_domain::indicator::Snapshot::children`]). Which dates each child counts on is
    /// the engine's to say from the record's own dates.
    async fn register_for_figures(
        &self,
        actor: &Actor,
        known: treem_domain::indicator::Known,
    ) -> StorageResult<Vec<treem_domain::indicator::ChildFacts>>;
    /// Counts of children present today by village and sex: no personal data, so the
    /// province may ask too.
    async fn child_counts(&self, actor: &Actor) -> StorageResult<Vec<ChildCount>>;
    /// Each village in scope with its number of children and when its list last changed.
    async fn village_activity(&self, actor: &Actor) -> StorageResult<Vec<VillageActivity>>;
    /// All rows or none.
    async fn import_children(&self, actor: &Actor, rows: Vec<ChildData>) -> StorageResult<usize>;
    /// All rows or none, given a part at a time (a large file's children built again from its
    /// cells as the write reaches them: [`treem_domain::import::RowsToWrite`]).
    async fn import_children_in_parts(
        &self,
        actor: &Actor,
        parts: Box<dyn treem_domain::import::ChildParts>,
    ) -> StorageResult<usize>;
}

/// Accounts and sessions (tài khoản).
#[async_trait]
pub trait Accounts: Send + Sync {
    async fn create_user(&self, actor: &Actor, user: &NewUser) -> StorageResult<User>;
    async fn users(&self, actor: &Actor) -> StorageResult<Vec<User>>;
    /// Checks a password for a name normalised by the domain (the same key the login throttle
    /// counts on).
    async fn authenticate(&self, name: &LoginName, password: &str) -> StorageResult<Login>;
    async fn set_password(&self, actor: &Actor, user_id: i64, password: &str) -> StorageResult<()>;
    async fn set_user_active(&self, actor: &Actor, user_id: i64, active: bool)
        -> StorageResult<()>;
    /// Accounts waiting for the leader's confirmation (leader, admin, operator).
    async fn pending_accounts(&self, actor: &Actor) -> StorageResult<Vec<PendingAccount>>;
    /// The leader (or the operator) confirms or refuses what waits on `user_id`; audited.
    async fn confirm_account(
        &self,
        actor: &Actor,
        user_id: i64,
        decision: Decision<'_>,
    ) -> StorageResult<()>;
    /// Every change to accounts from the audit log, newest first (logins left out).
    async fn account_changes(&self, actor: &Actor, limit: i64)
        -> StorageResult<Vec<AccountChange>>;
    /// Sets an account's full name (họ và tên) and position (chức vụ), which documents sign
    /// with: the administrator for any account, anyone for their own; audited.
    async fn set_signer(
        &self,
        actor: &Actor,
        user_id: i64,
        full_name: &str,
        position: &str,
    ) -> StorageResult<User>;
    /// The full names and positions of these logins, for signature blocks (any signed-in
    /// account); unknown logins are left out.
    async fn signers(&self, actor: &Actor, logins: &[String]) -> StorageResult<Vec<Signer>>;
    async fn create_session(&self, user: &User) -> StorageResult<Session>;
    async fn session(&self, token: &str) -> StorageResult<Option<(Session, User)>>;
    async fn delete_session(&self, token: &str) -> StorageResult<()>;
}

/// The append-only, hash-chained audit log (nhật ký).
#[async_trait]
pub trait AuditLog: Send + Sync {
    async fn audit_entries(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
    ) -> StorageResult<Vec<AuditEntry>>;
    /// The chain's head, to be written down as an anchor (readers of the log only).
    async fn audit_head(&self, actor: &Actor) -> StorageResult<ChainHead>;
    /// Verifies the chain and the database; never changes anything.
    async fn check(&self) -> StorageResult<CheckReport>;
}

/// Plans and the figures that are not counted from the register (kế hoạch, số liệu báo cáo).
#[async_trait]
pub trait Plans: Send + Sync {
    async fn plan_years(&self) -> StorageResult<Vec<i16>>;
    async fn plan_toml(&self, year: i16) -> StorageResult<Option<String>>;
    async fn save_plan(&self, actor: &Actor, year: i16, toml: &str) -> StorageResult<()>;
    /// The figures entered for the year's targets (those entered by the end of the day, with
    /// [`Known::RecordedBy`](treem_domain::indicator::Known)).
    async fn reported_values(
        &self,
        year: i16,
        known: treem_domain::indicator::Known,
    ) -> StorageResult<Vec<treem_domain::indicator::ReportedValue>>;
    async fn add_reported_value(
        &self,
        actor: &Actor,
        year: i16,
        value: &treem_domain::indicator::ReportedValue,
    ) -> StorageResult<()>;
    /// The supports given from `from` to `to` (by the date given; those recorded by the end of
    /// the day with [`Known::RecordedBy`](treem_domain::indicator::Known)).
    async fn supports(
        &self,
        from: Date,
        to: Date,
        known: treem_domain::indicator::Known,
    ) -> StorageResult<Vec<treem_domain::indicator::SupportRecord>>;
    async fn add_supports(
        &self,
        actor: &Actor,
        records: &[treem_domain::indicator::SupportRecord],
    ) -> StorageResult<()>;
    async fn assessments(
        &self,
        known: treem_domain::indicator::Known,
    ) -> StorageResult<Vec<treem_domain::indicator::AssessmentValue>>;
    /// The report periods the officer confirmed for a plan year.
    async fn confirmed_periods(
        &self,
        year: i16,
    ) -> StorageResult<Vec<treem_domain::plan::ConfirmedPeriod>>;
    /// The officer confirms a report's period (checked by the caller with
    /// [`treem_domain::plan::Report::check_period`]); a later confirmation replaces it.
    async fn confirm_report_period(
        &self,
        actor: &Actor,
        year: i16,
        code: &str,
        period: treem_domain::indicator::Period,
    ) -> StorageResult<treem_domain::plan::ConfirmedPeriod>;
    /// Changes whenever anything a figure depends on changes (for caching figures).
    async fn figures_stamp(&self) -> StorageResult<String>;
    /// The package content of report `kind` of `year` kept for day `as_of` from the data of
    /// `stamp` (JSON, as [`Plans::keep_package`] was given it); `None` when none was, or it was
    /// for another day or from other data.
    async fn kept_package(
        &self,
        kind: &str,
        year: i16,
        as_of: Date,
        stamp: &str,
    ) -> StorageResult<Option<String>>;
    /// Keeps a package content computed for day `as_of` from the data of `stamp`, in place of
    /// the one kept for that report and year.
    async fn keep_package(
        &self,
        kind: &str,
        year: i16,
        as_of: Date,
        stamp: &str,
        content: &str,
    ) -> StorageResult<()>;
}

/// Health events of the health station (trạm y tế).
#[async_trait]
pub trait HealthLog: Send + Sync {
    /// The domain's typed events, stored with their kind, child and date beside their fields
    /// (written as JSON here, once); all or none.
    async fn add_health_events(
        &self,
        actor: &Actor,
        events: &[treem_domain::health::Event],
    ) -> StorageResult<Vec<i64>>;
    /// A form of events recorded once: under the submission id `token` (issued with the form,
    /// or a client's idempotency key; `form` names the form, e.g. "weighing"), recorded in the
    /// same transaction. The id seen before: nothing stored, the first answer again
    /// (`again`). An event identical to one stored already (same kind, child, date and fields)
    /// is not stored again and is named in `identical`. All or none otherwise.
    async fn add_health_events_once(
        &self,
        actor: &Actor,
        form: &str,
        token: Option<&str>,
        events: &[treem_domain::health::Event],
    ) -> StorageResult<Submission>;
    /// The submission stored under `token`, if any.
    async fn submission(&self, actor: &Actor, token: &str) -> StorageResult<Option<Submission>>;
    async fn health_events(
        &self,
        actor: &Actor,
        kinds: &[&str],
        child: Option<i64>,
        from: Option<Date>,
        to: Option<Date>,
    ) -> StorageResult<Vec<HealthEvent>>;
    /// A child's records of these kinds, the records replaced by a correction included (each
    /// with `replaced_by`, `replaced_at`, `replace_reason`): the child's history. Every other
    /// reader ([`HealthLog::health_events`], the figures) reads the records in use only.
    async fn health_history(
        &self,
        actor: &Actor,
        kinds: &[&str],
        child: i64,
    ) -> StorageResult<Vec<HealthEvent>>;
    /// One event, replaced or not, for those who correct events (the health station, the
    /// officer).
    async fn health_event(&self, actor: &Actor, id: i64) -> StorageResult<HealthEvent>;
    /// Corrects a stored event by replacement, in one transaction: the replacement stored and
    /// sealed, the old record marked replaced (kept, out of the figures), the change audited
    /// with its reason. A record replaced already is refused ([`StorageError::Refused`], 409).
    async fn replace_health_event(
        &self,
        actor: &Actor,
        correction: &treem_domain::health::Correction,
    ) -> StorageResult<i64>;
    /// Every event of these kinds up to `to`, packed as one JSON text
    /// `[[id, kind, child_id, date, fields], …]` (for the figures; not for village heads).
    async fn health_events_packed(
        &self,
        actor: &Actor,
        kinds: &[&str],
        to: Option<Date>,
    ) -> StorageResult<String>;
    /// Every birth, death, vaccination, measurement, injury and HIV follow-up up to `to`, as
    /// the domain's types (for the figures; not for village heads): the events without a child
    /// first, then child by child, each child's events of a kind in the order they were
    /// recorded. Other kinds are left out.
    async fn health_records(
        &self,
        actor: &Actor,
        to: Option<Date>,
        known: treem_domain::indicator::Known,
    ) -> StorageResult<treem_domain::health::HealthRecords>;
    /// A birth (sổ đẻ): the child enters the register and the birth is recorded in one step
    /// (`birth.child_id` is the new child's, whatever it was).
    async fn record_birth(
        &self,
        actor: &Actor,
        child: &ChildData,
        birth: &treem_domain::health::Birth,
    ) -> StorageResult<Child>;
    /// The full records of the children of a list someone opened (the health lists' due
    /// vaccinations: their caregivers), in one read within the actor's scope, in the order of
    /// `ids` (those out of reach left out). ONE audit entry for the list, not one per child:
    /// who opened `list` (its name in words), and how many children it showed.
    async fn children_for_list(
        &self,
        actor: &Actor,
        list: &str,
        ids: &[i64],
    ) -> StorageResult<Vec<Child>>;
}

/// Case files (hồ sơ trường hợp, Nghị định 56/2017 Chương III): entries and each case's
/// summary (child, filer, step, assignees, dates) sealed at rest with the key given by
/// [`Db::with_case_key`]; without a key every operation is refused (the figures get no cases).
#[async_trait]
pub trait Cases: Send + Sync {
    /// Records the report (Mẫu 01) as entry 1 of a new case; returns the case id.
    async fn open_case(
        &self,
        actor: &Actor,
        intake: EntryKind,
        at: jiff::civil::DateTime,
    ) -> StorageResult<i64>;
    /// [`Cases::open_case`] under an id the sender made: the same report sent again opens no
    /// second case; the answer is the case that id opened (`again`).
    async fn open_case_once(
        &self,
        actor: &Actor,
        intake: EntryKind,
        at: jiff::civil::DateTime,
        token: Option<&str>,
    ) -> StorageResult<StoredOnce>;
    /// Records one more entry. Refused with [`StorageError::Conflict`] unless the case has
    /// exactly `expected_seq` entries (someone else wrote meanwhile).
    async fn add_case_entry(
        &self,
        actor: &Actor,
        case_id: i64,
        expected_seq: u32,
        entry: EntryKind,
        at: jiff::civil::DateTime,
    ) -> StorageResult<CaseFile>;
    /// Records `replacement` as the corrected version of entry `of`.
    async fn correct_case_entry(
        &self,
        actor: &Actor,
        case_id: i64,
        of: u32,
        replacement: EntryKind,
        at: jiff::civil::DateTime,
    ) -> StorageResult<CaseFile>;
    /// Every case, replayed, for counting target 16 and the plans approved on time. Never
    /// shown: nothing from it leaves the figures but counts, so it is not audited as an
    /// opening. A damaged case (hồ sơ bị hỏng) is left out and named in
    /// [`FigureCases::damaged`]; the others still count. Empty without the case key (the
    /// figures then say "no data", not 0 %).
    async fn cases_for_figures(&self) -> StorageResult<FigureCases>;
    /// The working-day calendar the deadlines are counted on.
    fn calendar(&self) -> &treem_domain::case::WorkingCalendar;
    /// The whole case, for those who may open it ([`treem_domain::case::may_open`]); others get
    /// [`StorageError::NotFound`]. Each opening is written in the audit log.
    async fn case_file(&self, actor: &Actor, case_id: i64) -> StorageResult<CaseFile>;
    /// That the report was received: for its filer and those who may open the case.
    async fn case_receipt(&self, actor: &Actor, case_id: i64) -> StorageResult<Receipt>;
    /// The cases `actor` may open, newest report first (damaged cases left out).
    async fn cases(&self, actor: &Actor) -> StorageResult<Vec<CaseSummary>>;
    /// The name and village of the register child a case is about, for one who has opened the
    /// case: `None` when the child is outside `actor`'s scope or no longer in the register.
    async fn case_child(&self, actor: &Actor, child_id: i64) -> StorageResult<Option<NamedChild>>;
    /// The ids of the cases whose sealed summary does not open (hồ sơ bị hỏng), for those who
    /// open every case (officer, leader); empty for everyone else.
    async fn damaged_cases(&self, actor: &Actor) -> StorageResult<Vec<i64>>;
    /// Number of cases in each state (states with none left out, damaged cases left out): no
    /// personal data. Needs the key, as the states are sealed.
    async fn case_counts(&self) -> StorageResult<Vec<(CaseState, i64)>>;
    /// The reports this person filed, newest first: (case id, when the information was
    /// received). Nothing else about the case: the filer sees that it was received.
    async fn my_reports(&self, actor: &Actor) -> StorageResult<Vec<(i64, jiff::civil::DateTime)>>;
}

/// What is known of the copies that leave the machine (sao lưu): for the home page's warning.
#[async_trait]
pub trait Backups: Send + Sync {
    /// The last attempt and the last good copy; for the officer and the administrator only.
    async fn backup_status(&self, actor: &Actor) -> StorageResult<BackupStatus>;
}

/// Everything the application needs from storage.
pub trait Storage:
    Register
    + Accounts
    + AuditLog
    + Plans
    + HealthLog
    + Cases
    + Backups
    + SupportLog
    + Reports
    + Province
    + SelfAssessments
    + NationalDb
    + WorkLog
    + HazardLog
    + BudgetLog
    + ActivityLog
{
}
impl<
        T: Register
            + Accounts
            + AuditLog
            + Plans
            + HealthLog
            + Cases
            + Backups
            + SupportLog
            + Reports
            + Province
            + SelfAssessments
            + NationalDb
            + WorkLog
            + HazardLog
            + BudgetLog
            + ActivityLog,
    > Storage for T
{
}

/// Support given to children and which kinds count for target 14 (`supports.rs`).
#[async_trait]
pub trait SupportLog: Send + Sync {
    /// The supports recorded for a child the person may read, newest first.
    async fn child_supports(&self, actor: &Actor, child: i64) -> StorageResult<Vec<GivenSupport>>;
    /// Record a support for a child the person may write; under a submission id `token`, once
    /// (the id seen before: nothing stored, the first support's id with `again`).
    async fn give_support(
        &self,
        actor: &Actor,
        child: i64,
        support: &treem_domain::support::NewSupport,
        token: Option<&str>,
    ) -> StorageResult<GivenOnce>;
    /// The commune's setting of which kinds answer which circumstance group.
    async fn support_answers(&self) -> StorageResult<treem_domain::support::SupportAnswers>;
    /// Change that setting (the officer).
    async fn set_support_answers(
        &self,
        actor: &Actor,
        answers: &treem_domain::support::SupportAnswers,
    ) -> StorageResult<()>;
}

/// The province's side (`province.rs`): communes' keys, report packages received, the table.
#[async_trait]
pub trait Province: Send + Sync {
    /// Register (or replace) a commune's public key.
    async fn trust_commune(
        &self,
        actor: &Actor,
        key: &treem_domain::report::package::PublicKey,
    ) -> StorageResult<()>;
    /// The communes registered, by code.
    async fn trusted_communes(
        &self,
        actor: &Actor,
    ) -> StorageResult<Vec<treem_domain::report::package::TrustedCommune>>;
    /// Take a package file: stored when its signature holds under the commune's key and the
    /// domain's rule admits it; [`StorageError::Invalid`] on field `package` with the reason
    /// otherwise, nothing stored.
    async fn import_package(&self, actor: &Actor, file: &[u8]) -> StorageResult<Imported>;
    /// Every package received, in the order received.
    async fn received_packages(
        &self,
        actor: &Actor,
    ) -> StorageResult<Vec<treem_domain::report::package::Arrival>>;
    /// One package of a commune.
    async fn received_package(
        &self,
        actor: &Actor,
        commune: &str,
        id: i64,
    ) -> StorageResult<treem_domain::report::package::Arrival>;
    /// The communes × targets table of a kind and year (`None`: those of the last package
    /// received); `None` when nothing has been received.
    async fn province_table(
        &self,
        actor: &Actor,
        asked: Option<(&str, i16)>,
    ) -> StorageResult<Option<treem_domain::report::package::ProvinceTable>>;
}

/// Reports up the chain (`reports/`): every step checked by
/// [`treem_domain::report::take`] against the stored state, a stale `version` refused with
/// [`StorageError::Conflict`], a step the state forbids with [`StorageError::Refused`], and
/// audited in the same transaction. `plan` is the plan of the report's year (who writes which
/// section).
#[async_trait]
pub trait Reports: Send + Sync {
    /// Mở báo cáo (the officer): one draft section per agency of `new.sections`.
    async fn open_report(
        &self,
        actor: &Actor,
        plan: &treem_domain::plan::Plan,
        new: &NewReport,
    ) -> StorageResult<StoredReport>;
    /// Every report (of a year), with its sections, by due date.
    async fn reports(&self, actor: &Actor, year: Option<i16>) -> StorageResult<Vec<StoredReport>>;
    async fn report(&self, actor: &Actor, id: i64) -> StorageResult<StoredReport>;
    /// Lưu nháp: the agency's four boxes (checked by [`treem_domain::report::Narrative::checked`]).
    async fn save_section(
        &self,
        actor: &Actor,
        plan: &treem_domain::plan::Plan,
        id: i64,
        agency: &str,
        version: i64,
        text: &treem_domain::report::Narrative,
    ) -> StorageResult<StoredReport>;
    async fn submit_section(
        &self,
        actor: &Actor,
        plan: &treem_domain::plan::Plan,
        id: i64,
        agency: &str,
        version: i64,
    ) -> StorageResult<StoredReport>;
    async fn reopen_section(
        &self,
        actor: &Actor,
        plan: &treem_domain::plan::Plan,
        id: i64,
        agency: &str,
        version: i64,
    ) -> StorageResult<StoredReport>;
    /// Gửi lãnh đạo (the officer).
    async fn send_report(
        &self,
        actor: &Actor,
        plan: &treem_domain::plan::Plan,
        id: i64,
        version: i64,
    ) -> StorageResult<StoredReport>;
    /// Trả lại với lý do (the leader).
    async fn return_report(
        &self,
        actor: &Actor,
        plan: &treem_domain::plan::Plan,
        id: i64,
        version: i64,
        reason: &str,
    ) -> StorageResult<StoredReport>;
    /// Phê duyệt (the leader): `frozen` (made by [`treem_domain::report::freeze`]) is stored
    /// with its id, `amends` and the audit chain's head after the approval set here; returned.
    async fn approve_report(
        &self,
        actor: &Actor,
        plan: &treem_domain::plan::Plan,
        id: i64,
        version: i64,
        frozen: treem_domain::report::FrozenReport,
    ) -> StorageResult<treem_domain::report::FrozenReport>;
    /// Lập báo cáo bổ sung (the officer) for approved report `id`: a new report of the same
    /// kind and period, its sections starting from the approved texts as drafts.
    async fn amend_report(
        &self,
        actor: &Actor,
        plan: &treem_domain::plan::Plan,
        id: i64,
    ) -> StorageResult<StoredReport>;
    /// The latest approved report of a kind for a year (an approved amendment included).
    async fn approved_report(
        &self,
        actor: &Actor,
        year: i16,
        kind: &str,
    ) -> StorageResult<Option<treem_domain::report::FrozenReport>>;
    /// The frozen report `id`; not found unless approved.
    async fn frozen_report(
        &self,
        actor: &Actor,
        id: i64,
    ) -> StorageResult<treem_domain::report::FrozenReport>;
    /// What the records of `period` say, counted for the report's sections and the
    /// dashboard (counts only, no names; the budget's plan: the period's year).
    async fn work_counts(
        &self,
        actor: &Actor,
        period: treem_domain::indicator::Period,
    ) -> StorageResult<treem_domain::report::WorkCounts>;
}

/// The child-friendly commune self-assessment (`self_assessments.rs`; target 1).
#[async_trait]
pub trait SelfAssessments: Send + Sync {
    /// Every entry of the year's self-assessment, newest (current) first.
    async fn self_assessments(
        &self,
        actor: &Actor,
        year: i16,
    ) -> StorageResult<Vec<StoredAssessment>>;
    /// Stores a new entry of the year's self-assessment (the earlier ones stay, as history) and
    /// its outcome for `targets` (the plan's targets measured by it), in one transaction.
    async fn put_self_assessment(
        &self,
        actor: &Actor,
        assessment: &treem_domain::self_assessment::SelfAssessment,
        outcome: &treem_domain::self_assessment::Outcome,
        targets: &[u16],
    ) -> StorageResult<StoredAssessment>;
}

/// The national children's database (`national_db.rs`, Đề án 06).
#[async_trait]
pub trait NationalDb: Send + Sync {
    /// The present children (of `village`, by code, or all) whose records lack something the
    /// national database needs, with what each lacks; one audited read.
    async fn cleanup_list(
        &self,
        actor: &Actor,
        village: Option<&str>,
    ) -> StorageResult<Vec<(Child, Vec<treem_domain::national_db::Gap>)>>;
    /// The verified IDs written into the children's records, all or none: any bad row refuses
    /// the whole batch with [`StorageError::Invalid`] naming each row. Answers how many changed.
    async fn set_personal_ids(
        &self,
        actor: &Actor,
        answers: &[treem_domain::national_db::Answer],
    ) -> StorageResult<usize>;
    /// The present children with a personal ID that agrees with their record, for the export.
    async fn national_export(&self, actor: &Actor) -> StorageResult<Vec<Child>>;
}

/// The plan's work as records (`work.rs`): distribution lists of support, the list of
/// supports, disasters and relief (target 17), child marriages (target 18), the disability
/// follow-up (II.5). Scope as for the register; writes and lists naming children audited.
#[async_trait]
pub trait WorkLog: Send + Sync {
    /// Gives one support to every child of the list, in one transaction: a child outside the
    /// register or the writer's village refuses the whole list. Under a submission id, once.
    async fn give_distribution(
        &self,
        actor: &Actor,
        list: &treem_domain::work::NewDistribution,
        token: Option<&str>,
    ) -> StorageResult<StoredOnce>;
    /// The register children the person may write (present), to pick or match a list
    /// against, with their village code; `village` narrows to one village.
    async fn register_entries(
        &self,
        actor: &Actor,
        village: Option<&str>,
    ) -> StorageResult<Vec<(treem_domain::work::RegisterEntry, String)>>;
    /// The supports the person may read, newest first.
    async fn support_list(
        &self,
        actor: &Actor,
        filter: &SupportFilter,
    ) -> StorageResult<Vec<SupportRow>>;
    /// The distribution lists (no child named).
    async fn distributions(&self, actor: &Actor) -> StorageResult<Vec<DistributionRow>>;
    /// A disaster with the register children it affected (of the villages struck).
    async fn record_disaster(
        &self,
        actor: &Actor,
        disaster: &treem_domain::work::NewDisaster,
        affected: &[i64],
        token: Option<&str>,
    ) -> StorageResult<StoredOnce>;
    /// The day a disaster happened.
    async fn disaster_date(&self, id: i64) -> StorageResult<Date>;
    /// Records (or replaces) the help given to affected children; all or nothing.
    async fn record_relief(
        &self,
        actor: &Actor,
        disaster: i64,
        entries: &[treem_domain::work::ReliefEntry],
        token: Option<&str>,
    ) -> StorageResult<usize>;
    async fn disasters(&self, actor: &Actor) -> StorageResult<Vec<DisasterRow>>;
    async fn disaster_children(
        &self,
        actor: &Actor,
        disaster: i64,
    ) -> StorageResult<Vec<AffectedChild>>;
    async fn record_marriage(
        &self,
        actor: &Actor,
        marriage: &treem_domain::work::NewMarriage,
        token: Option<&str>,
    ) -> StorageResult<StoredOnce>;
    async fn marriages(&self, actor: &Actor) -> StorageResult<Vec<MarriageRow>>;
    /// A disability follow-up for a child of group d on the record's date.
    async fn record_disability(
        &self,
        actor: &Actor,
        child: i64,
        record: &treem_domain::work::NewDisabilityRecord,
        token: Option<&str>,
    ) -> StorageResult<i64>;
    async fn disability_records(&self, actor: &Actor) -> StorageResult<Vec<DisabilityRow>>;
    /// The commune's rule for timely relief (target 17).
    async fn relief_rule(&self) -> StorageResult<treem_domain::work::ReliefRule>;
    async fn set_relief_rule(
        &self,
        actor: &Actor,
        rule: treem_domain::work::ReliefRule,
    ) -> StorageResult<()>;
    /// What targets 17 and 18 read: counts only.
    async fn work_for_figures(&self) -> StorageResult<treem_domain::work::WorkRecords>;
}

/// Hazard sites for injury prevention and their inspections (`hazards.rs`), under the hazard
/// scope: a village head their own village.
#[async_trait]
pub trait HazardLog: Send + Sync {
    /// The sites the person may read, of one village or (`None`) all within their scope; a
    /// village head asking for another village is refused.
    async fn hazards(&self, actor: &Actor, village: Option<i64>) -> StorageResult<Vec<HazardSite>>;
    /// One site with its inspections, newest first.
    async fn hazard(
        &self,
        actor: &Actor,
        id: i64,
    ) -> StorageResult<(HazardSite, Vec<HazardInspection>)>;
    /// Record a site (once under `token`).
    async fn add_hazard(
        &self,
        actor: &Actor,
        site: &treem_domain::hazard::NewHazard,
        token: Option<&str>,
    ) -> StorageResult<StoredOnce>;
    /// Record an inspection of a site; the site's status becomes its latest inspection's.
    async fn inspect_hazard(
        &self,
        actor: &Actor,
        site: i64,
        inspection: &treem_domain::hazard::NewInspection,
        token: Option<&str>,
    ) -> StorageResult<StoredOnce>;
    /// Set (replace) the photo of a site, with the scope and role of an inspection; audited.
    async fn set_hazard_photo(
        &self,
        actor: &Actor,
        site: i64,
        photo: &treem_domain::hazard::SitePhoto,
    ) -> StorageResult<()>;
    /// The photo of a site within the read scope (not found outside it), if it has one.
    async fn hazard_photo(
        &self,
        actor: &Actor,
        site: i64,
    ) -> StorageResult<Option<treem_domain::hazard::SitePhoto>>;
}

/// The plan's budget (`budget.rs`): lines by source and activity, spendings.
#[async_trait]
pub trait BudgetLog: Send + Sync {
    /// The year's lines with what was spent on each.
    async fn budget_lines(
        &self,
        actor: &Actor,
        year: i16,
    ) -> StorageResult<Vec<treem_domain::budget::LineFigures>>;
    /// The year's spendings, by date.
    async fn spendings(&self, actor: &Actor, year: i16) -> StorageResult<Vec<Spending>>;
    /// Add a line (the economic office; once under `token`).
    async fn add_budget_line(
        &self,
        actor: &Actor,
        line: &treem_domain::budget::NewBudgetLine,
        token: Option<&str>,
    ) -> StorageResult<StoredOnce>;
    /// Add a spending to a line of the same year (the economic office; once under `token`).
    async fn add_spending(
        &self,
        actor: &Actor,
        line: i64,
        spending: &treem_domain::budget::NewSpending,
        token: Option<&str>,
    ) -> StorageResult<StoredOnce>;
}

/// The plan's work and the directory of services (`activities.rs`).
#[async_trait]
pub trait ActivityLog: Send + Sync {
    /// Records an activity with its children and recommendations, all or nothing; under a
    /// submission id `token`, once.
    async fn add_activity(
        &self,
        actor: &Actor,
        activity: &treem_domain::activity::NewActivity,
        token: Option<&str>,
    ) -> StorageResult<StoredOnce>;
    /// The activities of a kind dated in `year`, newest first (a village head's village only).
    async fn activities(
        &self,
        actor: &Actor,
        kind: treem_domain::activity::ActivityKind,
        year: i16,
    ) -> StorageResult<Vec<ActivityRow>>;
    /// One activity with its participants (the read audited) and recommendations.
    async fn activity(&self, actor: &Actor, id: i64) -> StorageResult<ActivityDetail>;
    /// What targets 26–29 read: forums' participants dated `from`–`to`, villages, play places.
    async fn activity_facts(
        &self,
        from: Date,
        to: Date,
        known: treem_domain::indicator::Known,
    ) -> StorageResult<treem_domain::activity::ActivityFacts>;
    /// Changes whenever an activity, a participant, a directory entry or a village is added.
    async fn activities_stamp(&self) -> StorageResult<String>;
    async fn directory(&self, actor: &Actor) -> StorageResult<Vec<ServiceEntry>>;
    async fn add_service_entry(
        &self,
        actor: &Actor,
        entry: &treem_domain::activity::directory::NewEntry,
    ) -> StorageResult<i64>;
}
