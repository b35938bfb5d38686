-- Transcripts (TRANSCRIPTS.md §1–2), their sentences and operator results. A transcript outlives its
-- service (no foreign key): its settings were copied when it was created.
CREATE TABLE transcripts (
  sid TEXT PRIMARY KEY,
  account_sid TEXT NOT NULL,
  service_sid TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'in-progress', 'completed', 'failed')),
  channel TEXT NOT NULL,
  media_url TEXT,
  source_sid TEXT,
  language_code TEXT NOT NULL,
  data_logging INTEGER NOT NULL,
  redaction INTEGER NOT NULL,
  media_redaction INTEGER NOT NULL,
  customer_key TEXT,
  media_start_time INTEGER,
  duration INTEGER NOT NULL DEFAULT 0,
  operator_sids TEXT NOT NULL,
  error_code INTEGER,
  error_message TEXT,
  media_path TEXT,
  media_content_type TEXT,
  redacted_media_path TEXT,
  date_created INTEGER NOT NULL,
  date_updated INTEGER NOT NULL
);
CREATE INDEX transcripts_by_account_created ON transcripts (account_sid, date_created, sid);
CREATE INDEX transcripts_by_service_created ON transcripts (account_sid, service_sid, date_created, sid);
CREATE UNIQUE INDEX transcripts_source_sid ON transcripts (account_sid, source_sid) WHERE source_sid IS NOT NULL;
CREATE TABLE sentences (
  transcript_sid TEXT NOT NULL REFERENCES transcripts(sid) ON DELETE CASCADE,
  sentence_index INTEGER NOT NULL,
  sid TEXT NOT NULL,
  media_channel INTEGER NOT NULL,
  start_time REAL,
  end_time REAL,
  confidence REAL,
  transcript TEXT NOT NULL,
  words TEXT NOT NULL,
  redacted_transcript TEXT,
  redacted_words TEXT,
  PRIMARY KEY (transcript_sid, sentence_index)
) WITHOUT ROWID;
CREATE TABLE operator_results (
  transcript_sid TEXT NOT NULL REFERENCES transcripts(sid) ON DELETE CASCADE,
  operator_sid TEXT NOT NULL,
  name TEXT NOT NULL,
  position INTEGER NOT NULL,
  result TEXT NOT NULL,
  redacted_result TEXT,
  date_created INTEGER NOT NULL,
  PRIMARY KEY (transcript_sid, operator_sid)
) WITHOUT ROWID;
