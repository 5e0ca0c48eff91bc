-- The members an RFM run moved into, out of or between segments, still to be sent to
-- the tills (src/rfm/publish.rs). Written in the run's transaction; sent after its
-- commit in slices, each in its own short transaction under the feed's lock, so a run
-- that moves a million members never holds ingest back; a send cut short is finished
-- by the next run.
CREATE TABLE member_segment_moves (
    member_id text PRIMARY KEY
);
