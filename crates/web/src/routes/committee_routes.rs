//! Committee, training and embedding pages, with who may use each: added
//! to the one route table like every other route.

use authz::Permission;
use axum::http::Method;
use axum::routing::{get, post};

use super::{Access, RouteTable};
use crate::pages::{committees, embedding, training};

/// Adds the committee, training and embedding pages to the table.
pub(super) fn add(table: RouteTable) -> RouteTable {
    use Access::{Requires, RequiresAny};
    use Method as M;
    use Permission as P;
    table
        // Committees: members and clerks read meetings and packs; clerks keep
        // them. Training records, and the embedding dashboard by team.
        .add(M::GET, "/committees", RequiresAny(committees::READERS), get(committees::list))
        .add(M::POST, "/committees", Requires(P::ClerkCommittees), post(committees::create))
        .add(M::GET, "/committees/{id}", RequiresAny(committees::READERS), get(committees::show))
        .add(
            M::POST,
            "/committees/{id}/agenda",
            Requires(P::ClerkCommittees),
            post(committees::add_agenda_item),
        )
        .add(
            M::POST,
            "/committees/{id}/resolutions",
            Requires(P::ClerkCommittees),
            post(committees::add_resolution),
        )
        .add(
            M::POST,
            "/committees/resolutions/{id}/done",
            Requires(P::ClerkCommittees),
            post(committees::complete_resolution),
        )
        .add(
            M::POST,
            "/committees/{id}/packs",
            Requires(P::ClerkCommittees),
            post(committees::generate_pack),
        )
        .add(
            M::GET,
            "/committees/packs/{id}",
            RequiresAny(committees::READERS),
            get(committees::pack),
        )
        .add(M::GET, "/training", Requires(P::ManageTraining), get(training::show))
        .add(M::POST, "/training", Requires(P::ManageTraining), post(training::record))
        .add(M::GET, "/assurance/embedding", Requires(P::ViewAssurance), get(embedding::show))
}
