-- GET /v2/Transcripts?Status=…, alone or with ServiceSid, read in date order from that status's rows
-- only: at 1,000,000 transcripts a status few have (queued, in-progress) walked the whole date index,
-- or the service's, ~1 s a page (bench/README.md, "Storage measurements").
CREATE INDEX transcripts_by_status_created ON transcripts (account_sid, status, date_created, sid);
CREATE INDEX transcripts_by_service_status_created ON transcripts (account_sid, service_sid, status, date_created, sid);
