//! treem's domain: the register's values, the plan, indicators. Pure: no SQL, no async, no HTTP.
pub mod account;
pub mod age;
pub mod backup;
pub mod birth_date;
pub mod case;
pub mod circumstance;
pub mod date;
pub mod disclosure;
pub mod duplicate;
pub mod ethnicity;
pub mod health;
pub mod import;
pub mod indicator;
pub mod limits;
pub mod personal_id;
pub mod plan;
pub mod poverty;
mod quick_hash;
pub mod register;
pub mod report;
pub mod role;
pub mod sex;
pub mod support;
pub mod text;
pub mod upkeep;
pub mod validation;

pub use jiff::civil::Date;
