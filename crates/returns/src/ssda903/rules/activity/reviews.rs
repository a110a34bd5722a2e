//! Statutory reviews: the date, how the child took part, and whether the
//! child was old enough for the code used.

use super::{dob, Ctx, Flags};
use crate::ssda903::model::Review;
use crate::ssda903::rules::birthday;
use crate::ssda903::tables::TableKind::*;

pub(super) fn r166(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.reviews, |r| r.review.get().is_none());
}

/// A participation code must go with a review date, and neither alone.
pub(super) fn r167(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.reviews, |r| {
        let good = if r.review.is_blank() {
            r.review_code.is_none()
        } else {
            ctx.codes.review_code.holds(r.review_code.as_deref())
        };
        !good
    });
}

/// A child whose every episode is a short break (V3/V4) has no MOTHER,
/// reviews or participation: flags the child's episodes, Header rows and
/// reviews.
pub(super) fn r399(ctx: &Ctx, flags: &mut Flags) {
    let has_review = |r: &Review| !r.review.is_blank() || r.review_code.is_some();
    for (child, episodes) in &ctx.index.episodes {
        let short_breaks_only = episodes
            .iter()
            .all(|&i| matches!(ctx.ret.episodes[i].ls.as_deref(), Some("V3" | "V4")));
        if !short_breaks_only {
            continue;
        }
        let headers = ctx.index.header.get(child).map_or(&[][..], crate::ssda903::rules::Rows::as_slice);
        let reviews = ctx.index.reviews.get(child).map_or(&[][..], crate::ssda903::rules::Rows::as_slice);
        let any_review = reviews.iter().any(|&i| has_review(&ctx.ret.reviews[i]));
        let any_mother = headers.iter().any(|&i| ctx.ret.header[i].mother.is_some());
        if !any_review && !any_mother {
            continue;
        }
        for &i in episodes {
            flags.flag(Episodes, i);
        }
        for &i in headers {
            if any_review || ctx.ret.header[i].mother.is_some() {
                flags.flag(Header, i);
            }
        }
        for &i in reviews {
            if any_mother || has_review(&ctx.ret.reviews[i]) {
                flags.flag(Reviews, i);
            }
        }
    }
}

/// PN0 (under 4) at a review after the fourth birthday.
pub(super) fn r440(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.reviews, |r| {
        r.review_code.as_deref() == Some("PN0")
            && matches!((r.review.get(), dob(ctx, &r.dob, r.child.as_deref())),
                (Some(on), Some(dob)) if on > birthday(dob, 4))
    });
}

/// PN1 to PN7 (4 or over) at a review before the fourth birthday.
pub(super) fn r441(ctx: &Ctx, flags: &mut Flags) {
    flags.each(&ctx.ret.reviews, |r| {
        matches!(
            r.review_code.as_deref(),
            Some("PN1" | "PN2" | "PN3" | "PN4" | "PN5" | "PN6" | "PN7")
        ) && matches!((r.review.get(), dob(ctx, &r.dob, r.child.as_deref())),
                (Some(on), Some(dob)) if on < birthday(dob, 4))
    });
}
