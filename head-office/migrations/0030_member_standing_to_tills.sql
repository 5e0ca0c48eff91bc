-- Members go down to the tills with their spend over the tier window (`tier_spend`,
-- while tiers by spend are on) and the code of their RFM segment (`segment`): the feed
-- adds both to every member it publishes from now on (src/member_standing.rs). The
-- member rows already in the feed were written without them, and an RFM run sends only
-- members whose segment changes: each such row that has something to add is sent again
-- now (a new cursor), built from the masked change already stored, so every till has
-- them at its next pull.

-- The feed's lock ("FEED", as src/feed.rs takes it): cursors in commit order.
SELECT pg_advisory_xact_lock(1178944836);

UPDATE feed f
SET cursor = nextval('feed_cursor'),
    change = json_build_object(
        'entity', 'member',
        'data', (f.change::jsonb -> 'data') || jsonb_strip_nulls(jsonb_build_object(
            'segment', (SELECT r.segment_code FROM member_rfm r
                        WHERE r.member_id = f.change::jsonb -> 'data' ->> 'id'),
            'tier_spend', CASE WHEN w.window_days IS NOT NULL THEN jsonb_build_object(
                'amount', (SELECT coalesce(sum(s.amount), 0) FROM member_spend_by_day s
                           WHERE s.member_id = f.change::jsonb -> 'data' ->> 'id'
                             AND s.business_date BETWEEN d.day - (w.window_days - 1) AND d.day)::text,
                'as_of', d.day::text) END)))
-- The chain's day (UTC+8, src/chain_time.rs) and the tier window while tiers by spend
-- are on (some threshold set).
FROM (SELECT (now() AT TIME ZONE INTERVAL '+08:00')::date AS day) d
LEFT JOIN (SELECT (data -> 'tiers' ->> 'window_days')::int AS window_days FROM loyalty_rules
           WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(data -> 'tiers' -> 'thresholds') t
                         WHERE t <> 'null'::jsonb)) w ON true
WHERE f.scope = '' AND f.change::jsonb ->> 'entity' = 'member'
  AND (w.window_days IS NOT NULL
       OR EXISTS (SELECT 1 FROM member_rfm r
                  WHERE r.member_id = f.change::jsonb -> 'data' ->> 'id'
                    AND r.segment_code IS NOT NULL));
