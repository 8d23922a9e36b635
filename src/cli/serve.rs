//! `treem serve`: the database opened, the nightly copies scheduled, the web application served.
use super::{nightly, ops};
use anyhow::Result;

/// Serves the database at `url` on `listen`, with the nightly copies when configured.
pub async fn serve(url: &str, listen: &str, nightly: Option<nightly::Nightly>) -> Result<i32> {
    let db = ops::open(url).await?;
    if let Some(cfg) = nightly {
        nightly::spawn(db.clone(), cfg);
    }
    let key = match &crate::settings::settings().commune_key_file {
        Some(path) => Some(super::province::read_key(path)?),
        None => None,
    };
    ops::serve_db(db, listen, key).await
}
