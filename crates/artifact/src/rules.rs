//! (placeholder until the rule engine lands)
#![allow(missing_docs)]
use crate::model::Rule;
pub fn validate_rule(_rule: &Rule) -> Result<(), String> { Ok(()) }
