//! HTTP tests: the real router, in process, against a fresh database per
//! test on SQLite and on PostgreSQL (see `store::testing`).

mod harness;

mod agreements;
mod annex_a;
mod api;
mod assurance;
mod audit_and_records;
mod commissioning;
mod committees;
mod downloads;
mod downloads_more;
mod finance_api;
mod finance_pages;
mod forecast;
mod gateway_flows;
mod internal_audit;
mod invoices;
mod permission_matrix;
mod records;
mod requests;
mod searches;
mod security;
mod sign_in;
mod ssda903;
mod sufficiency;
