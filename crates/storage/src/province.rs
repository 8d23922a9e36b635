//! The province's side (tỉnh): communes' public keys it trusts and the report packages it
//! receives from them. The rules of what is taken are the domain's
//! ([`treem_domain::report::package`]); this keeps them, in one transaction each, audited.
//! Only the province role (and the operator at the machine, through the command line acting
//! as that role) reaches any of it.
use crate::audit;
use crate::db::{date_of, now_text, Db};
use crate::error::{StorageError, StorageResult};
use crate::Province;
use sqlx::Row;
use treem_domain::report::package::{
    admit, content_hash, Admission, Arrival, PackageContent, ProvinceTable, PublicKey, Received,
    Refusal, SignedPackage, TrustedCommune,
};
use treem_domain::role::Actor;

/// What [`Province::import_package`] did with a package whose signature holds.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Imported {
    /// The stored package's id (the earlier one when `again`).
    pub id: i64,
    /// The same bytes had been received: nothing stored now ("đã nhận").
    pub again: bool,
    pub commune: String,
    pub commune_name: String,
    pub kind_name: String,
    pub year: i16,
    pub on_time: bool,
    pub amends: Option<i64>,
}

fn refused(r: Refusal) -> StorageError {
    StorageError::invalid("package", r.to_string())
}

fn check(actor: &Actor) -> StorageResult<()> {
    if actor.role.receives_packages() {
        Ok(())
    } else {
        Err(StorageError::Forbidden)
    }
}

async fn trusted_key(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    code: &str,
) -> StorageResult<Option<PublicKey>> {
    let row = sqlx::query("SELECT code, name, public_key FROM province_commune WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| {
        let (code, name, key): (String, String, String) = (
            r.try_get("code")?,
            r.try_get("name")?,
            r.try_get("public_key")?,
        );
        PublicKey::from_parts(&code, &name, &key)
            .map_err(|e| StorageError::Corrupt(format!("khóa của xã {code}: {e}")))
    })
    .transpose()
}

fn arrival(r: &sqlx::any::AnyRow) -> StorageResult<Arrival> {
    let content: String = r.try_get("content")?;
    let id: i64 = r.try_get("id")?;
    Ok(Arrival {
        id,
        received_at: r.try_get("received_at")?,
        on_time: r.try_get::<i64, _>("on_time")? != 0,
        content: PackageContent::from_bytes(content.as_bytes())
            .map_err(|e| StorageError::Corrupt(format!("gói {id}: {e}")))?,
    })
}

const ARRIVALS: &str = "SELECT id, received_at, on_time, content FROM province_package";

#[async_trait::async_trait]
impl Province for Db {
    async fn trust_commune(&self, actor: &Actor, key: &PublicKey) -> StorageResult<()> {
        check(actor)?;
        if key.code.is_empty() {
            return Err(StorageError::invalid(
                "code",
                "cần mã xã (mã đơn vị hành chính)",
            ));
        }
        if key.name.is_empty() {
            return Err(StorageError::invalid("name", "cần tên xã"));
        }
        let (_turn, mut tx) = self.begin_write().await?;
        let known = trusted_key(&mut tx, &key.code).await?;
        let now = now_text();
        let action = if known.is_some() { "update" } else { "create" };
        if known.is_some() {
            sqlx::query(
                "UPDATE province_commune SET name = $2, public_key = $3, fingerprint = $4, \
                 added_by = $5, added_at = $6 WHERE code = $1",
            )
        } else {
            sqlx::query(
                "INSERT INTO province_commune (code, name, public_key, fingerprint, added_by, \
                 added_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
        }
        .bind(&key.code)
        .bind(&key.name)
        .bind(key.key_text())
        .bind(key.fingerprint())
        .bind(actor.user_id)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            actor,
            action,
            "province_commune",
            None,
            &format!("khóa xã {} ({}) {}", key.name, key.code, key.fingerprint()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn trusted_communes(&self, actor: &Actor) -> StorageResult<Vec<TrustedCommune>> {
        check(actor)?;
        let rows = sqlx::query(
            "SELECT code, name, fingerprint, added_at FROM province_commune ORDER BY code",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TrustedCommune {
                    code: r.try_get("code")?,
                    name: r.try_get("name")?,
                    fingerprint: r.try_get("fingerprint")?,
                    added_at: r.try_get("added_at")?,
                })
            })
            .collect()
    }

    async fn import_package(&self, actor: &Actor, file: &[u8]) -> StorageResult<Imported> {
        check(actor)?;
        let envelope = SignedPackage::parse(file).map_err(refused)?;
        let (_turn, mut tx) = self.begin_write().await?;
        let key = trusted_key(&mut tx, &envelope.commune)
            .await?
            .ok_or_else(|| refused(Refusal::UnknownCommune(envelope.commune.clone())))?;
        let (bytes, content) = envelope.open(&key).map_err(refused)?;
        let hash = content_hash(&bytes);
        let rows = sqlx::query(
            "SELECT id, kind, period_start, period_end, report_id, content_hash \
             FROM province_package WHERE commune = $1 ORDER BY id",
        )
        .bind(&envelope.commune)
        .fetch_all(&mut *tx)
        .await?;
        let mut received = Vec::with_capacity(rows.len());
        let mut ids = Vec::with_capacity(rows.len());
        for r in &rows {
            let date = |col: &str| -> StorageResult<treem_domain::Date> {
                let t: String = r.try_get(col)?;
                t.parse()
                    .map_err(|e| StorageError::Corrupt(format!("ngày «{t}»: {e}")))
            };
            ids.push(r.try_get::<i64, _>("id")?);
            received.push(Received {
                commune: envelope.commune.clone(),
                kind: r.try_get("kind")?,
                period: treem_domain::date::Period::new(date("period_start")?, date("period_end")?),
                report: r.try_get("report_id")?,
                hash: r.try_get("content_hash")?,
            });
        }
        let now = now_text();
        let on_time = content.on_time(date_of(&now));
        let mut done = Imported {
            id: 0,
            again: false,
            commune: content.commune.code.clone(),
            commune_name: content.commune.name.clone(),
            kind_name: content.kind_name.clone(),
            year: content.year,
            on_time,
            amends: content.amends.as_ref().map(|a| a.report),
        };
        match admit(&content, &hash, &received).map_err(refused)? {
            Admission::AlreadyReceived => {
                let at = received.iter().position(|r| r.hash == hash).unwrap_or(0);
                done.id = ids.get(at).copied().unwrap_or(0);
                done.again = true;
                // Nothing written: the transaction ends without a change.
                return Ok(done);
            }
            Admission::New => {}
        }
        let text =
            String::from_utf8(bytes).map_err(|e| refused(Refusal::Unreadable(e.to_string())))?;
        done.id = sqlx::query(
            "INSERT INTO province_package (commune, report_id, kind, year, period_start, \
             period_end, amends, number, received_by, received_at, on_time, content, \
             content_hash, envelope) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(&content.commune.code)
        .bind(content.report)
        .bind(&content.kind)
        .bind(i64::from(content.year))
        .bind(content.period.start.to_string())
        .bind(content.period.end.to_string())
        .bind(done.amends)
        .bind(&content.number)
        .bind(actor.user_id)
        .bind(&now)
        .bind(i64::from(on_time))
        .bind(&text)
        .bind(&hash)
        .bind(String::from_utf8_lossy(file).into_owned())
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        audit::append(
            &mut tx,
            actor,
            "create",
            "province_package",
            Some(done.id),
            &format!(
                "{} {} năm {} của xã {} ({})",
                if done.amends.is_some() {
                    "báo cáo bổ sung"
                } else {
                    "báo cáo"
                },
                content.kind_name,
                content.year,
                content.commune.name,
                content.commune.code
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(done)
    }

    async fn received_packages(&self, actor: &Actor) -> StorageResult<Vec<Arrival>> {
        check(actor)?;
        let rows = sqlx::query(&format!("{ARRIVALS} ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(arrival).collect()
    }

    async fn received_package(
        &self,
        actor: &Actor,
        commune: &str,
        id: i64,
    ) -> StorageResult<Arrival> {
        check(actor)?;
        let row = sqlx::query(&format!("{ARRIVALS} WHERE id = $1 AND commune = $2"))
            .bind(id)
            .bind(commune)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StorageError::NotFound)?;
        arrival(&row)
    }

    async fn province_table(
        &self,
        actor: &Actor,
        asked: Option<(&str, i16)>,
    ) -> StorageResult<Option<ProvinceTable>> {
        let communes = self.trusted_communes(actor).await?;
        let arrivals = self.received_packages(actor).await?;
        let (kind, year) = match asked {
            Some((k, y)) => (k.to_string(), y),
            None => match ProvinceTable::latest(&arrivals) {
                Some(ky) => ky,
                None => return Ok(None),
            },
        };
        Ok(Some(ProvinceTable::build(
            &kind, year, &communes, &arrivals,
        )))
    }
}
