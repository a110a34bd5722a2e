//! Ids for the records the controls read that have no kernel id yet.
//!
//! Kernel ids (`ChildId`, `PlacementId`, `ProviderId`, `UserId`, `TeamId`)
//! are used wherever they exist; these cover the rest, so an exception
//! names its subject by a typed number and never by a person's name.

kernel::typed_id!(
    /// A placement request taken to the Gateway.
    RequestId,
    "request"
);

kernel::typed_id!(
    /// An assessment of a child (child and family, care and support,
    /// placement needs).
    AssessmentId,
    "assessment"
);

kernel::typed_id!(
    /// A service agreement: what finance has agreed to pay for a placement.
    ServiceAgreementId,
    "service agreement"
);

kernel::typed_id!(
    /// One payment line: an agreement paid for a run of days.
    PaymentId,
    "payment"
);

kernel::typed_id!(
    /// A provider's invoice.
    InvoiceId,
    "invoice"
);

kernel::typed_id!(
    /// An exception raised when an invoice did not match what was agreed.
    InvoiceExceptionId,
    "invoice exception"
);

kernel::typed_id!(
    /// An agreed action in an audit or control action plan.
    ActionId,
    "action"
);
