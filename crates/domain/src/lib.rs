//! treem's domain: the register's values, the plan, indicators. Pure: no SQL, no async, no HTTP.
pub mod plan;
