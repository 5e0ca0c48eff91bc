-- The events of tills' batches are written off the till's request: ingest queues one
-- row per batch (the ids of the documents that report something and the members the
-- batch created), in its own transaction; a folder turns the rows into
-- `integration_events` under the events' lock and deletes them (`integrations::
-- ingest_events`). So a batch never waits on the global events lock, and an event is
-- still neither lost nor invented: the row commits with its documents and is deleted
-- with its events.
CREATE TABLE integration_event_queue (
    id              bigserial PRIMARY KEY,
    document_ids    uuid[]    NOT NULL,
    created_members text[]    NOT NULL
);
