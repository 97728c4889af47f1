-- Failed sign-ins, per login ('login:<name>') and per client address ('addr:<ip>'), kept
-- in the database so that every app process shares them and a restart does not forget
-- them. Updated by single atomic statements (see server/db/sign_in.rs).
CREATE TABLE sign_in_failures (
    key     TEXT    PRIMARY KEY,
    count   INTEGER NOT NULL CHECK (count > 0),
    last_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sign_in_failures_last_at ON sign_in_failures (last_at);
