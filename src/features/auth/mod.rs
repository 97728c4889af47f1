//! Sign-in and sessions.
//!
//! A user signs in with a login (username or mobile number) and password. Wrong password
//! and unknown login get the same answer; repeated failures are slowed down and then
//! refused for a while (`domain::throttle`). A successful sign-in always starts a new
//! session (the old id is dropped), stored server-side and named by an HttpOnly,
//! SameSite=Lax cookie.
pub mod api;
pub mod login_page;
