//! A plan file read for storing: the plan's own problems ([`crate::plan::read_all`]) and the
//! engine's ([`validate_plan`]: indicator names and units), in one list. `treem plan check` and
//! `treem plan load` both use it, so whatever check lets through, load stores.
use super::validate_plan;
use crate::plan::{read_all, Reading};

/// Every problem that stops a plan file from being stored, found in one run.
pub fn read_plan_file(text: &str) -> Reading {
    let mut reading = read_all(text);
    if let Some(plan) = &reading.plan {
        reading.problems.extend(validate_plan(plan));
    }
    reading
}
