/**
 * Every pause, window and bound of the cross-job protocol (stated in run/README.md), in one place. All of them are
 * spent on the injected clock, so the simulation and the tests run them on virtual time.
 */

/**
 * A write built from a read of what it replaces (the run's cases, its description) is sent within this long of
 * the read, or not sent and built again from a new read: sent later, it would undo what others wrote meanwhile.
 * The pause before a job's look (settlePause) is twice its own read-to-write time, so it comes after every write
 * of a job alike built from a read that missed its cases.
 */
export const FRESH_READ_MS = 1500;

/**
 * The one bound the protocol needs from the service (run/README.md): a request that got no answer (a timeout, a
 * reset) is applied within this long of being sent, or never. A job waits until every such write of its own is
 * past this before its last look and before it marks its line done, so that nothing it sent lands afterwards.
 */
export const LATE_WRITE_MS = 60_000;

/** While waiting out a write of its own that may still land, a job looks at the run this often (under CONFIRM_GAP_MS, so it sees every line another job confirms meanwhile). */
export const IN_DOUBT_LOOK_MS = 1500;

/**
 * Such a look waits this long for its answer at least (twice the job's slowest round trip when that is longer),
 * and is sent once: its retry is the next look. Looks left hanging for the client's full timeout (30 s), then
 * retried, took every request the client keeps in flight (4) and kept the next looks from being sent: the job was
 * blind while another job confirmed its done line, and its own late write then dropped that line for good
 * (seed 101869). Under this bound at most three looks hang at once, beside the write being watched.
 */
export const IN_DOUBT_LOOK_TIMEOUT_MS = 4000;

/** Jobs that found or created the run at the same moment start their first read at random within this. */
export const START_SPREAD_MS = 1000;

/** The pause before reading back a selection write: half of a ceiling that doubles per attempt, plus jitter. */
export const READ_BACK_FIRST_MS = 500;
export const READ_BACK_MAX_MS = 4000;

/** Before a look at what this job sent: twice its longest read-to-write time (see settlePause), at least this. */
export const SETTLE_MIN_MS = 1000;

/** Looks while late writes keep removing cases, beyond which this job stops waiting for them. */
export const QUIET_LOOKS = 3;

/** Put-backs refused while the case is in the run, after which the result is given up (named as refused). */
export const REFUSALS_IN_RUN = 2;

/** Put-backs refused as "not part of the test run" (another job's write removed the case again) before giving up. */
export const MEMBERSHIP_REFUSALS = 8;

/** Rounds of writing this job's line into the run's description before giving up (a crowd keeps replacing it). */
export const LEDGER_ATTEMPTS = 20;

/** Two reads holding every line seen confirm it, this far apart (plus jitter): later than any write built earlier. */
export const CONFIRM_GAP_MS = FRESH_READ_MS + 300;
export const CONFIRM_JITTER_MS = 500;

/** Rounds of writing this job's worse results again after another job's better one replaced them. */
export const REASSERT_ROUNDS = 3;

/** How long the close step waits for shards whose line is missing or not yet done, and how often it looks. */
export const CLOSE_WAIT_MS = 60_000;
export const CLOSE_POLL_MS = 5_000;

/**
 * Under `--shard-total`, jobs that finish together each see every shard done and would each close the run: they
 * take turns this far apart (at least; a slow service stretches it to CLOSE_TURN_ROUND_TRIPS of the job's own
 * round trips), and a job whose turn comes finds the run closed and stands down. Turns beyond CLOSE_TURNS_MAX
 * share the last one, so a job never waits more than that many turns.
 */
export const CLOSE_TURN_MS = 3_000;
export const CLOSE_TURN_ROUND_TRIPS = 10;
export const CLOSE_TURNS_MAX = 3;

/** Rounds of putting back cases and worst results at close (each reads the run back first). */
export const CLOSE_REPAIR_ROUNDS = 4;

/** A job's line in the run's description holds at most this many characters (lists fall back to counts). */
export const LEDGER_LINE_MAX = 4000;
