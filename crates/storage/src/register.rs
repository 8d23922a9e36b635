//! The [`Register`] trait for [`Db`]: each operation is one call to the module that holds it —
//! villages, households, a child's record, history, the register list, the counts, the register
//! as it stood, the bulk import.
use crate::counts::{ChildCount, VillageActivity};
use crate::db::Db;
use crate::error::StorageResult;
use crate::history::ChildVersion;
use crate::once::StoredOnce;
use crate::search::{ChildQuery, ChildSummary, Page};
use crate::Register;
use treem_domain::indicator::{ChildFacts, Known};
use treem_domain::register::{Child, ChildData};
use treem_domain::role::Actor;
use treem_domain::Date;

#[async_trait::async_trait]
impl Register for Db {
    async fn commune(&self) -> StorageResult<Option<crate::Commune>> {
        crate::villages::commune(self).await
    }

    async fn set_commune(&self, actor: &Actor, c: &crate::Commune) -> StorageResult<()> {
        crate::villages::set_commune(self, actor, c).await
    }

    async fn villages(&self, actor: &Actor) -> StorageResult<Vec<treem_domain::register::Village>> {
        crate::villages::villages(self, actor).await
    }

    async fn create_village(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
    ) -> StorageResult<treem_domain::register::Village> {
        crate::villages::create_village(self, actor, code, name).await
    }

    async fn update_village(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        code: &str,
        name: &str,
    ) -> StorageResult<treem_domain::register::Village> {
        crate::villages::update_village(self, actor, id, version, code, name).await
    }

    async fn household(
        &self,
        actor: &Actor,
        id: i64,
    ) -> StorageResult<treem_domain::register::Household> {
        crate::households::household(self, actor, id).await
    }

    async fn households(
        &self,
        actor: &Actor,
        village: Option<&str>,
    ) -> StorageResult<Vec<treem_domain::register::Household>> {
        crate::households::households(self, actor, village).await
    }

    async fn create_household(
        &self,
        actor: &Actor,
        data: &treem_domain::register::HouseholdData,
    ) -> StorageResult<treem_domain::register::Household> {
        crate::households::create_household(self, actor, data).await
    }

    async fn update_household(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        data: &treem_domain::register::HouseholdData,
    ) -> StorageResult<treem_domain::register::Household> {
        crate::households::update_household(self, actor, id, version, data).await
    }

    async fn import_households(
        &self,
        actor: &Actor,
        rows: &[treem_domain::register::HouseholdData],
    ) -> StorageResult<Vec<i64>> {
        crate::households::import_households(self, actor, rows).await
    }

    async fn household_entries(
        &self,
        actor: &Actor,
    ) -> StorageResult<Vec<treem_domain::register::HouseholdEntry>> {
        crate::households::entries(self, actor).await
    }

    async fn child(&self, actor: &Actor, id: i64) -> StorageResult<Child> {
        crate::children::read(self, actor, id).await
    }

    async fn create_child(&self, actor: &Actor, d: &ChildData) -> StorageResult<Child> {
        Ok(crate::children::create(self, actor, d, None).await?.0)
    }

    async fn create_child_once(
        &self,
        actor: &Actor,
        d: &ChildData,
        token: Option<&str>,
    ) -> StorageResult<(Child, StoredOnce)> {
        let (child, again) = crate::children::create(self, actor, d, token).await?;
        let id = child.id;
        Ok((child, StoredOnce { id, again }))
    }

    async fn update_child(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        d: &ChildData,
    ) -> StorageResult<Child> {
        Ok(crate::children::update(self, actor, id, version, d, None)
            .await?
            .0)
    }

    async fn update_child_once(
        &self,
        actor: &Actor,
        id: i64,
        version: i64,
        d: &ChildData,
        token: Option<&str>,
    ) -> StorageResult<(Child, StoredOnce)> {
        let (child, again) = crate::children::update(self, actor, id, version, d, token).await?;
        Ok((child, StoredOnce { id, again }))
    }

    async fn child_added_under(&self, actor: &Actor, token: &str) -> StorageResult<Option<i64>> {
        crate::once::stored_under(self, actor, token, "child").await
    }

    async fn search_children(
        &self,
        actor: &Actor,
        q: &ChildQuery,
    ) -> StorageResult<Page<ChildSummary>> {
        crate::search::search_children(self, actor, q).await
    }

    async fn child_history(&self, actor: &Actor, id: i64) -> StorageResult<Vec<ChildVersion>> {
        crate::history::child_history(self, actor, id).await
    }

    async fn child_at_version(&self, actor: &Actor, id: i64, version: i64) -> StorageResult<Child> {
        crate::children::at_version(self, actor, id, version).await
    }

    async fn children_as_of(&self, actor: &Actor, date: Date) -> StorageResult<Vec<Child>> {
        crate::as_of::children_as_of(self, actor, date).await
    }

    async fn children_as_of_slice(
        &self,
        actor: &Actor,
        date: Date,
        ids: (i64, i64),
    ) -> StorageResult<Vec<Child>> {
        crate::as_of::children_as_of_slice(self, actor, date, ids).await
    }

    async fn register_for_figures(
        &self,
        actor: &Actor,
        known: Known,
    ) -> StorageResult<Vec<ChildFacts>> {
        crate::as_of::register_for_figures(self, actor, known).await
    }

    async fn child_counts(&self, actor: &Actor) -> StorageResult<Vec<ChildCount>> {
        crate::counts::child_counts(self, actor).await
    }

    async fn village_activity(&self, actor: &Actor) -> StorageResult<Vec<VillageActivity>> {
        crate::counts::village_activity(self, actor).await
    }

    async fn import_children(&self, actor: &Actor, rows: Vec<ChildData>) -> StorageResult<usize> {
        let parts = treem_domain::import::AllAtOnce::new(rows);
        self.bulk_import_children(actor, Box::new(parts)).await
    }

    async fn import_children_in_parts(
        &self,
        actor: &Actor,
        parts: Box<dyn treem_domain::import::ChildParts>,
    ) -> StorageResult<usize> {
        self.bulk_import_children(actor, parts).await
    }
}
