//! The tamper-evident audit trail, as pure functions over values.
//!
//! Every state change in Hearth is recorded as an [`Event`]: who, when, what,
//! and the before and after images as JSON text. Events are numbered from 1
//! with no gaps and each carries the SHA-256 of the previous event's hash and
//! its own fields, so editing, deleting or reordering any stored event breaks
//! the chain from that point. [`verify`] walks a chain and names the first bad
//! event. Storage (and the database triggers that refuse UPDATE and DELETE)
//! lives in the store crate; this crate does no I/O.

use sha2::{Digest, Sha256};

/// The hash that stands before the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an event before it is placed in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// RFC 3339 UTC instant, as stored.
    pub at: String,
    /// `user:7`, `token:3` or `system`.
    pub actor: String,
    /// A dotted verb such as `user.created` or `session.signed_in`.
    pub action: String,
    /// The kind of record changed, such as `user` or `child`.
    pub entity: String,
    pub entity_id: String,
    /// JSON text of the record before the change, if it existed.
    pub before: Option<String>,
    /// JSON text of the record after the change, if it still exists.
    pub after: Option<String>,
}

/// An event in its place in the chain, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub seq: i64,
    pub body: NewEvent,
    pub prev_hash: String,
    pub hash: String,
}

/// The end of a chain: the last sequence number and its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

impl ChainHead {
    /// The head of an empty chain.
    pub fn genesis() -> ChainHead {
        ChainHead {
            seq: 0,
            hash: GENESIS_HASH.to_owned(),
        }
    }
}

/// Places `body` after `head`, returning the stored event; the new head is
/// `(event.seq, event.hash)`.
pub fn append(head: &ChainHead, body: NewEvent) -> Event {
    let seq = head.seq + 1;
    let hash = event_hash(seq, &head.hash, &body);
    Event {
        seq,
        body,
        prev_hash: head.hash.clone(),
        hash,
    }
}

/// SHA-256 over the previous hash and every field, each length-prefixed so
/// that no two different events can produce the same byte stream.
pub fn event_hash(seq: i64, prev_hash: &str, body: &NewEvent) -> String {
    let mut hasher = Sha256::new();
    let mut field = |value: Option<&str>| match value {
        None => hasher.update(b"-"),
        Some(text) => {
            hasher.update(text.len().to_string().as_bytes());
            hasher.update(b":");
            hasher.update(text.as_bytes());
        }
    };
    field(Some(prev_hash));
    field(Some(&seq.to_string()));
    field(Some(&body.at));
    field(Some(&body.actor));
    field(Some(&body.action));
    field(Some(&body.entity));
    field(Some(&body.entity_id));
    field(body.before.as_deref());
    field(body.after.as_deref());
    hex::encode(hasher.finalize())
}

/// Why a chain failed verification, naming the first bad event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("event {found} is out of sequence: expected event {expected} (an event was deleted or inserted)")]
    Gap { expected: i64, found: i64 },
    #[error("event {seq} does not link to event {previous}: its recorded previous hash differs")]
    BrokenLink { seq: i64, previous: i64 },
    #[error("event {seq} was altered: its contents no longer match its hash")]
    Altered { seq: i64 },
    #[error("the chain ends at event {found} but the recorded head is event {expected}: events were removed from the end")]
    Truncated { expected: i64, found: i64 },
}

impl ChainBreak {
    /// The sequence number of the first bad event.
    pub fn first_bad_event(&self) -> i64 {
        match self {
            ChainBreak::Gap { expected, .. } => *expected,
            ChainBreak::BrokenLink { seq, .. } | ChainBreak::Altered { seq } => *seq,
            ChainBreak::Truncated { found, .. } => found + 1,
        }
    }
}

/// Incremental verifier, so a store can stream millions of events through it.
#[derive(Debug, Clone)]
pub struct Verifier {
    head: ChainHead,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            head: ChainHead::genesis(),
        }
    }
}

impl Verifier {
    /// Checks the next event in order.
    pub fn check(&mut self, event: &Event) -> Result<(), ChainBreak> {
        let expected = self.head.seq + 1;
        if event.seq != expected {
            return Err(ChainBreak::Gap {
                expected,
                found: event.seq,
            });
        }
        if event.prev_hash != self.head.hash {
            return Err(ChainBreak::BrokenLink {
                seq: event.seq,
                previous: self.head.seq,
            });
        }
        if event_hash(event.seq, &event.prev_hash, &event.body) != event.hash {
            return Err(ChainBreak::Altered { seq: event.seq });
        }
        self.head = ChainHead {
            seq: event.seq,
            hash: event.hash.clone(),
        };
        Ok(())
    }

    /// Finishes, comparing with the head recorded separately by the store, so
    /// that removing events from the end is detected too.
    pub fn finish(self, recorded_head: &ChainHead) -> Result<ChainHead, ChainBreak> {
        if self.head.seq != recorded_head.seq {
            return Err(ChainBreak::Truncated {
                expected: recorded_head.seq,
                found: self.head.seq,
            });
        }
        if self.head.hash != recorded_head.hash {
            return Err(ChainBreak::Altered { seq: recorded_head.seq });
        }
        Ok(self.head)
    }
}

/// Verifies a whole chain held in memory against its recorded head.
pub fn verify<'a>(events: impl IntoIterator<Item = &'a Event>, recorded_head: &ChainHead) -> Result<ChainHead, ChainBreak> {
    let mut verifier = Verifier::default();
    for event in events {
        verifier.check(event)?;
    }
    verifier.finish(recorded_head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn body(n: usize) -> NewEvent {
        NewEvent {
            at: format!("2026-11-22T10:{:02}:00Z", n % 60),
            actor: "user:1".into(),
            action: "user.created".into(),
            entity: "user".into(),
            entity_id: n.to_string(),
            before: None,
            after: Some(format!("{{\"n\":{n}}}")),
        }
    }

    fn chain(len: usize) -> (Vec<Event>, ChainHead) {
        let mut head = ChainHead::genesis();
        let mut events = Vec::new();
        for n in 0..len {
            let event = append(&head, body(n));
            head = ChainHead {
                seq: event.seq,
                hash: event.hash.clone(),
            };
            events.push(event);
        }
        (events, head)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let (events, head) = chain(5);
        assert_eq!(verify(&events, &head), Ok(head));
    }

    #[test]
    fn an_empty_chain_verifies() {
        assert!(verify(&[], &ChainHead::genesis()).is_ok());
    }

    #[test]
    fn editing_a_field_is_detected_at_that_event() {
        let (mut events, head) = chain(5);
        events[2].body.after = Some("{\"n\":99}".into());
        assert_eq!(verify(&events, &head), Err(ChainBreak::Altered { seq: 3 }));
    }

    #[test]
    fn deleting_an_event_is_detected() {
        let (mut events, head) = chain(5);
        events.remove(1);
        let err = verify(&events, &head).unwrap_err();
        assert_eq!(err.first_bad_event(), 2);
    }

    #[test]
    fn truncating_the_end_is_detected() {
        let (mut events, head) = chain(5);
        events.pop();
        assert_eq!(verify(&events, &head), Err(ChainBreak::Truncated { expected: 5, found: 4 }));
    }

    #[test]
    fn rehashing_an_edited_event_still_breaks_the_next_link() {
        let (mut events, head) = chain(4);
        events[1].body.actor = "user:2".into();
        events[1].hash = event_hash(2, &events[1].prev_hash, &events[1].body);
        assert_eq!(verify(&events, &head), Err(ChainBreak::BrokenLink { seq: 3, previous: 2 }));
    }

    #[test]
    fn none_and_empty_text_hash_differently() {
        let mut a = body(1);
        let mut b = body(1);
        a.before = None;
        b.before = Some(String::new());
        assert_ne!(event_hash(1, GENESIS_HASH, &a), event_hash(1, GENESIS_HASH, &b));
    }

    proptest! {
        #[test]
        fn any_single_edit_is_detected(len in 1usize..20, target in 0usize..20, text in "[a-z]{1,8}") {
            let (mut events, head) = chain(len);
            let target = target % len;
            events[target].body.entity_id.push_str(&text);
            let err = verify(&events, &head).unwrap_err();
            prop_assert_eq!(err.first_bad_event(), events[target].seq);
        }
    }
}
