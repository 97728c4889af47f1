//! Identifiers are UUID newtypes so that a tablet working offline can mint them and so
//! that an employee id can never be passed where a company id is expected.
//!
//! ```
//! use qudao::domain::ids::EmployeeId;
//! let id: EmployeeId = "3f0b6c1e-8a2b-4c47-9a59-2d3c5e7f9a10".parse().unwrap();
//! assert_eq!(id.to_string(), "3f0b6c1e-8a2b-4c47-9a59-2d3c5e7f9a10");
//! ```
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh random (v4) identifier.
            #[cfg(feature = "ssr")]
            pub fn new_random() -> Self {
                Self(Uuid::new_v4())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s.trim()).map(Self)
            }
        }
    };
}

id_type!(
    /// A distributor (tenant). Every business row belongs to exactly one.
    CompanyId
);
id_type!(
    /// A member of staff, who is also a user of the app.
    EmployeeId
);
id_type!(
    /// A downstream customer (sub-distributor or terminal).
    CustomerId
);
id_type!(
    /// A storefront or display photo of a customer.
    PhotoId
);
id_type!(
    /// A saved classification (tier snapshot).
    SnapshotId
);
id_type!(
    /// A product of the catalogue.
    ProductId
);
id_type!(
    /// An order: the sales lines entered or imported together as one document.
    OrderId
);
id_type!(
    /// One import of a sales file.
    BatchId
);
id_type!(
    /// A version of a tier's policy.
    PolicyId
);
id_type!(
    /// An objection or a delivery ticket.
    TicketId
);
id_type!(
    /// A visit to a customer.
    VisitId
);
id_type!(
    /// A training an employee attended.
    TrainingId
);
id_type!(
    /// An employee's suggestion.
    SuggestionId
);
id_type!(
    /// A reported breach of channel discipline.
    ViolationId
);
