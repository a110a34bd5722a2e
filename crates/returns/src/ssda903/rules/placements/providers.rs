//! Placement providers against placement types, the reason for a placement
//! change, and data for care leavers with no episodes this year.

use super::{is, Ctx, Flags, TEMPORARY};
use crate::ssda903::model::Row;

/// PLACE_PROVIDER is `provider` and PLACE one of `places`.
fn provider_with(ctx: &Ctx, flags: &mut Flags, provider: &str, places: &[&str]) {
    flags.each(&ctx.ret.episodes, |e| {
        e.place_provider.as_deref() == Some(provider) && is(&e.place, places)
    });
}

/// Every placement but temporary ones and "other" (Z1, Z11-Z14) has a provider.
pub(super) fn r526(ctx: &Ctx, flags: &mut Flags) {
    const NO_PROVIDER: &[&str] = &["Z1", "Z11", "Z12", "Z13", "Z14"];
    flags.each(&ctx.ret.episodes, |e| {
        e.place_provider.is_none() && e.place.is_some() && !is(&e.place, TEMPORARY) && !is(&e.place, NO_PROVIDER)
    });
}

pub(super) fn r527(ctx: &Ctx, flags: &mut Flags) {
    provider_with(ctx, flags, "PR1", &["P1", "R2", "R5"]);
}

pub(super) fn r528(ctx: &Ctx, flags: &mut Flags) {
    provider_with(ctx, flags, "PR2", &["P1", "R2", "R5"]);
}

pub(super) fn r529(ctx: &Ctx, flags: &mut Flags) {
    const NOT_PUBLIC: &[&str] = &["A3", "A4", "A5", "A6", "K1", "K2", "P1", "U1", "U2", "U3", "U4", "U5", "U6"];
    provider_with(ctx, flags, "PR3", NOT_PUBLIC);
}

pub(super) fn r530(ctx: &Ctx, flags: &mut Flags) {
    provider_with(ctx, flags, "PR4", &["P1"]);
}

pub(super) fn r531(ctx: &Ctx, flags: &mut Flags) {
    provider_with(ctx, flags, "PR5", &["P1"]);
}

pub(super) fn r550(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| {
        e.place_provider.as_deref() == Some("PR0") && e.place.as_deref() != Some("P1")
    });
}

pub(super) fn r1009(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.episodes, |e| {
        e.reason_place_change.is_some() && !ctx.codes.reason_place_change.holds(e.reason_place_change.as_deref())
    });
}

/// Children with no episodes this year (care leavers in OC3 only) have no
/// rows in PlacedAdoption, Missing, Reviews, AD1, PrevPerm or OC2.
pub(super) fn r1012(ctx: &Ctx, flags: &mut Flags) {
    fn without_episodes<R: Row>(ctx: &Ctx, flags: &mut Flags, rows: &[R]) {
        flags.each(rows, |r| r.child().is_some_and(|c| !ctx.has_episodes(c)));
    }
    let ret = ctx.ret;
    without_episodes(ctx, flags, &ret.placed_adoption);
    without_episodes(ctx, flags, &ret.missing);
    without_episodes(ctx, flags, &ret.reviews);
    without_episodes(ctx, flags, &ret.ad1);
    without_episodes(ctx, flags, &ret.prev_perm);
    without_episodes(ctx, flags, &ret.oc2);
}
