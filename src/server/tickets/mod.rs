//! Tickets on the server side: objections and deliveries, and the timers of the service
//! standards they run against.
pub mod timers;
