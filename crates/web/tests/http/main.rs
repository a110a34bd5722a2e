//! HTTP tests: the real router, in process, against a fresh database per
//! test on SQLite and on PostgreSQL (see `store::testing`).

mod harness;

mod agreements;
mod api;
mod audit_and_records;
mod commissioning;
mod gateway_flows;
mod permission_matrix;
mod records;
mod requests;
mod searches;
mod security;
mod sign_in;
mod sufficiency;
